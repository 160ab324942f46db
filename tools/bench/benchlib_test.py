#!/usr/bin/python3
"""Tests of the benchmark's parsers, configs and client (no load, no valgrind).

Run: /usr/bin/python3 tools/bench/benchlib_test.py
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import callgrind  # noqa: E402
from benchlib import client  # noqa: E402
from benchlib import mesh_binary  # noqa: E402
from benchlib import peers  # noqa: E402
from benchlib import report  # noqa: E402
from benchlib import wrk  # noqa: E402

OK_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


class ResponseLengthTest(unittest.TestCase):
    def test_content_length(self):
        self.assertEqual(client.response_length(OK_RESPONSE + b"HTTP/1.1"),
                         (len(OK_RESPONSE), 200))

    def test_incomplete_head_and_body(self):
        self.assertIsNone(client.response_length(b"HTTP/1.1 200 OK\r\nContent-Le"))
        self.assertIsNone(client.response_length(OK_RESPONSE[:-1]))

    def test_header_name_is_case_insensitive(self):
        resp = b"HTTP/1.1 503 Unavailable\r\ncontent-length: 3\r\n\r\nabc"
        self.assertEqual(client.response_length(resp), (len(resp), 503))

    def test_chunked(self):
        resp = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"2\r\nok\r\n0\r\n\r\n")
        self.assertEqual(client.response_length(resp + b"extra"), (len(resp), 200))
        self.assertIsNone(client.response_length(resp[:-2]))

    def test_bad_status_line(self):
        with self.assertRaises(client.ClientError):
            client.response_length(b"garbage\r\n\r\n")


class _FixedServer:
    """Answers every request on every connection with `response`."""

    def __init__(self, response):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.response = response
        self.requests = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buf = b""
        with conn:
            while True:
                data = conn.recv(4096)
                if not data:
                    return
                buf += data
                while b"\r\n\r\n" in buf:
                    buf = buf[buf.index(b"\r\n\r\n") + 4:]
                    self.requests += 1
                    conn.sendall(self.response)

    def close(self):
        self.sock.close()


class KeepAliveClientTest(unittest.TestCase):
    def test_sends_exactly_count_requests_over_kept_connections(self):
        server = _FixedServer(OK_RESPONSE)
        c = client.KeepAliveClient(server.port, connections=3)
        try:
            self.assertEqual(c.run(10, timeout_s=10), 10)
            self.assertEqual(c.run(7, timeout_s=10), 7)
        finally:
            c.close()
            server.close()
        self.assertEqual(server.requests, 17)

    def test_error_status_raises(self):
        server = _FixedServer(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        c = client.KeepAliveClient(server.port, connections=1)
        try:
            with self.assertRaisesRegex(client.ClientError, "502"):
                c.run(5, timeout_s=10)
        finally:
            c.close()
            server.close()


class CallgrindParseTest(unittest.TestCase):
    def test_totals_preferred_over_summary(self):
        text = "events: Ir\nsummary: 100\nfn=(1) main\n3 5\ntotals: 105\n"
        self.assertEqual(callgrind.parse_total_ir(text), 105)

    def test_summary_only_and_multiple_events(self):
        text = "events: Dr Ir\nsummary: 7 42\n"
        self.assertEqual(callgrind.parse_total_ir(text), 42)

    def test_missing_totals_is_an_error(self):
        with self.assertRaises(callgrind.CallgrindError):
            callgrind.parse_total_ir("events: Ir\n")

    def test_latest_dump_picks_highest_part(self):
        d = tempfile.mkdtemp()
        try:
            for suffix in ("", ".1", ".2", ".10"):
                open(os.path.join(d, "nginx.callgrind.42" + suffix), "w").close()
            self.assertTrue(callgrind.latest_dump(d, "nginx", 42).endswith(".42.10"))
            with self.assertRaises(callgrind.CallgrindError):
                callgrind.latest_dump(d, "nginx", 43)
        finally:
            shutil.rmtree(d)


class InstrumentationTest(unittest.TestCase):
    def test_detects_sanitizer_builds(self):
        d = tempfile.mkdtemp()
        try:
            plain, asan = os.path.join(d, "plain"), os.path.join(d, "asan")
            with open(plain, "wb") as f:
                f.write(b"\x7fELF...main...")
            with open(asan, "wb") as f:
                f.write(b"\x7fELF...__asan_init...")
            self.assertIsNone(mesh_binary.instrumentation(plain))
            self.assertEqual(mesh_binary.instrumentation(asan), "asan")
        finally:
            shutil.rmtree(d)


class WrkParseTest(unittest.TestCase):
    def test_report_line(self):
        out = ("Running 1s test\nRequests/sec: 1\nWRK_JSON {\"requests\": 500, "
               "\"duration_us\": 250000, \"bytes\": 1, \"errors\": {\"connect\": 0, "
               "\"read\": 1, \"write\": 0, \"status\": 2, \"timeout\": 0}, "
               "\"latency_us\": {\"p50\": 10, \"p99\": 20}}\n")
        rep = wrk.parse_report(out)
        self.assertAlmostEqual(rep["rps"], 2000.0)
        self.assertEqual(rep["error_total"], 3)

    def test_missing_line_is_an_error(self):
        with self.assertRaises(wrk.WrkError):
            wrk.parse_report("unable to connect to 127.0.0.1:1 Connection refused\n")


class ReportTest(unittest.TestCase):
    def _results(self, mesh_ir, mesh_rps):
        return [
            {"name": "direct", "available": True, "load": {"rps": 100.0}},
            {"name": "mesh-proxy", "available": True,
             "load": {"rps": mesh_rps, "requests": 1000, "errors": 0},
             "callgrind": {"instructions_per_request": mesh_ir}},
            {"name": "haproxy", "available": True, "load": {"rps": 50.0}},
            {"name": "nginx", "available": True, "load": {"rps": 60.0}},
        ]

    def test_verdict_met(self):
        v, lines = report.verdict(self._results(12000, 70.0))
        self.assertTrue(v["mesh_proxy_measured"])
        self.assertTrue(v["instructions_target_met"])
        self.assertTrue(v["rps_above_haproxy"] and v["rps_above_nginx"])
        self.assertIn("MET", lines[0])

    def test_verdict_not_met(self):
        v, _ = report.verdict(self._results(15001, 55.0))
        self.assertFalse(v["instructions_target_met"])
        self.assertTrue(v["rps_above_haproxy"])
        self.assertFalse(v["rps_above_nginx"])

    def test_failing_mesh_proxy_rps_is_not_compared(self):
        results = self._results(12000, 500.0)
        results[1]["load"].update(requests=1000, errors=900)
        v, lines = report.verdict(results)
        self.assertNotIn("rps_above_haproxy", v)
        self.assertIn("900 of 1000 requests failed", "\n".join(lines))

    def test_unavailable_mesh_proxy(self):
        results = [{"name": "mesh-proxy", "available": False, "reason": "binary missing"}]
        v, lines = report.verdict(results)
        self.assertFalse(v["mesh_proxy_measured"])
        self.assertIn("binary missing", lines[0])
        self.assertIn("not available: binary missing", report.table(results))

    def test_interference_warning(self):
        calm = [{"name": "a", "load": {"other_cpu_percent": 1.0}}]
        busy = [{"name": "b", "load": {"other_cpu_percent": 40.0}}]
        self.assertIsNone(report.interference_warning(calm, load_at_start=0.2))
        self.assertIn("40%", report.interference_warning(busy))
        self.assertIn("load average was 3.50",
                      report.interference_warning(calm, load_at_start=3.5))


@unittest.skipUnless(shutil.which("nginx") and shutil.which("haproxy"),
                     "nginx/haproxy not installed")
class PeerConfigTest(unittest.TestCase):
    """The generated configs must pass the servers' own syntax checks."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def _check(self, argv):
        res = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=30, check=False)
        self.assertEqual(res.returncode, 0, res.stdout.decode())

    def test_nginx_configs(self):
        for argv in (peers.upstream_nginx(self.dir, 18080),
                     peers.nginx_proxy(self.dir, 18081, 18080)):
            self._check(argv[:1] + ["-t", "-q"] + argv[1:])

    def test_haproxy_config(self):
        argv = peers.haproxy(self.dir, 18082, 18080)
        self._check(["haproxy", "-c", "-q", "-f", argv[2]])

    def test_mesh_proxy_config_follows_contract(self):
        argv = peers.mesh_proxy(self.dir, "/bin/mesh-proxy", 10000, 8080, 15000)
        self.assertEqual(argv[0], "/bin/mesh-proxy")
        self.assertIn("--concurrency=1", argv)
        with open(argv[1].split("=", 1)[1]) as f:
            text = f.read()
        self.assertIn("port: 10000", text)
        self.assertIn("{address: 127.0.0.1, port: 8080}", text)
        self.assertIn("route_config: bench_routes", text)


if __name__ == "__main__":
    unittest.main()
