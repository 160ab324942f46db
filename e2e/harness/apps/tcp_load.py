#!/usr/bin/python3
"""Opens a new TCP connection per exchange, at a steady rate, for a bounded time:
each connection sends a line and expects it echoed. Through sidecars every exchange
is a new connection between them (a full or resumed mTLS handshake), which makes it
the load to run while certificates and roots rotate.

  tcp_load.py --host backend --port 9000 --duration 20 --rate 20
Prints one JSON line: {"sent": N, "ok": N, "failed": N, "errors": {...}}.
"""

import argparse
import json
import socket
import time


def exchange(host, port, payload, timeout):
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(payload)
        data = b""
        while len(data) < len(payload):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        if data != payload:
            raise OSError(f"echo mismatch ({len(data)} of {len(payload)} bytes)")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--rate", type=float, default=20.0)
    p.add_argument("--timeout", type=float, default=5.0)
    a = p.parse_args()
    sent = ok = 0
    errors = {}
    failed_at = []  # wall-clock times of the first failures, to match against logs
    start = time.monotonic()
    interval = 1.0 / a.rate
    while time.monotonic() - start < min(a.duration, 300):
        due = start + sent * interval
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        sent += 1
        try:
            exchange(a.host, a.port, f"ping {sent}\n".encode(), a.timeout)
            ok += 1
        except OSError as e:
            key = type(e).__name__ + ": " + str(e)[:80]
            errors[key] = errors.get(key, 0) + 1
            if len(failed_at) < 20:
                failed_at.append(round(time.time(), 3))
    print(json.dumps({"sent": sent, "ok": ok, "failed": sent - ok, "errors": errors,
                      "failed_at": failed_at}), flush=True)


if __name__ == "__main__":
    main()
