#!/usr/bin/python3
"""One-hop HTTP/1.1 proxy benchmark: mesh-proxy vs HAProxy vs nginx, on loopback.

Starts an nginx upstream (`return 200 "ok"`), then for each peer (direct, mesh-proxy,
haproxy, nginx) runs wrk with keep-alive connections and reports RPS, p50, p99, the
ratio to direct and the proxy's CPU time per request; then runs each proxy under
valgrind's callgrind and counts instructions per request over a fixed number of
keep-alive requests. Everything runs on 127.0.0.1, pinned to CPUs with taskset, in a
temporary directory; every process started is stopped by PID at the end, also on
failure or Ctrl-C. See docs/benchmarks.md.

Requires Debian's wrk, nginx, haproxy, valgrind and util-linux (taskset); python3
stdlib only. Run as: tools/bench/run.sh [--json FILE] [--duration 10] ...
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import callgrind  # noqa: E402
from benchlib import client as client_lib  # noqa: E402
from benchlib import mesh_binary  # noqa: E402
from benchlib import peers  # noqa: E402
from benchlib import procs  # noqa: E402
from benchlib import report  # noqa: E402
from benchlib import wrk  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALL_PEERS = ("direct", "mesh-proxy", "haproxy", "nginx")
PROXIES = ("mesh-proxy", "haproxy", "nginx")


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Loopback one-hop proxy benchmark: mesh-proxy vs HAProxy vs nginx "
                    "(wrk RPS/latency + callgrind instructions per request).")
    p.add_argument("--duration", type=int, default=10,
                   help="seconds of each measured wrk run (default 10)")
    p.add_argument("--warmup", type=int, default=2,
                   help="seconds of the unmeasured wrk run before each measured one "
                        "(default 2)")
    p.add_argument("--connections", type=int, default=32,
                   help="wrk keep-alive connections (default 32)")
    p.add_argument("--wrk-threads", type=int, default=1,
                   help="wrk threads (default 1; all on --load-cpu)")
    p.add_argument("--repeat", type=int, default=1,
                   help="measured wrk runs per peer; the best RPS is reported "
                        "(default 1)")
    p.add_argument("--nice", type=int, default=0,
                   help="niceness of every benchmark process and of this session's "
                        "scheduling autogroup (restored at the end), e.g. -10 to get "
                        "ahead of background builds on a shared machine (default 0; "
                        "negative needs root)")
    p.add_argument("--peers", default=",".join(ALL_PEERS),
                   help="comma-separated subset of %s" % ",".join(ALL_PEERS))
    p.add_argument("--load-cpu", type=int, default=0,
                   help="CPU for wrk, the upstream and the callgrind client (default 0)")
    p.add_argument("--proxy-cpu", type=int, default=1,
                   help="CPU for the proxy under test (default 1)")
    p.add_argument("--callgrind-requests", type=int, default=20000,
                   help="measured requests per proxy under callgrind (default 20000)")
    p.add_argument("--callgrind-warmup", type=int, default=2000,
                   help="unmeasured requests after instrumentation is on (default 2000)")
    p.add_argument("--callgrind-connections", type=int, default=1,
                   help="keep-alive connections of the callgrind client, one request "
                        "in flight on each (default 1)")
    p.add_argument("--no-callgrind", action="store_true",
                   help="skip the callgrind phase")
    p.add_argument("--no-load", action="store_true", help="skip the wrk phase")
    p.add_argument("--mesh-proxy", metavar="PATH",
                   help="mesh-proxy binary to use (default: build //proxy:mesh-proxy "
                        "and use <bazel info bazel-bin>/proxy/mesh-proxy)")
    p.add_argument("--no-build", action="store_true",
                   help="do not build; use the existing <bazel info bazel-bin> binary")
    p.add_argument("--build-timeout", type=int, default=120,
                   help="seconds allowed for `bazel build //proxy:mesh-proxy` "
                        "(default 120)")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--keep-workdir", action="store_true",
                   help="keep the temporary directory (configs, logs, callgrind dumps)")
    args = p.parse_args(argv)

    errors = []
    for name in ("duration", "repeat", "connections", "wrk_threads", "callgrind_requests",
                 "callgrind_connections", "build_timeout"):
        if getattr(args, name) <= 0:
            errors.append("--%s must be > 0" % name.replace("_", "-"))
    for name in ("warmup", "callgrind_warmup"):
        if getattr(args, name) < 0:
            errors.append("--%s must be >= 0" % name.replace("_", "-"))
    if not -20 <= args.nice <= 19:
        errors.append("--nice must be in [-20, 19]")
    if args.connections < args.wrk_threads:
        errors.append("--connections must be >= --wrk-threads")
    cpus = os.sched_getaffinity(0)
    for name in ("load_cpu", "proxy_cpu"):
        if getattr(args, name) not in cpus:
            errors.append("--%s=%d is not an available CPU (available: %s)" %
                          (name.replace("_", "-"), getattr(args, name), sorted(cpus)))
    args.peer_list = [s.strip() for s in args.peers.split(",") if s.strip()]
    unknown = [s for s in args.peer_list if s not in ALL_PEERS]
    if unknown or not args.peer_list:
        errors.append("--peers: unknown %s (choose from %s)" %
                      (",".join(unknown) or "(empty)", ",".join(ALL_PEERS)))
    if args.mesh_proxy and not os.access(args.mesh_proxy, os.X_OK):
        errors.append("--mesh-proxy=%s is not an executable file" % args.mesh_proxy)
    if errors:
        p.error("; ".join(errors))
    return args


def tool_version(argv):
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=10, check=False).stdout.decode("utf-8", "replace")
        return out.strip().splitlines()[0] if out.strip() else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"


def git_revision():
    try:
        return subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              timeout=10, check=False).stdout.decode().strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


class Bench:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.procs = procs.ProcessSet(nice=args.nice)
        self.upstream_port = procs.free_port()
        self.mesh_binary = None

    def proxy_argv(self, name, port):
        if name == "haproxy":
            return peers.haproxy(self.workdir, port, self.upstream_port)
        if name == "nginx":
            return peers.nginx_proxy(self.workdir, port, self.upstream_port)
        return peers.mesh_proxy(self.workdir, self.mesh_binary, port, self.upstream_port,
                                procs.free_port())

    def start_upstream(self):
        proc = self.procs.start(
            "upstream", peers.upstream_nginx(self.workdir, self.upstream_port),
            self.args.load_cpu, os.path.join(self.workdir, "upstream.log"))
        procs.wait_http_ok(proc, self.upstream_port, timeout=10)
        return proc

    def measure_once(self, port, upstream, proxy):
        """One measured wrk run; returns the `load` dict without the ratio."""
        a = self.args
        # The CPUs this run uses: others' load elsewhere does not disturb it.
        cpus = {a.load_cpu, a.proxy_cpu} if proxy else {a.load_cpu}
        start = (upstream.cpu_seconds(), proxy.cpu_seconds() if proxy else 0.0,
                 procs.children_cpu_seconds(), procs.busy_cpu_seconds(cpus))
        res = wrk.run(port, a.load_cpu, a.duration, a.connections, a.wrk_threads,
                      nice=a.nice)
        end = (upstream.cpu_seconds(), proxy.cpu_seconds() if proxy else 0.0,
               procs.children_cpu_seconds(), procs.busy_cpu_seconds(cpus))
        upstream_cpu, proxy_cpu, wrk_cpu, busy = (e - s for e, s in zip(end, start))
        seconds = res["duration_us"] / 1e6
        load = {
            "rps": res["rps"],
            "requests": res["requests"],
            "duration_s": seconds,
            "p50_us": res["latency_us"]["p50"],
            "p90_us": res["latency_us"]["p90"],
            "p99_us": res["latency_us"]["p99"],
            "p999_us": res["latency_us"]["p999"],
            "max_us": res["latency_us"]["max"],
            "errors": res["error_total"],
            "error_detail": res["errors"],
            "upstream_cpu_percent": 100.0 * upstream_cpu / seconds,
            "wrk_cpu_percent": 100.0 * wrk_cpu / seconds,
            # CPU used by anything else on the run's CPUs (other builds, daemons):
            # results are only comparable when this stays near zero.
            "other_cpu_percent": max(0.0, 100.0 * (busy - upstream_cpu - proxy_cpu -
                                                   wrk_cpu) / seconds),
        }
        if proxy:
            load["proxy_cpu_percent"] = 100.0 * proxy_cpu / seconds
            load["proxy_cpu_us_per_request"] = (1e6 * proxy_cpu / res["requests"]
                                                if res["requests"] else None)
        return load

    def load_one(self, name, upstream, direct_rps):
        """wrk against one peer, --repeat times; returns the best run's `load` dict."""
        a = self.args
        proxy = None
        port = self.upstream_port
        if name != "direct":
            port = procs.free_port()
            proxy = self.procs.start(name, self.proxy_argv(name, port), a.proxy_cpu,
                                     os.path.join(self.workdir, name + ".log"))
        runs = []
        try:
            if proxy:
                procs.wait_http_ok(proxy, port, timeout=15)
            if a.warmup:
                wrk.run(port, a.load_cpu, a.warmup, a.connections, a.wrk_threads,
                        report=False, nice=a.nice)
            for _ in range(a.repeat):
                runs.append(self.measure_once(port, upstream, proxy))
                if proxy and not proxy.alive():
                    raise procs.ProcessError("%s died during the run; log:\n%s" %
                                             (name, proxy.log_tail()))
        finally:
            if proxy:
                self.procs.stop(proxy)
        # Interference from other load only ever lowers throughput: keep the best run.
        load = dict(max(runs, key=lambda r: r["rps"]))
        load["ratio_to_direct"] = load["rps"] / direct_rps if direct_rps else None
        if len(runs) > 1:
            load["all_runs_rps"] = [r["rps"] for r in runs]
        return load

    def callgrind_one(self, name):
        a = self.args
        port = procs.free_port()
        argv = callgrind.valgrind_prefix(self.workdir, name) + self.proxy_argv(name, port)
        proxy = self.procs.start(name + "-callgrind", argv, a.proxy_cpu,
                                 os.path.join(self.workdir, name + ".callgrind.log"),
                                 stop_timeout=30)
        client = None
        try:
            procs.wait_http_ok(proxy, port, timeout=90)
            # The client runs in this process; keep it on the load CPU like wrk.
            os.sched_setaffinity(0, {a.load_cpu})
            client = client_lib.KeepAliveClient(port, a.callgrind_connections)
            return callgrind.count_instructions(
                proxy.pid, self.workdir, name, client, a.callgrind_warmup,
                a.callgrind_requests, timeout_s=300)
        finally:
            if client:
                client.close()
            self.procs.stop(proxy)


