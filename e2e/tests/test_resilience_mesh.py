"""Mesh mode resilience with real misbehaving backends (issue 6).

Three backend pods run apps/misbehaving_backend.py behind their sidecars, a frontend
pod calls http://backend:8080 through its own sidecar, and a TrafficPolicy manifest
(the CRD spelling, api/crds/trafficpolicy.yaml) shapes the frontend sidecar's cluster
and route. Each test states its figures on stdout. Every load run is bounded in
requests and seconds.

- retries: 1 of 3 endpoints fails every second request; retries keep the client's
  success rate >= 99.9% over 2000 requests.
- outlier detection: a dead endpoint (its app stopped: the sidecar answers 503) is
  ejected within a few requests and serves again after it recovers.
- circuit breaker: maxRequests caps the concurrency the backends see under a burst
  (limits are per proxy worker, so the cap is limit x workers).
- peak EWMA: with one endpoint 100 ms slow, p99 is markedly lower than round robin's.
- retry budget: during a full outage, retries stay a small share of requests and the
  overflow is counted (cluster counters from /stats?format=json).
- rate limit: a 20/s bucket admits 20 per second (+ the initial burst) within 15%.
"""

import json
import math
import os
import time
import unittest

from harness import mesh
from harness import procs
from harness.testcase import ClusterTestCase

PORT = 8080
PYTHON = "/usr/bin/python3"
APPS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "harness", "apps")
BACKEND_APP = os.path.join(APPS, "misbehaving_backend.py")
BURST_APP = os.path.join(APPS, "burst_load.py")
CLUSTER = mesh.cluster_name("backend", PORT)
URL = f"http://backend:{PORT}/work"
# The sidecars run one worker per core (mesh-proxy --concurrency=0); circuit breakers
# and rate-limit buckets are per worker.
WORKERS = os.cpu_count() or 1


def policy(spec):
    return [{"apiVersion": "mesh.weft.dev/v1alpha1", "kind": "TrafficPolicy",
             "metadata": {"name": "backend", "namespace": "default"},
             "spec": {"targetRef": {"kind": "Service", "name": "backend"}, **spec}}]


def backend_cluster(dump):
    for c in dump.get("clusters", []):
        if c.get("name") == CLUSTER:
            return c
    return None


def backend_route(dump):
    for rc in dump.get("route_configs", []):
        if rc.get("name") != CLUSTER:
            continue
        for vh in rc.get("virtual_hosts", []):
            for route in vh.get("routes", []):
                return route
    return None


class ResilienceTestCase(ClusterTestCase):
    """cp, Service backend:8080 over pods be1..be3 (misbehaving_backend.py), pod fe."""

    def start_mesh(self, spec, backend_args=((), (), ())):
        self.cp = self.cluster.add_control_plane()
        self.cp.add_service("backend", PORT, selector={"app": "backend"})
        self.cp.apply("policies/backend.yaml", policy(spec))
        self.backends, self.apps = [], {}
        for i, args in enumerate(backend_args, start=1):
            pod = self.cluster.add_mesh_pod(f"be{i}", labels={"app": "backend"},
                                            service_account="backend")
            self.backends.append(pod)
            self.start_app(pod, args)
        self.fe = self.cluster.add_mesh_pod("fe", labels={"app": "frontend"})
        self.cp.wait_endpoints([self.fe], "backend", PORT, [p.ip for p in self.backends])

    def start_app(self, pod, args=()):
        proc = pod.spawn([PYTHON, BACKEND_APP, "--port", PORT, "--pod", pod.name, *args],
                         name=f"backend-{len(self.apps)}")
        pod.wait_listening(PORT, proc)
        self.apps[pod.name] = proc
        return proc

    def wait_policy(self, check, what):
        """Waits until the frontend sidecar runs a config for which check(cluster, route)."""
        seen = {}

        def ok(dump):
            cluster, route = backend_cluster(dump), backend_route(dump)
            seen.update(cluster=cluster, route=route)
            return cluster is not None and route is not None and check(cluster, route)
        try:
            self.cp.wait_synced([self.fe], ok, timeout=10.0, what=what)
        except TimeoutError as e:
            raise TimeoutError(f"{e}; backend cluster and route: {json.dumps(seen)[:3000]}")

    def backend_stats(self, pod):
        proc = pod.run(["/usr/bin/curl", "-sS", "--max-time", "5",
                        f"http://127.0.0.1:{PORT}/_backend/stats"],
                       check=False, timeout=10, user=1337)  # uid 1337: not captured
        return json.loads(proc.stdout)

    def fe_counter(self, name, stats=None):
        stats = stats if stats is not None else self.fe.sidecar.stats()
        return int(stats.get(f"cluster.{CLUSTER}.{name}", 0))

    def burst(self, count, concurrency, duration=60.0, timeout=10.0):
        proc = self.fe.run([PYTHON, BURST_APP, "--url", URL, "--count", count,
                            "--concurrency", concurrency, "--duration", duration,
                            "--timeout", timeout],
                           check=False, timeout=duration + timeout + 20)
        lines = proc.stdout.strip().splitlines()
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"burst_load failed ({proc.returncode}): {proc.stderr[-1000:]}")
        return json.loads(lines[-1])


