#!/usr/bin/python3
"""A TCP (non-HTTP) echo server: optional server-first banner, then echoes every byte.

Run inside a pod: tcp_echo.py --port 9000 [--banner 'HELLO b'] [--address ::]
The banner (plus "\n") is sent as soon as a client connects, before it says anything:
a server-first protocol such as SMTP or MySQL. The connection closes after client EOF.
"""

import argparse
import socket
import socketserver
import sys


class EchoHandler(socketserver.BaseRequestHandler):
    banner = b""

    def handle(self):
        self.request.settimeout(60)
        if self.banner:
            self.request.sendall(self.banner)
        total = 0
        while True:
            data = self.request.recv(65536)
            if not data:
                break
            self.request.sendall(data)
            total += len(data)
        sys.stderr.write(f"tcp_echo: {self.client_address[0]}:{self.client_address[1]} "
                         f"echoed {total} bytes\n")
        sys.stderr.flush()


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--address", default="0.0.0.0")
    parser.add_argument("--banner", default="", help="line sent first on every connection")
    args = parser.parse_args()
    if args.banner:
        EchoHandler.banner = args.banner.encode() + b"\n"
    server_class = Server
    if ":" in args.address:  # an IPv6 literal such as "::"
        server_class = type("V6Server", (Server,), {"address_family": socket.AF_INET6})
    server = server_class((args.address, args.port), EchoHandler)
    print(f"tcp_echo: listening on {args.address}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