def run(args, workdir):
    results = {name: {"name": name, "available": True} for name in args.peer_list}
    bench = Bench(args, workdir)
    if "mesh-proxy" in results:
        binary, origin = mesh_binary.resolve_mesh_proxy(args, workdir, REPO)
        if binary:
            bench.mesh_binary = binary
            results["mesh-proxy"]["binary"] = origin
            results["mesh-proxy"]["binary_sha256"] = mesh_binary.sha256_file(binary)
        else:
            results["mesh-proxy"].update(available=False, reason=origin)
    for name, tool in (("haproxy", "haproxy"), ("nginx", "nginx")):
        if name in results and not shutil.which(tool):
            results[name].update(available=False, reason="%s not installed" % tool)
    do_callgrind = not args.no_callgrind
    if do_callgrind and not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        print("valgrind not installed: skipping the callgrind phase")
        do_callgrind = False

    try:
        upstream = bench.start_upstream()
        if not args.no_load:
            direct_rps = None
            for name in args.peer_list:
                r = results[name]
                if not r["available"]:
                    continue
                print("wrk: %s (%ds warm-up + %ds) ..." % (name, args.warmup,
                                                          args.duration), flush=True)
                try:
                    r["load"] = bench.load_one(name, upstream, direct_rps)
                    if name == "direct":
                        direct_rps = r["load"]["rps"]
                except (procs.ProcessError, wrk.WrkError) as e:
                    print("  %s: %s" % (name, e))
                    if name == "mesh-proxy":  # being written: report, don't abort
                        r.update(available=False, reason=str(e).splitlines()[0])
                    else:
                        r["load_error"] = str(e)
        if do_callgrind:
            for name in args.peer_list:
                r = results[name]
                if name == "direct" or not r["available"]:
                    continue
                print("callgrind: %s (%d warm-up + %d measured requests) ..." %
                      (name, args.callgrind_warmup, args.callgrind_requests), flush=True)
                try:
                    r["callgrind"] = bench.callgrind_one(name)
                except (procs.ProcessError, callgrind.CallgrindError,
                        client_lib.ClientError, OSError) as e:
                    print("  %s: %s" % (name, e))
                    r["callgrind"] = {"error": str(e)}
    finally:
        bench.procs.stop_all()
    return [results[name] for name in args.peer_list]


