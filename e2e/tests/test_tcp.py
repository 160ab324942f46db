"""Non-HTTP TCP is proxied opaquely through both sidecars.

Port 9000 is a server-first protocol (banner before the client speaks) and is declared
in opaque_ports; port 9001 is client-first binary, which the sniffer must classify as
not-HTTP. Both must round-trip intact and count as tcp_cx_total on both sides.
"""

from harness.testcase import SidecarTestCase

BINARY = bytes(range(256)) * 64 + b"\r\n\r\nGET / HTTP/1.1\r\n"  # 16 KiB + HTTP-ish tail


class OpaqueTcpTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.b.start_tcp_echo(9000, banner="220 weft-e2e banner from b")
        self.b.start_tcp_echo(9001)
        self.sa = self.a.add_sidecar()
        self.sb = self.b.add_sidecar()

    def _exchange_counted(self, port, data, banner):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        got = self.a.tcp_exchange(self.b.ip, port, data, banner=banner)
        self.assertTrue(got["ok"], got)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.tcp_cx_total", 1)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.tcp_cx_total", 1)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.http_rq_total", 0)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.http_rq_total", 0)
        return got

    def test_server_first_protocol_on_opaque_port(self):
        got = self._exchange_counted(9000, b"HELO a\r\nQUIT\r\n", banner=True)
        self.assertEqual(got["banner"], "220 weft-e2e banner from b\n")

    def test_client_first_binary_protocol_is_sniffed_as_tcp(self):
        self._exchange_counted(9001, BINARY, banner=False)
