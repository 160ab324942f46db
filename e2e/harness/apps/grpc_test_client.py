#!/usr/bin/python3
"""A bounded gRPC test client for apps/grpc_test_server.py (python3-grpcio, no stubs).

Run inside a pod: grpc_test_client.py --target 10.1.0.11:50051 SCENARIO [options]
Every scenario uses ONE channel and prints ONE JSON line: {"scenario", "ok", "problems":
[...], ...details}. "ok" is true only if everything the scenario checks held; the
details let a test assert more. Metadata is reported as {key: value} (-bin values as
hex, repeated keys joined with ", ").

Scenarios:
  kinds        Echo, ServerStream (5 x 1000 B), ClientStream (5 messages), BidiEcho
               (5 messages), each checked byte for byte, with x-test-* metadata
               (ASCII and -bin) that must come back in the trailers.
  status       the server ends the call with --code/--message (after --after messages
               for --kind server_stream|bidi; --trailers_only: no initial metadata, so
               the answer is one HEADERS frame); reports code, details, messages seen,
               and checks the x-served-by trailer came too.
  large        --size bytes both ways: Echo, ServerStream (2 x size), ClientStream.
  concurrent   --streams unary calls at once (each sleeping --sleep_ms on the server);
               reports how many succeeded and the server's max concurrently active.
  deadline     Echo with deadline --timeout_ms that sleeps --sleep_ms: expects
               DEADLINE_EXCEEDED near the deadline; then a 5 s deadline call reports
               the server's view of it (x-time-remaining-ms: grpc-timeout forwarded?).
  cancel       cancels a ServerStream after 3 messages and a BidiEcho after 1; checks
               the client sees CANCELLED and the server saw the cancellation.
  load         --count sequential Echo calls; {"sent", "ok", "served_by", "errors"}.
  call         one Echo (--meta k=v ...); reports code, details and metadata.
Limits: 100 000 calls, 1000 concurrent streams, 256 MiB messages, --duration s total.
"""

import argparse
import collections
import concurrent.futures
import hashlib
import json
import os
import sys
import time

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import payload  # noqa: E402

SERVICE = "/weft.test.Probe/"
TEST_META = (("x-test-ascii", "value with spaces, 100% ok"),
             ("x-test-data-bin", bytes(range(256))))


def meta_dict(metadata):
    out = {}
    for key, value in metadata or ():
        text = value.hex() if isinstance(value, bytes) else value
        out[key] = f"{out[key]}, {text}" if key in out else text
    return out


def sha(data):
    return hashlib.sha256(data).hexdigest()


class Client:
    """One channel to the server and the four call kinds (not thread-safe to build;
    the multicallables themselves are safe to use from many threads)."""

    def __init__(self, target, max_message_bytes, authority=None):
        options = [("grpc.max_send_message_length", max_message_bytes),
                   ("grpc.max_receive_message_length", max_message_bytes),
                   ("grpc.enable_retries", 0)]
        if authority:
            options.append(("grpc.default_authority", authority))
        self.channel = grpc.insecure_channel(target, options=options)
        self.echo = self.channel.unary_unary(SERVICE + "Echo")
        self.server_stream = self.channel.unary_stream(SERVICE + "ServerStream")
        self.client_stream = self.channel.stream_unary(SERVICE + "ClientStream")
        self.bidi = self.channel.stream_stream(SERVICE + "BidiEcho")
        self.stats_call = self.channel.unary_unary(SERVICE + "Stats")

    def close(self):
        self.channel.close()

    def stats(self, reset=False, timeout=5.0):
        meta = (("x-weft-reset", "1"),) if reset else ()
        return json.loads(self.stats_call(b"", metadata=meta, timeout=timeout))


def outcome(call, error=None):
    """Code, details and metadata of a finished call (a Call or an RpcError)."""
    src = error if error is not None else call
    return {"code": src.code().name, "details": src.details() or "",
            "initial": meta_dict(src.initial_metadata()),
            "trailing": meta_dict(src.trailing_metadata())}


def check_test_meta(result, problems, what):
    want = meta_dict(TEST_META)
    for key, value in want.items():
        got = result["trailing"].get(key)
        if got != value:
            problems.append(f"{what}: trailer {key} = {got!r}, sent {value!r}")
    for key in ("x-served-by", "x-server-version"):
        if key not in result["initial"]:
            problems.append(f"{what}: no {key} in the initial metadata {result['initial']}")


# ----- scenarios: each returns (details dict, problems list) -----

