#!/usr/bin/python3
"""One-hop HTTP/2 (h2c) proxy benchmark: mesh-proxy vs HAProxy, on loopback.

Starts Debian's nghttpd (nghttp2-server) as the h2c backend, then runs h2load
(multiplexed: -c connections x -m streams, a fixed -n requests per phase)
directly against it and through one hop of each proxy, both speaking h2c on
both sides (HAProxy: `proto h2` on bind and server lines; mesh-proxy: its
listener detects the HTTP/2 preface and the cluster uses the downstream's
protocol). Reports requests/s and the ratio to direct, then counts callgrind
instructions per request for each proxy over a bounded h2load run.
Everything runs on 127.0.0.1, pinned with taskset, in a temporary directory;
every process started is stopped by PID at the end, also on failure or Ctrl-C.
See docs/benchmarks.md.

Requires Debian's nghttp2-server (nghttpd), nghttp2-client (h2load), haproxy,
valgrind, util-linux. Run as: tools/bench/run.sh --h2-only [options], or
/usr/bin/python3 tools/bench/h2_bench.py --help
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import callgrind  # noqa: E402
from benchlib import mesh_binary  # noqa: E402
from benchlib import peers  # noqa: E402
from benchlib import procs  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PEERS = ("direct", "mesh-proxy", "haproxy")


class H2loadError(RuntimeError):
    pass


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Loopback one-hop h2c benchmark: h2load through mesh-proxy and "
                    "HAProxy to nghttpd (requests/s + callgrind instructions/request).")
    p.add_argument("--requests", type=int, default=200000,
                   help="h2load -n per measured phase (default 200000)")
    p.add_argument("--warmup-requests", type=int, default=20000,
                   help="h2load -n of the unmeasured run before each phase (default 20000)")
    p.add_argument("--clients", type=int, default=4, help="h2load -c (default 4)")
    p.add_argument("--streams", type=int, default=32,
                   help="h2load -m, concurrent streams per connection (default 32)")
    p.add_argument("--callgrind-requests", type=int, default=20000,
                   help="measured requests per proxy under callgrind (default 20000)")
    p.add_argument("--callgrind-warmup", type=int, default=2000,
                   help="unmeasured requests after instrumentation is on (default 2000)")
    p.add_argument("--no-callgrind", action="store_true", help="skip the callgrind phase")
    p.add_argument("--load-cpu", type=int, default=0,
                   help="CPU for h2load and nghttpd (default 0)")
    p.add_argument("--proxy-cpu", type=int, default=1,
                   help="CPU for the proxy under test (default 1)")
    p.add_argument("--timeout", type=int, default=300,
                   help="seconds allowed for one h2load run (default 300)")
    p.add_argument("--mesh-proxy", metavar="PATH",
                   help="mesh-proxy binary (default: build //proxy:mesh-proxy)")
    p.add_argument("--no-build", action="store_true",
                   help="do not build; use the existing <bazel info bazel-bin> binary")
    p.add_argument("--build-timeout", type=int, default=120,
                   help="seconds allowed for `bazel build //proxy:mesh-proxy` (default 120)")
    p.add_argument("--keep-workdir", action="store_true",
                   help="keep the temporary directory (configs, logs, callgrind dumps)")
    args = p.parse_args(argv)
    errors = []
    for name in ("requests", "clients", "streams", "callgrind_requests", "timeout",
                 "build_timeout"):
        if getattr(args, name) <= 0:
            errors.append("--%s must be > 0" % name.replace("_", "-"))
    for name in ("warmup_requests", "callgrind_warmup"):
        if getattr(args, name) < 0:
            errors.append("--%s must be >= 0" % name.replace("_", "-"))
    cpus = os.sched_getaffinity(0)
    for name in ("load_cpu", "proxy_cpu"):
        if getattr(args, name) not in cpus:
            errors.append("--%s=%d is not an available CPU (available: %s)" %
                          (name.replace("_", "-"), getattr(args, name), sorted(cpus)))
    if args.mesh_proxy and not os.access(args.mesh_proxy, os.X_OK):
        errors.append("--mesh-proxy=%s is not an executable file" % args.mesh_proxy)
    if errors:
        p.error("; ".join(errors))
    return args


def nghttpd_argv(workdir, port):
    """nghttpd h2c serving a 2-byte file from memory-cached htdocs."""
    htdocs = os.path.join(workdir, "htdocs")
    os.makedirs(htdocs, exist_ok=True)
    with open(os.path.join(htdocs, "index.html"), "w") as f:
        f.write("ok")
    return ["nghttpd", "--no-tls", "--address=127.0.0.1", "--workers=1",
            "--htdocs=" + htdocs, str(port)]


def haproxy_h2_argv(workdir, port, upstream_port):
    conf = os.path.join(workdir, "haproxy-h2.cfg")
    with open(conf, "w") as f:
        f.write("""\
