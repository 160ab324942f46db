#!/usr/bin/python3
"""Two-sidecar mTLS chain benchmark: mesh-proxy vs HAProxy vs nginx, on loopback.

    client -> sidecar A (HTTP/1.1 in, mTLS out) -> sidecar B (mTLS in, HTTP/1.1 out)
           -> backend (nginx, `return 200 "ok"`)

The chain is built three times (mesh-proxy x2 from a static bootstrap with
--identity_cert_file..., HAProxy x2, nginx x2; configs in benchlib/mtls_peers.py),
with the same run-time PKI (benchlib/pki.py: a root and SPIFFE leaves for sa/a and
sa/b), and compared with `direct` (client -> backend). For each, in one run:

  1. max requests/s: wrk, keep-alive, fixed duration; CPU of A+B per request;
  2. latency at a fixed rate (default 2,000 requests/s, open loop,
     benchlib/rate_client.py): p50/p90/p99, and the latency *added* to direct's;
     CPU of A+B per request at that rate. All chains are started side by side
     (each on its own ports, idle while another is measured) and measured in
     --rounds rounds (default 60) of one short segment each (--rate-duration,
     default 1 s; direct first, then the chains in a rotated order, every
     connection warmed by one unmeasured request); each target's percentiles
     are over all its requests pooled, and the added latency is a chain's pooled
     percentile minus direct's. Fine interleaving gives every chain the same
     share of the machine's slow phases, which on a shared VM drift over minutes
     and otherwise decide the tail; the per-round figures stay in the JSON.
     The latency verdict is paired: per round, mesh-proxy's percentile minus
     the peer's from the same round; mesh-proxy is lower only if the 95 %
     confidence interval of the median of those differences (sign test) lies
     below zero. A slow phase that hits one segment moves a pooled percentile
     but only one of the paired differences;
  3. memory per idle TLS connection: N mTLS keep-alive connections (client
     certificate of A) held open on B, B's RSS/PSS delta / N;
  4. callgrind instructions per request of each sidecar (A and B run under
     valgrind in turn; the other hop runs normally).

Everything runs on 127.0.0.1 in a temporary directory, pinned with taskset (client,
wrk and backend on --load-cpu, both sidecars on --proxy-cpu); every process started
is stopped by PID at the end, also on failure or Ctrl-C. req/s and latency are
indicative on a shared machine; instruction counts are stable. See
docs/benchmarks.md.

Requires Debian's wrk, nginx, haproxy, openssl, valgrind and util-linux (taskset);
python3 stdlib only. Run as: tools/bench/run.sh mtls [--json FILE] ...
"""

