#!/usr/bin/python3
"""An HTTP/1.1 backend that misbehaves on purpose, for resilience tests.

Run inside a pod: misbehaving_backend.py --port 8080 --pod NAME
                  [--fail-every N] [--delay-ms MS] [--hold-ms MS]
  --fail-every N   answer every N-th request 503 (2 = half of them; 0 = never).
                   Deterministic rather than random, so a bounded run has an exact
                   failure count.
  --delay-ms MS    sleep MS before every answer (a slow endpoint).
Every answer is JSON {"pod": NAME, "n": request number} (apps/http_load.py and
burst_load.py count it as served by NAME). Paths under /_backend/ are the test's:
  GET  /_backend/stats   {"requests", "failed", "in_flight", "max_in_flight"}
  POST /_backend/reset   zeroes the counters
  POST /_backend/fail?every=N, /_backend/delay?ms=MS   change behaviour at run time
Concurrency is counted across threads (one per connection), so max_in_flight is the
most requests this endpoint was ever serving at once.
"""

import argparse
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_DELAY_MS = 60_000


class State:
    def __init__(self, pod, fail_every, delay_ms):
        self.lock = threading.Lock()
        self.pod = pod
        self.fail_every = fail_every
        self.delay_ms = delay_ms
        self.reset()

    def reset(self):
        self.requests = self.failed = self.in_flight = self.max_in_flight = 0

    def stats(self):
        return {"requests": self.requests, "failed": self.failed, "in_flight": self.in_flight,
                "max_in_flight": self.max_in_flight}


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # quiet: the tests read /_backend/stats
            pass

        def reply(self, status, doc):
            body = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def control(self, url):
            query = dict(urllib.parse.parse_qsl(url.query))
            with state.lock:
                if url.path == "/_backend/stats":
                    return self.reply(200, state.stats())
                if url.path == "/_backend/reset":
                    state.reset()
                elif url.path == "/_backend/fail":
                    state.fail_every = max(0, int(query.get("every", "0")))
                elif url.path == "/_backend/delay":
                    state.delay_ms = min(MAX_DELAY_MS, max(0, int(query.get("ms", "0"))))
                else:
                    return self.reply(404, {"error": "unknown control path"})
                return self.reply(200, state.stats())

        def serve(self):
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            url = urllib.parse.urlsplit(self.path)
            if url.path.startswith("/_backend/"):
                return self.control(url)
            with state.lock:
                state.requests += 1
                n = state.requests
                state.in_flight += 1
                state.max_in_flight = max(state.max_in_flight, state.in_flight)
                fail = state.fail_every > 0 and n % state.fail_every == 0
                if fail:
                    state.failed += 1
                delay_ms = state.delay_ms
            try:
                if delay_ms:
                    time.sleep(delay_ms / 1000.0)
                self.reply(503 if fail else 200, {"pod": state.pod, "n": n})
            finally:
                with state.lock:
                    state.in_flight -= 1

        do_GET = do_POST = do_PUT = serve

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--address", default="0.0.0.0")
    parser.add_argument("--pod", required=True)
    parser.add_argument("--fail-every", type=int, default=0)
    parser.add_argument("--delay-ms", type=int, default=0)
    args = parser.parse_args()
    if args.fail_every < 0 or not 0 <= args.delay_ms <= MAX_DELAY_MS:
        parser.error(f"--fail-every must be >= 0 and --delay-ms 0..{MAX_DELAY_MS}")
    state = State(args.pod, args.fail_every, args.delay_ms)
    server = ThreadingHTTPServer((args.address, args.port), make_handler(state))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
