"""A WebSocket echo through two sidecars: apps/ws_client.py in pod a -> a's outbound
listener -> b's inbound listener -> apps/ws_echo.py in pod b.

Depends on (issue 3): HTTP/1.1 Upgrade in mesh-proxy. Today the proxy answers 501
with x-weft-error: upgrade_unsupported, so this fails until upgrades are carried.
Expected from the proxy: the GET with Upgrade: websocket / Connection: Upgrade is
forwarded with both headers (they are hop-by-hop, but an upgrade request must keep
them), the 101 comes back with Upgrade, Connection, Sec-WebSocket-Accept and the
backend's x-served-by, the request counts once in listener.<l>.http_rq_total (1xx),
and afterwards both directions are relayed as bytes until either side closes (every
frame size, fragments, ping/pong, close handshake, then EOF to the client).
"""

import unittest

from harness import h2_apps
from harness.testcase import SidecarTestCase

PORT = h2_apps.WS_PORT


class WebSocketThroughSidecarsTest(SidecarTestCase):
    def test_websocket_echo(self):
        h2_apps.start_ws_echo(self.b, PORT)
        # The app works without the mesh first, so a failure below is the proxy's.
        direct = h2_apps.ws_client(self.b, "127.0.0.1", PORT)
        self.assertTrue(direct["ok"], direct)
        sa = self.a.add_sidecar()
        sb = self.b.add_sidecar()
        before_a, before_b = sa.stats(), sb.stats()
        result = h2_apps.ws_client(self.a, self.b.ip, PORT)
        print(f"websocket: status {result['status']}, {result['problems']}, "
              f"x-weft-error {result['headers'].get('x-weft-error')}")
        self.assertEqual(result["status"], 101, result)
        self.assertEqual(result["headers"].get("x-served-by"), "b", result)
        self.assertTrue(result["ok"], result)
        self.assertCounterDelta(sa, before_a, "listener.outbound.http_rq_total", 1)
        self.assertCounterDelta(sb, before_b, "listener.inbound.http_rq_total", 1)


if __name__ == "__main__":
    unittest.main()
