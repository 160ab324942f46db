"""Capture exemptions: excluded ports bypass the proxy, and the proxy's own upstream
connections (uid 1337) are never captured again (no redirect loop)."""

from harness.testcase import SidecarTestCase


class ExcludedOutboundPortTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.b.start_http_server(8080)
        self.b.start_http_server(9100)
        self.sa = self.a.add_sidecar(init_args=["--exclude_outbound_ports=9100"])
        self.sb = self.b.add_sidecar()

    def test_excluded_port_bypasses_outbound_sidecar(self):
        before = self.sa.stats()
        result = self.a.curl(f"http://{self.b.ip}:9100/excluded")
        self.assertEqual(result.status, 200, result)
        self.assertEqual(result.json()["pod"], "b")
        self.assertCounterDelta(self.sa, before, "listener.outbound.cx_total", 0)
        self.assertCounterDelta(self.sa, before, "listener.outbound.http_rq_total", 0)
        # Control: a port that is not excluded does go through the outbound sidecar, so
        # the zero above is not an artefact of a sidecar that counts nothing.
        before = self.sa.stats()
        self.assertEqual(self.a.curl(f"http://{self.b.ip}:8080/captured").status, 200)
        self.assertCounterDelta(self.sa, before, "listener.outbound.cx_total", 1)


class NoCaptureLoopTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.b.start_http_server(8080)
        self.sa = self.a.add_sidecar()
        self.sb = self.b.add_sidecar()

    def test_each_client_connection_enters_the_outbound_listener_once(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        connections = 3
        for i in range(connections):
            result = self.a.curl(f"http://{self.b.ip}:8080/c{i}")
            self.assertEqual(result.status, 200, result)
        # A loop would show up as the proxy's upstream connection re-entering 15001.
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.cx_total", connections)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.http_rq_total",
                                connections)
        # a's sidecar does not see its own traffic on the inbound side either, and b's
        # inbound sidecar's connection to the app is not captured by b's outbound.
        self.assertCounterDelta(self.sa, before_a, "listener.inbound.cx_total", 0)
        self.assertCounterDelta(self.sb, before_b, "listener.outbound.cx_total", 0)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.http_rq_total",
                                connections)
        # a's proxy may pool upstream connections, so b sees between 1 and 3 of them.
        inbound_cx = self.sb.counter("listener.inbound.cx_total") - int(
            before_b.get("listener.inbound.cx_total", 0))
        self.assertTrue(1 <= inbound_cx <= connections, inbound_cx)
