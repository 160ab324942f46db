"""Low-level network plumbing: namespaces, the run's bridge, veth pairs, stale cleanup.

Naming keeps every object recognisably ours, so cleanup never touches anything else:
  namespaces  weft-e2e-<tag>-<pod>
  bridge      wb<tag>           (link alias "weft-e2e")
  veth (root) wv<tag>p<index>   (link alias "weft-e2e"; its peer lives in the pod)
where <tag> is short (pid % 10000, plus a per-process cluster counter).
Nothing here assigns an address in the root namespace or adds a route there.
"""

import os
import re
import shutil
import signal
import time

from harness import procs

NETNS_PREFIX = "weft-e2e-"
LINK_ALIAS = "weft-e2e"


def netns_name(tag, pod):
    return f"{NETNS_PREFIX}{tag}-{pod}"


def bridge_name(tag):
    return f"wb{tag}"


def veth_host_name(tag, index):
    return f"wv{tag}p{index}"


def list_netns():
    out = procs.run(["ip", "netns", "list"], timeout=10).stdout
    # Lines look like "name" or "name (id: 3)".
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def link_exists(name):
    return procs.run(["ip", "link", "show", "dev", name], check=False, timeout=10).returncode == 0


def create_bridge(name):
    procs.run(["ip", "link", "add", "name", name, "type", "bridge"])
    procs.run(["ip", "link", "set", "dev", name, "alias", LINK_ALIAS])
    procs.run(["ip", "link", "set", "dev", name, "up"])


def create_pod_netns(ns, bridge, host_veth, ip_cidr):
    """Creates namespace `ns` with lo up and eth0 (a veth onto `bridge`) at `ip_cidr`."""
    procs.run(["ip", "netns", "add", ns])
    procs.run(["ip", "-n", ns, "link", "set", "dev", "lo", "up"])
    peer = host_veth + "x"
    procs.run(["ip", "link", "add", "name", host_veth, "type", "veth", "peer", "name", peer])
    procs.run(["ip", "link", "set", "dev", host_veth, "alias", LINK_ALIAS])
    procs.run(["ip", "link", "set", "dev", peer, "netns", ns])
    procs.run(["ip", "-n", ns, "link", "set", "dev", peer, "name", "eth0"])
    procs.run(["ip", "-n", ns, "addr", "add", ip_cidr, "dev", "eth0"])
    procs.run(["ip", "-n", ns, "link", "set", "dev", "eth0", "up"])
    procs.run(["ip", "link", "set", "dev", host_veth, "master", bridge])
    procs.run(["ip", "link", "set", "dev", host_veth, "up"])


def netns_pids(ns):
    proc = procs.run(["ip", "netns", "pids", ns], check=False, timeout=10)
    return [int(p) for p in proc.stdout.split() if p.isdigit()]


def kill_netns_processes(ns, grace_s=3.0):
    """Kills, by PID, every process still running inside namespace `ns`.

    Only called for namespaces with our prefix, whose processes the harness started.
    """
    pids = netns_pids(ns)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            pids = netns_pids(ns)
            if not pids:
                return
            time.sleep(0.05)


def delete_netns(ns):
    kill_netns_processes(ns)
    procs.run(["ip", "netns", "del", ns], check=False, timeout=10)
    # Per-namespace files (mesh pods' hosts, see harness/mesh.py) that `ip netns exec`
    # bind-mounts over /etc; only ever ours, by prefix.
    if ns.startswith(NETNS_PREFIX):
        shutil.rmtree(os.path.join("/etc/netns", ns), ignore_errors=True)


def delete_link(name):
    procs.run(["ip", "link", "del", "dev", name], check=False, timeout=10)


def run_tag(pid, index):
    """The tag of the `index`-th cluster of process `pid`: e.g. "1234a"."""
    return f"{pid % 10000}{chr(ord('a') + index % 26)}"


def _pid_tag_pattern(pid):
    return r"[0-9]+[a-z]" if pid is None else rf"{pid % 10000}[a-z]"


def our_links(pid=None):
    """Root-namespace links carrying our alias (optionally only those of process `pid`)."""
    out = procs.run(["ip", "-o", "link", "show"], timeout=10).stdout
    pattern = re.compile(rf"^w[bv]{_pid_tag_pattern(pid)}(p[0-9]+)?$")
    names = []
    for line in out.splitlines():
        # "12: wv123ap0@if3: <...> ... \    alias weft-e2e"
        m = re.match(r"\d+:\s+([^:@\s]+)", line)
        if m and f"alias {LINK_ALIAS}" in line and pattern.match(m.group(1)):
            names.append(m.group(1))
    return names


def cleanup_stale(pid=None, log=print):
    """Removes leftovers of earlier (crashed) runs: our namespaces and links only.

    With `pid`, only the objects of the clusters that process created; otherwise every
    weft-e2e-* namespace and every weft-e2e-aliased link. Returns the removed names.
    """
    removed = []
    ns_pattern = re.compile(rf"^{NETNS_PREFIX}{_pid_tag_pattern(pid)}-")
    for ns in list_netns():
        if ns_pattern.match(ns):
            delete_netns(ns)
            removed.append(ns)
    for link in our_links(pid):
        delete_link(link)
        removed.append(link)
    if removed and log:
        log(f"e2e: removed stale objects: {' '.join(removed)}")
    return removed