global
  nbthread 1
  maxconn 4096

defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 1s
  timeout client 30s
  timeout server 10s

frontend bench
  bind 127.0.0.1:{port} proto h2
  default_backend bench_upstream

backend bench_upstream
  server upstream 127.0.0.1:{up} proto h2
""".format(port=port, up=upstream_port))
    return ["haproxy", "-f", conf, "-db"]


def wait_tcp(proc, port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise procs.ProcessError("%s exited during start-up; log:\n%s" %
                                     (proc.name, proc.log_tail()))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise procs.ProcessError("%s did not listen on port %d within %ds" %
                             (proc.name, port, timeout))


_RPS = re.compile(r"finished in ([\d.]+)(us|ms|s), ([\d.]+) req/s")
_REQS = re.compile(r"requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, "
                   r"(\d+) failed, (\d+) errored")


def h2load(port, n, clients, streams, cpu, timeout):
    """One bounded h2load run; returns {rps, succeeded, failed, errored, seconds}."""
    argv = procs.pinned(["h2load", "-n", str(n), "-c", str(clients), "-m", str(streams),
                         "http://127.0.0.1:%d/" % port], cpu)
    try:
        res = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise H2loadError("h2load timed out after %ds" % timeout)
    out = res.stdout.decode("utf-8", "replace")
    m, r = _RPS.search(out), _REQS.search(out)
    if res.returncode != 0 or not m or not r:
        raise H2loadError("h2load failed (status %d): %s" % (res.returncode, out[-800:]))
    seconds = float(m.group(1)) / {"us": 1e6, "ms": 1e3, "s": 1.0}[m.group(2)]
    result = {"rps": float(m.group(3)), "seconds": seconds, "succeeded": int(r.group(2)),
              "failed": int(r.group(3)), "errored": int(r.group(4))}
    if result["succeeded"] < n:
        raise H2loadError("only %d of %d requests succeeded (%d failed, %d errored)" %
                          (result["succeeded"], n, result["failed"], result["errored"]))
    return result


class H2loadClient:
    """The `client` callgrind.count_instructions drives: one h2load run per batch."""

    def __init__(self, port, args):
        self.port = port
        self.args = args

    def run(self, requests, timeout_s):
        if requests == 0:
            return 0
        # Under valgrind the proxy is ~50x slower: fewer streams in flight keep
        # h2load's own timeouts away.
        return h2load(self.port, requests, self.args.clients, min(self.args.streams, 8),
                      self.args.load_cpu, timeout_s)["succeeded"]


def run(args, workdir, ps, results):
    up_port = procs.free_port()
    up = ps.start("nghttpd", nghttpd_argv(workdir, up_port), args.load_cpu,
                  os.path.join(workdir, "nghttpd.log"))
    wait_tcp(up, up_port, 10)
    h2load(up_port, 10, 1, 1, args.load_cpu, 30)  # the backend answers

    def proxy_argv(name, port):
        if name == "haproxy":
            return haproxy_h2_argv(workdir, port, up_port)
        return peers.mesh_proxy(workdir, args.mesh_binary, port, up_port, procs.free_port())

    direct_rps = None
    for name in PEERS:
        r = results[name]
        if not r["available"]:
            continue
        print("h2load: %s (-n %d warm-up + -n %d, -c %d -m %d) ..." %
              (name, args.warmup_requests, args.requests, args.clients, args.streams),
              flush=True)
        port, proxy = up_port, None
        try:
            if name != "direct":
                port = procs.free_port()
                proxy = ps.start(name, proxy_argv(name, port), args.proxy_cpu,
                                 os.path.join(workdir, name + ".log"))
                wait_tcp(proxy, port, 15)
            if args.warmup_requests:
                h2load(port, args.warmup_requests, args.clients, args.streams,
                       args.load_cpu, args.timeout)
            start_cpu = proxy.cpu_seconds() if proxy else 0.0
            load = h2load(port, args.requests, args.clients, args.streams, args.load_cpu,
                          args.timeout)
            if proxy:
                load["proxy_cpu_us_per_request"] = (
                    1e6 * (proxy.cpu_seconds() - start_cpu) / load["succeeded"])
            if name == "direct":
                direct_rps = load["rps"]
            load["ratio_to_direct"] = load["rps"] / direct_rps if direct_rps else None
            r["load"] = load
        except (procs.ProcessError, H2loadError) as e:
            print("  %s: %s" % (name, e))
            r["load_error"] = str(e).splitlines()[0]
        finally:
            if proxy:
                ps.stop(proxy)

    if args.no_callgrind:
        return
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        print("valgrind not installed: skipping the callgrind phase")
        return
    for name in PEERS[1:]:
        r = results[name]
        if not r["available"]:
            continue
        print("callgrind: %s (%d warm-up + %d measured requests) ..." %
              (name, args.callgrind_warmup, args.callgrind_requests), flush=True)
        port = procs.free_port()
        argv = callgrind.valgrind_prefix(workdir, name) + proxy_argv(name, port)
        proxy = ps.start(name + "-callgrind", argv, args.proxy_cpu,
                         os.path.join(workdir, name + ".callgrind.log"), stop_timeout=30)
        try:
            wait_tcp(proxy, port, 90)
            r["callgrind"] = callgrind.count_instructions(
                proxy.pid, workdir, name, H2loadClient(port, args), args.callgrind_warmup,
                args.callgrind_requests, timeout_s=args.timeout)
            r["callgrind"].pop("dump_file", None)
        except (procs.ProcessError, callgrind.CallgrindError, H2loadError, OSError) as e:
            print("  %s: %s" % (name, e))
            r["callgrind"] = {"error": str(e).splitlines()[0]}
        finally:
            ps.stop(proxy)


def table(results):
    rows = [("peer", "req/s", "ratio", "proxy CPU us/req", "instr/req")]
    for name in PEERS:
        r = results[name]
        load = r.get("load") or {}
        cg = r.get("callgrind") or {}
        ratio = load.get("ratio_to_direct")
        cpu = load.get("proxy_cpu_us_per_request")
        ipr = cg.get("instructions_per_request")
        rows.append((
            name,
            "%.0f" % load["rps"] if load else (r.get("load_error") or r.get("reason") or "-"),
            "%.3f" % ratio if ratio else "-",
            "%.1f" % cpu if cpu is not None else "-",
            "%.0f" % ipr if ipr else (cg.get("error", "-")[:40] if cg else "-"),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows)


def _interrupt(signum, frame):
    raise KeyboardInterrupt()


def main(argv):
    args = parse_args(argv)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    for tool, package in (("h2load", "nghttp2-client"), ("nghttpd", "nghttp2-server"),
                          ("taskset", "util-linux")):
        if not shutil.which(tool):
            sys.exit("error: %s is required (apt-get install %s)" % (tool, package))
    print("weft h2c benchmark: h2load -c%d -m%d -n%d per peer (+%d warm-up), "
          "h2load/nghttpd on CPU %d, proxy on CPU %d" %
          (args.clients, args.streams, args.requests, args.warmup_requests, args.load_cpu,
           args.proxy_cpu), flush=True)
    workdir = tempfile.mkdtemp(prefix="weft-h2bench-")
    results = {name: {"name": name, "available": True} for name in PEERS}
    ps = procs.ProcessSet()
    ok = False
    try:
        binary, origin = mesh_binary.resolve_mesh_proxy(args, workdir, REPO)
        args.mesh_binary = binary
        if not binary:
            results["mesh-proxy"].update(available=False, reason=origin)
        if not shutil.which("haproxy"):
            results["haproxy"].update(available=False, reason="haproxy not installed")
        run(args, workdir, ps, results)
        ok = True
    except KeyboardInterrupt:
        print("\ninterrupted: all benchmark processes stopped", file=sys.stderr)
        return 130
    except (procs.ProcessError, H2loadError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    finally:
        ps.stop_all()
        if args.keep_workdir or not ok:
            print("work directory kept: %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(table(results))
    print()
    print("req/s: h2load over %d requests (-c %d -m %d, h2c both hops); ratio: to direct;"
          % (args.requests, args.clients, args.streams))
    print("instr/req: callgrind Ir over %d requests (h2load -c %d -m %d) after %d warm-up."
          % (args.callgrind_requests, args.clients, min(args.streams, 8),
             args.callgrind_warmup))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
