"""Memory per idle mTLS connection of a TLS-terminating proxy.

Opens N TLS 1.3 connections to the proxy with a client certificate (what sidecar A
would present), sends one keep-alive request on each and reads the answer, so every
connection is a finished handshake plus an idle HTTP/1.1 keep-alive session, then
holds them all open. The proxy's memory is read from /proc/<pid> before and after:
RSS (VmRSS) and PSS (smaps_rollup); the delta / N is the memory per idle TLS
connection. Connections are opened in batches with a short pause so that the proxy's
accept loop and allocator settle.

    with IdleTlsConnections(port, cert, key, ca, n=1000) as idle:
        ...  # read memory here
"""

import socket
import ssl
import time

from benchlib import client as client_lib


def memory_kb(pid):
    """{"rss_kb", "pss_kb"} of a process; pss_kb is None where smaps_rollup is missing."""
    rss = pss = None
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return {"rss_kb": rss, "pss_kb": pss}


def client_context(cert, key, ca):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(cert, key)
    ctx.load_verify_locations(ca)
    ctx.check_hostname = False  # the server is identified by its SPIFFE ID, not a name
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


class IdleTlsConnections:
    """N idle mTLS keep-alive connections to 127.0.0.1:port, closed on exit."""

    def __init__(self, port, cert, key, ca, n, timeout_s=60.0):
        self._port = port
        self._ctx = client_context(cert, key, ca)
        self._n = n
        self._timeout_s = timeout_s
        self.socks = []

    def __enter__(self):
        deadline = time.monotonic() + self._timeout_s
        try:
            while len(self.socks) < self._n:
                if time.monotonic() > deadline:
                    raise client_lib.ClientError("opened only %d of %d TLS connections in "
                                                 "%.0fs" % (len(self.socks), self._n,
                                                            self._timeout_s))
                raw = socket.create_connection(("127.0.0.1", self._port), timeout=10)
                tls = self._ctx.wrap_socket(raw)
                self.socks.append(tls)
                tls.sendall(client_lib.REQUEST)
                buf = b""
                while client_lib.response_length(buf) is None:
                    data = tls.recv(65536)
                    if not data:
                        raise client_lib.ClientError("TLS connection %d closed before "
                                                     "answering" % len(self.socks))
                    buf += data
                if len(self.socks) % 100 == 0:
                    time.sleep(0.05)
        except BaseException:
            self.close()
            raise
        return self

    def close(self):
        for s in self.socks:
            try:
                s.close()
            except OSError:
                pass
        self.socks = []

    def __exit__(self, *exc):
        self.close()
        return False
