"""A Service without a selector, its endpoints written by hand in an EndpointSlice:
servers outside the mesh (no Workload, no sidecar) that meshed clients call by the
Service's name, while the mesh around them runs mTLS.

Real mesh-control-plane (local mode, with its CA), a real meshed client and plain
HTTP servers in pods of their own; the slice is edited, broken and deleted while
the client keeps calling.
"""

import unittest

from harness import mesh
from harness import procs
from harness.testcase import ClusterTestCase

SERVICE_PORT = 80
SERVER_PORT = 9090
SLICE_FILE = "endpoints/billing.yaml"


def billing_slice(endpoints, port=SERVER_PORT):
    return [{"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": "billing-1", "namespace": "default",
                          "labels": {"kubernetes.io/service-name": "billing"}},
             "addressType": "IPv4",
             "endpoints": endpoints,
             "ports": [{"name": "http", "port": port, "protocol": "TCP"}]}]


class ExternalEndpointsTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        self.cp = self.cluster.add_control_plane(ca=True)
        self.cp.add_service("billing", [("http", SERVICE_PORT)])  # no selector
        self.fe = self.cluster.add_mesh_pod("fe", labels={"app": "frontend"},
                                            service_account="frontend")
        procs.wait_until(lambda: self.fe.sidecar.admin_json("/certs?format=json")["ready"],
                         timeout=10, what="the client's workload certificate")
        self.servers = []
        for name in ("ext1", "ext2"):
            pod = self.cluster.add_pod(name)  # outside the mesh: no Workload, no sidecar
            pod.start_http_server(SERVER_PORT)
            self.servers.append(pod)

    def test_clients_reach_hand_written_endpoints_by_the_services_name(self):
        ext1, ext2 = self.servers
        url = f"http://billing:{SERVICE_PORT}/invoice"
        self.cp.apply(SLICE_FILE, billing_slice([{"addresses": [ext1.ip]}]))
        self.cp.wait_endpoints([self.fe], "billing", SERVICE_PORT, [ext1.ip],
                               target_port=SERVER_PORT)
        r = self.fe.curl(url)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["pod"], "ext1", r)
        # No sidecar answers there: plaintext with the client's own protocol, not the
        # mesh's mTLS and sidecar-to-sidecar HTTP/2 (which this HTTP/1.1 server would
        # not have answered with a 200).
        name = mesh.cluster_name("billing", SERVICE_PORT)
        cluster = next(c for c in self.fe.sidecar.config_dump()["clusters"]
                       if c["name"] == name)
        self.assertNotIn("tls", cluster)
        self.assertEqual(cluster["http_protocol"], "use_downstream", cluster)

        # A second server; the first one is leaving and serves only while no other does.
        self.cp.apply(SLICE_FILE, billing_slice([
            {"addresses": [ext1.ip],
             "conditions": {"ready": False, "serving": True, "terminating": True}},
            {"addresses": [ext2.ip]}]))
        self.cp.wait_endpoints([self.fe], "billing", SERVICE_PORT, [ext2.ip],
                               target_port=SERVER_PORT)
        summary = mesh.run_load(self.fe, url, count=20)
        self.assertEqual(summary["ok"], 20, summary)
        self.assertEqual(set(summary["served_by"]), {"ext2"}, summary)

        # Both ready: both get traffic.
        self.cp.apply(SLICE_FILE, billing_slice([{"addresses": [ext1.ip]},
                                                 {"addresses": [ext2.ip]}]))
        self.cp.wait_endpoints([self.fe], "billing", SERVICE_PORT, [ext1.ip, ext2.ip],
                               target_port=SERVER_PORT)
        summary = mesh.run_load(self.fe, url, count=40)
        self.assertEqual(summary["ok"], 40, summary)
        self.assertEqual(set(summary["served_by"]), {"ext1", "ext2"}, summary)

        # A broken edit is reported by name and loses nothing that was accepted.
        mark = self.cp.log_mark()
        self.cp.apply(SLICE_FILE, billing_slice([{"addresses": ["not-an-ip"]}], port=70000))
        self.cp.wait_log(r"endpoints\[0\]\.addresses\[0\]: \"not-an-ip\" is not an IPv4 address",
                         since=mark)
        self.cp.wait_log(r"ports\[0\]\.port: 70000 is not a port", since=mark)
        summary = mesh.run_load(self.fe, url, count=20)
        self.assertEqual(summary["ok"], 20, summary)
        self.assertEqual(set(summary["served_by"]), {"ext1", "ext2"}, summary)

        # Deleted: the Service has no endpoints, and the client is told why.
        self.cp.delete(SLICE_FILE)
        self.cp.wait_endpoints([self.fe], "billing", SERVICE_PORT, [])
        r = self.fe.curl(url)
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.header("x-weft-error"), "no_healthy_upstream", r)


if __name__ == "__main__":
    unittest.main()
