"""Cluster and Pod: pods are network namespaces on a private Linux bridge.

A Cluster owns one bridge in the root namespace (no address, no routes: traffic can only
flow between its pods) and one namespace per pod, each with `lo` up and `eth0` on the
bridge at 10.<x>.0.<10+i>/24 (plus, opt-in with Pod.add_ipv6(), fd00:e2e:<x>::<10+i>/64 on
the same eth0). It owns every process it starts (by PID) and tears it all
down on exit, at interpreter exit and on SIGTERM/SIGINT/SIGHUP. WEFT_E2E_KEEP=1 leaves
everything in place for debugging (remove it later with run_e2e.py --cleanup-stale).
Not thread-safe: drive a cluster from the thread that created it.
"""

import atexit
import itertools
import json
import os
import shutil
import signal
import sys
import tempfile
import threading

from harness import curl as curl_mod
from harness import mesh as mesh_mod
from harness import netns
from harness import procs
from harness import sidecar as sidecar_mod
from harness.sidecar_config import PROXY_UID

APPS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "apps")
PYTHON = "/usr/bin/python3"
MAX_PODS = 200

_cluster_counter = itertools.count()
_live_clusters = []
_handlers_installed = False


def keep_requested():
    return os.environ.get("WEFT_E2E_KEEP", "") not in ("", "0")


def _cleanup_live_clusters():
    for cluster in list(_live_clusters):
        cluster.close()


def _on_signal(signum, frame):
    sys.stderr.write(f"e2e: signal {signum}: cleaning up\n")
    _cleanup_live_clusters()
    os._exit(128 + signum)


def _install_handlers():
    global _handlers_installed
    if _handlers_installed:
        return
    _handlers_installed = True
    atexit.register(_cleanup_live_clusters)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, _on_signal)


def user_prefix(user):
    """argv prefix dropping to `user` (uid int) with no capabilities; [] for root/None."""
    if user is None:
        return []
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups",
            "--inh-caps=-all"]


