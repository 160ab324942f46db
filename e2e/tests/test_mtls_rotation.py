"""Certificate rotation under steady traffic, end to end: workload certificates that
live 12 s (renewed at about half that), and a full root rotation (new root added to
every bundle, signing switched, old root retired), each while HTTP (one multiplexed
mTLS connection) and TCP (a new mTLS connection per exchange) load runs. Zero failed
requests is the requirement.
"""

import json
import os
import unittest

from harness import mesh
from harness import procs
from harness.testcase import ClusterTestCase

HTTP_PORT = 8080
TCP_PORT = 9000
APPS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "harness",
                    "apps")
CERT_TTL = "12s"


def certs(pod):
    return pod.sidecar.admin_json("/certs?format=json")


class MtlsRotationTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        self.cp = self.cluster.add_control_plane(
            ca=True, extra_args=[f"--workload_cert_ttl={CERT_TTL}",
                                 f"--max_workload_cert_ttl={CERT_TTL}",
                                 "--root_distribution_delay=2s"])
        self.cp.add_service("backend", [("http-8080", HTTP_PORT), ("tcp-9000", TCP_PORT)],
                            selector={"app": "backend"})
        self.be = self.cluster.add_mesh_pod("be", labels={"app": "backend"},
                                            service_account="backend")
        self.be.start_http_server(HTTP_PORT)
        self.be.start_tcp_echo(TCP_PORT)
        self.fe = self.cluster.add_mesh_pod("fe", labels={"app": "frontend"},
                                            service_account="frontend")
        self.cp.wait_endpoints([self.fe], "backend", HTTP_PORT, [self.be.ip])
        for pod in (self.be, self.fe):
            procs.wait_until(lambda: certs(pod)["ready"], timeout=10,
                             what=f"{pod.name}'s certificate")

    def start_loads(self, duration):
        http = mesh.spawn_load(self.fe, f"http://backend:{HTTP_PORT}/steady", duration=duration,
                               rate=40, name="http-load")
        tcp = self.fe.spawn(["/usr/bin/python3", os.path.join(APPS, "tcp_load.py"), "--host",
                             "backend", "--port", str(TCP_PORT), "--duration", str(duration),
                             "--rate", "20"], name="tcp-load")
        return http, tcp

    def finish_loads(self, http, tcp, duration):
        for proc in (http, tcp):
            proc.wait(timeout=duration + 30)
        _, http_summary = mesh.read_records(http)
        with open(tcp.log_path, errors="replace") as f:
            tcp_summary = json.loads([l for l in f if l.startswith("{")][-1])
        self.assertIsNotNone(http_summary)
        self.assertGreater(http_summary["sent"], 0, http_summary)
        self.assertEqual(http_summary["ok"], http_summary["sent"], http_summary)
        self.assertGreater(tcp_summary["sent"], 0, tcp_summary)
        self.assertEqual(tcp_summary["failed"], 0, tcp_summary)

    def test_leaf_rotation_under_load_has_zero_failures(self):
        built = {pod.name: certs(pod)["contexts_built"] for pod in (self.be, self.fe)}
        duration = 15
        http, tcp = self.start_loads(duration)
        self.finish_loads(http, tcp, duration)
        # Most TCP connections resumed a TLS session instead of a full handshake.
        handshakes = self.be.sidecar.counter("listener.inbound.mtls_handshakes")
        resumed = self.be.sidecar.counter("listener.inbound.mtls_resumed")
        self.assertGreater(resumed, handshakes // 2, (resumed, handshakes))
        for pod in (self.be, self.fe):
            # At least two renewals each (12 s certificates renewed at ~6 s).
            self.assertGreaterEqual(certs(pod)["contexts_built"] - built[pod.name], 2, pod.name)

    def test_root_rotation_under_load_has_zero_failures(self):
        old_roots = certs(self.be)["trust_bundle"]["roots"]
        self.assertEqual(len(old_roots), 1, old_roots)
        duration = 28
        http, tcp = self.start_loads(duration)
        meshctl = self.cp.meshctl()
        proc = self.cp.pod.run([meshctl, "certs", "rotate-root"], check=False, timeout=10)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

        def rotated(pod):
            roots = certs(pod)["trust_bundle"]["roots"]
            return len(roots) == 1 and roots != old_roots

        seen_both = False
        deadline_s = duration - 2
        for pod in (self.be, self.fe):
            procs.wait_until(lambda: len(certs(pod)["trust_bundle"]["roots"]) == 2 or rotated(pod),
                             timeout=deadline_s, what=f"{pod.name} trusting both roots")
            seen_both = seen_both or len(certs(pod)["trust_bundle"]["roots"]) == 2
        for pod in (self.be, self.fe):
            procs.wait_until(lambda: rotated(pod), timeout=deadline_s,
                             what=f"{pod.name} trusting only the new root")
        self.assertTrue(seen_both, "no proxy ever trusted both roots")
        self.finish_loads(http, tcp, duration)


if __name__ == "__main__":
    unittest.main()
