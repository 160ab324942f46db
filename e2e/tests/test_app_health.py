"""The kubelet's rewritten probes (docs/injection.md) reach the app through its sidecar.

Pod b runs an app on 8080 and a sidecar whose mesh-proxy has WEFT_APP_PROBES in its
environment, as the injector writes it; mesh-init excludes 15020 from capture, as the
injector asks. Pod a plays the kubelet: plain curl to b's pod IP on 15020. While the
app answers, /app-health/app/readyz is 200; once it is stopped, 503 naming the cause.
A WEFT_APP_PROBES that is not JSON stops mesh-proxy at start with exit 2.

The kubelet's grpc probes too: a python3-grpcio server with the standard health service
(grpc.health.v1.Health/Check); the proxy asks it over HTTP/2 and answers 200 only for
SERVING.
"""

import json

from harness import binaries
from harness import h2_apps
from harness.testcase import SidecarTestCase

APP_PORT = 8080
HEALTH_PORT = 15020
PROBES = {
    "/app-health/app/readyz": {"httpGet": {"path": "/status/204", "port": APP_PORT,
                                           "httpHeaders": [{"name": "X-Probe", "value": "1"}]},
                               "timeoutSeconds": 2},
    "/app-health/app/livez": {"tcpSocket": {"port": APP_PORT}},
    "/app-health/app/startupz": {"httpGet": {"path": "/status/500", "port": APP_PORT}},
}


class AppHealthTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.app = self.b.start_http_server(APP_PORT)
        self.sb = self.b.add_sidecar(init_args=[f"--exclude_inbound_ports={HEALTH_PORT}"],
                                     proxy_env={"WEFT_APP_PROBES": json.dumps(PROBES)})

    def probe(self, path):
        return self.a.curl(f"http://{self.b.ip}:{HEALTH_PORT}{path}")

    def test_probes_follow_the_app(self):
        ready = self.probe("/app-health/app/readyz")
        self.assertEqual(ready.status, 200, ready)
        self.assertIn(b"answered 204", ready.body)
        self.assertEqual(self.probe("/app-health/app/livez").status, 200)
        startup = self.probe("/app-health/app/startupz")
        self.assertEqual(startup.status, 503, startup)
        self.assertIn(b"answered 500", startup.body)
        unknown = self.probe("/app-health/other/readyz")
        self.assertEqual(unknown.status, 404, unknown)
        self.assertIn(b"/app-health/other/readyz", unknown.body)

        self.app.stop(grace_s=3.0)
        for path in ("/app-health/app/readyz", "/app-health/app/livez"):
            down = self.probe(path)
            self.assertEqual(down.status, 503, down)
            self.assertIn(b"cannot connect to 127.0.0.1:8080", down.body)

    def test_bad_app_probes_stop_the_proxy_at_start(self):
        proc = self.b.run(["/usr/bin/env", "WEFT_APP_PROBES={not json",
                           binaries.find(binaries.MESH_PROXY),
                           f"--config={self.sb.bootstrap_path}"], check=False, timeout=10)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("invalid WEFT_APP_PROBES: not JSON", proc.stderr)


GRPC_PORT = 50051
GRPC_PROBES = {
    "/app-health/api/readyz": {"grpc": {"port": GRPC_PORT}, "timeoutSeconds": 3},
    "/app-health/api/livez": {"grpc": {"port": GRPC_PORT, "service": "shop.Catalog"}},
    "/app-health/api/startupz": {"grpc": {"port": GRPC_PORT, "service": "shop.Orders"},
                                 "timeoutSeconds": 3},
}


class GrpcAppHealthTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.server = h2_apps.start_grpc_server(self.b, GRPC_PORT,
                                                health=["shop.Catalog=NOT_SERVING"])
        self.b.add_sidecar(init_args=[f"--exclude_inbound_ports={HEALTH_PORT}"],
                           proxy_env={"WEFT_APP_PROBES": json.dumps(GRPC_PROBES)})

    def probe(self, path):
        return self.a.curl(f"http://{self.b.ip}:{HEALTH_PORT}{path}")

    def test_grpc_probes_follow_the_health_service(self):
        ready = self.probe("/app-health/api/readyz")
        self.assertEqual(ready.status, 200, ready)
        self.assertIn(b"gRPC health of the server at 127.0.0.1:50051: SERVING", ready.body)
        live = self.probe("/app-health/api/livez")
        self.assertEqual(live.status, 503, live)
        self.assertIn(b'"shop.Catalog"', live.body)
        self.assertIn(b"NOT_SERVING", live.body)
        unknown = self.probe("/app-health/api/startupz")
        self.assertEqual(unknown.status, 503, unknown)
        self.assertIn(b"grpc-status 5", unknown.body)  # NOT_FOUND: not a known service

        self.server.stop(grace_s=3.0)
        down = self.probe("/app-health/api/readyz")
        self.assertEqual(down.status, 503, down)
        self.assertIn(b"cannot connect to 127.0.0.1:50051", down.body)
