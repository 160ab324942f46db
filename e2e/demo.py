#!/usr/bin/python3
"""The local-mesh demo (`make demo`): a control plane, three services, a live split.

On one machine, as root, bounded (about 35 s) and self-cleaning:
  - mesh-control-plane (local mode) in its own network-namespace pod, watching a
    directory of manifests: Services frontend, backend, backend-v1, backend-v2, one
    Workload per pod, and an HTTPRoute splitting `backend` 90/10 between v1 and v2;
  - pods frontend, backendv1, backendv2 and loadgen, each a network namespace with a
    mesh-proxy sidecar (mesh-init capture, uid 1337) configured only over xDS;
  - loadgen calls http://frontend:8080/ at a fixed rate; frontend calls
    http://backend:8080/ by name and reports which version answered;
  - every second: requests/s, success, v1/v2 share, and the frontend sidecar's own
    counters per backend cluster;
  - halfway, the HTTPRoute becomes 50/50 (`meshctl apply` if built, else a manifest
    write) and the time until the sidecar and the traffic follow is measured;
  - a verdict, then everything (processes, namespaces, rules, files) is removed.
Exit status 0 if the verdict is OK.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

E2E_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(E2E_DIR)
sys.path.insert(0, E2E_DIR)

from harness import mesh  # noqa: E402
from harness import procs  # noqa: E402
from harness.cluster import Cluster  # noqa: E402

PYTHON = "/usr/bin/python3"
DEMO_APP = os.path.join(E2E_DIR, "harness", "apps", "demo_app.py")
PORT = 8080
ROUTE_FILE = "httproute-default-backend-split.yaml"  # the name meshctl apply uses
MAX_SHIFT_S = 2.0


def say(text=""):
    print(text, flush=True)


def route_yaml(v1, v2):
    return f"""apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: backend-split, namespace: default}}
spec:
  parentRefs: [{{kind: Service, name: backend, port: {PORT}}}]
  rules:
    - backendRefs:
        - {{name: backend-v1, port: {PORT}, weight: {v1}}}
        - {{name: backend-v2, port: {PORT}, weight: {v2}}}
