#!/usr/bin/python3
"""A bounded HTTP/1.1 load client (keep-alive, one connection, sequential requests).

Run inside a pod: http_load.py --url http://backend:8080/ (--count N | --duration S)
                  [--rate R] [--timeout S] [--records]
Each response body that is JSON with a "pod" (apps/http_echo.py) or "version" field
(the demo's apps) counts as served by that value. Prints one JSON summary line:
  {"sent", "ok", "statuses": {code: n}, "errors": {reason: n}, "served_by": {pod: n},
   "seconds"}
and with --records first one line per request: {"t": unix time, "status", "by"}
(status 0 = transport error), so callers can see when a change took effect.
Stops after --count requests or --duration seconds, whichever comes first (at most
100 000 requests and 600 s). A broken connection is reopened for the next request.
"""

import argparse
import collections
import http.client
import json
import sys
import time
import urllib.parse

MAX_COUNT = 100_000
MAX_DURATION_S = 600.0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--count", type=int, default=MAX_COUNT)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=0.0,
                        help="requests per second (0 = as fast as possible)")
    parser.add_argument("--timeout", type=float, default=5.0, help="per request, seconds")
    parser.add_argument("--records", action="store_true", help="one JSON line per request")
    args = parser.parse_args()
    if not 1 <= args.count <= MAX_COUNT or not 0 < args.duration <= MAX_DURATION_S:
        parser.error(f"--count must be 1..{MAX_COUNT}, --duration 0..{MAX_DURATION_S}")
    url = urllib.parse.urlsplit(args.url)
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    port = url.port or 80

    statuses, errors, served_by = (collections.Counter() for _ in range(3))
    conn = None
    sent = ok = 0
    start = time.monotonic()
    deadline = start + args.duration
    interval = 1.0 / args.rate if args.rate > 0 else 0.0
    while sent < args.count and time.monotonic() < deadline:
        if interval:
            next_at = start + sent * interval
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        sent += 1
        status, by = 0, None
        try:
            if conn is None:
                conn = http.client.HTTPConnection(url.hostname, port, timeout=args.timeout)
            conn.request("GET", path, headers={"Host": url.netloc})
            resp = conn.getresponse()
            body = resp.read()
            status = resp.status
            statuses[str(status)] += 1
            try:
                info = json.loads(body)
                by = info.get("version") or info.get("pod")
            except (ValueError, AttributeError):
                by = None
            if status == 200:
                ok += 1
                if by:
                    served_by[by] += 1
            else:
                errors[resp.headers.get("x-weft-error") or f"http_{status}"] += 1
            if resp.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            errors[type(e).__name__] += 1
            if conn is not None:
                conn.close()
            conn = None
        if args.records:
            print(json.dumps({"t": round(time.time(), 4), "status": status, "by": by}),
                  flush=True)
    print(json.dumps({"sent": sent, "ok": ok, "statuses": dict(statuses),
                      "errors": dict(errors), "served_by": dict(served_by),
                      "seconds": round(time.monotonic() - start, 3)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