def run_kinds(client, args):
    problems, out = [], {}
    t = args.call_timeout
    request = b"hello-echo\x00\xff"
    resp, call = client.echo.with_call(request, metadata=TEST_META, timeout=t)
    out["unary"] = outcome(call)
    if resp != request:
        problems.append(f"unary: got {resp!r}, sent {request!r}")
    check_test_meta(out["unary"], problems, "unary")

    meta = TEST_META + (("x-weft-count", "5"), ("x-weft-size", "1000"))
    stream = client.server_stream(b"", metadata=meta, timeout=t)
    messages = list(stream)
    out["server_stream"] = outcome(stream)
    expected = b"".join(payload.iter_payload(1000))
    if len(messages) != 5 or any(m != expected for m in messages):
        problems.append(f"server_stream: {len(messages)} messages, sizes "
                        f"{[len(m) for m in messages]}, wanted 5 x 1000 B payload")
    check_test_meta(out["server_stream"], problems, "server_stream")

    sent = [b"part-%d-" % i * (i + 1) for i in range(5)]
    resp, call = client.client_stream.with_call(iter(sent), metadata=TEST_META, timeout=t)
    out["client_stream"] = outcome(call)
    summary = json.loads(resp)
    want = {"count": 5, "bytes": sum(map(len, sent)), "sha256": sha(b"".join(sent))}
    if summary != want:
        problems.append(f"client_stream: server saw {summary}, sent {want}")
    check_test_meta(out["client_stream"], problems, "client_stream")

    sent = [os.urandom(100 * (i + 1)) for i in range(5)]
    stream = client.bidi(iter(sent), metadata=TEST_META, timeout=t)
    got = list(stream)
    out["bidi"] = outcome(stream)
    if got != sent:
        problems.append(f"bidi: got sizes {[len(m) for m in got]}, sent "
                        f"{[len(m) for m in sent]} (or different bytes)")
    check_test_meta(out["bidi"], problems, "bidi")
    for kind, result in out.items():
        if result["code"] != "OK":
            problems.append(f"{kind}: status {result['code']} {result['details']!r}")
    return out, problems


def run_status(client, args):
    problems = []
    # The message may be any UTF-8: metadata values must be ASCII, so it goes as -bin.
    meta = (("x-weft-status", args.code), ("x-weft-message-bin", args.message.encode()),
            ("x-weft-after", str(args.after)), ("x-weft-count", str(args.after + 10)),
            ("x-weft-size", "100"))
    if args.trailers_only:
        meta += (("x-weft-no-initial", "1"),)
    received = 0
    try:
        if args.kind == "unary":
            resp, call = client.echo.with_call(b"x", metadata=meta, timeout=args.call_timeout)
            result = outcome(call)
        else:
            if args.kind == "server_stream":
                stream = client.server_stream(b"", metadata=meta, timeout=args.call_timeout)
            else:
                stream = client.bidi(iter([b"m"] * (args.after + 10)), metadata=meta,
                                     timeout=args.call_timeout)
            for _ in stream:
                received += 1
            result = outcome(stream)
    except grpc.RpcError as e:
        result = outcome(None, e)
    result["received"] = received
    if result["code"] != args.code:
        problems.append(f"status {result['code']}, expected {args.code}")
    if result["details"] != args.message:
        problems.append(f"message {result['details']!r}, expected {args.message!r}")
    if result["trailing"].get("x-served-by") is None:
        problems.append(f"no x-served-by in the trailers {result['trailing']}")
    if args.trailers_only and result["initial"]:
        problems.append(f"initial metadata {result['initial']} in a trailers-only answer")
    if args.kind != "unary" and received != args.after:
        problems.append(f"{received} messages before the status, expected {args.after}")
    return result, problems


