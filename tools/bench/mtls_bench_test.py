#!/usr/bin/python3
"""Tests of the mTLS chain benchmark's pieces (no load, no valgrind): the PKI, the
chain configs (checked by HAProxy's and nginx's own syntax checks), the fixed-rate
client against a local server, and the table and verdict.

Run: /usr/bin/python3 tools/bench/mtls_bench_test.py
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

import mtls_bench  # noqa: E402
from benchlib import mtls_peers  # noqa: E402
from benchlib import pki as pki_lib  # noqa: E402
from benchlib import rate_client  # noqa: E402

OK_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
PORTS = {"backend": 18090, "a": 18091, "b": 18092, "a_admin": 18093, "b_admin": 18094}


class PercentileTest(unittest.TestCase):
    def test_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual(rate_client.percentile(values, 50), 50)
        self.assertEqual(rate_client.percentile(values, 99), 99)
        self.assertEqual(rate_client.percentile(values, 100), 100)
        self.assertEqual(rate_client.percentile([7], 90), 7)
        self.assertIsNone(rate_client.percentile([], 50))


class FixedRateClientTest(unittest.TestCase):
    def setUp(self):
        """A local server answering `200 ok` to every request; counts them."""
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.served = 0
        lock = threading.Lock()

        def serve(conn):
            with conn:
                while not self.stop.is_set():
                    data = conn.recv(4096)
                    if not data:
                        return
                    n = data.count(b"\r\n\r\n")
                    with lock:
                        self.served += n
                    conn.sendall(OK_RESPONSE * n)

        def accept():
            while not self.stop.is_set():
                try:
                    conn, _ = self.listener.accept()
                except OSError:
                    return
                threading.Thread(target=serve, args=(conn,), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()

    def tearDown(self):
        self.stop.set()
        self.listener.close()

    def test_counts_every_request_at_the_rate(self):
        res = rate_client.run_fixed_rate(self.port, rate=500, duration_s=0.4, connections=2)
        self.assertEqual(res["requests"], 200)
        self.assertLess(abs(res["achieved_rate"] - 500), 100)
        self.assertLessEqual(res["p50_us"], res["p90_us"])
        self.assertLessEqual(res["p90_us"], res["p99_us"])
        self.assertNotIn("latencies_us", res)

    def test_warmed_connections_and_kept_latencies(self):
        res = rate_client.run_fixed_rate(self.port, rate=500, duration_s=0.2, connections=3,
                                         warm=True, keep_latencies=True)
        self.assertEqual(res["requests"], 100)
        self.assertEqual(self.served, 103)  # one unmeasured request per connection first
        self.assertEqual(len(res["latencies_us"]), 100)
        self.assertEqual(res["latencies_us"], sorted(res["latencies_us"]))
        self.assertEqual(rate_client.percentile(res["latencies_us"], 99), res["p99_us"])


@unittest.skipUnless(shutil.which("openssl"), "openssl not installed")
class ChainConfigTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        cls.pki = pki_lib.make_pki(cls.dir, "bench.local", "bench", ["a", "b"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def _check(self, argv):
        res = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=30, check=False)
        self.assertEqual(res.returncode, 0, res.stdout.decode())

    def test_pki_leaves_carry_spiffe_ids(self):
        out = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName",
                              "-in", self.pki["b"]["cert"]], stdout=subprocess.PIPE,
                             check=True, timeout=10).stdout.decode()
        self.assertIn("URI:spiffe://bench.local/ns/bench/sa/b", out)
        self._check(["openssl", "verify", "-CAfile", self.pki["root"], self.pki["a"]["cert"]])

    @unittest.skipUnless(shutil.which("haproxy"), "haproxy not installed")
    def test_haproxy_chain(self):
        for _, argv, _ in mtls_peers.haproxy(self.dir, self.pki, PORTS):
            self._check(["haproxy", "-c", "-q", "-f", argv[2]])

    @unittest.skipUnless(shutil.which("nginx"), "nginx not installed")
    def test_nginx_chain(self):
        for _, argv, _ in mtls_peers.nginx(self.dir, self.pki, PORTS):
            self._check(argv[:1] + ["-t", "-q"] + argv[1:])

    def test_mesh_proxy_chain(self):
        (a, a_argv, a_port), (b, b_argv, b_port) = mtls_peers.mesh_proxy(
            self.dir, "/bin/mesh-proxy", self.pki, PORTS)
        self.assertEqual((a, a_port, b, b_port), ("a", 18091, "b", 18092))
        self.assertIn("--identity_cert_file=" + self.pki["a"]["cert"], a_argv)
        self.assertIn("--trust_bundle_file=" + self.pki["root"], b_argv)
        with open(a_argv[1].split("=", 1)[1]) as f:
            self.assertIn('expected_identities: ["spiffe://bench.local/ns/bench/sa/b"]',
                          f.read())
        with open(b_argv[1].split("=", 1)[1]) as f:
            text = f.read()
        self.assertIn("mtls: {require_client_certificate: true}", text)
        self.assertIn("refuse_plaintext: true", text)


class ReportTest(unittest.TestCase):
    @staticmethod
    def chain(name, added, cpu, kb):
        return {"name": name, "available": True,
                "load": {"rps": 10000, "fixed_rate": {"cpu_us_per_request": cpu}},
                "added_ms": {"p50": added, "p90": added, "p99": added},
                "idle_tls": {"rss_kb_per_connection": kb}}

    def test_added_latency_against_direct(self):
        results = {"direct": {"name": "direct", "load": {"rps": 1}, "rounds": [
                       {"p50_us": 100.0, "p90_us": 150.0, "p99_us": 300.0}]},
                   "nginx": {"name": "nginx", "load": {"rps": 1}, "rounds": [
                       {"p50_us": 310.0, "p90_us": 510.0, "p99_us": 710.0,
                        "cpu_us_per_request": 70.0}]}}
        mtls_bench.add_derived(results)
        for p, v in {"p50": 0.21, "p90": 0.36, "p99": 0.41}.items():
            self.assertAlmostEqual(results["nginx"]["added_ms"][p], v)
        self.assertEqual(results["nginx"]["load"]["fixed_rate"]["cpu_us_per_request"], 70.0)

    def test_rounds_give_medians_against_each_rounds_direct(self):
        def fixed(p50, cpu=None):
            return {"p50_us": p50, "p90_us": p50 + 10, "p99_us": p50 + 20,
                    "cpu_us_per_request": cpu}
        # Round 2 ran on a slow machine: direct and the chain both slower.
        results = {"direct": {"name": "direct", "rounds": [fixed(100), fixed(300), fixed(110)]},
                   "mesh-proxy": {"name": "mesh-proxy", "load": {"rps": 1},
                                  "rounds": [fixed(220, 80), fixed(440, 95), fixed(225, 70)]}}
        mtls_bench.add_derived(results)
        mesh = results["mesh-proxy"]
        self.assertEqual([r["p50"] for r in mesh["added_ms_rounds"]], [0.12, 0.14, 0.115])
        self.assertAlmostEqual(mesh["added_ms"]["p50"], 0.12)
        self.assertAlmostEqual(mesh["added_ms"]["p99"], 0.12)
        self.assertEqual(mesh["load"]["fixed_rate"]["p50_us"], 225)
        self.assertEqual(mesh["load"]["fixed_rate"]["cpu_us_per_request"], 80)
        self.assertEqual(mesh["load"]["rps"], 1)  # the wrk figures stay
        self.assertEqual(mtls_bench._median([4, None, 1, 3, 2]), 2.5)
        self.assertIsNone(mtls_bench._median([None]))

    def test_pooled_percentiles_and_added_latency(self):
        def seg(requests, cpu_seconds=None):
            out = {"p50_us": 0.0, "p90_us": 0.0, "p99_us": 0.0, "requests": requests}
            if cpu_seconds is not None:
                out["cpu_seconds"] = cpu_seconds
            return out
        # Two rounds of 50 requests each: 1..100 us for direct, +100 us for the chain.
        direct = mtls_bench.pooled_summary(list(range(100, 0, -1)), [seg(50), seg(50)])
        chain = mtls_bench.pooled_summary([v + 100.0 for v in range(1, 101)],
                                          [seg(50, 0.004), seg(50, 0.006)])
        self.assertEqual((direct["p50_us"], direct["p90_us"], direct["p99_us"]), (50, 90, 99))
        self.assertEqual(direct["requests"], 100)
        self.assertNotIn("cpu_us_per_request", direct)
        self.assertAlmostEqual(chain["cpu_us_per_request"], 100.0)  # 10 ms / 100 requests
        results = {"direct": {"name": "direct", "rounds": [seg(50), seg(50)], "pooled": direct},
                   "nginx": {"name": "nginx", "rounds": [seg(50), seg(50)], "pooled": chain}}
        mtls_bench.add_derived(results)
        for p in ("p50", "p90", "p99"):
            self.assertAlmostEqual(results["nginx"]["added_ms"][p], 0.1)
        self.assertEqual(results["nginx"]["load"]["fixed_rate"]["p99_us"], 199.0)
        self.assertAlmostEqual(results["nginx"]["load"]["fixed_rate"]["cpu_us_per_request"],
                               100.0)
        self.assertEqual(len(results["nginx"]["added_ms_rounds"]), 2)

    def test_verdict_and_table(self):
        results = [{"name": "direct", "available": True, "load": {"rps": 50000}},
                   self.chain("mesh-proxy", 0.1, 50.0, 18.0),
                   self.chain("haproxy", 0.2, 60.0, 35.0),
                   self.chain("nginx", 0.05, 70.0, 25.0)]
        out, lines = mtls_bench.verdict(results)
        self.assertAlmostEqual(out["ratio_to_haproxy"]["+p50 ms"], 0.5)
        self.assertFalse(out["added_latency_below"]["nginx_p50"])
        self.assertTrue(out["cpu_below"]["haproxy"] and out["cpu_below"]["nginx"])
        self.assertTrue(out["memory_target_met"])
        self.assertIn("NOT MET (nginx_p50, nginx_p90, nginx_p99)", "\n".join(lines))
        text = mtls_bench.table(results + [{"name": "x", "available": False,
                                            "reason": "missing"}])
        self.assertIn("not available: missing", text)
        self.assertIn("18.0", text)


class PairedComparisonTest(unittest.TestCase):
    @staticmethod
    def rounds(p50s, offset=0.0):
        return [{"p50_us": v, "p90_us": v + offset, "p99_us": None} for v in p50s]

    def test_median_and_sign_test_interval(self):
        # 20 rounds; differences -10..+9 us in a shuffled order.
        diffs = [(7 * i) % 20 - 10 for i in range(20)]
        peer = self.rounds([200.0 + i for i in range(20)])
        mesh = self.rounds([p["p50_us"] + d for p, d in zip(peer, diffs)])
        d = mtls_bench.paired_difference(mesh, peer, "p50_us")
        # n = 20: P(X <= 5) = 0.021 <= 0.025 < P(X <= 6), so [d_6, d_15].
        self.assertEqual((d["rounds"], d["low"], d["high"]), (20, -5.0, 4.0))
        self.assertAlmostEqual(d["median"], -0.5)
        self.assertEqual(d["mesh_lower_in"], 10)
        self.assertAlmostEqual(mtls_bench._binomial_tail(20, 5), 21700 / 2.0 ** 20)

    def test_too_few_rounds_or_missing_figures(self):
        five = self.rounds([100.0] * 5)
        self.assertIsNone(mtls_bench.paired_difference(five, five, "p50_us"))
        six = self.rounds([100.0] * 6)
        self.assertEqual(mtls_bench.paired_difference(six, six, "p50_us")["rounds"], 6)
        self.assertIsNone(mtls_bench.paired_difference(six, six, "p99_us"))

    def test_verdict_needs_the_whole_interval_below(self):
        peer = self.rounds([200.0 + 3 * i for i in range(20)], offset=50.0)
        # p50: 4-6 us lower in every round; p90: lower in most rounds, by little,
        # and higher in some: level.
        mesh = [{"p50_us": p["p50_us"] - 4 - (i % 3), "p90_us": p["p90_us"] + (i % 5) - 3,
                 "p99_us": None} for i, p in enumerate(peer)]
        results = {"mesh-proxy": {"name": "mesh-proxy", "rounds": mesh},
                   "nginx": {"name": "nginx", "rounds": peer},
                   "haproxy": {"name": "haproxy", "rounds": peer[:5]}}
        mtls_bench.add_paired(results)
        paired = results["mesh-proxy"]["paired_us"]
        self.assertEqual(list(paired), ["nginx"])  # haproxy: rounds do not pair up
        self.assertEqual(sorted(paired["nginx"]), ["p50", "p90"])
        self.assertLess(paired["nginx"]["p50"]["high"], 0)
        self.assertLessEqual(paired["nginx"]["p90"]["low"], 0)
        self.assertGreaterEqual(paired["nginx"]["p90"]["high"], 0)
        out, lines = mtls_bench.verdict(list(results.values()))
        self.assertEqual(out["added_latency_below"], {"nginx_p50": True, "nginx_p90": False,
                                                      "nginx_p99": False})
        text = "\n".join(lines)
        self.assertIn("NOT MET (nginx_p90, nginx_p99)", text)
        self.assertIn("p50 -5.0 [-6.0, -4.0] 20/20 below", text)
        self.assertRegex(text, r"p90 [-+][0-9.]+ \[[-+][0-9.]+, \+[0-9.]+\] [0-9]+/20 level")
        self.assertEqual(mtls_bench.paired_state({"low": 0.5, "high": 3.0}), "above")


if __name__ == "__main__":
    unittest.main()
