#!/usr/bin/python3
"""A TCP test client: optionally reads a banner line, sends bytes, reads the echo back.

tcp_client.py --host 10.1.0.11 --port 9000 [--banner] --send-hex 00ff... [--timeout 5]
Prints one JSON object: {"banner": str|null, "echoed_hex": str, "ok": bool}.
Exit status 0 only if the echo equals what was sent (and a banner came when asked).
"""

import argparse
import json
import socket
import sys


def read_line(sock, limit=4096):
    data = b""
    while not data.endswith(b"\n") and len(data) < limit:
        piece = sock.recv(1)
        if not piece:
            break
        data += piece
    return data


def read_exact(sock, size):
    data = b""
    while len(data) < size:
        piece = sock.recv(min(65536, size - len(data)))
        if not piece:
            break
        data += piece
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--banner", action="store_true", help="expect a server-first line")
    parser.add_argument("--send-hex", required=True)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    data = bytes.fromhex(args.send_hex)
    result = {"banner": None, "echoed_hex": "", "ok": False, "error": None}
    try:
        with socket.create_connection((args.host, args.port), timeout=args.timeout) as sock:
            if args.banner:
                result["banner"] = read_line(sock).decode(errors="replace")
            sock.sendall(data)
            echoed = read_exact(sock, len(data))
            result["echoed_hex"] = echoed.hex()
            result["ok"] = echoed == data and (not args.banner or bool(result["banner"]))
    except OSError as e:
        result["error"] = f"{type(e).__name__}: {e}"
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
