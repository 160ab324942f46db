"""Zone-aware balancing, end to end: Workloads carry their zone, each sidecar's
bootstrap names its own (`xds.zone`), and a TrafficPolicy's
`loadBalancer.zoneAware` keeps a client's requests in its zone while enough of
that zone's endpoints are up.

Real mesh-control-plane (local mode), real sidecars configured over xDS, real
HTTP servers; the answer's `pod` field says who served each request.
"""

import unittest

from harness import mesh
from harness.testcase import ClusterTestCase

PORT = 8080
URL = f"http://backend:{PORT}/where"
POLICY_FILE = "policies/backend.yaml"


def zone_policy(min_healthy_percent=None):
    zone_aware = {} if min_healthy_percent is None else {"minHealthyPercent": min_healthy_percent}
    return [{"apiVersion": "mesh.weft.dev/v1alpha1", "kind": "TrafficPolicy",
             "metadata": {"name": "backend", "namespace": "default"},
             "spec": {"targetRef": {"kind": "Service", "name": "backend"},
                      "loadBalancer": {"type": "RoundRobin", "zoneAware": zone_aware}}}]


class ZoneAwareTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        self.cp = self.cluster.add_control_plane()
        self.cp.add_service("backend", PORT, selector={"app": "backend"})
        self.backends = {}
        for name, zone in (("bea", "a"), ("beb1", "b"), ("beb2", "b")):
            pod = self.cluster.add_mesh_pod(name, labels={"app": "backend"}, zone=zone)
            pod.start_http_server(PORT)
            self.backends[name] = pod
        self.fe = self.cluster.add_mesh_pod("fe", labels={"app": "frontend"}, zone="a")
        self.cp.wait_endpoints([self.fe], "backend", PORT,
                               [p.ip for p in self.backends.values()])

    def wait_min_healthy_percent(self, percent):
        self.cp.wait_synced(
            [self.fe],
            lambda d: any(c.get("name") == mesh.cluster_name("backend", PORT) and
                          c["load_balancing"]["locality_min_healthy_percent"] == percent
                          for c in d.get("clusters", [])),
            what=f"zone preference {percent}% on the client's backend cluster")

    def test_requests_stay_in_the_clients_zone_while_it_has_endpoints(self):
        # Without the policy, every zone gets requests.
        summary = mesh.run_load(self.fe, URL, count=60)
        self.assertEqual(summary["ok"], 60, summary)
        self.assertEqual(set(summary["served_by"]), {"bea", "beb1", "beb2"}, summary)
        # The endpoints arrive with their Workloads' zones.
        name = mesh.cluster_name("backend", PORT)
        cluster = next(c for c in self.fe.sidecar.config_dump()["clusters"] if c["name"] == name)
        zones = {e["address"]: e.get("zone") for e in cluster["endpoints"]}
        self.assertEqual(zones, {self.backends["bea"].ip: "a", self.backends["beb1"].ip: "b",
                                 self.backends["beb2"].ip: "b"}, cluster)

        self.cp.apply(POLICY_FILE, zone_policy())
        self.wait_min_healthy_percent(70)
        summary = mesh.run_load(self.fe, URL, count=60)
        self.assertEqual(summary["ok"], 60, summary)
        self.assertEqual(set(summary["served_by"]), {"bea"}, summary)

        # Zone a's only backend stops being ready: requests spill over to zone b.
        self.cp.register(self.backends["bea"], ready=False)
        self.cp.wait_endpoints([self.fe], "backend", PORT,
                               [self.backends["beb1"].ip, self.backends["beb2"].ip])
        summary = mesh.run_load(self.fe, URL, count=60)
        self.assertEqual(summary["ok"], 60, summary)
        self.assertEqual(set(summary["served_by"]), {"beb1", "beb2"}, summary)


if __name__ == "__main__":
    unittest.main()
