"""gRPC through two sidecars: client pod a -> a's outbound listener -> b's inbound
listener -> apps/grpc_test_server.py in pod b (static bootstrap, real capture).

Depends on (issue 3): HTTP/2 downstream and upstream in mesh-proxy (h2c prior
knowledge detected by `protocol: auto`, streams multiplexed, trailers forwarded,
RST_STREAM propagated both ways, no message-size limit below 64 MiB). Until then the
proxy either carries the connection as opaque TCP (then the counter checks fail: each
call must count as one HTTP request on both listeners, not as a TCP connection) or
rejects it.

What each test expects from the proxy:
  - four call kinds: bytes, x-test-* metadata (ASCII and -bin) and grpc-status
    unchanged; every call counted in listener.<l>.http_rq_total, none as tcp_cx_total;
  - status codes: grpc-status / grpc-message (percent-encoded UTF-8) passed unchanged,
    for trailers-only answers and for trailers after streamed messages;
  - large messages: 5 MiB each way, flow control both ways;
  - 100 concurrent streams on one channel: all served, the server sees 100 at once;
  - deadline: DEADLINE_EXCEEDED within the deadline + 1 s, grpc-timeout forwarded
    (the server sees 3-5 s left of a 5 s deadline);
  - cancellation: the client's RST_STREAM(CANCEL) reaches the server through both
    sidecars (server stream and bidi).
"""

import unittest

from harness import h2_apps
from harness.testcase import SidecarTestCase

PORT = h2_apps.GRPC_PORT


class GrpcThroughSidecarsTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        problems = h2_apps.missing_tools()
        self.assertEqual(problems, [], "install the Debian packages named")
        h2_apps.start_grpc_server(self.b, PORT, name="b", version="v1")
        self.sa = self.a.add_sidecar()
        self.sb = self.b.add_sidecar()
        self.target = f"{self.b.ip}:{PORT}"

    def client(self, scenario, *args, timeout=60):
        result = h2_apps.grpc_client(self.a, self.target, scenario, *args, timeout=timeout)
        print(f"{scenario} {' '.join(map(str, args))}: ok={result['ok']} "
              f"{result.get('seconds')}s {result['problems']}")
        return result

    def assertNoTcpFallback(self, before_a, before_b):
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.tcp_cx_total", 0)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.tcp_cx_total", 0)

    def test_four_call_kinds(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        result = self.client("kinds")
        self.assertTrue(result["ok"], result)
        for kind in ("unary", "server_stream", "client_stream", "bidi"):
            self.assertEqual(result["details"][kind]["initial"].get("x-served-by"), "b", kind)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.http_rq_total", 4)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.http_rq_total", 4)
        self.assertNoTcpFallback(before_a, before_b)

    def test_status_codes_and_messages_unchanged(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        cases = [("NOT_FOUND", "no such thing: café 100% ✓", "unary", 0, True),
                 ("NOT_FOUND", "not found, with initial metadata", "unary", 0, False),
                 ("PERMISSION_DENIED", "denied", "unary", 0, True),
                 ("INVALID_ARGUMENT", "bad\targument\n second line", "unary", 0, False),
                 ("RESOURCE_EXHAUSTED", "quota", "unary", 0, True),
                 ("UNAVAILABLE", "the server itself says unavailable", "unary", 0, True),
                 ("INTERNAL", "internal", "unary", 0, True),
                 ("ABORTED", "after three messages", "server_stream", 3, False),
                 ("FAILED_PRECONDITION", "trailers-only stream", "server_stream", 0, True),
                 ("DATA_LOSS", "bidi after two", "bidi", 2, False)]
        for code, message, kind, after, trailers_only in cases:
            args = ["--code", code, "--message", message, "--kind", kind, "--after", after]
            if trailers_only:
                args.append("--trailers_only")
            with self.subTest(code=code, kind=kind, trailers_only=trailers_only):
                result = self.client("status", *args)
                self.assertTrue(result["ok"], result)
                self.assertEqual(result["details"]["code"], code)
                self.assertEqual(result["details"]["details"], message)
                self.assertEqual(result["details"]["trailing"].get("x-served-by"), "b")
        self.assertNoTcpFallback(before_a, before_b)

    def test_large_messages_both_ways(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        size = 5 * 1024 * 1024 + 7  # >= 4 MiB and not a multiple of any frame size
        result = self.client("large", "--size", size, timeout=90)
        self.assertTrue(result["ok"], result)
        self.assertEqual(result["details"]["server_stream"]["sizes"], [size, size])
        self.assertNoTcpFallback(before_a, before_b)

    def test_100_concurrent_streams_on_one_channel(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        result = self.client("concurrent", "--streams", 100, "--sleep_ms", 1000)
        self.assertTrue(result["ok"], result)
        details = result["details"]
        self.assertEqual(details["codes"], {"OK": 100}, details)
        self.assertEqual(details["server_max_active"], 100, details)
        # Multiplexed, not serialized: 100 one-second calls well under 100 s.
        self.assertLess(details["seconds"], 5.0, details)
        self.assertNoTcpFallback(before_a, before_b)

    def test_deadline_exceeded(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        result = self.client("deadline", "--timeout_ms", 500, "--sleep_ms", 5000)
        self.assertTrue(result["ok"], result)
        self.assertEqual(result["details"]["code"], "DEADLINE_EXCEEDED")
        self.assertLess(result["details"]["seconds"], 1.5)
        self.assertNoTcpFallback(before_a, before_b)

    def test_client_cancellation_reaches_the_server(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        result = self.client("cancel")
        self.assertTrue(result["ok"], result)
        for kind in ("server_stream", "bidi"):
            self.assertEqual(result["details"][kind]["code"], "CANCELLED", kind)
            self.assertGreaterEqual(result["details"][kind]["server_saw_cancel"], 1, kind)
        self.assertNoTcpFallback(before_a, before_b)


if __name__ == "__main__":
    unittest.main()
