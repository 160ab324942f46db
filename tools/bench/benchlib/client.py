"""A fixed-count HTTP/1.1 keep-alive client (wrk cannot stop after N requests).

Used only for the callgrind phase, where the proxy runs under valgrind and is ~50x
slower than usual, so a python client is never the bottleneck. Each connection has
exactly one request in flight (no pipelining); connections stay open between run()
calls, so a measured batch after a warm-up batch counts no connection set-up.
"""

import selectors
import socket
import time

REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: weft-bench\r\n\r\n"


class ClientError(RuntimeError):
    pass


def response_length(buf):
    """Length of the first complete response in `buf`, or None if incomplete.

    Returns (length, status). Handles Content-Length and chunked bodies (the
    benchmark's responses are tiny, so the chunked scan is simple, not fast).
    """
    head_end = buf.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    head = buf[:head_end].decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise ClientError("bad status line: %r" % lines[0])
    status = int(parts[1])
    body_start = head_end + 4
    content_length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            content_length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if not chunked:
        end = body_start + content_length
        return (end, status) if len(buf) >= end else None
    pos = body_start
    while True:
        line_end = buf.find(b"\r\n", pos)
        if line_end < 0:
            return None
        size = int(buf[pos:line_end].split(b";")[0], 16)
        pos = line_end + 2
        if size == 0:
            trailer_end = buf.find(b"\r\n\r\n", pos - 2)
            return (trailer_end + 4, status) if trailer_end >= 0 else None
        pos += size + 2
        if len(buf) < pos:
            return None


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.buf = b""


class KeepAliveClient:
    def __init__(self, port, connections):
        self._port = port
        self._conns = [Conn(port) for _ in range(connections)]

    def close(self):
        for conn in self._conns:
            conn.sock.close()
        self._conns = []

    def run(self, count, timeout_s):
        """Sends `count` requests; returns the number answered with 2xx.

        Raises ClientError on any non-2xx answer, closed connection or timeout, so a
        broken proxy never yields a plausible-looking instruction count.
        """
        deadline = time.monotonic() + timeout_s
        sel = selectors.DefaultSelector()
        sent = done = 0
        try:
            for conn in self._conns:
                if sent < count:
                    conn.sock.sendall(REQUEST)
                    sent += 1
                    sel.register(conn.sock, selectors.EVENT_READ, conn)
            while done < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ClientError("timeout after %d of %d responses" % (done, count))
                for key, _ in sel.select(timeout=min(remaining, 1.0)):
                    conn = key.data
                    data = conn.sock.recv(65536)
                    if not data:
                        raise ClientError("connection closed by peer after %d responses"
                                          % done)
                    conn.buf += data
                    parsed = response_length(conn.buf)
                    if parsed is None:
                        continue
                    length, status = parsed
                    if not 200 <= status < 300:
                        raise ClientError("got HTTP %d" % status)
                    conn.buf = conn.buf[length:]
                    done += 1
                    if sent < count:
                        # A 60-byte request always fits an empty socket buffer.
                        if conn.sock.send(REQUEST) != len(REQUEST):
                            raise ClientError("short write of a request")
                        sent += 1
                    else:
                        sel.unregister(conn.sock)
        finally:
            sel.close()
        return done