class Pod:
    """One pod: a network namespace with an address on the cluster's bridge."""

    def __init__(self, cluster, name, index):
        self.cluster = cluster
        self.name = name
        self.index = index
        self.ns = netns.netns_name(cluster.tag, name)
        self.host_veth = netns.veth_host_name(cluster.tag, index)
        self.ip = f"{cluster.subnet_prefix}.{10 + index}"
        self.ip6 = None  # set by add_ipv6()
        self.log_dir = os.path.join(cluster.log_dir, name)
        os.makedirs(self.log_dir, mode=0o755, exist_ok=True)
        self.processes = []
        self.sidecar = None

    def create_network(self):
        netns.create_pod_netns(self.ns, self.cluster.bridge, self.host_veth, f"{self.ip}/24")

    def add_ipv6(self):
        """Opt-in: gives eth0 the ULA address fd00:e2e:<x>::<10+i>/64 (inside the pod only;
        the root namespace still gets nothing). `nodad` makes it usable at once instead of
        after duplicate address detection. Returns the address (also in `self.ip6`)."""
        if self.ip6 is None:
            address = f"{self.cluster.subnet6_prefix}{10 + self.index}"
            self.run(["ip", "-6", "addr", "add", f"{address}/64", "dev", "eth0", "nodad"],
                     timeout=10)
            self.ip6 = address
        return self.ip6

    def argv(self, cmd, user=None, env=None):
        """The argv running `cmd` (list, or str for sh -c) in this pod as `user`, with
        extra environment `env` (set before the user switch, so the switched process
        need not be able to exec /usr/bin/env itself)."""
        if isinstance(cmd, str):
            cmd = ["sh", "-c", cmd]
        env_prefix = ["/usr/bin/env", *[f"{k}={v}" for k, v in env.items()]] if env else []
        return ["ip", "netns", "exec", self.ns, *env_prefix, *user_prefix(user), *cmd]

    def run(self, cmd, *, check=True, timeout=30, user=None, input=None, text=True):
        """Runs `cmd` to completion in the pod; returns the CompletedProcess."""
        return procs.run(self.argv(cmd, user), check=check, timeout=timeout, input=input,
                         text=text)

    def spawn(self, cmd, *, user=None, name=None, env=None):
        """Starts `cmd` in the background in the pod; output goes to <log_dir>/<name>.log."""
        name = name or os.path.basename((cmd.split() if isinstance(cmd, str) else cmd)[0])
        log_path = os.path.join(self.log_dir, f"{name}.log")
        proc = procs.BackgroundProcess(name, self.argv(cmd, user, env), log_path)
        self.processes.append(proc)
        return proc

    def listening(self, port):
        out = self.run(["ss", "-Htln", f"sport = :{port}"], timeout=10).stdout
        return bool(out.strip())

    def wait_listening(self, port, proc=None, timeout=5.0):
        def ready():
            if proc is not None and not proc.alive():
                raise RuntimeError(f"{proc.name} in pod {self.name} exited "
                                   f"({proc.returncode}) before listening on {port}:\n"
                                   f"{proc.log_tail()}")
            return self.listening(port)
        procs.wait_until(ready, timeout=timeout, what=f"port {port} listening in {self.name}")

    def start_http_server(self, port=8080, user=None, address=None):
        """Starts apps/http_echo.py on `port` and waits until it listens. `address` defaults
        to 0.0.0.0; "::" listens on IPv6 (dual-stack)."""
        cmd = [PYTHON, os.path.join(APPS_DIR, "http_echo.py"), "--port", port, "--pod", self.name]
        if address is not None:
            cmd += ["--address", address]
        proc = self.spawn(cmd, user=user, name=f"http-{port}")
        self.wait_listening(port, proc)
        return proc

    def start_tcp_echo(self, port, banner=None, user=None, address=None):
        """Starts apps/tcp_echo.py on `port` (with a server-first `banner` line if given;
        `address` as for start_http_server)."""
        cmd = [PYTHON, os.path.join(APPS_DIR, "tcp_echo.py"), "--port", port]
        if address is not None:
            cmd += ["--address", address]
        if banner:
            cmd += ["--banner", banner]
        proc = self.spawn(cmd, user=user, name=f"tcp-{port}")
        self.wait_listening(port, proc)
        return proc

    def curl(self, url, *args, timeout=10, user=None, stdin=None):
        """Runs real curl in the pod (text `stdin` for "@-"); returns a CurlResult."""
        return curl_mod.curl(self, url, *args, timeout=timeout, user=user, stdin_text=stdin)

    def tcp_exchange(self, host, port, data, *, banner=False, timeout=5.0):
        """Connects from this pod, optionally reads a banner line, sends `data`, reads the
        echo; returns the dict printed by apps/tcp_client.py."""
        cmd = [PYTHON, os.path.join(APPS_DIR, "tcp_client.py"), "--host", host, "--port", port,
               "--send-hex", data.hex(), "--timeout", timeout]
        if banner:
            cmd.append("--banner")
        proc = self.run(cmd, check=False, timeout=timeout + 10)
        try:
            return json.loads(proc.stdout)
        except ValueError:
            return {"ok": False, "error": f"tcp_client output {proc.stdout!r} {proc.stderr!r}"}

    def add_sidecar(self, config=None, *, init_args=(), proxy_args=(), ready_timeout=10.0,
                    start_init=True, proxy_env=None):
        """Adds a mesh-proxy sidecar (see harness.sidecar.Sidecar); returns it once ready."""
        if self.sidecar is not None:
            raise RuntimeError(f"pod {self.name} already has a sidecar")
        self.sidecar = sidecar_mod.Sidecar(self, config, init_args=init_args,
                                           proxy_args=proxy_args, proxy_uid=PROXY_UID,
                                           proxy_env=proxy_env)
        self.sidecar.start(ready_timeout=ready_timeout, start_init=start_init)
        return self.sidecar

    def close(self, errors):
        if self.sidecar is not None:
            try:
                self.sidecar.close()
            except Exception as e:  # keep tearing down; report at the end
                errors.append(f"sidecar of {self.name}: {e}")
        for proc in reversed(self.processes):
            proc.stop(grace_s=3.0)
        # Deleting the root end removes the pair now; namespace teardown is asynchronous.
        netns.delete_link(self.host_veth)
        netns.delete_netns(self.ns)


