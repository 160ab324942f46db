#!/usr/bin/python3
"""A minimal WebSocket (RFC 6455) echo server, Python standard library only.

Run inside a pod: ws_echo.py --port 8081 --pod b
An HTTP/1.1 GET with Upgrade: websocket, Connection: upgrade, Sec-WebSocket-Version: 13
and a Sec-WebSocket-Key gets 101 Switching Protocols (Sec-WebSocket-Accept, and
x-served-by: <pod>); then every text/binary message is echoed (fragmented messages are
reassembled first), pings get pongs with the same payload, and a close frame is
answered with a close frame carrying the same code before the server closes. Any
other request gets 426 Upgrade Required (JSON body). Client frames must be masked
(RFC 6455 5.1), messages are at most 16 MiB. One thread per connection; runs until
killed. The frame helpers are shared with apps/ws_client.py.
"""

import argparse
import base64
import hashlib
import json
import os
import socket
import struct
import sys
import threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_MESSAGE = 16 * 1024 * 1024
MAX_HEAD = 16 * 1024
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10
IO_TIMEOUT_S = 60.0


def accept_value(key):
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def read_exact(sock, n):
    data = bytearray()
    while len(data) < n:
        piece = sock.recv(min(n - len(data), 65536))
        if not piece:
            raise ConnectionError(f"EOF after {len(data)} of {n} bytes")
        data += piece
    return bytes(data)


def read_head(sock):
    """Reads an HTTP head (up to CRLFCRLF) byte-wise-safe; returns (head text, extra)."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(4096)
        if not piece:
            raise ConnectionError(f"EOF inside the HTTP head: {data[:200]!r}")
        data += piece
        if len(data) > MAX_HEAD:
            raise ValueError("HTTP head over 16 KiB")
    head, _, extra = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), extra


def parse_head(head):
    lines = head.split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return lines[0], headers


def encode_frame(opcode, data, mask, fin=True):
    first = (0x80 if fin else 0) | opcode
    n = len(data)
    mask_bit = 0x80 if mask else 0
    if n < 126:
        header = struct.pack("!BB", first, mask_bit | n)
    elif n < 65536:
        header = struct.pack("!BBH", first, mask_bit | 126, n)
    else:
        header = struct.pack("!BBQ", first, mask_bit | 127, n)
    if not mask:
        return header + data
    key = os.urandom(4)
    return header + key + apply_mask(data, key)


def apply_mask(data, key):
    if not data:
        return b""
    whole = (key * (len(data) // 4 + 1))[: len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(whole, "big")).to_bytes(
        len(data), "big")


class FrameReader:
    """Reads frames from a socket, starting with bytes already read past the head."""

    def __init__(self, sock, pending=b""):
        self.sock = sock
        self.pending = bytearray(pending)

    def _read(self, n):
        while len(self.pending) < n:
            piece = self.sock.recv(65536)
            if not piece:
                raise ConnectionError("EOF inside a WebSocket frame")
            self.pending += piece
        out = bytes(self.pending[:n])
        del self.pending[:n]
        return out

    def frame(self):
        """(fin, opcode, masked, payload) of the next frame."""
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        if n > MAX_MESSAGE:
            raise ValueError(f"frame of {n} bytes is over {MAX_MESSAGE}")
        masked = bool(b1 & 0x80)
        key = self._read(4) if masked else None
        data = self._read(n)
        if masked:
            data = apply_mask(data, key)
        return bool(b0 & 0x80), b0 & 0x0F, masked, data

    def message(self, on_control):
        """The next complete data message (opcode, payload); control frames in between go
        to on_control(opcode, payload), which returns False to stop (then None)."""
        opcode, parts = None, []
        while True:
            fin, op, masked, data = self.frame()
            if op >= 8:
                if not on_control(op, data, masked):
                    return None
                continue
            if op != OP_CONT:
                opcode = op
            parts.append(data)
            if sum(map(len, parts)) > MAX_MESSAGE:
                raise ValueError("message over 16 MiB")
            if fin:
                return opcode, b"".join(parts), masked


def serve_connection(sock, pod):
    sock.settimeout(IO_TIMEOUT_S)
    head, extra = read_head(sock)
    request_line, headers = parse_head(head)
    upgrade = headers.get("upgrade", "").lower() == "websocket"
    connection = "upgrade" in headers.get("connection", "").lower()
    key = headers.get("sec-websocket-key")
    if not (upgrade and connection and key and headers.get("sec-websocket-version") == "13"):
        body = json.dumps({"pod": pod, "error": "not a WebSocket upgrade",
                           "request": request_line, "headers": headers}).encode()
        sock.sendall(b"HTTP/1.1 426 Upgrade Required\r\nUpgrade: websocket\r\n"
                     b"Content-Type: application/json\r\nConnection: close\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        return
    sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept_value(key)}\r\n"
                  f"x-served-by: {pod}\r\n\r\n").encode())
    reader = FrameReader(sock, extra)
    state = {"open": True}

    def on_control(op, data, masked):
        if not masked:
            raise ValueError("unmasked client frame")
        if op == OP_PING:
            sock.sendall(encode_frame(OP_PONG, data, mask=False))
            return True
        if op == OP_CLOSE:
            sock.sendall(encode_frame(OP_CLOSE, data[:2], mask=False))
            state["open"] = False
            return False
        return True  # unsolicited pong: ignore
    while state["open"]:
        message = reader.message(on_control)
        if message is None:
            return
        opcode, data, masked = message
        if not masked:
            raise ValueError("unmasked client frame")
        sock.sendall(encode_frame(opcode, data, mask=False))


def handle(sock, client, pod):
    try:
        serve_connection(sock, pod)
    except (OSError, ValueError) as e:
        sys.stderr.write(f"ws_echo: {client}: {e}\n")
    finally:
        sock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--address", default="0.0.0.0")
    parser.add_argument("--pod", default="?", help="sent in the 101's x-served-by")
    args = parser.parse_args()
    if not 1 <= args.port <= 65535:
        parser.error(f"--port {args.port} is not 1-65535")
    family = socket.AF_INET6 if ":" in args.address else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((args.address, args.port))
    except OSError as e:
        sys.exit(f"ws_echo: cannot listen on {args.address}:{args.port}: {e}")
    listener.listen(64)
    print(f"ws_echo: pod {args.pod} listening on {args.address}:{args.port}", flush=True)
    while True:
        sock, client = listener.accept()
        threading.Thread(target=handle, args=(sock, client, args.pod), daemon=True).start()


if __name__ == "__main__":
    main()