import argparse
import datetime
import json
import math
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import callgrind  # noqa: E402
from benchlib import client as client_lib  # noqa: E402
from benchlib import idle_tls  # noqa: E402
from benchlib import mesh_binary  # noqa: E402
from benchlib import mtls_peers  # noqa: E402
from benchlib import peers  # noqa: E402
from benchlib import pki as pki_lib  # noqa: E402
from benchlib import procs  # noqa: E402
from benchlib import rate_client  # noqa: E402
from benchlib import wrk  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHAINS = ("mesh-proxy", "haproxy", "nginx")
TRUST_DOMAIN = "bench.local"
# Targets of issue 5 for mesh-proxy's chain.
MAX_KB_PER_IDLE_TLS_CONNECTION = 20


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Loopback two-sidecar mTLS chain benchmark: mesh-proxy vs HAProxy vs "
                    "nginx (req/s, added latency at a fixed rate, CPU/request, memory per "
                    "idle TLS connection, callgrind instructions/request).")
    p.add_argument("--chains", default=",".join(CHAINS),
                   help="comma-separated subset of %s" % ",".join(CHAINS))
    p.add_argument("--duration", type=int, default=10, help="seconds of the wrk run")
    p.add_argument("--warmup", type=int, default=2, help="seconds of wrk warm-up")
    p.add_argument("--connections", type=int, default=32, help="wrk connections")
    p.add_argument("--rate", type=int, default=2000,
                   help="requests/s of the fixed-rate latency run (default 2000)")
    p.add_argument("--rate-duration", type=int, default=1,
                   help="seconds of each fixed-rate segment (default 1)")
    p.add_argument("--rate-connections", type=int, default=16,
                   help="keep-alive connections of the fixed-rate client (default 16)")
    p.add_argument("--rounds", type=int, default=60,
                   help="interleaved rounds of fixed-rate segments (default 60; the "
                        "paired comparison needs at least 6)")
    p.add_argument("--idle-connections", type=int, default=1000,
                   help="idle mTLS connections held on sidecar B (default 1000; max 4000)")
    p.add_argument("--callgrind-requests", type=int, default=5000)
    p.add_argument("--callgrind-warmup", type=int, default=500)
    p.add_argument("--no-callgrind", action="store_true", help="skip the callgrind phase")
    p.add_argument("--load-cpu", type=int, default=0)
    p.add_argument("--proxy-cpu", type=int, default=1)
    p.add_argument("--nice", type=int, default=0,
                   help="niceness of the benchmark's processes and autogroup (see "
                        "proxy_bench.py --help)")
    p.add_argument("--mesh-proxy", metavar="PATH", help="mesh-proxy binary (default: "
                   "build //proxy:mesh-proxy)")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--build-timeout", type=int, default=120)
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--keep-workdir", action="store_true")
    args = p.parse_args(argv)
    errors = []
    for name in ("duration", "connections", "rate", "rate_duration", "rate_connections",
                 "idle_connections", "callgrind_requests", "build_timeout", "rounds"):
        if getattr(args, name) <= 0:
            errors.append("--%s must be > 0" % name.replace("_", "-"))
    if args.idle_connections > 4000:
        errors.append("--idle-connections must be <= 4000")
    if args.warmup < 0 or args.callgrind_warmup < 0:
        errors.append("--warmup and --callgrind-warmup must be >= 0")
    cpus = os.sched_getaffinity(0)
    for name in ("load_cpu", "proxy_cpu"):
        if getattr(args, name) not in cpus:
            errors.append("--%s=%d is not an available CPU" % (name.replace("_", "-"),
                                                                getattr(args, name)))
    args.chain_list = [c.strip() for c in args.chains.split(",") if c.strip()]
    if not args.chain_list or any(c not in CHAINS for c in args.chain_list):
        errors.append("--chains: choose from %s" % ",".join(CHAINS))
    if errors:
        p.error("; ".join(errors))
    return args


