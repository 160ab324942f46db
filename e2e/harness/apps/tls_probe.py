#!/usr/bin/python3
"""A TLS client with a certificate of our choosing: completes a TLS 1.3 handshake,
sends one HTTP/1.1 GET and prints one JSON line with what happened.

Used by the mTLS e2e tests to present certificates that no honest sidecar has
(another trust domain, expired...). The server side of TLS 1.3 checks the client's
certificate after the client considers the handshake done, so a refusal shows up
as an alert or EOF on the first read.

  tls_probe.py --host 10.0.0.2 --port 8080 --cert leaf.pem --key key.pem [--alpn h2,weft-mesh]
"""

import argparse
import json
import socket
import ssl


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    # A sidecar offers "weft-mesh" next to its protocol; so does this probe, which
    # plays a client that claims to be one.
    p.add_argument("--alpn", default="http/1.1,weft-mesh")
    p.add_argument("--timeout", type=float, default=5.0)
    a = p.parse_args()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the probe tests the server's checks, not its own
    ctx.load_cert_chain(a.cert, a.key)
    ctx.set_alpn_protocols(a.alpn.split(","))
    out = {"handshake": False, "status": None, "error": None}
    try:
        with socket.create_connection((a.host, a.port), timeout=a.timeout) as raw:
            with ctx.wrap_socket(raw) as tls:
                out["handshake"] = True
                tls.sendall(f"GET /probe HTTP/1.1\r\nHost: {a.host}\r\n"
                            "Connection: close\r\n\r\n".encode())
                data = b""
                while len(data) < 65536:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                line = data.split(b"\r\n", 1)[0].decode(errors="replace")
                if line.startswith("HTTP/"):
                    out["status"] = int(line.split()[1])
                else:
                    out["error"] = f"no response (read {len(data)} bytes)"
    except (OSError, ssl.SSLError) as e:
        out["error"] = f"{type(e).__name__}: {e}"
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
