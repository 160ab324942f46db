"""Plain HTTP/2 (h2c) and HTTP/1.1 through the same two sidecars: client pod a ->
a's outbound listener -> b's inbound listener -> apps/h2_echo.py in pod b (which
speaks h2c prior knowledge and HTTP/1.1 on one port).

Depends on (issue 3): HTTP/2 downstream (h2c prior-knowledge detection in `protocol:
auto`) and upstream in mesh-proxy. test_curl_http11 needs only today's HTTP/1.1 path and
must pass now. The protocol the proxy uses upstream is its choice: the tests accept
"h2" or "HTTP/1.1" at the backend, but the request (method, path, authority, custom
headers, body) must arrive unchanged and every request must be counted as an HTTP
request on both listeners (no opaque-TCP fallback).

What each test expects from the proxy:
  - curl --http2-prior-knowledge: HTTP/2 200 back, body JSON intact, request body sha256
    intact, x-test header through, :authority / Host = <b ip>:8080;
  - response trailers (GET /trailers) reach an h2 client;
  - nghttp: 20 concurrent streams (5 of them /slow/1000) on one connection all 200 in
    well under the serialized time;
  - h2load -n 2000 -c 4 -m 10: 2000 succeeded, all 2xx.
"""

import hashlib
import os
import time
import unittest

from harness import h2_apps
from harness.testcase import SidecarTestCase

PORT = h2_apps.H2_PORT


class H2ThroughSidecarsTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.assertEqual(h2_apps.missing_tools(), [], "install the Debian packages named")
        h2_apps.start_h2_echo(self.b, PORT)
        self.sa = self.a.add_sidecar()
        self.sb = self.b.add_sidecar()
        self.url = f"http://{self.b.ip}:{PORT}"

    def assertHttpRequests(self, before_a, before_b, count):
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.http_rq_total", count)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.http_rq_total", count)
        self.assertCounterDelta(self.sa, before_a, "listener.outbound.tcp_cx_total", 0)
        self.assertCounterDelta(self.sb, before_b, "listener.inbound.tcp_cx_total", 0)

    def check_echo(self, result, version, method="GET", body=b""):
        self.assertEqual(result.status, 200, result)
        self.assertEqual(h2_apps.response_version(result), version, result.raw_headers)
        self.assertEqual(result.header("x-served-by"), "b", result)
        info = result.json()
        self.assertEqual(info["method"], method)
        self.assertEqual(info["path"], "/echo/path?q=1")
        self.assertEqual(info["headers"].get("x-test"), "h2 value", info)
        self.assertEqual(info["body_len"], len(body), info)
        self.assertEqual(info["body_sha256"], hashlib.sha256(body).hexdigest(), info)
        host = info.get("authority") or info["headers"].get("host")
        self.assertEqual(host, f"{self.b.ip}:{PORT}", info)
        return info

    def test_curl_http11(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        result = self.a.curl(self.url + "/echo/path?q=1", "--http1.1", "-H", "x-test: h2 value")
        info = self.check_echo(result, "1.1")
        print(f"HTTP/1.1 client: backend saw {info.get('protocol', info.get('http_version'))}")
        self.assertHttpRequests(before_a, before_b, 1)

    def test_curl_h2_prior_knowledge_and_http11_same_sidecars(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        body = os.urandom(300_000)
        path = os.path.join(self.cluster.work_dir, "h2-upload.bin")
        with open(path, "wb") as f:
            f.write(body)
        r1 = self.a.curl(self.url + "/echo/path?q=1", "--http2-prior-knowledge",
                         "-H", "x-test: h2 value")
        info = self.check_echo(r1, "2")
        print(f"h2 client: backend saw {info.get('protocol', info.get('http_version'))}")
        r2 = self.a.curl(self.url + "/echo/path?q=1", "--http2-prior-knowledge",
                         "-H", "x-test: h2 value", "--data-binary", "@" + path, timeout=30)
        self.check_echo(r2, "2", method="POST", body=body)
        r3 = self.a.curl(self.url + "/echo/path?q=1", "--http1.1", "-H", "x-test: h2 value")
        self.check_echo(r3, "1.1")
        r4 = self.a.curl(self.url + "/trailers", "--http2-prior-knowledge", "-v")
        self.assertEqual(r4.status, 200, r4)
        self.assertIn("x-trailer: done", r4.stderr, "response trailers lost")
        self.assertHttpRequests(before_a, before_b, 4)

    def test_nghttp_concurrent_streams_one_connection(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        urls = [f"{self.url}/slow/1000?i={i}" for i in range(5)]
        urls += [f"{self.url}/item/{i}" for i in range(15)]
        start = time.monotonic()
        code, rows, output = h2_apps.nghttp(self.a, urls, timeout=20)
        elapsed = time.monotonic() - start
        print(f"nghttp: {len(rows)} responses in {elapsed:.2f}s")
        self.assertEqual(code, 0, output)
        self.assertEqual(len(rows), 20, output)
        self.assertEqual({r["code"] for r in rows}, {200}, output)
        self.assertLess(elapsed, 4.0, "the five 1 s requests were not concurrent")
        self.assertHttpRequests(before_a, before_b, 20)

    def test_h2load_bounded(self):
        before_a, before_b = self.sa.stats(), self.sb.stats()
        result = h2_apps.h2load(self.a, self.url + "/", requests=2000, clients=4, streams=10,
                                timeout=90)
        print(f"h2load: {({k: v for k, v in result.items() if k != 'output'})}")
        self.assertEqual(result.get("succeeded"), 2000, result["output"])
        self.assertEqual(result.get("2xx"), 2000, result["output"])
        self.assertEqual(result.get("errored"), 0, result["output"])
        self.assertHttpRequests(before_a, before_b, 2000)


if __name__ == "__main__":
    unittest.main()
