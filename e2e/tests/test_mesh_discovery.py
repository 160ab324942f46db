"""Mesh mode: a frontend calls http://backend:8080 by name; its sidecar learns the
backend's endpoints from the control plane, and follows them as Workloads come and go.

Real mesh-control-plane (local mode, manifests in a directory), real mesh-proxy
sidecars configured only over xDS, real mesh-init capture, clients in the pods.
"""

import unittest

from harness import mesh
from harness.testcase import ClusterTestCase

BACKEND_PORT = 8080


class MeshDiscoveryTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        self.cp = self.cluster.add_control_plane()
        self.cp.add_service("frontend", BACKEND_PORT, selector={"app": "frontend"})
        self.cp.add_service("backend", BACKEND_PORT, selector={"app": "backend"})

    def backend_pod(self, name):
        pod = self.cluster.add_mesh_pod(name, labels={"app": "backend"},
                                        service_account="backend")
        pod.start_http_server(BACKEND_PORT)
        return pod

    def test_calls_by_name_and_follows_endpoints(self):
        b1 = self.backend_pod("be1")
        b2 = self.backend_pod("be2")
        fe = self.cluster.add_mesh_pod("fe", labels={"app": "frontend"},
                                       service_account="frontend")
        self.cp.wait_endpoints([fe], "backend", BACKEND_PORT, [b1.ip, b2.ip])

        # By every name the hosts file gives, through the outbound chain of the VIP.
        for host in ("backend", "backend.default", "backend.default.svc.cluster.local",
                     self.cp.vip("backend")):
            r = fe.curl(f"http://{host}:{BACKEND_PORT}/hello")
            self.assertEqual(r.status, 200, f"{host}: {r}")
            self.assertIn(r.json()["pod"], ("be1", "be2"), r)

        url = f"http://backend:{BACKEND_PORT}/spread"
        summary = mesh.run_load(fe, url, count=100)
        self.assertEqual(summary["ok"], 100, summary)
        self.assertEqual(set(summary["served_by"]), {"be1", "be2"}, summary)
        stats = fe.sidecar.stats()
        backend_cluster = mesh.cluster_name("backend", BACKEND_PORT)
        self.assertGreaterEqual(int(stats.get(f"cluster.{backend_cluster}.upstream_rq_total", 0)),
                                100, {k: v for k, v in stats.items() if "backend" in k})

        # A new backend pod registers: traffic reaches it.
        b3 = self.backend_pod("be3")
        took = self.cp.wait_endpoints([fe], "backend", BACKEND_PORT, [b1.ip, b2.ip, b3.ip])
        print(f"endpoint added: sidecar had it {took:.2f}s after be3's sidecar was up")
        summary = mesh.run_load(fe, url, count=150)
        self.assertEqual(summary["ok"], 150, summary)
        self.assertEqual(set(summary["served_by"]), {"be1", "be2", "be3"}, summary)

        # be2's Workload is deleted (its server keeps running): while traffic flows
        # the sidecar drops it without a single failed request; afterwards be2 gets
        # nothing.
        load = mesh.spawn_load(fe, url, duration=4.0, rate=100, name="load-remove")
        self.cp.unregister(b2)
        took = self.cp.wait_endpoints([fe], "backend", BACKEND_PORT, [b1.ip, b3.ip])
        print(f"endpoint removed: sidecar dropped it {took:.2f}s after the manifest was deleted")
        self.assertIsNotNone(load.wait(15.0), "load client did not finish")
        records, during = mesh.read_records(load)
        self.assertIsNotNone(during, records[-5:])
        self.assertEqual(during["errors"], {}, during)
        self.assertEqual(during["ok"], during["sent"], during)
        summary = mesh.run_load(fe, url, count=150)
        self.assertEqual(summary["ok"], 150, summary)
        self.assertEqual(set(summary["served_by"]), {"be1", "be3"}, summary)


if __name__ == "__main__":
    unittest.main()