class Cluster:
    """Context manager owning a bridge, pods (namespaces) and their processes."""

    def __init__(self, log_dir=None):
        index = next(_cluster_counter)
        self.tag = netns.run_tag(os.getpid(), index)
        # 10.<x>.0.0/24 per run; distinct runs use distinct bridges, so overlap is harmless.
        subnet = 100 + (os.getpid() * 26 + index) % 150
        self.subnet_prefix = f"10.{subnet}.0"
        self.subnet6_prefix = f"fd00:e2e:{subnet}::"  # used only by Pod.add_ipv6()
        self.bridge = netns.bridge_name(self.tag)
        base = log_dir or os.environ.get("WEFT_E2E_LOG_DIR") or tempfile.gettempdir()
        os.makedirs(base, exist_ok=True)
        self.log_dir = tempfile.mkdtemp(prefix=f"weft-e2e-{self.tag}-", dir=base)
        self.work_dir = tempfile.mkdtemp(prefix=f"weft-e2e-work-{self.tag}-")
        # The proxy runs as uid 1337 and reads its bootstrap from log_dir.
        os.chmod(self.log_dir, 0o755)
        os.chmod(self.work_dir, 0o1777)
        self.pods = {}
        self.control_plane = None  # set by add_control_plane() (mesh mode)
        self._serial = itertools.count()
        self._open = False

    def next_serial(self):
        return next(self._serial)

    def __enter__(self):
        if os.geteuid() != 0:
            raise PermissionError("the e2e cluster needs root (network namespaces, iptables)")
        _install_handlers()
        # A crashed earlier process with the same pid%10000 may have left this tag behind.
        if not _live_clusters and not keep_requested():
            netns.cleanup_stale(os.getpid())
        _live_clusters.append(self)
        self._open = True
        try:
            netns.create_bridge(self.bridge)
        except Exception:
            self.close()
            raise
        return self

    def add_pod(self, name):
        if not name.isalnum() or len(name) > 12:
            raise ValueError(f"pod name {name!r} must be alphanumeric, at most 12 characters")
        if name in self.pods:
            raise ValueError(f"pod {name!r} already exists")
        if len(self.pods) >= MAX_PODS:
            raise ValueError(f"at most {MAX_PODS} pods per cluster")
        pod = Pod(self, name, len(self.pods))
        self.pods[name] = pod  # registered first: a half-built pod is still cleaned up
        pod.create_network()
        return pod

    def add_control_plane(self, manifest_dir=None, **kwargs):
        """Mesh mode: starts mesh-control-plane in pod "cp" serving xDS on <cp ip>:15010
        from `manifest_dir` (default: <work_dir>/manifests). See harness/mesh.py."""
        if self.control_plane is not None:
            raise RuntimeError("the cluster already has a control plane")
        self.control_plane = mesh_mod.ControlPlane(self, manifest_dir, **kwargs)
        return self.control_plane.start()

    def add_mesh_pod(self, name, namespace="default", labels=None, service_account="default",
                     **kwargs):
        """Mesh mode: a pod registered as a Workload with an xDS-configured sidecar, VIP
        route and hosts file (see harness.mesh.setup_mesh_pod for the options)."""
        return mesh_mod.setup_mesh_pod(self, self.control_plane, name, namespace=namespace,
                                       labels=labels, service_account=service_account,
                                       **kwargs)

    def dump_logs(self, stream=sys.stderr, max_bytes=3000):
        """Writes the tail of every process log of every pod to `stream`."""
        for pod in self.pods.values():
            for proc in pod.processes:
                stream.write(f"----- pod {pod.name}: {proc.name} (pid {proc.pid}, "
                             f"exit {proc.returncode}) {proc.log_path}\n")
                stream.write(proc.log_tail(max_bytes))
                stream.write("\n")
        stream.write(f"----- all logs: {self.log_dir}\n")

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.dump_logs()
        self.close()
        return False

    def close(self):
        """Tears everything down (idempotent). Honours WEFT_E2E_KEEP=1."""
        if not self._open:
            return
        self._open = False
        if self in _live_clusters:
            _live_clusters.remove(self)
        if keep_requested():
            sys.stderr.write(
                f"e2e: WEFT_E2E_KEEP set: keeping bridge {self.bridge}, namespaces "
                f"{' '.join(p.ns for p in self.pods.values())}, their processes and "
                f"{self.work_dir}; logs in {self.log_dir}. Remove with: "
                f"/usr/bin/python3 e2e/run_e2e.py --cleanup-stale\n")
            return
        errors = []
        for pod in reversed(list(self.pods.values())):
            try:
                pod.close(errors)
            except Exception as e:
                errors.append(f"pod {pod.name}: {e}")
        netns.delete_link(self.bridge)
        shutil.rmtree(self.work_dir, ignore_errors=True)
        if errors:
            sys.stderr.write("e2e: cleanup problems:\n  " + "\n  ".join(errors) + "\n")
