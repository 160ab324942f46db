#!/usr/bin/python3
"""A bounded concurrent HTTP/1.1 load client: --concurrency workers, each with its own
keep-alive connection, send --count requests in total (or stop at --duration).

Run inside a pod: burst_load.py --url http://backend:8080/ --count 600 --concurrency 20
                  [--duration S] [--timeout S]
Prints one JSON line: {"sent", "ok", "statuses": {code: n}, "errors": {reason: n},
"served_by": {pod: n}, "headers": {x-weft-error value: n}, "latency_ms": {"p50", "p90",
"p99", "max"} (of all answered requests), "seconds"}. At most 100 000 requests, 256
workers and 600 s.
"""

import argparse
import collections
import http.client
import json
import threading
import time
import urllib.parse

MAX_COUNT = 100_000
MAX_WORKERS = 256
MAX_DURATION_S = 600.0


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values))) - 1))
    return round(sorted_values[index], 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    if (not 1 <= args.count <= MAX_COUNT or not 1 <= args.concurrency <= MAX_WORKERS
            or not 0 < args.duration <= MAX_DURATION_S):
        parser.error(f"--count 1..{MAX_COUNT}, --concurrency 1..{MAX_WORKERS}, "
                     f"--duration 0..{MAX_DURATION_S}")
    url = urllib.parse.urlsplit(args.url)
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    lock = threading.Lock()
    statuses, errors, served_by, reasons = (collections.Counter() for _ in range(4))
    latencies = []
    counters = {"sent": 0, "ok": 0}
    start = time.monotonic()
    deadline = start + args.duration

    def take():
        with lock:
            if counters["sent"] >= args.count or time.monotonic() >= deadline:
                return False
            counters["sent"] += 1
            return True

    def worker():
        conn = None
        while take():
            began = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(url.hostname, url.port or 80,
                                                      timeout=args.timeout)
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                elapsed_ms = (time.monotonic() - began) * 1000.0
                by = None
                try:
                    by = json.loads(body).get("pod")
                except (ValueError, AttributeError):
                    pass
                with lock:
                    statuses[str(response.status)] += 1
                    latencies.append(elapsed_ms)
                    if response.status == 200:
                        counters["ok"] += 1
                    if by:
                        served_by[by] += 1
                    reason = response.getheader("x-weft-error")
                    if reason:
                        reasons[reason] += 1
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    errors[type(e).__name__] += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(args.duration + args.timeout + 5)
    latencies.sort()
    print(json.dumps({
        "sent": counters["sent"], "ok": counters["ok"], "statuses": dict(statuses),
        "errors": dict(errors), "served_by": dict(served_by), "headers": dict(reasons),
        "latency_ms": {"p50": percentile(latencies, 50), "p90": percentile(latencies, 90),
                       "p99": percentile(latencies, 99),
                       "max": round(latencies[-1], 2) if latencies else None},
        "seconds": round(time.monotonic() - start, 3)}), flush=True)


if __name__ == "__main__":
    main()