def _interrupt(signum, frame):
    raise KeyboardInterrupt()


def main(argv):
    args = parse_args(argv)
    # SIGTERM/SIGHUP take the same clean-up path as Ctrl-C; SIGINT is set explicitly
    # because a shell starts background jobs with it ignored.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    for tool in ("wrk", "nginx", "taskset"):
        if not shutil.which(tool):
            sys.exit("error: %s is required (apt-get install %s)" %
                     (tool, {"taskset": "util-linux"}.get(tool, tool)))

    started = time.monotonic()
    load_at_start = os.getloadavg()[0]
    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    pinning = {"wrk": args.load_cpu, "upstream": args.load_cpu,
               "callgrind_client": args.load_cpu, "proxy": args.proxy_cpu}
    print("weft proxy benchmark, %s, %d CPUs, git %s, load average %.2f" %
          (date, os.cpu_count(), git_revision(), load_at_start))
    print("pinning: wrk + upstream nginx on CPU %d, proxy under test on CPU %d "
          "(callgrind client on CPU %d)" % (args.load_cpu, args.proxy_cpu, args.load_cpu))
    print("load: wrk -t%d -c%d keep-alive, %ds warm-up + %ds measured per peer" %
          (args.wrk_threads, args.connections, args.warmup, args.duration), flush=True)

    status, results = procs.run_in_workdir("weft-bench-", args.keep_workdir, args.nice,
                                           lambda workdir: run(args, workdir))
    if status:
        return status
    if not args.keep_workdir:
        for r in results:  # the dumps went with the directory
            (r.get("callgrind") or {}).pop("dump_file", None)

    summary, verdict_lines = report.verdict(results)
    print()
    print(report.table(results))
    print()
    print("RPS/p50/p99: wrk; 'proxy CPU us/req': the proxy's user+sys CPU time per "
          "request during the wrk run;")
    print("'other CPU %': CPU used by processes outside the benchmark on the run's "
          "CPUs during it (should be ~0);")
    print("instr/req: callgrind Ir over %d keep-alive requests on %d connection(s) after "
          "%d warm-up requests." % (args.callgrind_requests, args.callgrind_connections,
                                    args.callgrind_warmup))
    warning = report.interference_warning(results, load_at_start)
    if warning:
        print(warning)
    for line in verdict_lines:
        print(line)
    elapsed = time.monotonic() - started
    print("total time %.0fs" % elapsed)

    if args.json:
        doc = {
            "date": date,
            "command": " ".join([sys.argv[0]] + list(argv)),
            "git_revision": git_revision(),
            "host": {"cpus": os.cpu_count(), "kernel": platform.release(),
                     "loadavg_1m_at_start": load_at_start},
            "versions": {
                "nginx": tool_version(["nginx", "-v"]),
                "haproxy": tool_version(["haproxy", "-v"]),
                "wrk": tool_version(["wrk", "-v"]),
                "valgrind": tool_version(["valgrind", "--version"]),
            },
            "pinning_cpu": pinning,
            "settings": {k: v for k, v in vars(args).items() if k not in ("json",)},
            "results": results,
            "verdict": summary,
            "elapsed_s": elapsed,
        }
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=2, sort_keys=True)
            f.write("\n")
        print("JSON written to %s" % args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
