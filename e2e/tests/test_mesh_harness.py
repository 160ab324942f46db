"""Self-tests of harness/mesh.py's pure helpers (no namespaces, no binaries)."""

import random
import unittest

from harness import mesh


class FakeControlPlane:
    def __init__(self, services):
        self.services = services


class MeshHelpersTest(unittest.TestCase):
    def test_cluster_name(self):
        self.assertEqual(mesh.cluster_name("backend", 8080),
                         "outbound|8080||backend.default.svc.cluster.local")
        self.assertEqual(mesh.cluster_name("cart", 80, "shop"),
                         "outbound|80||cart.shop.svc.cluster.local")

    def test_dump_endpoints_and_weights(self):
        name = mesh.cluster_name("backend", 8080)
        dump = {
            "clusters": [{"name": name, "endpoints": [
                {"address": "10.1.0.12", "port": 8080}, {"address": "10.1.0.11", "port": 8080}]}],
            "route_configs": [{"name": name, "virtual_hosts": [{"routes": [{
                "cluster": "", "weighted_clusters": [
                    {"name": mesh.cluster_name("backend-v1", 8080), "weight": 90},
                    {"name": mesh.cluster_name("backend-v2", 8080), "weight": 10}]}]}]}],
        }
        self.assertEqual(mesh.dump_endpoints(dump, "backend", 8080),
                         ["10.1.0.11:8080", "10.1.0.12:8080"])
        self.assertIsNone(mesh.dump_endpoints(dump, "other", 8080))
        self.assertEqual(mesh.dump_weights(dump, "backend", 8080),
                         {"backend-v1": 90, "backend-v2": 10})
        self.assertIsNone(mesh.dump_weights(dump, "backend", 9090))

    def test_hosts_text_names_every_service_at_its_vip(self):
        text = mesh.hosts_text(FakeControlPlane({("shop", "cart"): {"vip": "10.96.0.10"}}))
        line = [l for l in text.splitlines() if l.startswith("10.96.0.10")][0]
        self.assertEqual(set(line.split()[1:]),
                         {"cart", "cart.shop", "cart.shop.svc", "cart.shop.svc.cluster.local"})
        self.assertIn("localhost", text)

    def test_shift_time_finds_the_change_point(self):
        rng = random.Random(7)
        records = []
        for i in range(400):  # 100 requests/s for 4 s; the split changes at +1.5 s
            t = 1000.0 + i * 0.01
            p = 0.1 if t < 1001.5 else 0.5
            records.append({"t": t, "status": 200, "by": "v2" if rng.random() < p else "v1"})
        shift = mesh.shift_time(records, 1000.0, "v2", 0.1, 0.5)
        self.assertIsNotNone(shift)
        self.assertAlmostEqual(shift, 1.5, delta=0.3)

    def test_shift_time_without_a_change(self):
        rng = random.Random(11)
        records = [{"t": 1000.0 + i * 0.01, "status": 200,
                    "by": "v2" if rng.random() < 0.1 else "v1"} for i in range(400)]
        self.assertIsNone(mesh.shift_time(records, 1000.0, "v2", 0.1, 0.5))
        self.assertIsNone(mesh.shift_time([], 1000.0, "v2", 0.1, 0.5))


if __name__ == "__main__":
    unittest.main()