class Bench:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.procs = procs.ProcessSet(nice=args.nice)
        self.pki = pki_lib.make_pki(workdir, TRUST_DOMAIN, "bench", ["a", "b"])
        self.backend_port = procs.free_port()
        self._chain_ports = {}
        self.mesh_binary = None
        self.backend = None

    def ports(self, chain):
        """The chain's ports (its own, so that every chain can run at once)."""
        if chain not in self._chain_ports:
            ports = {k: procs.free_port() for k in ("a", "b", "a_admin", "b_admin")}
            ports["backend"] = self.backend_port
            self._chain_ports[chain] = ports
        return self._chain_ports[chain]

    def hops(self, chain):
        ports = self.ports(chain)
        if chain == "haproxy":
            return mtls_peers.haproxy(self.workdir, self.pki, ports)
        if chain == "nginx":
            return mtls_peers.nginx(self.workdir, self.pki, ports)
        return mtls_peers.mesh_proxy(self.workdir, self.mesh_binary, self.pki, ports)

    def start_backend(self):
        self.backend = self.procs.start(
            "backend", peers.upstream_nginx(self.workdir, self.backend_port),
            self.args.load_cpu, os.path.join(self.workdir, "backend.log"))
        procs.wait_http_ok(self.backend, self.backend_port, timeout=10)

    def start_chain(self, chain, callgrind_hop=None):
        """Starts B then A (one of them under callgrind); returns {"a": proc, "b": proc}."""
        started = {}
        for hop, argv, _ in reversed(self.hops(chain)):
            name = "%s-%s" % (chain, hop)
            stop_timeout = 5
            if hop == callgrind_hop:
                argv = callgrind.valgrind_prefix(self.workdir, name) + argv
                name += "-callgrind"
                stop_timeout = 30
            started[hop] = self.procs.start(name, argv, self.args.proxy_cpu,
                                            os.path.join(self.workdir, name + ".log"),
                                            stop_timeout=stop_timeout)
        try:
            procs.wait_http_ok(started["a"], self.ports(chain)["a"],
                               timeout=90 if callgrind_hop else 15)
            if not started["b"].alive():
                raise procs.ProcessError("%s sidecar B exited; log:\n%s" %
                                         (chain, started["b"].log_tail()))
        except BaseException:
            self.stop_chain(started)
            raise
        return started

    def stop_chain(self, started):
        for proc in started.values():
            self.procs.stop(proc)

    def cpu(self, started):
        return sum(p.cpu_seconds() for p in started.values())

    def max_load(self, port, started):
        """wrk max throughput; CPU of `started` per request."""
        a = self.args
        if a.warmup:
            wrk.run(port, a.load_cpu, a.warmup, a.connections, 1, report=False, nice=a.nice)
        cpu0 = self.cpu(started)
        res = wrk.run(port, a.load_cpu, a.duration, a.connections, 1, nice=a.nice)
        cpu1 = self.cpu(started)
        out = {"rps": res["rps"], "requests": res["requests"], "errors": res["error_total"],
               "wrk_p50_us": res["latency_us"]["p50"], "wrk_p99_us": res["latency_us"]["p99"]}
        if started:
            out["cpu_us_per_request"] = (1e6 * (cpu1 - cpu0) / res["requests"]
                                         if res["requests"] else None)
        return out

    def fixed_rate(self, port, started, duration):
        """One fixed-rate segment on warmed connections, keeping every latency;
        CPU of `started` per request."""
        a = self.args
        os.sched_setaffinity(0, {a.load_cpu})
        cpu0 = self.cpu(started)
        fixed = rate_client.run_fixed_rate(port, a.rate, duration, a.rate_connections,
                                           warm=True, keep_latencies=True)
        cpu1 = self.cpu(started)
        if started:
            fixed["cpu_seconds"] = cpu1 - cpu0
            fixed["cpu_us_per_request"] = 1e6 * (cpu1 - cpu0) / fixed["requests"]
        return fixed

    def idle_memory(self, chain, b):
        n = self.args.idle_connections
        before = idle_tls.memory_kb(b.pid)
        with idle_tls.IdleTlsConnections(self.ports(chain)["b"], self.pki["a"]["cert"],
                                         self.pki["a"]["key"], self.pki["root"], n):
            time.sleep(1.0)
            if not b.alive():
                raise procs.ProcessError("sidecar B died holding %d connections" % n)
            after = idle_tls.memory_kb(b.pid)
        out = {"connections": n, "before": before, "after": after}
        for k in ("rss_kb", "pss_kb"):
            if before[k] is not None and after[k] is not None:
                out[k.replace("_kb", "_kb_per_connection")] = (after[k] - before[k]) / n
        return out

    def callgrind_hop(self, chain, hop):
        a = self.args
        started = self.start_chain(chain, callgrind_hop=hop)
        client = None
        try:
            os.sched_setaffinity(0, {a.load_cpu})
            client = client_lib.KeepAliveClient(self.ports(chain)["a"], 1)
            return callgrind.count_instructions(
                started[hop].pid, self.workdir, "%s-%s" % (chain, hop), client,
                a.callgrind_warmup, a.callgrind_requests, timeout_s=300)
        finally:
            if client:
                client.close()
            self.stop_chain(started)


