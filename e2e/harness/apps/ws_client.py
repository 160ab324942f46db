#!/usr/bin/python3
"""A bounded WebSocket (RFC 6455) test client for apps/ws_echo.py, standard library only.

Run inside a pod: ws_client.py --host 10.1.0.11 --port 8081 [--path /chat] [--timeout S]
Performs the opening handshake (checks 101 and Sec-WebSocket-Accept), then sends and
checks the echo of: a text message, binary messages of 125 B, 126 B, 70 000 B (the
three length encodings), a message fragmented into 3 frames, and a ping (expects the
pong); then a close with code 1000 (expects the close back and then EOF). Prints one
JSON line {"ok", "problems", "status", "headers", "steps": [...]} and exits 0 iff ok.
"""

import argparse
import base64
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ws_echo  # noqa: E402  (frame helpers)


def run(args):
    problems, steps = [], []
    result = {"ok": False, "problems": problems, "steps": steps, "status": 0, "headers": {}}
    sock = socket.create_connection((args.host, args.port), timeout=args.timeout)
    sock.settimeout(args.timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # fragments: no Nagle
    try:
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
                      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                      "x-test-ws: hello\r\n\r\n").encode())
        head, extra = ws_echo.read_head(sock)
        status_line, headers = ws_echo.parse_head(head)
        parts = status_line.split()
        result["status"] = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        result["headers"] = headers
        if result["status"] != 101:
            problems.append(f"handshake answered {status_line!r}, expected 101")
            return result
        if headers.get("sec-websocket-accept") != ws_echo.accept_value(key):
            problems.append(f"Sec-WebSocket-Accept {headers.get('sec-websocket-accept')!r}, "
                            f"expected {ws_echo.accept_value(key)!r}")
        reader = ws_echo.FrameReader(sock, extra)
        pongs = []

        def on_control(op, data, masked):
            if op == ws_echo.OP_PONG:
                pongs.append(data)
                return True
            if op == ws_echo.OP_CLOSE:
                problems.append(f"server closed early: {data!r}")
                return False
            return True

        def echo(name, opcode, data, fragments=1):
            start = time.monotonic()
            if fragments == 1:
                sock.sendall(ws_echo.encode_frame(opcode, data, mask=True))
            else:
                size = -(-len(data) // fragments)
                pieces = [data[i:i + size] for i in range(0, len(data), size)]
                for i, piece in enumerate(pieces):
                    sock.sendall(ws_echo.encode_frame(opcode if i == 0 else ws_echo.OP_CONT,
                                                      piece, mask=True,
                                                      fin=i == len(pieces) - 1))
            message = reader.message(on_control)
            ok = message is not None and message[0] == opcode and message[1] == data
            steps.append({"step": name, "bytes": len(data), "ok": ok,
                          "ms": round((time.monotonic() - start) * 1000, 1)})
            if not ok:
                got = None if message is None else (message[0], len(message[1]))
                problems.append(f"{name}: echo {got}, sent ({opcode}, {len(data)})")
            return ok

        checks = [("text", ws_echo.OP_TEXT, "héllo through the mesh".encode(), 1),
                  ("binary-125", ws_echo.OP_BINARY, os.urandom(125), 1),
                  ("binary-126", ws_echo.OP_BINARY, os.urandom(126), 1),
                  ("binary-70000", ws_echo.OP_BINARY, os.urandom(70000), 1),
                  ("fragmented", ws_echo.OP_TEXT, b"one-two-three" * 10, 3)]
        for name, opcode, data, fragments in checks:
            if not echo(name, opcode, data, fragments):
                return result
        sock.sendall(ws_echo.encode_frame(ws_echo.OP_PING, b"ping-1", mask=True))
        # The pong arrives before the next echo: the server answers in order.
        echo("after-ping", ws_echo.OP_TEXT, b"after ping", 1)
        steps.append({"step": "ping", "ok": pongs == [b"ping-1"]})
        if pongs != [b"ping-1"]:
            problems.append(f"pongs {pongs!r}, expected [b'ping-1']")
        sock.sendall(ws_echo.encode_frame(ws_echo.OP_CLOSE, struct.pack("!H", 1000) + b"bye",
                                          mask=True))
        fin, op, _, data = reader.frame()
        close_ok = op == ws_echo.OP_CLOSE and data[:2] == struct.pack("!H", 1000)
        steps.append({"step": "close", "ok": close_ok})
        if not close_ok:
            problems.append(f"close answered with opcode {op} {data[:20]!r}")
        if sock.recv(1) != b"":
            problems.append("the connection stayed open after the close handshake")
    finally:
        sock.close()
    result["ok"] = not problems
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/ws")
    parser.add_argument("--timeout", type=float, default=10.0, help="per socket operation")
    args = parser.parse_args()
    if not 0 < args.timeout <= 120:
        parser.error("--timeout must be in (0, 120]")
    try:
        result = run(args)
    except (OSError, ValueError) as e:
        result = {"ok": False, "problems": [f"{type(e).__name__}: {e}"], "steps": [],
                  "status": 0, "headers": {}}
    print(json.dumps(result, sort_keys=True), flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
