"""The control plane's TLS port 15012, end to end: mesh-control-plane serves ADS and
its CA on --xds_tls_address with a certificate from its own CA; sidecars dial it by
name (weft-control-plane.weft-system.svc, mapped in the pods' hosts file) with
--xds_root_cert, get their config and workload certificates over it, and then talk
mTLS to each other. (A wrong root and a wrong name are refused: the unit test
//control-plane/xds:xds_tls_test.)
"""

import unittest

from harness import mesh
from harness import procs
from harness.testcase import ClusterTestCase

PORT = 8080


class XdsTlsTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        self.cp = self.cluster.add_control_plane(ca=True, tls=True)
        self.cp.add_service("backend", PORT, selector={"app": "backend"})
        self.be = self.cluster.add_mesh_pod("be", labels={"app": "backend"},
                                            service_account="backend")
        self.be.start_http_server(PORT)
        self.fe = self.cluster.add_mesh_pod("fe", labels={"app": "frontend"},
                                            service_account="frontend")
        self.cp.wait_endpoints([self.fe], "backend", PORT, [self.be.ip])

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


if __name__ == "__main__":
    unittest.main()