def run(args, workdir):
    bench = Bench(args, workdir)
    results = {"direct": {"name": "direct", "available": True}}
    for c in args.chain_list:
        results[c] = {"name": c, "available": True}
    if "mesh-proxy" in results:
        binary, origin = mesh_binary.resolve_mesh_proxy(args, workdir, REPO)
        if binary:
            bench.mesh_binary = binary
            results["mesh-proxy"]["binary"] = origin
        else:
            results["mesh-proxy"].update(available=False, reason=origin)
    for c in ("haproxy", "nginx"):
        if c in results and not shutil.which(c):
            results[c].update(available=False, reason="%s not installed" % c)
    do_callgrind = not args.no_callgrind and bool(shutil.which("callgrind_control"))
    try:
        bench.start_backend()
        print("direct: wrk %ds ..." % args.duration, flush=True)
        results["direct"]["load"] = bench.max_load(bench.backend_port, {})
        for c in args.chain_list:
            r = results[c]
            if not r["available"]:
                continue
            print("%s chain: wrk, %d idle TLS connections ..." % (c, args.idle_connections),
                  flush=True)
            try:
                started = bench.start_chain(c)
                try:
                    r["load"] = bench.max_load(bench.ports(c)["a"], started)
                    r["idle_tls"] = bench.idle_memory(c, started["b"])
                finally:
                    bench.stop_chain(started)
            except (procs.ProcessError, wrk.WrkError, client_lib.ClientError,
                    OSError) as e:
                print("  %s: %s" % (c, e))
                r["error"] = str(e)
        fixed_rate_rounds(bench, args, results)
        for c in args.chain_list if do_callgrind else ():
            if not results[c]["available"]:
                continue
            for hop in ("a", "b"):
                print("callgrind: %s sidecar %s (%d + %d requests) ..." %
                      (c, hop.upper(), args.callgrind_warmup, args.callgrind_requests),
                      flush=True)
                try:
                    results[c]["callgrind_" + hop] = bench.callgrind_hop(c, hop)
                except (procs.ProcessError, callgrind.CallgrindError,
                        client_lib.ClientError, OSError) as e:
                    print("  %s %s: %s" % (c, hop, e))
                    results[c]["callgrind_" + hop] = {"error": str(e)}
    finally:
        bench.procs.stop_all()
    add_derived(results)
    add_paired(results)
    return [results["direct"]] + [results[c] for c in args.chain_list]


def fixed_rate_rounds(bench, args, results):
    """The interleaved fixed-rate rounds, all chains started side by side: per
    round one segment of direct, then of every chain (rotated); then each
    target's latencies pooled over the rounds."""
    chains = [c for c in args.chain_list
              if results[c]["available"] and "error" not in results[c]]
    started = {}
    try:
        for c in chains:
            try:
                started[c] = bench.start_chain(c)
            except (procs.ProcessError, OSError) as e:
                print("  %s: %s" % (c, e))
                results[c]["error"] = str(e)
        chains = [c for c in chains if c in started]
        targets = [("direct", bench.backend_port)] + [(c, bench.ports(c)["a"]) for c in chains]
        pooled = {name: [] for name, _ in targets}
        for r in results.values():
            r["rounds"] = []
        ports = dict(targets)

        def segment(name, duration):
            if "error" in results[name]:
                return None
            try:
                return bench.fixed_rate(ports[name], started.get(name, {}), duration)
            except (procs.ProcessError, client_lib.ClientError, OSError) as e:
                print("  %s: %s" % (name, e))
                results[name]["error"] = str(e)
                return None

        for name, _ in targets:  # warm-up at the rate, not kept
            segment(name, 1)
        for i in range(args.rounds):
            order = chains[i % len(chains):] + chains[:i % len(chains)] if chains else []
            print("fixed rate, round %d/%d: direct, %s (%d req/s x %ds each) ..." %
                  (i + 1, args.rounds, ", ".join(order), args.rate, args.rate_duration),
                  flush=True)
            for name in ["direct"] + order:
                seg = segment(name, args.rate_duration)
                if seg is not None:
                    pooled[name].extend(seg.pop("latencies_us"))
                    results[name]["rounds"].append(seg)
        for name, latencies in pooled.items():
            if latencies and "error" not in results[name]:
                results[name]["pooled"] = pooled_summary(latencies, results[name]["rounds"])
    finally:
        for proc_set in started.values():
            bench.stop_chain(proc_set)


