#!/usr/bin/python3
"""A tiny gRPC server for proxyless-mesh tests: no generated stubs.

Run inside a pod: grpc_greeter.py --port 50051 --pod g1
Serves /weft.test.Greeter/SayHello (unary, raw bytes in and out); the reply is the
pod name, so the caller sees which endpoint served it. Runs until SIGTERM.
"""

import argparse
import concurrent.futures
import signal
import sys
import threading

import grpc

SERVICE = "weft.test.Greeter"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=50051)
    parser.add_argument("--address", default="0.0.0.0")
    parser.add_argument("--pod", required=True)
    args = parser.parse_args()

    reply = args.pod.encode()
    handler = grpc.method_handlers_generic_handler(SERVICE, {
        "SayHello": grpc.unary_unary_rpc_method_handler(lambda request, context: reply),
    })
    server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((handler,))
    if server.add_insecure_port(f"{args.address}:{args.port}") == 0:
        sys.exit(f"grpc_greeter: cannot listen on {args.address}:{args.port}")
    server.start()
    print(f"grpc_greeter: pod {args.pod} listening on {args.address}:{args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    server.stop(grace=1).wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