class RetryTest(ResilienceTestCase):
    REQUESTS = 2000

    def test_retries_hide_a_flaky_endpoint(self):
        self.start_mesh({"retries": {"attempts": 2, "retryOn": ["5xx"],
                                     "backoff": {"baseInterval": "5ms", "maxInterval": "50ms"}}},
                        backend_args=(("--fail-every", "2"), (), ()))
        self.wait_policy(lambda c, r: r["retry"]["num_retries"] == 2, "retry policy")
        before = self.fe.sidecar.stats()
        summary = mesh.run_load(self.fe, URL, count=self.REQUESTS, duration=90)
        failed_at_be1 = self.backend_stats(self.backends[0])["failed"]
        retries = self.fe_counter("upstream_rq_retry") - self.fe_counter("upstream_rq_retry",
                                                                          before)
        rate = summary["ok"] / max(1, summary["sent"])
        print(f"retries: {summary['ok']}/{summary['sent']} ok ({rate:.4%}); be1 answered 503 "
              f"{failed_at_be1} times; {retries} retries; served_by {summary['served_by']}")
        self.assertEqual(summary["sent"], self.REQUESTS, summary)
        self.assertGreater(failed_at_be1, self.REQUESTS // 10, "the flaky endpoint never failed")
        self.assertGreaterEqual(rate, 0.999, summary)
        self.assertGreaterEqual(retries, failed_at_be1 * 0.9)


class OutlierTest(ResilienceTestCase):
    def test_dead_endpoint_is_ejected_and_returns(self):
        self.start_mesh({"outlierDetection": {"consecutive5xx": 3, "interval": "1s",
                                              "baseEjectionTime": "3s",
                                              "maxEjectionTime": "30s",
                                              "maxEjectionPercent": 50}})
        self.wait_policy(lambda c, r: c["outlier_detection"]["enabled"], "outlier detection")
        dead = self.backends[0]
        self.apps[dead.name].stop()  # its sidecar now answers 503 connect_failed
        # Each of the sidecar's 2 workers balances and ejects on its own, and
        # each load run's keep-alive connection lands on either worker: run
        # batches until one is clean (bounded), counting be1's failures.
        batches = []
        for _ in range(4):
            batches.append(mesh.run_load(self.fe, URL, count=30, duration=30))
            if batches[-1]["ok"] == batches[-1]["sent"]:
                break
        first, second = batches[0], batches[-1]
        failures = sum(b["sent"] - b["ok"] for b in batches)
        print(f"outlier: dead be1 failed {failures} requests over {len(batches)} batches "
              f"of 30 before a clean one; {first['statuses']}")
        # 3 failures in a row eject it, per worker: between 3 and 2 x 3.
        self.assertGreaterEqual(failures, 3, batches)
        self.assertLessEqual(failures, 6, batches)
        self.assertEqual(second["ok"], second["sent"], second)
        self.assertNotIn("be1", second["served_by"], second)

        self.start_app(dead)
        recovered = None
        started = time.monotonic()
        for _ in range(20):  # bounded: ~10 s at most
            summary = mesh.run_load(self.fe, URL, count=10, duration=10)
            if summary["served_by"].get("be1") and summary["ok"] == summary["sent"]:
                recovered = time.monotonic() - started
                break
            time.sleep(0.5)
        print(f"outlier: be1 served again {recovered} s after its app restarted "
              f"(ejection 3 s, evaluated every 1 s)")
        self.assertIsNotNone(recovered, "the recovered endpoint never came back")


class CircuitBreakerTest(ResilienceTestCase):
    LIMIT = 4

    def test_max_requests_caps_concurrency(self):
        slow = ("--delay-ms", "200")
        self.start_mesh({"circuitBreaker": {"maxRequests": self.LIMIT}},
                        backend_args=(slow, slow, slow))
        self.wait_policy(lambda c, r: c["circuit_breakers"]["max_requests"] == self.LIMIT,
                         "circuit breaker")
        before = self.fe.sidecar.stats()
        summary = self.burst(count=300, concurrency=40, duration=60)
        peak = sum(self.backend_stats(p)["max_in_flight"] for p in self.backends)
        overflow = self.fe_counter("upstream_rq_overflow") - self.fe_counter(
            "upstream_rq_overflow", before)
        cap = self.LIMIT * WORKERS
        print(f"circuit breaker: maxRequests {self.LIMIT} x {WORKERS} workers = {cap}; "
              f"backends saw at most {peak} in flight (sum of per-endpoint peaks) under 40 "
              f"concurrent clients; {overflow} overflows; {summary['statuses']} "
              f"{summary['headers']}")
        self.assertGreater(summary["ok"], 0, summary)
        self.assertGreater(overflow, 0, "the burst never reached the limit")
        self.assertGreater(summary["headers"].get("circuit_open", 0), 0, summary)
        # Per-endpoint peaks may come at different moments, so their sum bounds the
        # true peak from above: it must still be under the cap.
        self.assertLessEqual(peak, cap, summary)


class PeakEwmaTest(ResilienceTestCase):
    def run_with(self, lb_type, dump_name):
        self.cp.replace("policies/backend.yaml", policy({"loadBalancer": {"type": lb_type}}))
        self.wait_policy(lambda c, r: c["load_balancing"]["policy"] == dump_name, lb_type)
        self.burst(count=60, concurrency=4)  # warm up (EWMA learns the latencies)
        return self.burst(count=800, concurrency=4, duration=90)

    def test_peak_ewma_avoids_the_slow_endpoint(self):
        self.start_mesh({"loadBalancer": {"type": "RoundRobin"}},
                        backend_args=(("--delay-ms", "100"), (), ()))
        rr = self.run_with("RoundRobin", "round_robin")
        ewma = self.run_with("PeakEwma", "peak_ewma")
        print(f"peak EWMA: p99 {ewma['latency_ms']['p99']} ms (p50 {ewma['latency_ms']['p50']}, "
              f"served_by {ewma['served_by']}) vs round robin p99 {rr['latency_ms']['p99']} ms "
              f"(p50 {rr['latency_ms']['p50']}, served_by {rr['served_by']}); one endpoint "
              f"100 ms slow, 800 requests, 4 concurrent")
        self.assertEqual(rr["ok"], rr["sent"], rr)
        self.assertEqual(ewma["ok"], ewma["sent"], ewma)
        self.assertGreaterEqual(rr["latency_ms"]["p99"], 100, rr)
        self.assertLess(ewma["latency_ms"]["p99"], rr["latency_ms"]["p99"] / 2, ewma)


class RetryBudgetTest(ResilienceTestCase):
    def test_budget_holds_retries_during_an_outage(self):
        down = ("--fail-every", "1")
        self.start_mesh({"retries": {"attempts": 3, "retryOn": ["5xx"],
                                     "backoff": {"baseInterval": "10ms", "maxInterval": "20ms"},
                                     "budget": {"percent": 20, "minRetryConcurrency": 1}}},
                        backend_args=(down, down, down))
        self.wait_policy(lambda c, r: c["circuit_breakers"]["retry_budget_percent"] == 20,
                         "retry budget")
        before = self.fe.sidecar.stats()
        summary = self.burst(count=400, concurrency=20, duration=60)
        after = self.fe.sidecar.stats()
        requests = self.fe_counter("upstream_rq_total", after) - self.fe_counter(
            "upstream_rq_total", before)
        retries = self.fe_counter("upstream_rq_retry", after) - self.fe_counter(
            "upstream_rq_retry", before)
        overflow = self.fe_counter("upstream_rq_retry_overflow", after) - self.fe_counter(
            "upstream_rq_retry_overflow", before)
        share = retries / max(1, requests)
        print(f"retry budget: full outage, {requests} requests (20 concurrent), {retries} "
              f"retries ({share:.1%}; without a budget 3 per request = 300%), {overflow} "
              f"refused by the budget; client saw {summary['statuses']}")
        self.assertEqual(summary["ok"], 0, summary)  # nothing can succeed
        self.assertGreater(retries, 0)
        self.assertGreater(overflow, 0)
        # 20% of the requests in flight (min 1 per worker) may be retries at any moment.
        self.assertLessEqual(share, 0.35)


class RateLimitTest(ResilienceTestCase):
    """Fails until the control plane puts rateLimit on the catch-all route it makes for
    a Service without an HTTPRoute (route_config_builder.cc: the "default" route gets
    ApplySettings but not ApplyRouteResilience, so rateLimit, faultInjection and
    hashKey are dropped there)."""
    RATE = 20

    def test_rate_limit_admits_the_configured_rate(self):
        self.start_mesh({"rateLimit": {"requestsPerUnit": self.RATE, "unit": "Second"}})
        self.wait_policy(lambda c, r: r["rate_limit"].get("max_tokens") == self.RATE,
                         "rate limit")
        # One keep-alive connection (one worker, one bucket), 60 requests/s for 5 s.
        duration = 5.0
        proc = self.fe.run(mesh.load_argv(URL, duration=duration, rate=60, timeout=5.0),
                           check=False, timeout=duration + 20)
        summary = json.loads(proc.stdout.strip().splitlines()[-1])
        admitted = summary["statuses"].get("200", 0)
        limited = summary["statuses"].get("429", 0)
        seconds = summary["seconds"]
        # A full bucket to start with (created by the first request), then RATE
        # more at each whole second after it: the last request of a run of
        # `seconds` comes just before the refill at ceil(seconds), so between
        # 1 + floor(seconds - 0.1) and 1 + ceil(seconds) buckets' worth.
        low = self.RATE * (1 + int(seconds - 0.1))
        high = self.RATE * (1 + math.ceil(seconds))
        print(f"rate limit: {self.RATE}/s over {seconds:.2f} s admitted {admitted} "
              f"(expected {low}..{high}), {limited} got 429; {summary['statuses']}")
        self.assertGreater(limited, 0, summary)
        self.assertEqual(admitted + limited, summary["sent"], summary)
        # Tolerance: 10% beyond the bounds for pacing jitter of the load client.
        self.assertGreaterEqual(admitted, 0.9 * low, summary)
        self.assertLessEqual(admitted, 1.1 * high, summary)


if __name__ == "__main__":
    unittest.main()
