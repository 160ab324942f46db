"""The control plane's TLS port 15012, end to end: mesh-control-plane serves ADS and
its CA on --xds_tls_address with a certificate from its own CA; sidecars dial it by
name (weft-control-plane.weft-system.svc, mapped in the pods' hosts file) with
--xds_root_cert, get their config and workload certificates over it, and then talk
mTLS to each other. (A wrong root and a wrong name are refused: the unit test
//control-plane/xds:xds_tls_test.)

And a root rotation with running proxies: the rotated bundle is published into their
--xds_root_cert file (as the kubelet updates the weft-ca-root ConfigMap), and after
the control plane restarts with a certificate from the new root, the same proxy
processes reconnect over TLS.
"""

import json
import os
import unittest

from harness import mesh
from harness import procs
from harness.testcase import ClusterTestCase

PORT = 8080


class XdsTlsTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        self.cp = self.cluster.add_control_plane(ca=True, tls=True)
        self.fe, self.be = mesh.add_frontend_backend(self.cluster, PORT)

    def test_config_and_certificates_over_tls_then_mtls_traffic(self):
        for pod in (self.be, self.fe):
            procs.wait_until(lambda: pod.sidecar.admin_json("/certs?format=json")["ready"],
                             timeout=10, what=f"{pod.name}'s workload certificate over 15012")
            source = pod.sidecar.config_dump()["source"]
            self.assertEqual(source, f"xds:{mesh.XDS_TLS_NAME}:{mesh.XDS_TLS_PORT}")
        summary = mesh.run_load(self.fe, f"http://backend:{PORT}/hello", count=20)
        self.assertEqual(summary["ok"], 20, summary)
        self.assertGreaterEqual(self.be.sidecar.counter("listener.inbound.mtls_handshakes"), 1)
        self.assertIn("the same services over TLS", self.cp.log())
        # `meshctl proxy-config <pod> secrets`: the pod's /certs view, read on 15020.
        certs = json.loads(self.cp.pod.run(
            ["curl", "-sS", f"http://{self.fe.ip}:15020/certs?format=json"], timeout=10).stdout)
        self.assertEqual(certs["identity"], "spiffe://cluster.local/ns/default/sa/frontend")
        meshctl = self.cp.meshctl()
        out = self.cp.pod.run([meshctl, "proxy-config", "fe", "secrets", "-o", "json"],
                              timeout=20).stdout
        self.assertEqual(json.loads(out)["identity"], certs["identity"])
        table = self.cp.pod.run([meshctl, "proxy-config", "default/fe", "secrets"],
                                timeout=20).stdout
        self.assertIn("spiffe://cluster.local/ns/default/sa/frontend", table)
        self.assertIn("ACTIVE", table)
        self.assertEqual(table.count("ROOTCA"), len(certs["trust_bundle"]["roots"]))


CERT_TTL = "12s"


def trust_roots(pod):
    return pod.sidecar.admin_json("/certs?format=json")["trust_bundle"]["roots"]


class XdsTlsRootRotationTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        # Short lifetimes, so that the old root retires within seconds.
        self.cp = self.cluster.add_control_plane(
            ca=True, tls=True, extra_args=[f"--workload_cert_ttl={CERT_TTL}",
                                           f"--max_workload_cert_ttl={CERT_TTL}",
                                           "--root_distribution_delay=2s"])
        self.fe, self.be = mesh.add_frontend_backend(self.cluster, PORT)
        self.pods = (self.be, self.fe)
        for pod in self.pods:
            procs.wait_until(lambda: pod.sidecar.admin_json("/certs?format=json")["ready"],
                             timeout=10, what=f"{pod.name}'s workload certificate over 15012")

    def test_proxies_follow_the_root_file_and_reconnect_after_rotation(self):
        old_roots = trust_roots(self.fe)
        old_bundle = self.cp.publish_root_bundle()
        proc = self.cp.pod.run([self.cp.meshctl(), "certs", "rotate-root"], check=False,
                               timeout=10)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

        # Publish the bundle as it changes (both roots, then the new one alone) until
        # every proxy trusts only the new root over SDS.
        def retired():
            self.cp.publish_root_bundle()
            return all(len(trust_roots(p)) == 1 and trust_roots(p) != old_roots
                       for p in self.pods)
        procs.wait_until(retired, timeout=40, interval=0.5, what="the old root retired")
        new_bundle = self.cp.publish_root_bundle()
        self.assertNotEqual(new_bundle, old_bundle)
        for pod in self.pods:
            procs.wait_until(lambda: "--xds_root_cert" in pod.sidecar.log() and
                             " changed: " in pod.sidecar.log(), timeout=10,
                             what=f"{pod.name} reading the new root file")

        # A restart gives the control plane a certificate from the new root; the
        # proxies, not restarted, must reconnect to it over TLS.
        self.cp.kill()
        self.cp.wait_connected(list(self.pods), connected=False, timeout=10.0)
        mark = self.cp.log_mark()
        self.cp.start()
        for pod in self.pods:
            self.cp.wait_log(f'node "default/{pod.name}" connected', since=mark, timeout=30)
        self.cp.wait_connected(list(self.pods), connected=True, timeout=30.0)
        with open(os.path.join(self.cluster.work_dir, "xds-root-cert.pem")) as f:
            self.assertEqual(f.read(), new_bundle)
        summary = mesh.run_load(self.fe, f"http://backend:{PORT}/hello", count=20)
        self.assertEqual(summary["ok"], 20, summary)


if __name__ == "__main__":
    unittest.main()
