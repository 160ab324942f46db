"""Mesh mode: an HTTPRoute splits a Service's traffic by weight, and a changed split
applies to running traffic within a second or so.

backend (all versions) <- HTTPRoute 90/10 -> backend-v1 / backend-v2. 1000 requests
from the frontend (by name, through its sidecar) must give v2 10% +- 4% (the binomial
standard deviation is ~0.95%, so this fails only on a real skew). Then 50/50 is
applied while traffic runs at a fixed rate; the time from the manifest write until
the frontend's traffic follows the new split is measured and must be < 2 s (the
control plane polls its directory every second).
"""

import time
import unittest

from harness import mesh
from harness.testcase import ClusterTestCase

PORT = 8080
REQUESTS = 1000
V2_SHARE, V2_TOLERANCE = 0.10, 0.04
MAX_SHIFT_S = 2.0


def split_route(v1, v2):
    return [{
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "backend-split", "namespace": "default"},
        "spec": {
            "parentRefs": [{"kind": "Service", "name": "backend", "port": PORT}],
            "rules": [{"backendRefs": [
                {"name": "backend-v1", "port": PORT, "weight": v1},
                {"name": "backend-v2", "port": PORT, "weight": v2}]}],
        },
    }]


class WeightedSplitTest(ClusterTestCase):
    def test_split_and_live_change(self):
        cp = self.cluster.add_control_plane()
        cp.add_service("backend", PORT, selector={"app": "backend"})
        cp.add_service("backend-v1", PORT, selector={"app": "backend", "version": "v1"})
        cp.add_service("backend-v2", PORT, selector={"app": "backend", "version": "v2"})
        cp.apply("routes/backend-split.yaml", split_route(90, 10))
        for version in ("v1", "v2"):
            pod = self.cluster.add_mesh_pod(version, labels={"app": "backend",
                                                             "version": version})
            pod.start_http_server(PORT)
        fe = self.cluster.add_mesh_pod("fe", labels={"app": "frontend"})
        cp.wait_weights([fe], "backend", PORT, {"backend-v1": 90, "backend-v2": 10})
        for version in ("v1", "v2"):
            cp.wait_endpoints([fe], f"backend-{version}", PORT,
                              [self.cluster.pods[version].ip])

        url = f"http://backend:{PORT}/split"
        summary = mesh.run_load(fe, url, count=REQUESTS, duration=60)
        self.assertEqual(summary["ok"], REQUESTS, summary)
        share = summary["served_by"].get("v2", 0) / REQUESTS
        print(f"90/10: v2 served {share:.1%} of {REQUESTS} requests "
              f"(expected {V2_SHARE:.0%} +- {V2_TOLERANCE:.0%}) {summary['served_by']}")
        self.assertAlmostEqual(share, V2_SHARE, delta=V2_TOLERANCE, msg=summary)

        # 50/50 while traffic flows at 200 requests/s.
        load = mesh.spawn_load(fe, url, duration=5.0, rate=200, name="load-shift")
        time.sleep(1.5)
        changed_at = time.time()
        cp.replace("routes/backend-split.yaml", split_route(50, 50))
        applied = cp.wait_weights([fe], "backend", PORT, {"backend-v1": 50, "backend-v2": 50},
                                  timeout=5.0)
        self.assertIsNotNone(load.wait(15.0), "load client did not finish")
        records, during = mesh.read_records(load)
        self.assertEqual(during["ok"], during["sent"], during)
        before = [r for r in records if r["t"] < changed_at]
        shift = mesh.shift_time(records, changed_at, "v2", 0.1, 0.5)
        self.assertIsNotNone(shift, "the traffic never followed the 50/50 split")
        after = [r for r in records if r["t"] >= changed_at + shift]
        before_v2 = sum(r["by"] == "v2" for r in before) / max(1, len(before))
        after_v2 = sum(r["by"] == "v2" for r in after) / max(1, len(after))
        print(f"50/50 applied: sidecar config after {applied:.2f}s, traffic shifted after "
              f"{shift:.1f}s; v2 share before {before_v2:.1%} ({len(before)} requests), "
              f"after {after_v2:.1%} ({len(after)} requests)")
        self.assertLess(applied, MAX_SHIFT_S)
        self.assertLess(shift, MAX_SHIFT_S)
        self.assertLess(before_v2, 0.2)
        self.assertAlmostEqual(after_v2, 0.5, delta=0.12)


if __name__ == "__main__":
    unittest.main()
