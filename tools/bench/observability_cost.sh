#!/bin/sh
# What metrics and access logging cost mesh-proxy (issue 8: at most 10%).
# Same run, same machine, same pinning as tools/bench/run.sh (it reuses
# proxy_bench.py's Bench: upstream nginx, wrk, callgrind), two mesh-proxy variants:
#   plain     --request_metrics=false, no access log
#   observed  --request_metrics=true --access_log=<file> --access_log_sample=1
# Reports requests/s of each (best of --repeat), the ratio observed/plain, and
# callgrind instructions per request for both.
#   tools/bench/observability_cost.sh [--duration 10] [--repeat 2] [--no-callgrind] ...
# (the options of tools/bench/proxy_bench.py --help; --peers is fixed here;
# --keep-workdir keeps the access log and both callgrind dumps)
dir="$(cd "$(dirname "$0")" && pwd)"
exec /usr/bin/python3 - "$dir" "$@" <<'PY'
import os, sys, shutil, tempfile
bench_dir = sys.argv[1]
sys.path.insert(0, bench_dir)
import proxy_bench as pb
from benchlib import mesh_binary, procs, peers

args = pb.parse_args(sys.argv[2:] + ["--peers", "direct,mesh-proxy"])
workdir = tempfile.mkdtemp(prefix="weft-obs-bench-")
log_path = os.path.join(workdir, "access.log")
VARIANTS = {
    "plain": ["--request_metrics=false"],
    "observed": ["--request_metrics=true", "--access_log=" + log_path, "--access_log_sample=1"],
}

class ObsBench(pb.Bench):
    variant = "plain"
    def proxy_argv(self, name, port):
        return peers.mesh_proxy(self.workdir, self.mesh_binary, port, self.upstream_port,
                                procs.free_port()) + VARIANTS[self.variant]

bench = ObsBench(args, workdir)
binary, origin = mesh_binary.resolve_mesh_proxy(args, workdir, pb.REPO)
if not binary:
    sys.exit("error: mesh-proxy: %s" % origin)
bench.mesh_binary = binary
results = {v: {} for v in VARIANTS}
try:
    upstream = bench.start_upstream()
    for _ in range(max(1, args.repeat)):
        for v in VARIANTS:  # interleaved, so drift hits both alike
            bench.variant = v
            print("wrk: %s ..." % v, flush=True)
            rps = bench.load_one("mesh-proxy", upstream, None)["rps"]
            results[v]["rps"] = max(results[v].get("rps", 0), rps)
    if not args.no_callgrind and shutil.which("valgrind"):
        for v in VARIANTS:
            bench.variant = v
            print("callgrind: %s ..." % v, flush=True)
            cg = bench.callgrind_one("mesh-proxy")
            results[v]["instructions_per_request"] = cg.get("instructions_per_request")
finally:
    bench.procs.stop_all()
plain, observed = results["plain"], results["observed"]
print()
print("variant    rps        instr/request")
for v in VARIANTS:
    print("%-10s %-10.0f %s" % (v, results[v]["rps"], results[v].get("instructions_per_request", "-")))
ratio = observed["rps"] / plain["rps"] if plain["rps"] else 0
print("throughput observed/plain: %.3f (cost %.1f%%; target <= 10%%)" % (ratio, (1 - ratio) * 100))
if plain.get("instructions_per_request") and observed.get("instructions_per_request"):
    print("instructions observed/plain: %.3f" % (observed["instructions_per_request"] /
                                                 plain["instructions_per_request"]))
print("access log lines written: %d" % (sum(1 for _ in open(log_path)) if os.path.exists(log_path) else 0))
if args.keep_workdir:
    # Callgrind dumps: mesh-proxy.callgrind.<pid>.1, plain first, then observed.
    print("work directory kept: %s" % workdir)
else:
    shutil.rmtree(workdir, ignore_errors=True)
sys.exit(0 if ratio >= 0.9 else 1)
PY
