"""IPv6 traffic is captured by both sidecars and keeps its original destination.

Pods a and b get ULA addresses (Pod.add_ipv6) next to their IPv4 ones, mesh-init runs
with --ipv6 (ip6tables capture), and each sidecar gets IPv6 listeners beside the default
IPv4 ones: the proxy binds IPv6 sockets with IPV6_V6ONLY, so `::` and `0.0.0.0` on the
same port are distinct listeners. A request only reaches the app if each proxy recovered
the IPv6 original destination (IP6T_SO_ORIGINAL_DST): the passthrough clusters have no
endpoints of their own. The per-listener counters prove which listener carried it.
"""

import copy

from harness.sidecar_config import INBOUND_PORT, OUTBOUND_PORT, static_sidecar_config
from harness.testcase import SidecarTestCase

BINARY = bytes(range(256)) * 16 + b"\r\n\r\nGET / HTTP/1.1\r\n"  # 4 KiB, not HTTP


def dual_stack_sidecar_config():
    """The default bootstrap plus outbound6 ([::]:15001) and inbound6 ([::]:15006)."""
    config = static_sidecar_config()
    by_name = {listener["name"]: listener for listener in config["listeners"]}
    for name, port in (("outbound", OUTBOUND_PORT), ("inbound", INBOUND_PORT)):
        listener = copy.deepcopy(by_name[name])
        assert listener["port"] == port, listener
        listener["name"] = name + "6"
        listener["address"] = "::"
        config["listeners"].append(listener)
    return config


class Ipv6CaptureTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.a.add_ipv6()
        self.b.add_ipv6()
        self.b.start_http_server(8080, address="::")
        self.b.start_tcp_echo(9000, banner="220 weft-e2e v6 banner from b", address="::")
        self.b.start_tcp_echo(9001, address="::")
        # Without a sidecar, the pods reach each other over IPv6 (the plumbing works).
        got = self.a.tcp_exchange(self.b.ip6, 9001, b"plumbing")
        self.assertTrue(got["ok"], got)
        self.sa = self.a.add_sidecar(dual_stack_sidecar_config(), init_args=["--ipv6"])
        self.sb = self.b.add_sidecar(dual_stack_sidecar_config(), init_args=["--ipv6"])

    def test_ip6tables_capture_is_installed(self):
        for sidecar in (self.sa, self.sb):
            rules = sidecar.pod.run(["ip6tables-save", "-t", "nat"], timeout=10).stdout
            self.assertIn("--to-ports 15001", rules, rules)
            self.assertIn("--to-ports 15006", rules, rules)
            self.assertIn("::1/128", rules, rules)

    def test_http_over_ipv6_passes_both_sidecars(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        result = self.a.curl(f"http://[{self.b.ip6}]:8080/v6?q=1", "-6",
                             "-H", "X-Weft-Test: v6")
        self.assertEqual(result.status, 200, result)
        info = result.json()
        self.assertEqual(info["pod"], "b")
        self.assertEqual(info["path"], "/v6?q=1")
        self.assertEqual(info["headers"].get("x-weft-test"), "v6")
        # b's inbound proxy connected to the original IPv6 destination, not elsewhere.
        self.assertEqual(info["server"], f"{self.b.ip6}:8080")
        self.assertCounterDelta(self.sa, before_a, "listener.outbound6.http_rq_total", 1)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound6.http_rq_2xx", 1)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound6.http_rq_total", 1)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound6.http_rq_2xx", 1)
        # The IPv4 listeners saw nothing of it, and nothing was mistaken for opaque TCP.
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.cx_total", 0)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.cx_total", 0)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound6.tcp_cx_total", 0)

    def test_ipv4_still_uses_the_ipv4_listeners(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        result = self.a.curl(f"http://{self.b.ip}:8080/v4", "-4")
        self.assertEqual(result.status, 200, result)
        # The dual-stack server sees IPv4 as a v4-mapped IPv6 address.
        self.assertEqual(result.json()["server"], f"::ffff:{self.b.ip}:8080")
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.http_rq_total", 1)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.http_rq_total", 1)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound6.cx_total", 0)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound6.cx_total", 0)

    def _tcp_exchange_counted(self, port, data, banner):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        got = self.a.tcp_exchange(self.b.ip6, port, data, banner=banner)
        self.assertTrue(got["ok"], got)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound6.tcp_cx_total", 1)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound6.tcp_cx_total", 1)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound6.http_rq_total", 0)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound6.http_rq_total", 0)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.cx_total", 0)
        return got

    def test_tcp_over_ipv6_client_first_binary(self):
        self._tcp_exchange_counted(9001, BINARY, banner=False)

    def test_tcp_over_ipv6_server_first_on_opaque_port(self):
        got = self._tcp_exchange_counted(9000, b"HELO a\r\nQUIT\r\n", banner=True)
        self.assertEqual(got["banner"], "220 weft-e2e v6 banner from b\n")