"""


def find_bin_dir():
    if os.environ.get("WEFT_BIN_DIR"):
        return
    opt = os.path.join(REPO_DIR, "bazel-out", "k8-opt", "bin")
    if os.path.exists(os.path.join(opt, mesh.CONTROL_PLANE)):
        os.environ["WEFT_BIN_DIR"] = os.path.realpath(opt)
        return
    out = subprocess.run(["bazel", "info", "bazel-bin"], cwd=REPO_DIR, capture_output=True,
                         text=True, timeout=120)
    if out.returncode == 0:
        os.environ["WEFT_BIN_DIR"] = out.stdout.strip()


def apply_route(cp, v1, v2):
    """Applies the split with meshctl if it is built (returns how), else writes it."""
    tool = cp.meshctl()
    if tool is None:
        cp.replace(ROUTE_FILE, route_yaml(v1, v2))
        return "manifest write"
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(route_yaml(v1, v2))
    try:
        proc = subprocess.run([tool, "apply", "-f", f.name, f"--manifests={cp.manifest_dir}"],
                              capture_output=True, text=True, timeout=20)
    finally:
        os.unlink(f.name)
    if proc.returncode != 0:
        raise RuntimeError(f"meshctl apply failed ({proc.returncode}): {proc.stdout}{proc.stderr}")
    return f"meshctl apply: {proc.stdout.strip()}"


def backend_counters(sidecar):
    stats = sidecar.stats()
    return {v: int(stats.get(f"cluster.{mesh.cluster_name(f'backend-{v}', PORT)}"
                             f".upstream_rq_total", 0)) for v in ("v1", "v2")}


def share(records, version):
    ok = [r for r in records if r["status"] == 200]
    return sum(r["by"] == version for r in ok) / len(ok) if ok else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=20,
                        help="seconds of traffic, 10-120 (default 20)")
    parser.add_argument("--rate", type=int, default=100,
                        help="requests per second, 10-500 (default 100)")
    args = parser.parse_args()
    if not 10 <= args.duration <= 120 or not 10 <= args.rate <= 500:
        parser.error("--duration must be 10-120 and --rate 10-500")
    if os.geteuid() != 0:
        sys.exit("demo: run as root (it creates network namespaces and iptables rules)")
    find_bin_dir()
    began = time.monotonic()

    with Cluster() as cluster:
        say("Weft local mesh demo")
        say("====================")
        cp = cluster.add_control_plane(ca=True)
        for name, selector in (("frontend", {"app": "frontend"}),
                               ("backend", {"app": "backend"}),
                               ("backend-v1", {"app": "backend", "version": "v1"}),
                               ("backend-v2", {"app": "backend", "version": "v2"})):
            cp.add_service(name, [("http", PORT)], selector=selector)
        cp.apply(ROUTE_FILE, route_yaml(90, 10))
        pods = {}
        for name, labels, argv in (
                ("backendv1", {"app": "backend", "version": "v1"},
                 ["backend", "--version", "v1"]),
                ("backendv2", {"app": "backend", "version": "v2"},
                 ["backend", "--version", "v2"]),
                ("frontend", {"app": "frontend"}, ["frontend", "--backend",
                                                   f"http://backend:{PORT}/"]),
                ("loadgen", {"app": "loadgen"}, None)):
            pod = pods[name] = cluster.add_mesh_pod(name, labels=labels,
                                                    service_account=labels["app"])
            if argv:
                proc = pod.spawn([PYTHON, DEMO_APP, *argv, "--port", PORT, "--pod", name],
                                 name="app")
                pod.wait_listening(PORT, proc)
        fe, lg = pods["frontend"], pods["loadgen"]
        cp.wait_weights([fe], "backend", PORT, {"backend-v1": 90, "backend-v2": 10})
        for v in ("v1", "v2"):
            cp.wait_endpoints([fe], f"backend-{v}", PORT, [pods[f"backend{v}"].ip])
        cp.wait_endpoints([lg], "frontend", PORT, [fe.ip])

        say(f"control plane  pod cp {cp.pod.ip}, xDS on :{mesh.XDS_PORT}, "
            f"manifests in {cp.manifest_dir}")
        say("pods (network namespaces; each with mesh-init capture + mesh-proxy sidecar "
            "fed by xDS):")
        for name, pod in pods.items():
            app = {"loadgen": "traffic generator", "frontend": "calls http://backend:8080/"
                   }.get(name, f"answers as {pod.labels.get('version')}")
            say(f"  {name:<10} {pod.ip:<12} {app}")
        say("services (VIP -> endpoints): " + ", ".join(
            f"{n} {info['vip']}" for (_, n), info in sorted(cp.services.items())))
        say("HTTPRoute backend-split: backend -> backend-v1 90 / backend-v2 10")
        say("identities (each sidecar made its key and got its certificate from the CA; "
            "sidecars talk mTLS):")
        for name, pod in pods.items():
            procs.wait_until(lambda: pod.sidecar.admin_json("/certs?format=json")["ready"],
                             timeout=10, what=f"{name}'s certificate")
            certs = pod.sidecar.admin_json("/certs?format=json")
            say(f"  {name:<10} {certs['identity']}  "
                f"(expires in {certs['seconds_to_expiry'] / 3600:.1f} h)")
        status = cp.proxy_status()
        if status:
            say("meshctl proxy-status:")
            for line in status.strip().splitlines():
                say(f"  {line}")
        say()

        half = args.duration / 2
        say(f"traffic: loadgen -> http://frontend:{PORT}/ -> http://backend:{PORT}/, "
            f"{args.rate} requests/s for {args.duration} s; 50/50 applied at {half:.0f} s")
        say("   t  req/s  success   v1     v2   | frontend sidecar upstream requests "
            "v1 / v2")
        load = mesh.spawn_load(lg, f"http://frontend:{PORT}/", duration=args.duration,
                               rate=args.rate, name="loadgen")
        start = time.time()
        changed_at = applied_after = how = None
        seen = 0
        last_counters = backend_counters(fe.sidecar)
        tick = 1
        while load.alive() and tick <= args.duration:
            while time.time() < start + tick:
                if changed_at is None and time.time() >= start + half:
                    changed_at = time.time()
                    how = apply_route(cp, 50, 50)
                    say(f"  -- {changed_at - start:4.1f}s  HTTPRoute backend-split -> 50/50 "
                        f"({how})")
                if changed_at is not None and applied_after is None:
                    dump = fe.sidecar.config_dump()
                    if mesh.dump_weights(dump, "backend", PORT) == {"backend-v1": 50,
                                                                    "backend-v2": 50}:
                        applied_after = time.time() - changed_at
                        say(f"  -- frontend sidecar runs 50/50 {applied_after:.2f}s after "
                            "the change")
                time.sleep(0.05)
            records, _ = mesh.read_records(load)
            window = [r for r in records[seen:] if r["t"] < start + tick]
            seen += len(window)
            counters = backend_counters(fe.sidecar)
            delta = {v: counters[v] - last_counters[v] for v in counters}
            last_counters = counters
            ok = sum(r["status"] == 200 for r in window)
            say(f"  {tick:2d}  {len(window):5d}  {ok / max(1, len(window)):7.1%}  "
                f"{share(window, 'v1'):5.1%}  {share(window, 'v2'):5.1%} |"
                f" +{delta['v1']} / +{delta['v2']}")
            tick += 1
        load.wait(10.0)
        records, summary = mesh.read_records(load)
        say()
        if summary is None or changed_at is None:
            say("demo FAILED: the traffic generator did not finish; see logs above")
            return 1
        shift = mesh.shift_time(records, changed_at, "v2", 0.1, 0.5)
        before = [r for r in records if r["t"] < changed_at]
        after = [r for r in records if shift is not None and r["t"] >= changed_at + shift]
        v2_before, v2_after = share(before, "v2"), share(after, "v2")
        checks = [
            (summary["ok"] == summary["sent"],
             f"{summary['ok']}/{summary['sent']} requests succeeded {summary['errors'] or ''}"),
            (abs(v2_before - 0.10) <= 0.05,
             f"90/10: v2 share {v2_before:.1%} of {len(before)} requests (10% +- 5%)"),
            (shift is not None and abs(v2_after - 0.5) <= 0.1,
             f"50/50: v2 share {v2_after:.1%} of {len(after)} requests (50% +- 10%)"),
            (applied_after is not None and applied_after < MAX_SHIFT_S,
             f"sidecar applied the change after "
             f"{'never' if applied_after is None else f'{applied_after:.2f}s'} (< {MAX_SHIFT_S}s)"),
            (shift is not None and shift < MAX_SHIFT_S,
             f"traffic followed after {'never' if shift is None else f'{shift:.1f}s'} "
             f"(< {MAX_SHIFT_S}s; the control plane polls its directory every 1 s)"),
        ]
        handshakes = {v: pods[f"backend{v}"].sidecar.counter("listener.inbound.mtls_handshakes")
                      for v in ("v1", "v2")}
        checks.append((all(n > 0 for n in handshakes.values()),
                       "frontend -> backend over mTLS (inbound handshakes: "
                       f"v1 {handshakes['v1']}, v2 {handshakes['v2']})"))
        for good, text in checks:
            say(f"  [{'ok' if good else 'FAIL'}] {text}")
        verdict = all(good for good, _ in checks)
        say()
        say(f"demo {'OK' if verdict else 'FAILED'} in {time.monotonic() - began:.0f}s; "
            "cleaning up processes, namespaces, rules and files.")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
