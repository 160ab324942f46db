#!/usr/bin/python3
"""An HTTP test server speaking cleartext HTTP/2 (h2c, prior knowledge) AND HTTP/1.1 on
the same port, answering like apps/http_echo.py. Needs Debian's python3-h2.

Run inside a pod: h2_echo.py --port 8080 --pod b [--address ::]
Each connection is sniffed: the HTTP/2 client preface ("PRI * HTTP/2.0...") gets the h2
server below, anything else apps/http_echo.py's HTTP/1.1 handler (same paths). HTTP/2
paths:
  /anything        200, JSON {pod, protocol: "h2", method, path, authority, scheme,
                   headers, body_len, body_sha256, stream_id, connection, client, server}
  /status/<code>   that status, same JSON
  /slow/<ms>       answers after <ms> ms (max 60000) without blocking other streams
  /bytes/<n>       n bytes of payload.iter_payload(n) (max 256 MiB), flow controlled
  /trailers        the JSON, then trailers x-trailer: done, x-body-sha256: <sha>
Every h2 answer has x-served-by: <pod> and x-protocol: h2 (http_echo answers carry
x-served-by). "connection" numbers the server's connections, so a test can tell
whether requests shared one. Runs until killed; one thread per connection.
"""

import argparse
import hashlib
import itertools
import json
import os
import select
import socket
import sys
import threading
import time

try:
    import h2.config
    import h2.connection
    import h2.events
    import h2.exceptions
