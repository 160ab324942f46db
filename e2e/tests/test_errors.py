"""Proxy-generated errors carry a reason in x-weft-error."""

from harness.testcase import SidecarTestCase


class UpstreamDownTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.app = self.b.start_http_server(8080)
        self.sa = self.a.add_sidecar()
        self.sb = self.b.add_sidecar()

    def test_killed_upstream_gives_503_connect_failed(self):
        url = f"http://{self.b.ip}:8080/"
        self.assertEqual(self.a.curl(url).status, 200)  # healthy first
        self.app.stop()
        self.assertFalse(self.b.listening(8080))
        before_a, before_b = self.sa.stats(), self.sb.stats()
        result = self.a.curl(url + "after-kill")
        self.assertEqual(result.status, 503, result)
        self.assertEqual(result.header("x-weft-error"), "connect_failed", result)
        # b's sidecar accepted the captured connection and failed to reach the app, so it
        # is the one that generates the error; a's passes it on.
        self.assertCounterDelta(self.sb, before_b, "proxy.errors.connect_failed", 1)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.http_rq_5xx", 1)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.http_rq_5xx", 1)
