#!/usr/bin/python3
"""Writes the seed corpus of //proxy/http:connection_manager_fuzz.

Each seed is a script in the format described at the top of
proxy/http/connection_manager_fuzz.cc: an opcode byte, then its arguments.
Run from anywhere: python3 proxy/http/testdata/connection_manager_fuzz_seeds.py
"""

import os
import struct

CLIENT_WRITE, UPSTREAM_WRITE, CLIENT_FILL, UPSTREAM_FILL = 0, 1, 2, 3
CLIENT_SHUTDOWN, CLIENT_CLOSE, UPSTREAM_ACCEPT, UPSTREAM_SHUTDOWN = 4, 5, 6, 7
UPSTREAM_CLOSE, ADVANCE_TIME, CLIENT_READ, UPSTREAM_READ = 8, 9, 10, 11
DRAIN, UPSTREAM_SELECT = 12, 13

# Indexes into kTimeSteps.
T_299MS, T_300MS, T_3S, T_10S, T_30S = 2, 3, 6, 8, 10

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def client(data):
    return bytes([CLIENT_WRITE]) + struct.pack("<H", len(data)) + data


def upstream(data):
    return bytes([UPSTREAM_WRITE]) + struct.pack("<H", len(data)) + data


def op(code, *args):
    return bytes([code, *args])


def get(path=b"/", extra=b""):
    return b"GET " + path + b" HTTP/1.1\r\nHost: svc\r\n" + extra + b"\r\n"


SEEDS = {
    "simple_get": client(get()) + op(UPSTREAM_ACCEPT) + op(UPSTREAM_READ) + upstream(OK)
    + op(CLIENT_READ),
    "keep_alive_twice": client(get()) + op(UPSTREAM_ACCEPT) + upstream(OK) + op(CLIENT_READ)
    + client(get(b"/again")) + upstream(OK) + op(CLIENT_READ) + op(UPSTREAM_READ),
    "pipelined": client(get(b"/1") + get(b"/2")) + op(UPSTREAM_ACCEPT)
    + upstream(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1")
    + upstream(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2") + op(CLIENT_READ),
    "chunked_both_ways": client(b"POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked"
                                b"\r\n\r\n5\r\nhello\r\n") + op(UPSTREAM_ACCEPT)
    + client(b"6\r\n world\r\n0\r\n\r\n")
    + upstream(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
    + upstream(b"0\r\n\r\n") + op(CLIENT_READ),
    "body_until_close": client(get()) + op(UPSTREAM_ACCEPT)
    + upstream(b"HTTP/1.0 200 OK\r\n\r\nuntil close") + op(UPSTREAM_CLOSE, 0) + op(CLIENT_READ),
    "stale_pooled_retry": client(get()) + op(UPSTREAM_ACCEPT) + upstream(OK)
    + client(get(b"/again")) + op(UPSTREAM_CLOSE, 0) + op(UPSTREAM_ACCEPT) + upstream(OK)
    + op(CLIENT_READ),
    "route_timeout": client(get(b"/slow")) + op(UPSTREAM_ACCEPT) + op(ADVANCE_TIME, T_299MS)
    + op(ADVANCE_TIME, T_300MS) + upstream(OK) + op(CLIENT_READ),
    "refused_missing_unrouted": client(get(b"/down") + get(b"/empty") + get(b"/ghost")
                                       + b"GET / HTTP/1.1\r\nHost: unrouted.example\r\n\r\n")
    + op(CLIENT_READ) + op(CLIENT_SHUTDOWN),
    "oversized_and_bad": client(b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 1100 + b"\r\n\r\n")
    + op(CLIENT_READ) + client(b"GET / HTTP/1.1\r\nHost a\r\n\r\n"),
    "continue_then_upload": client(b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
                                   b"Content-Length: 40000\r\n\r\n") + op(UPSTREAM_ACCEPT)
    + upstream(b"HTTP/1.1 100 Continue\r\n\r\n") + op(CLIENT_FILL, 77, ord("x"))
    + op(UPSTREAM_READ) + upstream(OK) + op(CLIENT_READ),
    "backpressure_download": client(get()) + op(UPSTREAM_ACCEPT)
    + upstream(b"HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n")
    + op(UPSTREAM_FILL, 255, ord("y")) + op(UPSTREAM_FILL, 255, ord("y"))
    + op(CLIENT_READ) + op(UPSTREAM_FILL, 100, ord("y")) + op(CLIENT_READ),
    "drain_while_busy": client(get(b"/", b"Connection: keep-alive\r\n")) + op(UPSTREAM_ACCEPT)
    + op(DRAIN) + upstream(OK) + op(CLIENT_READ) + op(ADVANCE_TIME, T_10S),
    "head_and_idle": client(b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n") + op(UPSTREAM_ACCEPT)
    + upstream(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n") + op(CLIENT_READ)
    + op(ADVANCE_TIME, T_30S) + op(ADVANCE_TIME, T_30S),
    "upgrade_and_reset": client(b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n"
                                b"Upgrade: websocket\r\n\r\n") + op(CLIENT_READ)
    + client(get()) + op(UPSTREAM_ACCEPT) + op(UPSTREAM_CLOSE, 1) + op(CLIENT_CLOSE, 1),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "connection_manager_fuzz_corpus")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(SEEDS)} seeds to {out}")


if __name__ == "__main__":
    main()
