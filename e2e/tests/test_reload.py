"""Live config changes: SIGHUP makes mesh-proxy re-read its bootstrap file and apply
it without dropping connections; an invalid file is rejected and changes nothing.

Loopback only (no namespaces needed): a proxy with a plain HTTP listener in front of
two echo servers, driven by a keep-alive client that stays connected throughout.
"""

import http.client
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

from harness import binaries, procs

PYTHON = "/usr/bin/python3"
APPS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "harness", "apps")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bootstrap(admin, listeners, routes_to, extra_listener=None):
    doc = f"""admin: {{address: 127.0.0.1, port: {admin}}}
listeners:
  - name: front
    address: 127.0.0.1
    port: {listeners}
    protocol: http
    route_config: main
"""
    if extra_listener:
        doc += f"""  - name: extra
    address: 127.0.0.1
    port: {extra_listener}
    protocol: http
    route_config: main
"""
    doc += f"""route_configs:
  - name: main
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: {{prefix: /}}
            cluster: {routes_to}
            timeout: 10s
clusters:
  - name: blue
    endpoints: [{{address: 127.0.0.1, port: {BLUE}}}]
  - name: green
    endpoints: [{{address: 127.0.0.1, port: {GREEN}}}]
"""
    return doc


BLUE = GREEN = 0


class LiveReloadTest(unittest.TestCase):
    def setUp(self):
        global BLUE, GREEN
        self.dir = tempfile.mkdtemp(prefix="weft-reload-")
        BLUE, GREEN = free_port(), free_port()
        self.admin, self.port = free_port(), free_port()
        self.procs = []
        for name, port in (("blue", BLUE), ("green", GREEN)):
            p = procs.BackgroundProcess(
                name, [PYTHON, os.path.join(APPS, "http_echo.py"), "--port", str(port),
                       "--address", "127.0.0.1", "--pod", name],
                os.path.join(self.dir, f"{name}.log"))
            self.procs.append(p)
        self.config = os.path.join(self.dir, "bootstrap.yaml")
        self.write(bootstrap(self.admin, self.port, "blue"))
        self.proxy = procs.BackgroundProcess(
            "mesh-proxy", [binaries.find(binaries.MESH_PROXY), f"--config={self.config}",
                           "--concurrency=2"], os.path.join(self.dir, "proxy.log"))
        self.procs.append(self.proxy)
        self.addCleanup(self.cleanup)
        procs.wait_until(lambda: self.ready(), timeout=10, what="proxy ready")
        for port in (BLUE, GREEN):
            procs.wait_until(lambda port=port: self.listening(port), timeout=10,
                             what=f"echo server on {port}")

    def cleanup(self):
        for p in reversed(self.procs):
            p.stop(grace_s=3.0)
        if sys.exc_info()[0] is not None:
            print(self.proxy.log_tail(), file=sys.stderr)

    def write(self, text):
        tmp = self.config + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.config)  # readers never see half a file

    def listening(self, port):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    def ready(self):
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{self.admin}/ready",
                                          timeout=1).status == 200
        except OSError:
            return False

    def stats(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.admin}/stats?format=json",
                                    timeout=2) as r:
            return json.load(r)

    def reload_and_wait(self, counter):
        before = self.stats().get(counter, 0)
        self.proxy.signal(signal.SIGHUP)
        procs.wait_until(lambda: self.stats().get(counter, 0) > before, timeout=5,
                         what=f"{counter} to move")

    def served_by(self, conn, path="/"):
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        self.assertEqual(resp.status, 200, body)
        return resp.getheader("x-served-by")

    def test_route_change_applies_to_an_open_keep_alive_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        self.assertEqual(self.served_by(conn), "blue")
        local_port = conn.sock.getsockname()[1]
        self.write(bootstrap(self.admin, self.port, "green"))
        self.reload_and_wait("server.config_update_ok")
        self.assertEqual(self.served_by(conn), "green")
        # Same client connection all along: nothing was dropped.
        self.assertEqual(conn.sock.getsockname()[1], local_port)
        conn.close()

    def test_request_in_flight_during_reload_completes(self):
        result = {}

        def slow_request():
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                c.request("GET", "/slow/1500")
                r = c.getresponse()
                result["status"], result["by"] = r.status, r.getheader("x-served-by")
                r.read()
            except Exception as e:  # reported below
                result["error"] = repr(e)

        t = threading.Thread(target=slow_request)
        t.start()
        time.sleep(0.3)  # the request is at the blue server now
        self.write(bootstrap(self.admin, self.port, "green"))
        self.reload_and_wait("server.config_update_ok")
        t.join(timeout=10)
        self.assertEqual(result, {"status": 200, "by": "blue"})

    def test_invalid_file_is_rejected_and_old_config_stays(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        self.assertEqual(self.served_by(conn), "blue")
        self.write(bootstrap(self.admin, self.port, "no-such-cluster").replace(
            "port: " + str(BLUE), "port: 99999"))
        self.reload_and_wait("server.config_update_rejected")
        self.assertEqual(self.served_by(conn), "blue")
        self.assertIn("no-such-cluster", self.proxy.log_tail())
        self.assertIn("99999", self.proxy.log_tail())
        dump = json.load(urllib.request.urlopen(f"http://127.0.0.1:{self.admin}/config_dump",
                                                timeout=2))
        self.assertEqual(dump["route_configs"][0]["virtual_hosts"][0]["routes"][0]["cluster"],
                         "blue")

    def test_listeners_added_and_removed_live(self):
        extra = free_port()
        self.write(bootstrap(self.admin, self.port, "blue", extra_listener=extra))
        self.reload_and_wait("server.config_update_ok")
        conn = http.client.HTTPConnection("127.0.0.1", extra, timeout=5)
        self.assertEqual(self.served_by(conn), "blue")
        self.write(bootstrap(self.admin, self.port, "blue"))
        self.reload_and_wait("server.config_update_ok")
        # The removed listener accepts nothing new...
        self.assertFalse(self.listening(extra))
        # ...but its established connection still works.
        self.assertEqual(self.served_by(conn), "blue")
        conn.close()


if __name__ == "__main__":
    unittest.main()
