"""Draining: SIGTERM and POST /drain on b's sidecar while requests are in flight.

docs/mesh-proxy.md: on SIGTERM the listeners close at once, /ready turns 503, responses
in flight finish with `connection: close`, and the process exits (status 0) when nothing
is left or after --drain_timeout. POST /drain does the same but does not exit.

Two clients call b's app (http_echo on 8080) at the same time: curl in pod a goes
through a's outbound and b's inbound sidecar (the mesh path); curl in pod c, which has no
sidecar, reaches b's inbound listener directly, so it sees exactly the response b's
sidecar wrote, including its `connection: close`.
"""

import os
import signal
import time

from harness import curl as curl_mod
from harness import procs
from harness.testcase import SidecarTestCase

# /slow/<ms> of the requests in flight while b's sidecar drains: long enough for every
# during-drain check (about ten short commands in pods, < 0.1 s on an idle machine).
IN_FLIGHT_MS = 3000
INBOUND_ACTIVE = "cluster.inbound_passthrough.upstream_rq_active"
OUTBOUND_ACTIVE = "cluster.passthrough.upstream_rq_active"
EXIT_MARGIN_S = 1.5


class BackgroundCurl:
    """A curl started in the background in a pod (PID-tracked by the pod), collected later."""

    def __init__(self, pod, url, *args, timeout=20):
        serial = pod.cluster.next_serial()
        base = os.path.join(pod.cluster.work_dir, f"bg-curl-{serial}")
        self.header_path, self.body_path = base + ".headers", base + ".body"
        self.proc = pod.spawn([curl_mod.CURL, "-sS", "--max-time", timeout,
                               "-D", self.header_path, "-o", self.body_path, *args, url],
                              name=f"curl-{serial}")

    def alive(self):
        return self.proc.alive()

    def result(self, timeout):
        """Waits up to `timeout` s for curl; returns a CurlResult (status 0 if no response)."""
        exit_code = self.proc.wait(timeout)
        if exit_code is None:
            raise AssertionError(f"background curl still running after {timeout}s: "
                                 f"{self.proc.log_tail()}")
        raw = _read(self.header_path).decode("latin-1")
        blocks = [b for b in raw.replace("\r\n", "\n").split("\n\n") if b.strip()]
        status_line = blocks[-1].split("\n")[0].split() if blocks else []
        status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
        return curl_mod.CurlResult(status, curl_mod.parse_header_dump(raw),
                                   _read(self.body_path), exit_code, self.proc.log_tail(), raw)


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


