#!/usr/bin/python3
"""A bounded gRPC client for proxyless-mesh tests (python3-grpcio, no generated stubs).

Run inside a pod: GRPC_XDS_BOOTSTRAP=/path/bootstrap.json \
    grpc_client.py --target xds:///greeter (--count N | --duration S) [--rate R] [--records]
Calls /weft.test.Greeter/SayHello (apps/grpc_greeter.py) on ONE channel, so an xds:
target keeps its xDS watch for the whole run and follows config changes. Prints one
JSON summary line {"sent", "ok", "served_by": {pod: n}, "errors": {code: n}, "seconds"},
preceded with --records by one line per call {"t": unix time, "ok", "by"}.
At most 100 000 calls and 600 s.
"""

import argparse
import collections
import json
import sys
import time

import grpc

METHOD = "/weft.test.Greeter/SayHello"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=0.0, help="calls/s (0 = back to back)")
    parser.add_argument("--timeout", type=float, default=5.0, help="per call deadline, s")
    parser.add_argument("--wait_ready", type=float, default=10.0,
                        help="seconds to wait for the channel (xDS resolution) first")
    parser.add_argument("--records", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.count <= 100_000 or not 0 < args.duration <= 600:
        parser.error("--count must be 1..100000, --duration 0..600")

    served_by, errors = collections.Counter(), collections.Counter()
    sent = ok = 0
    with grpc.insecure_channel(args.target) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=args.wait_ready)
        except grpc.FutureTimeoutError:
            errors["channel_not_ready"] += 1
        call = channel.unary_unary(METHOD)  # bytes in, bytes out
        start = time.monotonic()
        deadline = start + args.duration
        interval = 1.0 / args.rate if args.rate > 0 else 0.0
        while sent < args.count and time.monotonic() < deadline:
            if interval:
                delay = start + sent * interval - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            sent += 1
            by = None
            try:
                by = call(b"hello", timeout=args.timeout).decode()
                ok += 1
                served_by[by] += 1
            except grpc.RpcError as e:
                errors[f"{e.code().name}: {e.details()}"[:200]] += 1
            if args.records:
                print(json.dumps({"t": round(time.time(), 4), "ok": by is not None, "by": by}),
                      flush=True)
        seconds = time.monotonic() - start
    print(json.dumps({"sent": sent, "ok": ok, "served_by": dict(served_by),
                      "errors": dict(errors), "seconds": round(seconds, 3)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
