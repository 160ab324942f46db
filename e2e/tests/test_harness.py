"""Self-tests of the e2e harness itself: no sidecars, no binaries under test needed."""

import hashlib
import os
import unittest

from harness import netns
from harness import procs
from harness.apps import payload
from harness.cluster import Cluster
from harness.testcase import ClusterTestCase


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child still "exists"; it is gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


class PodNetworkTest(ClusterTestCase):
    def setUp(self):
        super().setUp()
        self.a = self.cluster.add_pod("a")
        self.b = self.cluster.add_pod("b")

    def test_http_between_pods_without_sidecars(self):
        self.b.start_http_server(8080)
        result = self.a.curl(f"http://{self.b.ip}:8080/hello?x=1", "-H", "X-Test: 1")
        self.assertEqual(result.status, 200, result)
        info = result.json()
        self.assertEqual(info["pod"], "b")
        self.assertEqual(info["path"], "/hello?x=1")
        self.assertEqual(info["headers"]["x-test"], "1")
        self.assertEqual(info["client"].split(":")[0], self.a.ip)

    def test_only_the_pod_subnet_is_reachable(self):
        routes = self.a.run(["ip", "-4", "route", "show"]).stdout.strip().splitlines()
        self.assertEqual(len(routes), 1, routes)
        self.assertTrue(routes[0].startswith(f"{self.cluster.subnet_prefix}.0/24"), routes)
        bridge_addrs = procs.run(["ip", "-o", "addr", "show", "dev", self.cluster.bridge]).stdout
        self.assertNotIn("inet ", bridge_addrs)
        lo = self.a.run(["ip", "-o", "link", "show", "dev", "lo"]).stdout
        self.assertIn("UP", lo)

    def test_keep_alive_reuses_one_connection(self):
        self.b.start_http_server(8080)
        url = f"http://{self.b.ip}:8080/"
        out = self.a.run(["curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-o",
                          "/dev/null", "-o", "/dev/null", "-w",
                          "%{http_code} %{num_connects}\n", url + "1", url + "2",
                          url + "3"]).stdout.split()
        self.assertEqual(out, ["200", "1", "200", "0", "200", "0"])

    def test_http_server_status_slow_chunked_and_uploads(self):
        self.b.start_http_server(8080)
        base = f"http://{self.b.ip}:8080"
        self.assertEqual(self.a.curl(base + "/status/418").status, 418)
        self.assertEqual(self.a.curl(base + "/slow/200").status, 200)
        size = 300_000
        for kind in ("chunked", "bytes"):
            result = self.a.curl(f"{base}/{kind}/{size}")
            self.assertEqual(result.status, 200)
            self.assertEqual(hashlib.sha256(result.body).hexdigest(),
                             payload.sha256_of_payload(size))
            if kind == "chunked":
                self.assertEqual(result.header("transfer-encoding"), "chunked")
        body = os.urandom(200_000)
        path = os.path.join(self.cluster.work_dir, "upload.bin")
        with open(path, "wb") as f:
            f.write(body)
        for extra in (["--data-binary", "@" + path],
                      ["-T", path, "-H", "Transfer-Encoding: chunked"]):
            info = self.a.curl(base + "/upload", *extra).json()
            self.assertEqual(info["body_len"], len(body), extra)
            self.assertEqual(info["body_sha256"], hashlib.sha256(body).hexdigest(), extra)

    def test_tcp_echo_with_banner_and_binary_client_first(self):
        self.b.start_tcp_echo(9000, banner="HELLO from b")
        self.b.start_tcp_echo(9001)
        data = bytes(range(256)) * 4
        got = self.a.tcp_exchange(self.b.ip, 9000, data, banner=True)
        self.assertTrue(got["ok"], got)
        self.assertEqual(got["banner"], "HELLO from b\n")
        got = self.a.tcp_exchange(self.b.ip, 9001, data)
        self.assertTrue(got["ok"], got)

    def test_run_and_spawn_as_another_user(self):
        self.assertEqual(self.a.run(["id", "-u"], user=1337).stdout.strip(), "1337")
        proc = self.a.spawn(["sh", "-c", "id -u; sleep 30"], user=1337, name="sleeper")
        procs.wait_until(lambda: "1337" in proc.log_tail(), timeout=5, what="id output")
        self.assertTrue(proc.alive())


class CleanupTest(unittest.TestCase):
    def test_cleanup_leaves_nothing_even_when_the_body_raises(self):
        with self.assertRaises(RuntimeError):
            with Cluster() as cluster:
                pod = cluster.add_pod("a")
                pod.start_http_server(8080)
                proc = pod.spawn(["sleep", "300"], name="sleeper")
                names = [pod.ns]
                bridge = cluster.bridge
                pids = [p.pid for p in pod.processes]
                work_dir = cluster.work_dir
                raise RuntimeError("test body failed")
        self.assertNotIn(names[0], netns.list_netns())
        self.assertFalse(netns.link_exists(bridge))
        self.assertFalse(netns.our_links(os.getpid()), "veth or bridge left behind")
        for pid in pids:
            self.assertFalse(_pid_alive(pid), f"pid {pid} still running")
        self.assertFalse(proc.alive())
        self.assertFalse(os.path.exists(work_dir))

    def test_cleanup_stale_removes_only_our_leftovers(self):
        fake_pid = 4242  # tags 4242a...: pretend a crashed process left them behind
        tag = netns.run_tag(fake_pid, 0)
        ours = netns.netns_name(tag, "x")
        foreign = f"weftother{os.getpid() % 10000}"
        bridge = netns.bridge_name(tag)
        try:
            netns.create_bridge(bridge)
            netns.create_pod_netns(ours, bridge, netns.veth_host_name(tag, 0), "10.99.0.1/24")
            procs.run(["ip", "netns", "add", foreign])
            removed = netns.cleanup_stale(fake_pid, log=None)
            self.assertIn(ours, removed)
            self.assertIn(bridge, removed)
            self.assertNotIn(ours, netns.list_netns())
            self.assertFalse(netns.link_exists(bridge))
            self.assertFalse(netns.link_exists(netns.veth_host_name(tag, 0)))
            self.assertIn(foreign, netns.list_netns())
        finally:
            procs.run(["ip", "netns", "del", foreign], check=False)
            netns.cleanup_stale(fake_pid, log=None)


if __name__ == "__main__":
    unittest.main()
