"""HTTP traffic from an app in pod a to pod b is captured by both sidecars.

Proof is in the proxies' own counters: a's outbound listener and b's inbound listener
each count the request, and the reply reaches curl intact.
"""

import hashlib

from harness.testcase import SidecarTestCase


class HttpCaptureTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.b.start_http_server(8080)
        self.sa = self.a.add_sidecar()
        self.sb = self.b.add_sidecar()
        self.url = f"http://{self.b.ip}:8080"

    def test_request_passes_outbound_and_inbound_sidecar(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        result = self.a.curl(self.url + "/hello?q=1", "-H", "X-Weft-Test: yes")
        self.assertEqual(result.status, 200, result)
        info = result.json()
        self.assertEqual(info["pod"], "b")
        self.assertEqual(info["method"], "GET")
        self.assertEqual(info["path"], "/hello?q=1")
        self.assertEqual(info["headers"].get("x-weft-test"), "yes")
        self.assertEqual(result.header("x-served-by"), "b")
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.http_rq_total", 1)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.http_rq_2xx", 1)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.http_rq_total", 1)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.http_rq_2xx", 1)
        # Nothing was mistaken for opaque TCP.
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.tcp_cx_total", 0)

    def test_post_body_and_status_codes_pass_through(self):
        before_a = self.sa.stats()
        body = b"weft-e2e-body " * 1000
        result = self.a.curl(self.url + "/status/201", "--data-binary", "@-",
                             stdin=body.decode())
        self.assertEqual(result.status, 201, result)
        info = result.json()
        self.assertEqual(info["method"], "POST")
        self.assertEqual(info["body_len"], len(body))
        self.assertEqual(info["body_sha256"], hashlib.sha256(body).hexdigest())
        self.assertEqual(self.a.curl(self.url + "/status/404").status, 404)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.http_rq_total", 2)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.http_rq_4xx", 1)

    def test_keep_alive_requests_on_one_client_connection(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        urls = [f"{self.url}/k{i}" for i in range(3)]
        out = self.a.run(["curl", "-sS", "--max-time", "10",
                          "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                          "-w", "%{http_code} %{num_connects}\n", *urls]).stdout.split()
        # One TCP connect, then two reuses: the proxy kept the client connection open.
        self.assertEqual(out, ["200", "1", "200", "0", "200", "0"])
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.cx_total", 1)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.http_rq_total", 3)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.http_rq_total", 3)
