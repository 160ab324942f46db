"""A proxy-made error on a gRPC call reaches the client as a gRPC status.

Pod b has a sidecar but nothing listens on the called port, so b's inbound sidecar
cannot connect (connect_failed) and a's outbound sidecar carries its answer back.

Depends on (issue 3): HTTP/2 in mesh-proxy, and errors the proxy makes for a gRPC
request (content-type application/grpc*) encoded as gRPC: HTTP 200 with grpc-status
14 (UNAVAILABLE), a grpc-message naming the reason, and x-weft-error: <reason> in the
same (trailers-only) HEADERS frame, so the client reads the status, not "Received
http2 header with status: 503" synthesized by gRPC from a bare 503.
"""

import unittest

from harness import h2_apps
from harness.testcase import SidecarTestCase

DEAD_PORT = 50052


class GrpcProxyErrorTest(SidecarTestCase):
    def test_dead_backend_is_unavailable_with_x_weft_error(self):
        self.assertEqual(h2_apps.missing_tools(), [], "install the Debian packages named")
        h2_apps.start_grpc_server(self.b, h2_apps.GRPC_PORT)  # alive, on another port
        sa = self.a.add_sidecar()
        sb = self.b.add_sidecar()
        before_a, before_b = sa.stats(), sb.stats()
        result = h2_apps.grpc_client(self.a, f"{self.b.ip}:{DEAD_PORT}", "call",
                                     "--call_timeout", 5, "--wait_ready", 2)
        details = result["details"]
        print(f"dead backend: {details}")
        self.assertEqual(details["code"], "UNAVAILABLE", details)
        metadata = {**details["initial"], **details["trailing"]}
        self.assertEqual(metadata.get("x-weft-error"), "connect_failed", details)
        self.assertNotIn("Received http2 header with status", details["details"], details)
        self.assertNotIn("failed to connect to all addresses", details["details"],
                         "the client never reached its sidecar")
        self.assertIn("connect_failed", details["details"], details)
        self.assertCounterDelta(sb, before_b, "proxy.errors.connect_failed", 1)
        self.assertCounterDelta(sa, before_a, "proxy.errors.connect_failed", 0)
        self.assertCounterDelta(sa, before_a, "listener.outbound.tcp_cx_total", 0)
        # The channel still works for a live port after the error.
        ok = h2_apps.grpc_client(self.a, f"{self.b.ip}:{h2_apps.GRPC_PORT}", "kinds")
        self.assertTrue(ok["ok"], ok)


if __name__ == "__main__":
    unittest.main()