def pooled_summary(latencies, rounds):
    """Percentiles over every request of every round; CPU over all of them."""
    latencies = sorted(latencies)
    out = {"requests": len(latencies)}
    for p, key in ((50, "p50_us"), (90, "p90_us"), (99, "p99_us"), (99.9, "p999_us")):
        out[key] = rate_client.percentile(latencies, p)
    cpu = [r["cpu_seconds"] for r in rounds if r.get("cpu_seconds") is not None]
    if cpu and len(cpu) == len(rounds):
        out["cpu_us_per_request"] = 1e6 * sum(cpu) / sum(r["requests"] for r in rounds)
    return out


def _median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2.0


def add_derived(results):
    """Each target's fixed-rate figures and the latency a chain added to direct's
    at each percentile, in ms: from the pooled requests when there are any, else
    medians over the rounds. The per-round added latencies (against the same
    round's direct) are kept as `added_ms_rounds`, to show the spread."""
    direct = results["direct"]
    direct_rounds = direct.get("rounds") or []
    for r in results.values():
        rounds = r.get("rounds") or []
        if not rounds:
            continue
        keys = ("p50_us", "p90_us", "p99_us", "cpu_us_per_request")
        source = r.get("pooled")
        r.setdefault("load", {})["fixed_rate"] = {
            k: source.get(k) if source else _median(x.get(k) for x in rounds) for k in keys}
        if r["name"] == "direct" or len(rounds) != len(direct_rounds):
            continue
        per_round = [{p: (x[p + "_us"] - d[p + "_us"]) / 1000.0 for p in ("p50", "p90", "p99")}
                     for x, d in zip(rounds, direct_rounds)]
        r["added_ms_rounds"] = per_round
        if source and direct.get("pooled"):
            r["added_ms"] = {p: (source[p + "_us"] - direct["pooled"][p + "_us"]) / 1000.0
                             for p in ("p50", "p90", "p99")}
        else:
            r["added_ms"] = {p: _median(x[p] for x in per_round) for p in ("p50", "p90", "p99")}