def run_large(client, args):
    problems, out = [], {}
    t = args.call_timeout
    data = os.urandom(args.size)
    resp, call = client.echo.with_call(data, timeout=t)
    out["unary"] = {"code": call.code().name, "bytes": len(resp)}
    if resp != data:
        problems.append(f"unary: echoed {len(resp)} bytes, sha match {sha(resp) == sha(data)}")

    meta = (("x-weft-count", "2"), ("x-weft-size", str(args.size)))
    stream = client.server_stream(b"", metadata=meta, timeout=t)
    got = list(stream)
    expected = sha(b"".join(payload.iter_payload(args.size)))
    out["server_stream"] = {"code": stream.code().name, "sizes": [len(m) for m in got]}
    if len(got) != 2 or any(sha(m) != expected for m in got):
        problems.append(f"server_stream: sizes {[len(m) for m in got]}, wanted 2 x "
                        f"{args.size} B payload")

    resp, call = client.client_stream.with_call(iter([data, data[: args.size // 2]]),
                                                timeout=t)
    summary = json.loads(resp)
    want = {"count": 2, "bytes": args.size + args.size // 2,
            "sha256": sha(data + data[: args.size // 2])}
    out["client_stream"] = summary
    if summary != want:
        problems.append(f"client_stream: server saw {summary}, sent {want}")
    return out, problems


def run_concurrent(client, args):
    problems = []
    client.stats(reset=True)
    meta = (("x-weft-sleep-ms", str(args.sleep_ms)),)
    start = time.monotonic()
    futures = [client.echo.future(b"c%d" % i, metadata=meta, timeout=args.call_timeout)
               for i in range(args.streams)]
    codes = collections.Counter()
    mismatched = 0
    for i, future in enumerate(futures):
        try:
            if future.result() != b"c%d" % i:
                mismatched += 1
            codes["OK"] += 1
        except grpc.RpcError as e:
            codes[f"{e.code().name}: {e.details()}"[:200]] += 1
    elapsed = time.monotonic() - start
    stats = client.stats()
    out = {"streams": args.streams, "codes": dict(codes), "mismatched": mismatched,
           "seconds": round(elapsed, 3), "server_max_active": stats["max_active"]}
    if codes["OK"] != args.streams or mismatched:
        problems.append(f"{codes['OK']} of {args.streams} calls OK, {mismatched} wrong "
                        f"replies: {dict(codes)}")
    if stats["max_active"] < args.streams:
        problems.append(f"server saw at most {stats['max_active']} calls at once, "
                        f"expected {args.streams}")
    return out, problems


def run_deadline(client, args):
    problems, out = [], {}
    meta = (("x-weft-sleep-ms", str(args.sleep_ms)),)
    start = time.monotonic()
    try:
        client.echo(b"late", metadata=meta, timeout=args.timeout_ms / 1000.0)
        out["code"] = "OK"
    except grpc.RpcError as e:
        out["code"], out["details"] = e.code().name, e.details()
    out["seconds"] = round(time.monotonic() - start, 3)
    if out["code"] != "DEADLINE_EXCEEDED":
        problems.append(f"status {out['code']}, expected DEADLINE_EXCEEDED")
    limit = args.timeout_ms / 1000.0 + 1.0
    if out["seconds"] > limit:
        problems.append(f"took {out['seconds']} s, more than the deadline + 1 s")
    # The server's view of a 5 s deadline: grpc-timeout made it through the proxies.
    _, call = client.echo.with_call(b"on time", timeout=5.0)
    remaining = dict(call.trailing_metadata()).get("x-time-remaining-ms", "none")
    out["server_time_remaining_ms"] = remaining
    if not remaining.isdigit() or not 3000 <= int(remaining) <= 5100:
        problems.append(f"server saw time remaining {remaining!r} ms for a 5 s deadline "
                        f"(grpc-timeout not forwarded?)")
    return out, problems


def wait_server_cancelled(client, before, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        seen = client.stats()["cancelled"] - before
        if seen >= 1 or time.monotonic() >= deadline:
            return seen
        time.sleep(0.05)


def run_cancel(client, args):
    problems, out = [], {}
    before = client.stats()["cancelled"]
    meta = (("x-weft-count", "1000"), ("x-weft-size", "100"), ("x-weft-interval-ms", "20"))
    stream = client.server_stream(b"", metadata=meta, timeout=args.call_timeout)
    got = 0
    for _ in stream:
        got += 1
        if got == 3:
            stream.cancel()
            break
    out["server_stream"] = {"received": got, "code": stream.code().name,
                            "server_saw_cancel": wait_server_cancelled(client, before)}

    before = client.stats()["cancelled"]
    requests = iter([b"first"])

    def request_gen():
        yield from requests
        time.sleep(args.call_timeout)  # keep the request side open until cancelled
    # gRPC may half-close the request side just before the RST_STREAM: the server lingers
    # after the half-close so the cancellation is what ends the call either way.
    stream = client.bidi(request_gen(), metadata=(("x-weft-linger-ms", "3000"),),
                         timeout=args.call_timeout)
    first = next(stream)
    stream.cancel()
    out["bidi"] = {"received": first, "code": stream.code().name,
                   "server_saw_cancel": wait_server_cancelled(client, before)}
    out["bidi"]["received"] = first.decode()
    for kind, result in out.items():
        if result["code"] != "CANCELLED":
            problems.append(f"{kind}: client status {result['code']}, expected CANCELLED")
        if result["server_saw_cancel"] < 1:
            problems.append(f"{kind}: the server never saw the cancellation")
    return out, problems


def run_load(client, args):
    served_by, errors = collections.Counter(), collections.Counter()
    sent = ok = 0
    start = time.monotonic()
    while sent < args.count and time.monotonic() - start < args.duration:
        sent += 1
        try:
            _, call = client.echo.with_call(b"load", timeout=args.call_timeout)
            ok += 1
            served_by[dict(call.initial_metadata()).get("x-served-by", "?")] += 1
        except grpc.RpcError as e:
            errors[f"{e.code().name}: {e.details()}"[:200]] += 1
    out = {"sent": sent, "ok": ok, "served_by": dict(served_by), "errors": dict(errors),
           "seconds": round(time.monotonic() - start, 3)}
    problems = [] if ok == args.count else [f"{ok} of {args.count} calls OK: {dict(errors)}"]
    return out, problems


def run_call(client, args):
    meta = []
    for item in args.meta:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--meta {item!r} is not key=value")
        meta.append((key.lower(), value))
    try:
        _, call = client.echo.with_call(b"call", metadata=tuple(meta),
                                        timeout=args.call_timeout)
        return outcome(call), []
    except grpc.RpcError as e:
        return outcome(None, e), []


SCENARIOS = {"kinds": run_kinds, "status": run_status, "large": run_large,
             "concurrent": run_concurrent, "deadline": run_deadline, "cancel": run_cancel,
             "load": run_load, "call": run_call}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--target", required=True, help="host:port (or any gRPC target)")
    parser.add_argument("--authority", help="overrides :authority")
    parser.add_argument("--call_timeout", type=float, default=10.0, help="per call, s")
    parser.add_argument("--wait_ready", type=float, default=5.0,
                        help="seconds to wait for the channel to connect first")
    parser.add_argument("--max_message_bytes", type=int, default=64 * 1024 * 1024)
    parser.add_argument("--code", default="NOT_FOUND", help="status: code name")
    parser.add_argument("--message", default="no such thing", help="status: message")
    parser.add_argument("--kind", default="unary",
                        choices=("unary", "server_stream", "bidi"), help="status: call kind")
    parser.add_argument("--trailers_only", action="store_true",
                        help="status: the server sends no initial metadata")
    parser.add_argument("--after", type=int, default=0, help="status: messages first")
    parser.add_argument("--size", type=int, default=5 * 1024 * 1024 + 7, help="large: bytes")
    parser.add_argument("--streams", type=int, default=100, help="concurrent: calls")
    parser.add_argument("--sleep_ms", type=int, default=500,
                        help="concurrent/deadline: server sleep")
    parser.add_argument("--timeout_ms", type=int, default=500, help="deadline: deadline")
    parser.add_argument("--count", type=int, default=100, help="load: calls")
    parser.add_argument("--duration", type=float, default=60.0, help="load: max seconds")
    parser.add_argument("--meta", action="append", default=[], help="call: key=value")
    args = parser.parse_args()
    limits = [(1 <= args.count <= 100_000, "--count must be 1..100000"),
              (1 <= args.streams <= 1000, "--streams must be 1..1000"),
              (0 <= args.size <= 256 * 1024 * 1024, "--size must be 0..256 MiB"),
              (0 < args.duration <= 600, "--duration must be in (0, 600]"),
              (0 < args.call_timeout <= 120, "--call_timeout must be in (0, 120]"),
              (0 <= args.after <= 1000, "--after must be 0..1000"),
              (args.code in grpc.StatusCode.__members__, f"unknown --code {args.code}")]
    for good, message in limits:
        if not good:
            parser.error(message)

    client = Client(args.target, args.max_message_bytes, args.authority)
    result = {"scenario": args.scenario}
    try:
        try:
            grpc.channel_ready_future(client.channel).result(timeout=args.wait_ready)
            result["channel_ready"] = True
        except grpc.FutureTimeoutError:
            result["channel_ready"] = False  # calls will say why
        start = time.monotonic()
        details, problems = SCENARIOS[args.scenario](client, args)
        result.update(details=details, problems=problems, ok=not problems,
                      seconds=round(time.monotonic() - start, 3))
    except grpc.RpcError as e:
        result.update(ok=False, problems=[f"unexpected RPC error {e.code().name}: "
                                          f"{e.details()}"], details=outcome(None, e))
    except (ValueError, StopIteration) as e:
        result.update(ok=False, problems=[f"{type(e).__name__}: {e}"], details={})
    finally:
        client.close()
    print(json.dumps(result, sort_keys=True), flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
