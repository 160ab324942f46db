"""The sidecar's command line and admin endpoints behave as the contract says."""

import json
import os

from harness import binaries
from harness import yaml_text
from harness.sidecar_config import PROXY_UID, static_sidecar_config
from harness.testcase import SidecarTestCase


class AdminTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.sa = self.a.add_sidecar()

    def test_ready_stats_and_config_dump(self):
        status, body = self.sa.admin("/ready")
        self.assertEqual((status, body.strip()), (200, "LIVE"))
        status, text = self.sa.admin("/stats")
        self.assertEqual(status, 200)
        lines = [line for line in text.splitlines() if line.strip()]
        names = [line.split(":", 1)[0] for line in lines]
        self.assertTrue(all(": " in line for line in lines), lines[:5])
        self.assertEqual(names, sorted(names))
        as_json = self.sa.stats()
        self.assertEqual(set(names), set(as_json))
        dump = json.dumps(self.sa.config_dump())
        for needle in ("outbound", "inbound", "15001", "15006", "passthrough"):
            self.assertIn(needle, dump)

    def test_drain_makes_ready_fail(self):
        status, _ = self.sa.admin("/drain", method="POST")
        self.assertEqual(status, 200)
        status, _ = self.sa.admin("/ready")
        self.assertEqual(status, 503)


class CommandLineTest(SidecarTestCase):
    def test_help_and_invalid_config(self):
        proxy = binaries.find(binaries.MESH_PROXY)
        # Inside pod a, as the proxy uid: a proxy that wrongly starts binds nothing outside.
        proc = self.a.run([proxy, "--help"], check=False, timeout=10, user=PROXY_UID)
        self.assertIn("--config", proc.stdout + proc.stderr)
        config = static_sidecar_config()
        config["listeners"][0]["port"] = 99999
        config["clusters"][0]["type"] = "bogus_type"
        path = f"{self.cluster.work_dir}/bad.yaml"
        with open(path, "w") as f:
            f.write(yaml_text.dump(config))
        os.chmod(path, 0o644)
        proc = self.a.run([proxy, f"--config={path}"], check=False, timeout=10,
                          user=PROXY_UID)
        self.assertEqual(proc.returncode, 2, proc)
        self.assertIn("99999", proc.stderr)
        self.assertIn("bogus_type", proc.stderr)
