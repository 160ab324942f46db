"""Mesh mode: an invalid manifest is rejected by the control plane, which logs the
file and the field, and pushes nothing: the proxies keep serving the old config
(traffic unchanged). Fixing the file applies it.
"""

import re
import unittest

from harness import mesh
from harness.testcase import ClusterTestCase

PORT = 8080
ROUTE_FILE = "routes/backend-split.yaml"
# The control plane checks its directory every second; give it a few checks.
REJECT_TIMEOUT_S = 5.0


def route_text(v1_name, v1_weight, v2_name="backend-v2", v2_weight=0, weight_key="weight"):
    """Text, not dicts: the typo'd key must reach the file verbatim."""
    return f"""apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: backend-split, namespace: default}}
spec:
  parentRefs:
    - {{kind: Service, name: backend, port: {PORT}}}
  rules:
    - backendRefs:
        - {{name: {v1_name}, port: {PORT}, weight: {v1_weight}}}
        - {{name: {v2_name}, port: {PORT}, {weight_key}: {v2_weight}}}
"""


class InvalidManifestTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        cp = self.cp = self.cluster.add_control_plane()
        cp.add_service("backend", PORT, selector={"app": "backend"})
        cp.add_service("backend-v1", PORT, selector={"app": "backend", "version": "v1"})
        cp.add_service("backend-v2", PORT, selector={"app": "backend", "version": "v2"})
        cp.apply(ROUTE_FILE, route_text("backend-v1", 100, v2_weight=1))
        for version in ("v1", "v2"):
            self.cluster.add_mesh_pod(version, labels={"app": "backend", "version": version}
                                      ).start_http_server(PORT)
        self.fe = self.cluster.add_mesh_pod("fe", labels={"app": "frontend"})
        cp.wait_weights([self.fe], "backend", PORT, {"backend-v1": 100, "backend-v2": 1})
        self.url = f"http://backend:{PORT}/"

    def assert_rejected_and_unchanged(self, text, expected_log):
        mark = self.cp.log_mark()
        self.cp.replace(ROUTE_FILE, text)
        found = self.cp.wait_log(expected_log, since=mark, timeout=REJECT_TIMEOUT_S)
        print(f"control plane: {found.group(0)}")
        self.assertIn("manifests rejected", self.cp.log_since(mark))
        self.assertNotRegex(self.cp.log_since(mark), r"model \w+ accepted")
        dump = self.fe.sidecar.config_dump()
        self.assertEqual(mesh.dump_weights(dump, "backend", PORT),
                         {"backend-v1": 100, "backend-v2": 1})
        self.assertEqual(self.cp.xds_status(self.fe)["updates_rejected"], 0)
        summary = mesh.run_load(self.fe, self.url, count=100)
        self.assertEqual(summary["ok"], 100, summary)
        self.assertGreaterEqual(summary["served_by"].get("v1", 0), 90, summary)

    def test_rejected_then_fixed(self):
        # A backendRef to a Service that does not exist.
        self.assert_rejected_and_unchanged(
            route_text("backend-v1", 1, v2_name="backend-v3", v2_weight=100),
            re.escape(ROUTE_FILE) + r"\[0\] spec\.rules\[0\]\.backendRefs\[1\]\.name: "
            r"unknown Service default/backend-v3[^\n]*")
        # A typo'd field name.
        self.assert_rejected_and_unchanged(
            route_text("backend-v1", 1, v2_weight=100, weight_key="weigth"),
            re.escape(ROUTE_FILE) + r"\[0\] spec\.rules\[0\]\.backendRefs\[1\]\.weigth: "
            r"unknown key[^\n]*")
        # Fixed: the new split applies.
        mark = self.cp.log_mark()
        self.cp.replace(ROUTE_FILE, route_text("backend-v1", 1, v2_weight=100))
        self.cp.wait_log(r"model \w+ accepted", since=mark, timeout=REJECT_TIMEOUT_S)
        self.cp.wait_weights([self.fe], "backend", PORT, {"backend-v1": 1, "backend-v2": 100})
        summary = mesh.run_load(self.fe, self.url, count=100)
        self.assertEqual(summary["ok"], 100, summary)
        self.assertGreaterEqual(summary["served_by"].get("v2", 0), 90, summary)


if __name__ == "__main__":
    unittest.main()
