#!/usr/bin/python3
"""The local-mesh demo (`make demo`): two pods with sidecars on one machine.

Builds two pods as network namespaces on a private bridge, captures their traffic
with mesh-init, runs mesh-proxy as each pod's sidecar (static config for now), sends
a bounded amount of HTTP and TCP traffic from `frontend` to `backend`, shows what the
sidecars saw, shows a failure with its reason, and cleans everything up.
"""

import argparse
import collections
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.cluster import Cluster  # noqa: E402


def say(text=""):
    print(text, flush=True)


def show_stats(title, sidecar, prefixes):
    stats = sidecar.stats()
    say(f"  {title}")
    for name in sorted(stats):
        if any(name.startswith(p) for p in prefixes) and stats[name]:
            say(f"    {name:<48} {stats[name]:>8}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200,
                        help="HTTP requests to send (bounded; default 200)")
    args = parser.parse_args()
    if not 1 <= args.requests <= 10000:
        parser.error("--requests must be between 1 and 10000")
    if os.geteuid() != 0:
        sys.exit("demo: run as root (it creates network namespaces and iptables rules)")
    if not os.environ.get("WEFT_BIN_DIR"):
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        out = subprocess.run(["bazel", "info", "bazel-bin"], cwd=root, capture_output=True,
                             text=True)
        if out.returncode == 0:
            os.environ["WEFT_BIN_DIR"] = out.stdout.strip()

    with Cluster() as cluster:
        say("Weft local mesh demo")
        say("====================")
        frontend = cluster.add_pod("frontend")
        backend = cluster.add_pod("backend")
        say(f"pods (network namespaces on bridge {cluster.bridge}):")
        say(f"  frontend  {frontend.ip}   (client app: curl)")
        say(f"  backend   {backend.ip}   (HTTP app on :8080, TCP echo with banner on :9000)")
        backend.start_http_server(8080)
        backend.start_tcp_echo(9000, banner="hello-from-backend")
        sf = frontend.add_sidecar()
        sb = backend.add_sidecar()
        say("sidecars: mesh-init captured each pod's traffic (outbound -> :15001, "
            "inbound -> :15006);")
        say("          mesh-proxy runs as uid 1337, which the capture rules exempt.")
        say()

        say(f"1. {args.requests} HTTP requests frontend -> http://{backend.ip}:8080 "
            "(keep-alive, in batches of 20)")
        codes = collections.Counter()
        served_by = collections.Counter()
        sent = 0
        while sent < args.requests:
            batch = min(20, args.requests - sent)
            urls = [f"http://{backend.ip}:8080/demo/{sent + i}" for i in range(batch)]
            cmd = ["curl", "-sS", "--max-time", "10"]
            for url in urls:
                cmd += ["-o", "/dev/null", "-w", "%{http_code}\\n", url]
            out = frontend.run(cmd, check=False, timeout=30).stdout.split()
            codes.update(out)
            sent += batch
        one = frontend.curl(f"http://{backend.ip}:8080/demo/echo")
        served_by[one.header("x-served-by")] += 1
        say(f"   status codes: {dict(codes)}; the app answered as pod "
            f"'{one.header('x-served-by')}'")
        say()
        say(f"2. opaque TCP frontend -> {backend.ip}:9000 (server speaks first)")
        tcp = frontend.tcp_exchange(backend.ip, 9000, b"ping over the mesh", banner=True)
        say(f"   banner: {tcp.get('banner')!r}  echo ok: {tcp.get('ok')}")
        say()
        say("3. what the sidecars counted")
        show_stats("frontend sidecar (outbound):", sf, ["listener.outbound.", "cluster.passthrough."])
        show_stats("backend sidecar (inbound):", sb, ["listener.inbound.", "cluster.inbound"])
        say()
        say("4. a failure explains itself: the backend app stops, frontend calls again")
        for proc in backend.processes:
            if proc.name == "http-8080":
                proc.stop(grace_s=2.0)
        failed = frontend.curl(f"http://{backend.ip}:8080/demo/after-stop")
        say(f"   HTTP {failed.status}, x-weft-error: {failed.header('x-weft-error')}")
        say()
        ok = (codes.get("200", 0) == args.requests and tcp.get("ok")
              and failed.status == 503 and failed.header("x-weft-error") == "connect_failed")
        say("demo " + ("OK" if ok else "FAILED") + "; cleaning up namespaces, rules and "
            "processes.")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
