#!/usr/bin/python3
"""A tiny HTTP/1.1 test server (keep-alive) that answers every request with JSON about it.

Run inside a pod: http_echo.py --port 8080 --pod b [--address ::]
Paths:
  /anything          200, JSON {pod, method, path, http_version, headers, body_len,
                     body_sha256, client, server}
  /status/<code>     that status code, same JSON body
  /slow/<ms>         waits <ms> milliseconds first
  /chunked/<n>       n bytes of payload.iter_payload(n), Transfer-Encoding: chunked
  /bytes/<n>         the same bytes with Content-Length
  /close             answers with Connection: close
Request bodies may use Content-Length or chunked encoding; they are hashed, not stored.
"""

import argparse
import hashlib
import http.server
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import payload  # noqa: E402

CHUNK_PIECE = 64 * 1024
MAX_SLOW_MS = 60_000


class EchoHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "weft-e2e-echo"
    pod_name = "?"
    # Headers and body are separate writes: without TCP_NODELAY, Nagle holds the body
    # until the client's delayed ACK (~40 ms per keep-alive request).
    disable_nagle_algorithm = True

    def _read_body(self):
        """Consumes the request body; returns (length, sha256 hex)."""
        h = hashlib.sha256()
        length = 0
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                size_line = self.rfile.readline(1024)
                if not size_line:
                    raise ConnectionError("EOF inside chunked body")
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    # Trailers (if any) end with an empty line.
                    while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                remaining = size
                while remaining:
                    data = self.rfile.read(min(remaining, CHUNK_PIECE))
                    if not data:
                        raise ConnectionError("EOF inside chunk")
                    h.update(data)
                    length += len(data)
                    remaining -= len(data)
                self.rfile.readline(16)  # CRLF after the chunk data
        else:
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining:
                data = self.rfile.read(min(remaining, CHUNK_PIECE))
                if not data:
                    raise ConnectionError("EOF inside body")
                h.update(data)
                length += len(data)
                remaining -= len(data)
        return length, h.hexdigest()

    def _info(self, body_len, body_sha):
        headers = {}
        for key, value in self.headers.items():
            key = key.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return {
            "pod": self.pod_name,
            "method": self.command,
            "path": self.path,
            "http_version": self.request_version,
            "headers": headers,
            "body_len": body_len,
            "body_sha256": body_sha,
            "client": "%s:%d" % self.client_address[:2],
            "server": "%s:%d" % self.connection.getsockname()[:2],
        }

    def _send_json(self, code, info, close=False):
        body = (json.dumps(info, sort_keys=True) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Served-By", self.pod_name)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_payload(self, size, chunked):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("X-Served-By", self.pod_name)
        self.send_header("X-Payload-Sha256", payload.sha256_of_payload(size))
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        for piece in payload.iter_payload(size, piece=CHUNK_PIECE):
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                self.wfile.write(piece)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _handle(self):
        body_len, body_sha = self._read_body()
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        head = parts[0] if parts else ""
        arg = parts[1] if len(parts) > 1 else ""
        code = 200
        if head == "status" and arg.isdigit() and 100 <= int(arg) <= 599:
            code = int(arg)
        elif head == "slow" and arg.isdigit():
            time.sleep(min(int(arg), MAX_SLOW_MS) / 1000.0)
        elif head in ("chunked", "bytes") and arg.isdigit():
            self._send_payload(int(arg), chunked=(head == "chunked"))
            return
        self._send_json(code, self._info(body_len, body_sha), close=(head == "close"))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.client_address[0], fmt % args))
        sys.stderr.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--address", default="0.0.0.0")
    parser.add_argument("--pod", default="?", help="name reported in every answer")
    args = parser.parse_args()
    EchoHandler.pod_name = args.pod
    server_class = http.server.ThreadingHTTPServer
    if ":" in args.address:  # an IPv6 literal such as "::"
        server_class = type("V6Server", (server_class,), {"address_family": socket.AF_INET6})
    server = server_class((args.address, args.port), EchoHandler)
    server.daemon_threads = True
    print(f"http_echo: pod {args.pod} listening on {args.address}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
