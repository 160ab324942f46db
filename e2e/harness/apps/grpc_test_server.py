#!/usr/bin/python3
"""A gRPC test server covering the four call kinds, for HTTP/2-through-the-mesh tests.

Run inside a pod: grpc_test_server.py --port 50051 --name b [--version v1]
No generated stubs: every method takes and returns raw bytes (python3-grpcio's generic
handlers), service "weft.test.Probe":

  Echo          unary: returns the request bytes.
  ServerStream  server streaming: x-weft-count messages of x-weft-size bytes
                (payload.iter_payload), x-weft-interval-ms apart.
  ClientStream  client streaming: returns JSON {"count", "bytes", "sha256"} of what came.
  BidiEcho      bidi streaming: echoes every message as it arrives.
  Stats         unary: JSON {"calls", "cancelled", "active", "max_active"};
                request metadata x-weft-reset: 1 zeroes calls/cancelled/max_active.

Request metadata understood by the call methods (all bounded):
  x-weft-sleep-ms     sleep first (max 30000; ends early if the call is cancelled or
                      its deadline passes)
  x-weft-linger-ms    BidiEcho: wait this long after the client half-closed (max
                      30000; a cancellation racing the half-close is then still seen)
  x-weft-status       a status code name (NOT_FOUND) or number: the call ends with it
  x-weft-message      the status message sent with x-weft-status (ASCII), or
  x-weft-message-bin  the same as UTF-8 bytes (any text)
  x-weft-after        for ServerStream/BidiEcho: send this many messages before the
                      x-weft-status (default 0: a trailers-only response)
  x-weft-no-initial   1: send no initial metadata (an error is then trailers-only: a
                      single HEADERS frame with END_STREAM)
  x-test-*            echoed back unchanged in the trailing metadata (also -bin keys)

Also the standard health service, grpc.health.v1.Health/Check (the kubelet's grpc
probe), answering from --health SERVICE=STATUS (repeatable; "" is the server overall,
SERVING by default): SERVING/NOT_SERVING, or NOT_FOUND for a service not listed, as
grpc's own health service does. The messages are hand-encoded (field 1 only).

Every answer carries (unless x-weft-no-initial) initial metadata x-served-by: <name>, x-server-version:
<version> (also repeated in the trailers), and the trailers carry
x-time-remaining-ms (the deadline the server saw, "none" without one), so tests can
tell which backend answered and whether grpc-timeout was forwarded.
Max message size both ways: --max_message_bytes (default 64 MiB). Runs until SIGTERM.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import signal
import sys
import threading
import time

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import payload  # noqa: E402

SERVICE = "weft.test.Probe"
MAX_SLEEP_MS = 30_000
MAX_STREAM_COUNT = 100_000
MAX_STREAM_BYTES = 512 * 1024 * 1024
MAX_INTERVAL_MS = 10_000
WORKERS = 256  # > the 100-concurrent-streams test, each call holds a thread


class Counters:
    """Call accounting shared by all handler threads (guarded by a lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls = self.cancelled = self.active = self.max_active = 0

    def start(self):
        with self.lock:
            self.calls += 1
            self.active += 1
            self.max_active = max(self.max_active, self.active)

    def done(self, finished):
        with self.lock:
            self.active -= 1
            if not finished:
                self.cancelled += 1

    def snapshot(self, reset=False):
        with self.lock:
            snap = {"calls": self.calls, "cancelled": self.cancelled, "active": self.active,
                    "max_active": self.max_active}
            if reset:
                self.calls = self.cancelled = 0
                self.max_active = self.active
            return snap


class Probe:
    def __init__(self, name, version):
        self.name = name
        self.version = version
        self.counters = Counters()

    # ----- helpers -----

    def _begin(self, context):
        """Accounting, initial metadata, and the parsed request metadata."""
        self.counters.start()
        state = {"finished": False}
        context.add_callback(lambda: self.counters.done(state["finished"]))
        meta = {}
        for key, value in context.invocation_metadata():
            meta[key] = value
        remaining = context.time_remaining()
        trailers = [("x-served-by", self.name), ("x-server-version", self.version),
                    ("x-time-remaining-ms",
                     "none" if remaining is None or remaining > 1e8 else
                     str(int(remaining * 1000)))]
        trailers += [(k, v) for k, v in meta.items() if k.startswith("x-test-")]
        if meta.get("x-weft-no-initial") != "1":
            context.send_initial_metadata((("x-served-by", self.name),
                                           ("x-server-version", self.version)))
        context.set_trailing_metadata(tuple(trailers))
        return meta, state

    @staticmethod
    def _int(meta, key, default, maximum):
        raw = meta.get(key)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            return default
        return max(0, min(value, maximum))

    @staticmethod
    def _sleep(meta, context, key="x-weft-sleep-ms"):
        ms = Probe._int(meta, key, 0, MAX_SLEEP_MS)
        end = time.monotonic() + ms / 1000.0
        while context.is_active() and time.monotonic() < end:
            time.sleep(min(0.01, max(0.0, end - time.monotonic())))

    @staticmethod
    def _requested_status(meta):
        raw = meta.get("x-weft-status")
        if raw is None:
            return None
        for code in grpc.StatusCode:
            if raw.upper() == code.name or raw == str(code.value[0]):
                return code
        return grpc.StatusCode.INVALID_ARGUMENT  # unknown name: say so, visibly

    def _maybe_abort(self, meta, context, state):
        code = self._requested_status(meta)
        if code is None or code == grpc.StatusCode.OK:
            return
        message = meta.get("x-weft-message", "")
        if "x-weft-message-bin" in meta:
            message = meta["x-weft-message-bin"].decode("utf-8", errors="replace")
        if code == grpc.StatusCode.INVALID_ARGUMENT and message == "":
            message = f"unknown x-weft-status {meta.get('x-weft-status')!r}"
        state["finished"] = True
        context.abort(code, message)

    # ----- methods -----

    def echo(self, request, context):
        meta, state = self._begin(context)
        self._sleep(meta, context)
        self._maybe_abort(meta, context, state)
        # A cancelled call may still end its loop normally: it counts as cancelled.
        state["finished"] = context.is_active()
        return request

    def server_stream(self, request, context):
        meta, state = self._begin(context)
        self._sleep(meta, context)
        count = self._int(meta, "x-weft-count", 1, MAX_STREAM_COUNT)
        size = self._int(meta, "x-weft-size", len(request), MAX_STREAM_BYTES)
        if count * size > MAX_STREAM_BYTES:
            state["finished"] = True
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          f"x-weft-count * x-weft-size over {MAX_STREAM_BYTES}")
        interval = self._int(meta, "x-weft-interval-ms", 0, MAX_INTERVAL_MS) / 1000.0
        after = self._int(meta, "x-weft-after", 0, MAX_STREAM_COUNT)
        if self._requested_status(meta) is not None:
            count = min(count, after)
        message = b"".join(payload.iter_payload(size)) if size else b""
        for i in range(count):
            if not context.is_active():
                return
            if i and interval:
                time.sleep(interval)
            yield message
        self._maybe_abort(meta, context, state)
        # A cancelled call may still end its loop normally: it counts as cancelled.
        state["finished"] = context.is_active()

    def client_stream(self, request_iterator, context):
        meta, state = self._begin(context)
        h = hashlib.sha256()
        count = total = 0
        for message in request_iterator:
            count += 1
            total += len(message)
            h.update(message)
        self._sleep(meta, context)
        self._maybe_abort(meta, context, state)
        # A cancelled call may still end its loop normally: it counts as cancelled.
        state["finished"] = context.is_active()
        return json.dumps({"count": count, "bytes": total, "sha256": h.hexdigest()}).encode()

    def bidi_echo(self, request_iterator, context):
        meta, state = self._begin(context)
        self._sleep(meta, context)
        after = self._int(meta, "x-weft-after", 0, MAX_STREAM_COUNT)
        failing = self._requested_status(meta) is not None
        sent = 0
        for message in request_iterator:
            if failing and sent >= after:
                break
            yield message
            sent += 1
        self._sleep(meta, context, "x-weft-linger-ms")
        self._maybe_abort(meta, context, state)
        # A cancelled call may still end its loop normally: it counts as cancelled.
        state["finished"] = context.is_active()

    def stats(self, request, context):
        reset = dict(context.invocation_metadata()).get("x-weft-reset") == "1"
        context.send_initial_metadata((("x-served-by", self.name),
                                       ("x-server-version", self.version)))
        return json.dumps(self.counters.snapshot(reset=reset)).encode()


