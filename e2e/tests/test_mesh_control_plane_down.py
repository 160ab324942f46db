"""Mesh mode: the data plane does not depend on the control plane being up.

Control plane killed (SIGKILL) -> sidecars keep serving their last config and traffic
keeps flowing; a backend registered meanwhile is not learned. Control plane restarted
-> sidecars reconnect (/xds connected again) and the new endpoint is used.
"""

import time
import unittest

from harness import mesh
from harness.testcase import ClusterTestCase

PORT = 8080
# The sidecar's ADS stream waits for the channel to be ready (gRPC reconnect
# backoff capped at 1 s), so sidecars resync about a second after the control plane
# is back; the limit leaves room for a loaded CI machine.
RESYNC_TIMEOUT_S = 8.0


class ControlPlaneDownTest(ClusterTestCase):
    def test_traffic_survives_control_plane_restart(self):
        cp = self.cluster.add_control_plane()
        cp.add_service("backend", PORT, selector={"app": "backend"})
        b1 = self.cluster.add_mesh_pod("be1", labels={"app": "backend"})
        b1.start_http_server(PORT)
        fe = self.cluster.add_mesh_pod("fe", labels={"app": "frontend"})
        cp.wait_endpoints([fe], "backend", PORT, [b1.ip])
        url = f"http://backend:{PORT}/"

        cp.kill()
        self.assertFalse(cp.alive())
        cp.wait_connected([fe, b1], connected=False, timeout=10.0)
        # Traffic goes on with the last config, while the proxies try to reconnect.
        load = mesh.spawn_load(fe, url, duration=3.0, rate=100, name="load-cp-down")
        # Registering a new backend now changes only the directory: nobody serves it.
        b2 = self.cluster.add_mesh_pod("be2", labels={"app": "backend"}, sidecar=False)
        b2.start_http_server(PORT)
        self.assertIsNotNone(load.wait(15.0), "load client did not finish")
        _, during = mesh.read_records(load)
        self.assertIsNotNone(during)
        self.assertGreater(during["sent"], 200, during)
        self.assertEqual(during["ok"], during["sent"], during)
        self.assertEqual(set(during["served_by"]), {"be1"}, during)
        dump = fe.sidecar.config_dump()
        self.assertEqual(mesh.dump_endpoints(dump, "backend", PORT), [f"{b1.ip}:{PORT}"])
        self.assertFalse(cp.xds_status(fe)["connected"])

        mark = cp.log_mark()
        down_at = time.monotonic()
        cp.start()
        cp.wait_log(r'node "default/fe" connected', since=mark, timeout=RESYNC_TIMEOUT_S)
        took = cp.wait_endpoints([fe], "backend", PORT, [b1.ip, b2.ip],
                                 timeout=RESYNC_TIMEOUT_S)
        cp.wait_connected([fe, b1], connected=True, timeout=RESYNC_TIMEOUT_S)
        print(f"resynced: new endpoint on fe {time.monotonic() - down_at:.2f}s after the "
              f"restart (endpoint wait {took:.2f}s)")
        summary = mesh.run_load(fe, url, count=100)
        self.assertEqual(summary["ok"], 100, summary)
        self.assertEqual(set(summary["served_by"]), {"be1", "be2"}, summary)
        self.assertEqual(cp.xds_status(fe)["updates_rejected"], 0)


if __name__ == "__main__":
    unittest.main()