def _binomial_tail(n, k):
    """P(X <= k) for X ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2.0 ** n


def paired_difference(mesh_rounds, peer_rounds, key, confidence=0.95):
    """mesh-proxy's figure minus a peer's, round by round (both measured in the
    same round, seconds apart, so the machine's slow phases cancel): the median of
    those differences and a distribution-free confidence interval for it (the sign
    test's, from order statistics). None if there are too few rounds for one.

    Returns {"rounds", "median", "low", "high", "mesh_lower_in"}."""
    diffs = sorted(m[key] - p[key] for m, p in zip(mesh_rounds, peer_rounds)
                   if m.get(key) is not None and p.get(key) is not None)
    n = len(diffs)
    alpha = 1.0 - confidence
    # The interval [d_(k), d_(n-k+1)] misses the median with probability 2 P(X < k).
    k = 0
    while _binomial_tail(n, k) <= alpha / 2:
        k += 1
    if k == 0:
        return None
    return {"rounds": n, "median": _median(diffs), "low": diffs[k - 1], "high": diffs[n - k],
            "mesh_lower_in": sum(d < 0 for d in diffs)}


def paired_state(d):
    """below / level / above: where the interval of the difference lies."""
    if d["high"] < 0:
        return "below"
    return "above" if d["low"] > 0 else "level"


def add_paired(results):
    """mesh-proxy against each peer, per percentile of the fixed-rate rounds."""
    mesh = results.get("mesh-proxy") or {}
    for peer in ("haproxy", "nginx"):
        other = results.get(peer) or {}
        m, o = mesh.get("rounds") or [], other.get("rounds") or []
        if not m or len(m) != len(o) or "error" in mesh or "error" in other:
            continue
        paired = {}
        for p in ("p50", "p90", "p99"):
            d = paired_difference(m, o, p + "_us")
            if d is not None:
                paired[p] = d
        if paired:
            mesh.setdefault("paired_us", {})[peer] = paired


def _get(r, *path):
    for key in path:
        if not isinstance(r, dict):
            return None
        r = r.get(key)
    return r


def _fmt(value, spec):
    return "-" if value is None else format(value, spec)


COLUMNS = (
    ("req/s", ("load", "rps"), ",.0f"),
    ("+p50 ms", ("added_ms", "p50"), ".3f"),
    ("+p90 ms", ("added_ms", "p90"), ".3f"),
    ("+p99 ms", ("added_ms", "p99"), ".3f"),
    ("CPU us/req", ("load", "fixed_rate", "cpu_us_per_request"), ".1f"),
    ("CPU us/req max", ("load", "cpu_us_per_request"), ".1f"),
    ("KB/idle TLS (RSS)", ("idle_tls", "rss_kb_per_connection"), ".1f"),
    ("KB/idle TLS (PSS)", ("idle_tls", "pss_kb_per_connection"), ".1f"),
    ("instr/req A", ("callgrind_a", "instructions_per_request"), ",.0f"),
    ("instr/req B", ("callgrind_b", "instructions_per_request"), ",.0f"),
)


def table(results):
    rows = [("chain",) + tuple(c[0] for c in COLUMNS)]
    for r in results:
        if not r.get("available", True):
            rows.append((r["name"], "not available: " + r.get("reason", "?")[:90]))
            continue
        rows.append((r["name"],) + tuple(_fmt(_get(r, *path), spec)
                                         for _, path, spec in COLUMNS))
    full = [row for row in rows if len(row) > 2]
    widths = [max(len(row[i]) for row in full) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        if len(row) == 2:
            lines.append("  ".join((row[0].ljust(widths[0]), row[1])))
            continue
        lines.append("  ".join([row[0].ljust(widths[0])] +
                               [c.rjust(w) for c, w in zip(row[1:], widths[1:])]))
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def verdict(results):
    """mesh-proxy's ratios to HAProxy and nginx, and the issue's targets."""
    by = {r["name"]: r for r in results}
    mesh = by.get("mesh-proxy") or {}
    out, lines = {}, []
    for peer in ("haproxy", "nginx"):
        other = by.get(peer)
        if not other:
            continue
        ratios = {}
        for label, path, _ in COLUMNS:
            m, o = _get(mesh, *path), _get(other, *path)
            if m is not None and o not in (None, 0):
                ratios[label] = m / o
        out["ratio_to_" + peer] = ratios
        if ratios:
            lines.append("mesh-proxy / %s: %s" % (peer, ", ".join(
                "%s %.2f" % (k, v) for k, v in ratios.items())))
        paired = _get(mesh, "paired_us", peer)
        if paired:
            lines.append("mesh-proxy - %s, per round (median [95%% CI] us, rounds where "
                         "mesh-proxy is lower): %s" % (peer, ", ".join(
                             "%s %+.1f [%+.1f, %+.1f] %d/%d %s" % (
                                 p, d["median"], d["low"], d["high"], d["mesh_lower_in"],
                                 d["rounds"], paired_state(d)) for p, d in paired.items())))
        for p in ("p50", "p90", "p99"):
            if paired:
                # Lower only when the whole interval is: level is not below.
                below = p in paired and paired_state(paired[p]) == "below"
            else:
                m, o = _get(mesh, "added_ms", p), _get(other, "added_ms", p)
                if m is None or o is None:
                    continue
                below = m < o
            out.setdefault("added_latency_below", {})["%s_%s" % (peer, p)] = below
        m = _get(mesh, "load", "fixed_rate", "cpu_us_per_request")
        o = _get(other, "load", "fixed_rate", "cpu_us_per_request")
        if m is not None and o is not None:
            out.setdefault("cpu_below", {})[peer] = m < o
    kb = _get(mesh, "idle_tls", "rss_kb_per_connection")
    if kb is not None:
        out["memory_target_met"] = kb < MAX_KB_PER_IDLE_TLS_CONNECTION
    for key, label in (("added_latency_below", "added latency below HAProxy's and nginx's"),
                       ("cpu_below", "CPU per request below HAProxy's and nginx's")):
        if key in out:
            met = all(out[key].values())
            lines.append("target: %s: %s%s" % (label, "MET" if met else "NOT MET",
                         "" if met else " (%s)" % ", ".join(
                             k for k, v in out[key].items() if not v)))
    if kb is not None:
        lines.append("target: < %d KB per idle TLS connection: %s (%.1f KB)" %
                     (MAX_KB_PER_IDLE_TLS_CONNECTION,
                      "MET" if out["memory_target_met"] else "NOT MET", kb))
    return out, lines


def _interrupt(signum, frame):
    raise KeyboardInterrupt()


def main(argv):
    args = parse_args(argv)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    for tool in ("wrk", "nginx", "openssl", "taskset"):
        if not shutil.which(tool):
            sys.exit("error: %s is required" % tool)
    started = time.monotonic()
    load_at_start = os.getloadavg()[0]
    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    print("weft mTLS chain benchmark, %s, %d CPUs, load average %.2f" %
          (date, os.cpu_count(), load_at_start))
    print("pinning: client/wrk + backend on CPU %d, both sidecars on CPU %d; "
          "wrk -c%d %ds; fixed rate %d req/s on %d connections, %d rounds of %ds "
          "segments; %d idle TLS connections" % (
              args.load_cpu, args.proxy_cpu, args.connections, args.duration, args.rate,
              args.rate_connections, args.rounds, args.rate_duration, args.idle_connections),
          flush=True)
    status, results = procs.run_in_workdir(
        "weft-mtls-bench-", args.keep_workdir, args.nice, lambda workdir: run(args, workdir),
        errors=(procs.ProcessError, pki_lib.PkiError, wrk.WrkError, client_lib.ClientError))
    if status:
        return status
    summary, lines = verdict(results)
    print()
    print(table(results))
    print()
    print("req/s: wrk -c%d max throughput. +pXX: latency added to direct's at %d req/s "
          "(open loop), over %d interleaved %ds segments per target, pooled; the "
          "target's verdict pairs the rounds (see --help)." %
          (args.connections, args.rate, args.rounds, args.rate_duration))
    print("CPU us/req: user+sys of both sidecars per request at the fixed rate (all "
          "segments; 'max': during wrk).")
    print("KB/idle TLS: sidecar B's memory growth / %d idle mTLS keep-alive connections." %
          args.idle_connections)
    print("instr/req: callgrind Ir of one sidecar, %d requests on 1 connection." %
          args.callgrind_requests)
    for line in lines:
        print(line)
    elapsed = time.monotonic() - started
    print("total time %.0fs" % elapsed)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"date": date, "loadavg_1m_at_start": load_at_start,
                       "settings": {k: v for k, v in vars(args).items() if k != "json"},
                       "results": results, "verdict": summary, "elapsed_s": elapsed},
                      f, indent=2, sort_keys=True)
            f.write("\n")
        print("JSON written to %s" % args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