HEALTH_STATUSES = {"UNKNOWN": 0, "SERVING": 1, "NOT_SERVING": 2}


def health_service_name(request):
    """The service of a HealthCheckRequest (field 1, a string); "" when absent."""
    pos = 0
    while pos < len(request):
        key = request[pos]
        pos += 1
        if key != 0x0A:
            raise ValueError("unexpected field in HealthCheckRequest")
        size, shift = 0, 0
        while True:
            b = request[pos]
            pos += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        return request[pos:pos + size].decode()
    return ""


class Health:
    def __init__(self, statuses):
        self.statuses = statuses  # service -> status number

    def check(self, request, context):
        service = health_service_name(request)
        if service not in self.statuses:
            context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {service!r}")
        return bytes([0x08, self.statuses[service]])


def make_server(probe, address, max_message_bytes, health=None):
    """A started grpc.Server serving `probe` (and the health service) on `address`;
    raises if it cannot bind."""
    handler = grpc.method_handlers_generic_handler(SERVICE, {
        "Echo": grpc.unary_unary_rpc_method_handler(probe.echo),
        "ServerStream": grpc.unary_stream_rpc_method_handler(probe.server_stream),
        "ClientStream": grpc.stream_unary_rpc_method_handler(probe.client_stream),
        "BidiEcho": grpc.stream_stream_rpc_method_handler(probe.bidi_echo),
        "Stats": grpc.unary_unary_rpc_method_handler(probe.stats),
    })
    options = [("grpc.max_send_message_length", max_message_bytes),
               ("grpc.max_receive_message_length", max_message_bytes),
               ("grpc.so_reuseport", 0)]
    server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS),
                         options=options)
    health_handler = grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
        "Check": grpc.unary_unary_rpc_method_handler((health or Health({"": 1})).check),
    })
    server.add_generic_rpc_handlers((handler, health_handler))
    if server.add_insecure_port(address) == 0:
        raise OSError(f"cannot listen on {address}")
    server.start()
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=50051)
    parser.add_argument("--address", default="0.0.0.0")
    parser.add_argument("--name", required=True, help="reported in x-served-by")
    parser.add_argument("--version", default="v1", help="reported in x-server-version")
    parser.add_argument("--max_message_bytes", type=int, default=64 * 1024 * 1024)
    parser.add_argument("--health", action="append", default=[], metavar="SERVICE=STATUS",
                        help="health of SERVICE ('' = the server): SERVING or NOT_SERVING")
    args = parser.parse_args()
    if not 1 <= args.port <= 65535:
        parser.error(f"--port {args.port} is not 1-65535")
    statuses = {"": 1}
    for entry in args.health:
        service, _, status = entry.partition("=")
        if status not in HEALTH_STATUSES:
            parser.error(f"--health {entry}: expected SERVICE=SERVING|NOT_SERVING|UNKNOWN")
        statuses[service] = HEALTH_STATUSES[status]
    host = f"[{args.address}]" if ":" in args.address else args.address
    try:
        server = make_server(Probe(args.name, args.version), f"{host}:{args.port}",
                             args.max_message_bytes, Health(statuses))
    except OSError as e:
        sys.exit(f"grpc_test_server: {e}")
    print(f"grpc_test_server: {args.name} {args.version} listening on "
          f"{host}:{args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop(grace=1).wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
