"""Observability with real components: promtool accepts every /metrics endpoint; a
real Prometheus server scrapes the sidecars of a small mesh under traffic whose
success rate and latency the traffic generator measures itself, and PromQL returns
the same figures; `meshctl stat` agrees with PromQL; `meshctl proxy-config` agrees
with the pod's /config_dump.

Tolerances (stated once, used below):
  - success rate: PromQL and meshctl within 0.03 (absolute) of the generator's.
    increase() extrapolates both series alike; what is left is scrape-edge noise.
  - p99: Prometheus and meshctl interpolate inside histogram buckets, so they are
    asserted to fall in the bucket (0.05 s, 0.1 s] that holds the generator's own
    p99 (5% of requests take 80 ms, so the p99 is one of those).
Prometheus runs in the control-plane pod on 127.0.0.1:9090 with a temp config and
data directory, scraping every 1 s; it is stopped by PID when the test ends.
"""

import json
import os
import shutil
import time
import unittest
import urllib.parse

from harness import mesh, procs
from harness.testcase import ClusterTestCase

PROMETHEUS = "/usr/bin/prometheus"
PROMTOOL = "/usr/bin/promtool"
PORT = 8080
LOAD_APP = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "harness", "apps", "golden_load.py")
P99_BUCKET = (0.05, 0.1)
SUCCESS_TOLERANCE = 0.03
SELECT = 'direction="outbound",destination_service=~".*backend.*"'


class ObservabilityPrometheusTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        for binary in (PROMETHEUS, PROMTOOL):
            if not os.path.exists(binary):
                self.fail(f"{binary} missing: apt-get install prometheus")
        self.cp = self.cluster.add_control_plane()
        self.cp.add_service("backend", PORT, selector={"app": "backend"})
        self.be = self.cluster.add_mesh_pod("be1", labels={"app": "backend"},
                                            service_account="backend")
        self.be.start_http_server(PORT)
        self.fe = self.cluster.add_mesh_pod("fe", labels={"app": "frontend"})
        self.cp.wait_endpoints([self.fe], "backend", PORT, [self.be.ip])
        self.meshctl = self.cp.meshctl()
        if self.meshctl is None:
            self.fail("meshctl not built: bazel build //tools/meshctl:meshctl")

    def cp_get(self, url):
        r = self.cp.pod.run(["curl", "-sS", "--max-time", "5", url], check=False, timeout=10)
        self.assertEqual(r.returncode, 0, f"{url}: {r.stderr}")
        return r.stdout

    def promtool_check(self, url):
        body = self.cp_get(url)
        r = procs.run([PROMTOOL, "check", "metrics"], input=body, check=False, timeout=20)
        self.assertEqual(r.returncode, 0, f"promtool on {url}:\n{r.stdout}\n{r.stderr}")
        return body

    def start_prometheus(self):
        work = os.path.join(self.cp.pod.log_dir, "prometheus")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(os.path.join(work, "data"))
        os.chmod(work, 0o777)
        os.chmod(os.path.join(work, "data"), 0o777)
        config = os.path.join(work, "prometheus.yml")
        targets = ", ".join(f'"{p.ip}:15020"' for p in (self.fe, self.be))
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: sidecars\n"
                    f"    static_configs:\n      - targets: [{targets}]\n")
        proc = self.cp.pod.spawn([PROMETHEUS, f"--config.file={config}",
                                  f"--storage.tsdb.path={work}/data",
                                  "--web.listen-address=127.0.0.1:9090",
                                  "--storage.tsdb.retention.time=1h"], name="prometheus")
        procs.wait_until(lambda: self.cp.pod.run(
            ["curl", "-sf", "http://127.0.0.1:9090/-/ready"], check=False,
            timeout=5).returncode == 0, timeout=30, what="prometheus ready")
        return proc

    def promql(self, query):
        url = "http://127.0.0.1:9090/api/v1/query?query=" + urllib.parse.quote(query)
        data = json.loads(self.cp_get(url))
        self.assertEqual(data.get("status"), "success", data)
        result = data["data"]["result"]
        self.assertEqual(len(result), 1, f"{query}: {result}")
        return float(result[0]["value"][1])

    def test_promql_and_meshctl_match_the_generator(self):
        # promtool on the sidecars' and the control plane's /metrics.
        self.promtool_check(f"http://{self.fe.ip}:15020/metrics")
        cp_metrics = self.promtool_check("http://127.0.0.1:15014/metrics")
        self.assertIn("weft_cp_connected_proxies", cp_metrics)
        self.assertIn("weft_cp_xds_pushes_total", cp_metrics)

        prometheus = self.start_prometheus()
        try:
            load = self.fe.spawn(["/usr/bin/python3", LOAD_APP, "--base",
                                  f"http://backend:{PORT}", "--count", "1200", "--rate", "100",
                                  "--fail_every", "10", "--slow_every", "20", "--slow_ms", "80"],
                                 name="golden_load")
            time.sleep(2.0)  # let traffic settle before meshctl's first scrape
            stat = self.cp.pod.run([self.meshctl, "stat", "backend", "--window=5s", "-o", "json"],
                                   check=False, timeout=30)
            self.assertEqual(stat.returncode, 0, stat.stderr)
            load.wait(timeout=60)
            with open(load.log_path) as f:
                generator = json.loads([l for l in f if l.startswith("{")][-1])
            self.assertEqual(generator["errors"], 0, generator)
            self.assertGreater(generator["sent"], 1000, generator)
            time.sleep(3.0)  # two more scrapes after the last request

            success = self.promql(
                f'sum(increase(weft_requests_total{{{SELECT},response_code!~"5.."}}[2m])) / '
                f'sum(increase(weft_requests_total{{{SELECT}}}[2m]))')
            p99 = self.promql(
                'histogram_quantile(0.99, sum by (le) (increase('
                f'weft_request_duration_seconds_bucket{{{SELECT}}}[2m])))')
        finally:
            prometheus.stop()

        self.assertAlmostEqual(generator["success_rate"], 0.9, delta=0.005, msg=generator)
        self.assertAlmostEqual(success, generator["success_rate"], delta=SUCCESS_TOLERANCE)
        lo, hi = P99_BUCKET
        self.assertTrue(lo < generator["p99_s"] <= hi + 0.05, generator)
        self.assertTrue(lo < p99 <= hi, f"PromQL p99 {p99} outside {P99_BUCKET}")

        rows = json.loads(stat.stdout)["rows"]
        self.assertEqual(len(rows), 1, stat.stdout)
        self.assertAlmostEqual(rows[0]["success_rate"], success, delta=SUCCESS_TOLERANCE,
                               msg=stat.stdout)
        self.assertTrue(lo * 1000 < rows[0]["p99_ms"] <= hi * 1000, stat.stdout)
        print(f"generator {generator}; PromQL success {success:.4f} p99 {p99:.4f}s; "
              f"meshctl {rows[0]}")

    def test_proxy_config_matches_config_dump(self):
        dump = json.loads(self.cp_get(f"http://{self.fe.ip}:15020/config_dump"))
        for section, key in (("clusters", "clusters"), ("listeners", "listeners"),
                             ("routes", "route_configs")):
            r = self.cp.pod.run([self.meshctl, "proxy-config", "fe", section, "-o", "json"],
                                check=False, timeout=20)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout), dump[key], section)
        table = self.cp.pod.run([self.meshctl, "proxy-config", "default/fe", "endpoints"],
                                timeout=20).stdout
        self.assertIn(f"{self.be.ip}:{PORT}", table)
        # The admin views behind it, on the read-only metrics port.
        clusters = json.loads(self.cp_get(f"http://{self.fe.ip}:15020/clusters?format=json"))
        names = [c["name"] for c in clusters["clusters"]]
        self.assertEqual(names, [c["name"] for c in dump["clusters"]])
        drain = self.cp.pod.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X",
                                 "POST", f"http://{self.fe.ip}:15020/quitquitquit"], timeout=10)
        self.assertEqual(drain.stdout, "404")  # never on the metrics port
        check = self.cp.pod.run([self.meshctl, "check"], check=False, timeout=20)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertIn("2/2 proxies connected and synced", check.stdout)


if __name__ == "__main__":
    unittest.main()