class DrainTest(SidecarTestCase):
    def setUp(self):
        super().setUp()
        self.c = self.cluster.add_pod("c")  # a plain client: no sidecar
        self.b.start_http_server(8080)
        self.sa = self.a.add_sidecar()
        self.url = f"http://{self.b.ip}:8080"

    # ----- helpers -----

    def _add_b_sidecar(self, drain_timeout):
        sb = self.b.add_sidecar(proxy_args=[f"--drain_timeout={drain_timeout}"])
        # The PID the harness tracks must be the proxy itself (ip netns exec and setpriv
        # exec it), or the SIGTERM below would go to a wrapper.
        exe = os.readlink(f"/proc/{sb.proxy.pid}/exe")
        self.assertTrue(exe.endswith("/mesh-proxy"), exe)
        return sb

    def _start_in_flight(self, sb, slow_ms):
        """Starts the mesh (a) and direct (c) requests; returns once b's sidecar has both
        upstream, so they are truly in flight when the test starts draining."""
        mesh = BackgroundCurl(self.a, f"{self.url}/slow/{slow_ms}")
        direct = BackgroundCurl(self.c, f"{self.url}/slow/{slow_ms}")
        procs.wait_until(lambda: sb.counter(INBOUND_ACTIVE) == 2, timeout=2.0,
                         what=f"{INBOUND_ACTIVE} == 2 in pod b")
        self.assertEqual(self.sa.counter(OUTBOUND_ACTIVE), 1)
        return mesh, direct

    def _wait_draining(self, sb):
        """/ready turns 503 DRAINING and b's listeners stop listening."""
        procs.wait_until(lambda: sb.admin("/ready")[0] == 503, timeout=1.0,
                         what="/ready 503 in pod b")
        self.assertEqual(sb.admin("/ready")[1].strip(), "DRAINING")
        procs.wait_until(lambda: not self.b.listening(15006) and not self.b.listening(15001),
                         timeout=1.0, what="b's listeners 15001/15006 closed")

    def _assert_new_connections_refused(self):
        """New connections to b's inbound are not accepted any more."""
        refused = self.c.curl(f"{self.url}/new", timeout=3)
        self.assertEqual((refused.status, refused.exit_code), (0, 7), refused)  # ECONNREFUSED
        # Through a's sidecar the refusal comes back as the proxy's own 503.
        meshed = self.a.curl(f"{self.url}/new", timeout=3)
        self.assertEqual(meshed.status, 503, meshed)
        self.assertEqual(meshed.header("x-weft-error"), "connect_failed", meshed)

    def _assert_in_flight_completed(self, mesh, direct, slow_ms):
        results = {}
        for who, bg in (("mesh", mesh), ("direct", direct)):
            result = results[who] = bg.result(timeout=slow_ms / 1000.0 + 5)
            self.assertEqual(result.status, 200, f"{who}: {result}")
            info = result.json()
            self.assertEqual((info["pod"], info["path"]), ("b", f"/slow/{slow_ms}"), who)
        # b's sidecar told its direct client that it closes the connection.
        self.assertEqual(results["direct"].header("connection"), "close", results["direct"])

    # ----- tests -----

    def test_sigterm_finishes_in_flight_requests_then_exits(self):
        drain_timeout_s = 10
        sb = self._add_b_sidecar(f"{drain_timeout_s}s")
        mesh, direct = self._start_in_flight(sb, IN_FLIGHT_MS)

        started = time.monotonic()
        sb.proxy.signal(signal.SIGTERM)
        self._wait_draining(sb)
        self._assert_new_connections_refused()
        # All of the above happened while the requests were still in flight, and the
        # proxy is still waiting for them.
        self.assertTrue(mesh.alive() and direct.alive(),
                        f"in-flight requests ended before the during-drain checks finished "
                        f"({time.monotonic() - started:.2f}s after SIGTERM)")
        self.assertTrue(sb.proxy.alive(), sb.proxy.log_tail())

        self._assert_in_flight_completed(mesh, direct, IN_FLIGHT_MS)
        code = sb.proxy.wait(timeout=drain_timeout_s + EXIT_MARGIN_S)
        elapsed = time.monotonic() - started
        self.assertEqual(code, 0, sb.proxy.log_tail())
        # It exits once nothing is left, not at the drain deadline.
        self.assertLess(elapsed, IN_FLIGHT_MS / 1000.0 + EXIT_MARGIN_S, sb.proxy.log_tail())

    def test_sigterm_drain_timeout_cuts_slow_request(self):
        drain_timeout_s = 1.0
        slow_ms = 8000  # far beyond the drain timeout
        sb = self._add_b_sidecar("1s")
        before_a = self.sa.stats()
        mesh, direct = self._start_in_flight(sb, slow_ms)

        started = time.monotonic()
        sb.proxy.signal(signal.SIGTERM)
        code = sb.proxy.wait(timeout=drain_timeout_s + EXIT_MARGIN_S)
        elapsed = time.monotonic() - started
        self.assertIsNotNone(code, f"mesh-proxy still running {elapsed:.2f}s after SIGTERM "
                                   f"with --drain_timeout=1s:\n{sb.proxy.log_tail()}")
        self.assertEqual(code, 0, sb.proxy.log_tail())
        # It waited for the drain timeout (the request was in flight) and no longer.
        self.assertGreaterEqual(elapsed, drain_timeout_s - 0.1)
        self.assertIn("drain timeout", sb.proxy.log_tail())

        # The cut requests end now, long before the app would have answered.
        cut = direct.result(timeout=2)
        self.assertEqual(cut.status, 0, cut)
        self.assertIn(cut.exit_code, (52, 56), cut)  # empty reply / connection reset
        meshed = mesh.result(timeout=2)
        self.assertEqual(meshed.status, 502, meshed)
        self.assertEqual(meshed.header("x-weft-error"), "upstream_reset", meshed)
        self.assertCounterDelta(self.sa, before_a, "proxy.errors.upstream_reset", 1)

    def test_admin_drain_keeps_process_alive(self):
        drain_timeout_s = 1.0
        sb = self._add_b_sidecar("1s")
        slow_ms = 1500
        mesh, direct = self._start_in_flight(sb, slow_ms)

        status, body = sb.admin("/drain", method="POST")
        self.assertEqual(status, 200, body)
        self._wait_draining(sb)
        self._assert_new_connections_refused()
        self._assert_in_flight_completed(mesh, direct, slow_ms)

        # Well past the drain timeout and with nothing in flight, the proxy still runs,
        # still reports DRAINING, and its admin still answers.
        time.sleep(drain_timeout_s + 0.5)
        self.assertTrue(sb.proxy.alive(), sb.proxy.log_tail())
        self.assertEqual(sb.admin("/ready"), (503, "DRAINING\n"))
        self.assertIn(INBOUND_ACTIVE, sb.stats())
        self.assertFalse(self.b.listening(15006))

        # SIGTERM now exits promptly and cleanly.
        sb.proxy.signal(signal.SIGTERM)
        self.assertEqual(sb.proxy.wait(timeout=drain_timeout_s + EXIT_MARGIN_S), 0,
                         sb.proxy.log_tail())
