#!/usr/bin/python3
"""A bounded HTTP/1.1 load client that measures the golden signals itself.

Run inside a pod: golden_load.py --base http://backend:8080 --count N --rate R
                                 [--fail_every K] [--slow_every M --slow_ms MS]
Request i (from 0) goes to /status/503 when i % K == 0, to /slow/<MS> when
i % M == M - 1 (never one of the failures when K divides M), else to /. One keep-alive connection, sequential requests, paced
at --rate per second. Prints one JSON line:
  {"sent", "ok", "failed", "errors", "success_rate", "p50_s", "p95_s", "p99_s", "seconds"}
where a response is a success when its status is below 500, and the percentiles are
nearest-rank over every request's wall-clock time (request sent -> body read).
Bounded: at most 20 000 requests and 120 s.
"""

import argparse
import http.client
import json
import math
import time
import urllib.parse

MAX_COUNT = 20_000
MAX_SECONDS = 120.0


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", required=True)
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--rate", type=float, default=100.0)
    p.add_argument("--fail_every", type=int, default=0)
    p.add_argument("--slow_every", type=int, default=0)
    p.add_argument("--slow_ms", type=int, default=80)
    p.add_argument("--timeout", type=float, default=5.0)
    args = p.parse_args()
    count = min(args.count, MAX_COUNT)
    url = urllib.parse.urlsplit(args.base)
    conn = None
    latencies, ok, failed, errors = [], 0, 0, 0
    start = time.monotonic()
    interval = 1.0 / args.rate if args.rate > 0 else 0.0
    for i in range(count):
        if time.monotonic() - start > MAX_SECONDS:
            break
        due = start + i * interval
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        if args.fail_every and i % args.fail_every == 0:
            path = "/status/503"
        elif args.slow_every and i % args.slow_every == args.slow_every - 1:
            path = f"/slow/{args.slow_ms}"
        else:
            path = "/"
        t0 = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(url.hostname, url.port or 80,
                                                  timeout=args.timeout)
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            latencies.append(time.monotonic() - t0)
            if resp.status < 500:
                ok += 1
            else:
                failed += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            if conn is not None:
                conn.close()
            conn = None
    latencies.sort()
    answered = ok + failed
    print(json.dumps({
        "sent": ok + failed + errors, "ok": ok, "failed": failed, "errors": errors,
        "success_rate": ok / answered if answered else None,
        "p50_s": percentile(latencies, 0.50), "p95_s": percentile(latencies, 0.95),
        "p99_s": percentile(latencies, 0.99), "seconds": time.monotonic() - start,
    }), flush=True)


if __name__ == "__main__":
    main()