except ImportError:
    sys.exit("h2_echo: needs Debian's python3-h2 (apt-get install python3-h2)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import http_echo  # noqa: E402
import payload  # noqa: E402

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SNIFF_TIMEOUT_S = 10.0
IDLE_TIMEOUT_S = 300.0
MAX_SLOW_MS = 60_000
MAX_BYTES = 256 * 1024 * 1024
READ_SIZE = 65536
_connection_ids = itertools.count(1)


class H2Connection:
    """Serves one h2c connection (its own thread; nothing shared but the pod name)."""

    def __init__(self, sock, client, pod):
        self.sock = sock
        self.client = "%s:%d" % client[:2]
        self.server = "%s:%d" % sock.getsockname()[:2]
        self.pod = pod
        self.id = next(_connection_ids)
        config = h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        self.conn = h2.connection.H2Connection(config=config)
        self.requests = {}   # stream id -> {"headers", "hash", "len"}
        self.delayed = []    # (due monotonic time, stream id, response)
        self.outgoing = {}   # stream id -> [remaining body bytes, trailers or None]

    def serve(self):
        self.conn.initiate_connection()
        self._send()
        while True:
            timeout = IDLE_TIMEOUT_S
            if self.delayed:
                timeout = max(0.0, min(d[0] for d in self.delayed) - time.monotonic())
            readable, _, _ = select.select([self.sock], [], [], timeout)
            if readable:
                data = self.sock.recv(READ_SIZE)
                if not data:
                    return
                try:
                    events = self.conn.receive_data(data)
                except h2.exceptions.ProtocolError as e:
                    sys.stderr.write(f"h2_echo: connection {self.id}: protocol error {e}\n")
                    self._send()
                    return
                for event in events:
                    if not self._on_event(event):
                        self._send()
                        return
            elif not self.delayed:
                return  # idle
            self._release_due()
            self._flush()
            self._send()

    def _send(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def _on_event(self, event):
        if isinstance(event, h2.events.RequestReceived):
            self.requests[event.stream_id] = {"headers": event.headers,
                                              "hash": hashlib.sha256(), "len": 0}
        elif isinstance(event, h2.events.DataReceived):
            req = self.requests.get(event.stream_id)
            if req is not None:
                req["hash"].update(event.data)
                req["len"] += len(event.data)
            self.conn.acknowledge_received_data(event.flow_controlled_length,
                                                event.stream_id)
        elif isinstance(event, h2.events.StreamEnded):
            req = self.requests.pop(event.stream_id, None)
            if req is not None:
                self._respond(event.stream_id, req)
        elif isinstance(event, h2.events.StreamReset):
            self.requests.pop(event.stream_id, None)
            self.outgoing.pop(event.stream_id, None)
            self.delayed = [d for d in self.delayed if d[1] != event.stream_id]
        elif isinstance(event, h2.events.ConnectionTerminated):
            return False
        return True

    def _respond(self, stream_id, req):
        headers = {}
        for name, value in req["headers"]:
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        path = headers.get(":path", "/")
        parts = [p for p in path.split("?")[0].split("/") if p]
        head = parts[0] if parts else ""
        arg = parts[1] if len(parts) > 1 else ""
        info = {
            "pod": self.pod, "protocol": "h2", "method": headers.get(":method"),
            "path": path, "authority": headers.get(":authority"),
            "scheme": headers.get(":scheme"),
            "headers": {k: v for k, v in headers.items() if not k.startswith(":")},
            "body_len": req["len"], "body_sha256": req["hash"].hexdigest(),
            "stream_id": stream_id, "connection": self.id,
            "client": self.client, "server": self.server,
        }
        status, delay, trailers = 200, 0.0, None
        if head == "status" and arg.isdigit() and 200 <= int(arg) <= 599:
            status = int(arg)
        elif head == "slow" and arg.isdigit():
            delay = min(int(arg), MAX_SLOW_MS) / 1000.0
        if head == "bytes" and arg.isdigit() and int(arg) <= MAX_BYTES:
            size = int(arg)
            body = b"".join(payload.iter_payload(size, piece=payload.BLOCK * 16))
            content_type = "application/octet-stream"
        else:
            body = (json.dumps(info, sort_keys=True) + "\n").encode()
            content_type = "application/json"
        if head == "trailers":
            trailers = [("x-trailer", "done"),
                        ("x-body-sha256", hashlib.sha256(body).hexdigest())]
        response = {"status": status, "body": body, "content_type": content_type,
                    "trailers": trailers, "method": headers.get(":method")}
        if delay:
            self.delayed.append((time.monotonic() + delay, stream_id, response))
        else:
            self._start_response(stream_id, response)

    def _release_due(self):
        now = time.monotonic()
        due = [d for d in self.delayed if d[0] <= now]
        self.delayed = [d for d in self.delayed if d[0] > now]
        for _, stream_id, response in due:
            self._start_response(stream_id, response)

    def _start_response(self, stream_id, response):
        body = b"" if response["method"] == "HEAD" else response["body"]
        headers = [(":status", str(response["status"])),
                   ("content-type", response["content_type"]),
                   ("x-served-by", self.pod), ("x-protocol", "h2")]
        if response["trailers"] is None:
            headers.append(("content-length", str(len(response["body"]))))
        try:
            self.conn.send_headers(stream_id, headers,
                                   end_stream=not body and response["trailers"] is None)
        except h2.exceptions.StreamClosedError:
            return
        if body or response["trailers"] is not None:
            self.outgoing[stream_id] = [memoryview(body), response["trailers"]]

    def _flush(self):
        """Sends as much pending body as the flow-control windows allow."""
        for stream_id in list(self.outgoing):
            body, trailers = self.outgoing[stream_id]
            try:
                while body:
                    window = min(self.conn.local_flow_control_window(stream_id),
                                 self.conn.max_outbound_frame_size)
                    if window <= 0:
                        break
                    self.conn.send_data(stream_id, body[:window].tobytes())
                    body = body[window:]
                self.outgoing[stream_id][0] = body
                if not body:
                    if trailers is not None:
                        self.conn.send_headers(stream_id, trailers, end_stream=True)
                    else:
                        self.conn.end_stream(stream_id)
                    del self.outgoing[stream_id]
            except (h2.exceptions.StreamClosedError, KeyError):
                self.outgoing.pop(stream_id, None)


def sniff(sock):
    """True if the client sent the HTTP/2 preface, False for anything else."""
    deadline = time.monotonic() + SNIFF_TIMEOUT_S
    while time.monotonic() < deadline:
        readable, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
        if not readable:
            break
        seen = sock.recv(len(PREFACE), socket.MSG_PEEK)
        if not seen or not PREFACE.startswith(seen):
            return False
        if len(seen) == len(PREFACE):
            return True
        time.sleep(0.005)  # a partial preface: wait for the rest
    return False


class _Http1Server:
    """The bits of a socketserver that http_echo's handler looks at."""
    timeout = None


def handle(sock, client, pod):
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if sniff(sock):
            H2Connection(sock, client, pod).serve()
        else:
            http_echo.EchoHandler(sock, client, _Http1Server())
    except (OSError, ValueError) as e:
        sys.stderr.write(f"h2_echo: {client}: {e}\n")
    finally:
        try:
            sock.close()
        except OSError:
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--address", default="0.0.0.0")
    parser.add_argument("--pod", default="?", help="name reported in every answer")
    args = parser.parse_args()
    if not 1 <= args.port <= 65535:
        parser.error(f"--port {args.port} is not 1-65535")
    http_echo.EchoHandler.pod_name = args.pod
    family = socket.AF_INET6 if ":" in args.address else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((args.address, args.port))
    except OSError as e:
        sys.exit(f"h2_echo: cannot listen on {args.address}:{args.port}: {e}")
    listener.listen(256)
    print(f"h2_echo: pod {args.pod} listening on {args.address}:{args.port} "
          f"(h2c prior knowledge and HTTP/1.1)", flush=True)
    while True:
        sock, client = listener.accept()
        threading.Thread(target=handle, args=(sock, client, args.pod), daemon=True).start()


if __name__ == "__main__":
    main()
