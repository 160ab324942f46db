"""An open-loop HTTP/1.1 client at a fixed request rate, with latency percentiles.

wrk measures throughput with a closed loop (a new request only when one finished),
which hides queueing; wrk2 is not in Debian and h2load's --rate paces connections,
not requests. This client sends request i at t0 + i/rate on one of a pool of
keep-alive connections (one request in flight per connection, like wrk). When no
connection is free the request waits, and its latency still counts from its
scheduled time, so a stall shows in the tail instead of being omitted
("coordinated omission"). Latency = response fully read - scheduled send time.

Python is fast enough for this: at 2,000 requests/s it uses ~10-15 % of a CPU on
this machine, and its own scheduling jitter (tens of microseconds) is the same for
the direct run and the proxied runs, so the *added* latency (proxied - direct at
the same percentile) is what the benchmark reports.

    res = run_fixed_rate(port, rate=2000, duration_s=10, connections=16)
    res["p50_us"], res["p90_us"], res["p99_us"], res["requests"], res["late"]

With warm=True every connection first carries one unmeasured request, so that no
measured request pays for a new connection (accept, protocol detection, first
allocations); with keep_latencies=True the result also holds every latency
("latencies_us", ascending), for pooling several short runs.
"""

import collections
import math
import selectors
import time

from benchlib import client as client_lib


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list (p in 0..100); None if empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values) - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _take_response(conn):
    """Drops one complete response from `conn.buf`: True, or False while it is
    incomplete. Raises client.ClientError unless it is a 2xx."""
    parsed = client_lib.response_length(conn.buf)
    if parsed is None:
        return False
    length, status = parsed
    if not 200 <= status < 300:
        raise client_lib.ClientError("got HTTP %d" % status)
    conn.buf = conn.buf[length:]
    return True


def _read_response(sel, conn, deadline_ns):
    """Reads until `conn` holds one complete 2xx response, and drops it."""
    while not _take_response(conn):
        if time.perf_counter_ns() > deadline_ns:
            raise client_lib.ClientError("no response to a warm-up request")
        for key, _ in sel.select(timeout=0.1):
            if key.data is conn:
                data = conn.sock.recv(65536)
                if not data:
                    raise client_lib.ClientError("connection closed by peer")
                conn.buf += data


def run_fixed_rate(port, rate, duration_s, connections, timeout_s=30.0, warm=False,
                   keep_latencies=False):
    """Sends rate*duration_s requests on schedule; returns a result dict.

    Raises client.ClientError on a non-2xx answer, a closed connection, or when the
    run overruns its schedule by more than timeout_s.
    """
    conns = [client_lib.Conn(port) for _ in range(connections)]
    # select(2), not epoll: epoll_wait's timeout is whole milliseconds (Python rounds
    # up), which would send the 2 requests of each millisecond in a burst, up to
    # 1 ms late; select's is microseconds. 16 descriptors make select cheap.
    sel = selectors.SelectSelector()
    total = int(rate * duration_s)
    interval_ns = int(1e9 / rate)
    free = collections.deque(conns)
    inflight = {}  # conn -> scheduled send time (ns)
    latencies = []
    late = 0  # requests that waited for a free connection
    try:
        for conn in conns:
            sel.register(conn.sock, selectors.EVENT_READ, conn)
        if warm:
            warm_deadline = time.perf_counter_ns() + int(timeout_s * 1e9)
            for conn in conns:
                conn.sock.send(client_lib.REQUEST)
                _read_response(sel, conn, warm_deadline)
        start = time.perf_counter_ns() + 1_000_000
        deadline = start + int((duration_s + timeout_s) * 1e9)
        next_i = 0
        while len(latencies) < total:
            now = time.perf_counter_ns()
            if now > deadline:
                raise client_lib.ClientError("fixed-rate run overran its schedule: %d of "
                                             "%d responses" % (len(latencies), total))
            while next_i < total and start + next_i * interval_ns <= now and free:
                conn = free.popleft()
                scheduled = start + next_i * interval_ns
                if now - scheduled > interval_ns:
                    late += 1
                conn.sock.send(client_lib.REQUEST)
                inflight[conn] = scheduled
                next_i += 1
            if next_i < total and free:
                wait_s = max(0.0, (start + next_i * interval_ns - now) / 1e9)
            else:
                wait_s = 0.05
            for key, _ in sel.select(timeout=wait_s):
                conn = key.data
                data = conn.sock.recv(65536)
                if not data:
                    raise client_lib.ClientError("connection closed by peer")
                conn.buf += data
                if not _take_response(conn):
                    continue
                latencies.append(time.perf_counter_ns() - inflight.pop(conn))
                free.append(conn)
        elapsed_s = (time.perf_counter_ns() - start) / 1e9
    finally:
        sel.close()
        for conn in conns:
            conn.sock.close()
    latencies.sort()
    us = [v / 1000.0 for v in latencies]
    result = {
        "requests": len(us),
        "rate": rate,
        "achieved_rate": len(us) / elapsed_s if elapsed_s > 0 else None,
        "late": late,
        "p50_us": percentile(us, 50),
        "p90_us": percentile(us, 90),
        "p99_us": percentile(us, 99),
        "p999_us": percentile(us, 99.9),
        "max_us": us[-1] if us else None,
    }
    if keep_latencies:
        result["latencies_us"] = us
    return result
