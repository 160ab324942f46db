"""Mesh mode: the real control plane in a pod, sidecars configured over xDS.

    cp = cluster.add_control_plane()                     # pod "cp", xDS on <cp ip>:15010
    cp.add_service("backend", 8080, selector={"app": "backend"})   # pinned VIP 10.96.0.10+
    be = cluster.add_mesh_pod("be1", labels={"app": "backend"})    # Workload + sidecar
    fe = cluster.add_mesh_pod("fe", labels={"app": "frontend"})
    cp.wait_endpoints([fe], "backend", 8080, [be.ip])
    fe.curl("http://backend:8080/")                      # by name, through the sidecar

The control plane (`mesh-control-plane --manifests=DIR`, local mode) runs in its own
pod on the cluster's bridge and watches DIR (in the cluster's scratch directory). A
mesh pod gets:
  - a route for the VIP range 10.96.0.0/16 on eth0, so connects to a VIP leave the
    routing decision and the pod's iptables capture redirects them to the sidecar
    (nothing ever reaches the bridge with a VIP as destination);
  - /etc/netns/<netns>/hosts naming every Service (svc, svc.ns,
    svc.ns.svc.cluster.local) at its VIP: `ip netns exec` bind-mounts it over
    /etc/hosts. It is rewritten in place (same inode) when Services are added, so
    running processes see new names; Pod.close / netns.delete_netns remove the directory;
  - a Workload manifest (address = pod IP, labels, serviceAccount), unless
    register=False;
  - a sidecar (mesh-init capture + mesh-proxy as uid 1337) whose bootstrap holds only
    `admin` and `xds` (node id "<ns>/<pod>"), unless sidecar=False (proxyless pods).

Manifests are written atomically (temp file + rename in the same directory), so the
control plane never reads half a file. Sync helpers poll each sidecar's /config_dump
(what the proxy actually runs) and /xds. Not thread-safe, like the Cluster.
"""

import ipaddress
import json
import math
import os
import re
import shutil
import signal
import time

from harness import binaries
from harness import procs
from harness import yaml_text
from harness.sidecar_config import ADMIN_PORT, PROXY_UID

CONTROL_PLANE = "control-plane/mesh-control-plane"
MESHCTL = "tools/meshctl/meshctl"
XDS_PORT = 15010
# ControlPlane(tls=True): the TLS xDS + CA port, and the DNS name its certificate
# carries (mapped to the control plane's IP in every mesh pod's hosts file).
XDS_TLS_PORT = 15012
XDS_TLS_NAME = "weft-control-plane.weft-system.svc"
VIP_RANGE = "10.96.0.0/16"
FIRST_PINNED_VIP = ipaddress.ip_address("10.96.0.10")
CLUSTER_DOMAIN = "svc.cluster.local"
POLL_S = 0.05


def cluster_name(service, port, namespace="default"):
    """The xDS cluster / EDS / RDS name of a service port (Istio's convention)."""
    return f"outbound|{port}||{service}.{namespace}.{CLUSTER_DOMAIN}"


def xds_bootstrap(pod, server, namespace, service_account, node_cluster=None, zone=None):
    """The sidecar bootstrap for mesh mode: admin + xds only (everything else from xDS);
    `zone`: the proxy's own locality zone, for zone-aware balancing."""
    xds = {
        "server": server,
        "node_id": f"{namespace}/{pod.name}",
        "node_cluster": node_cluster or pod.labels.get("app", pod.name),
        "metadata": {"NAMESPACE": namespace, "WORKLOAD": pod.name,
                     "SERVICE_ACCOUNT": service_account},
    }
    if zone:
        xds["zone"] = zone
    return {"admin": {"address": "127.0.0.1", "port": ADMIN_PORT}, "xds": xds}


# ----- reading a sidecar's /config_dump -----

def dump_endpoints(dump, service, port, namespace="default"):
    """Sorted "ip:port" endpoints of a service port's cluster in a config dump (None if
    the cluster is absent)."""
    name = cluster_name(service, port, namespace)
    for cluster in dump.get("clusters", []):
        if cluster.get("name") == name:
            return sorted(f"{e['address']}:{e['port']}" for e in cluster.get("endpoints", []))
    return None


def dump_weights(dump, service, port, namespace="default"):
    """{service: weight} of the first weighted route of a service port's route config;
    {service: 0} style single cluster ({svc: None}) if its first route is unweighted;
    None if the route config is absent."""
    name = cluster_name(service, port, namespace)
    for rc in dump.get("route_configs", []):
        if rc.get("name") != name:
            continue
        for vh in rc.get("virtual_hosts", []):
            for route in vh.get("routes", []):
                weighted = route.get("weighted_clusters") or []
                if weighted:
                    return {_short(w.get("name", w.get("cluster", ""))): w.get("weight")
                            for w in weighted}
                return {_short(route.get("cluster", "")): None}
    return None


def _short(cluster):
    """"outbound|8080||backend-v1.default.svc.cluster.local" -> "backend-v1"."""
    m = re.match(r"outbound\|\d+\|\|([^.]+)\.", cluster)
    return m.group(1) if m else cluster


class ControlPlane:
    """mesh-control-plane in pod `cp`, serving the manifests of `manifest_dir`.

    Owned by the Cluster (its process is the pod's, stopped by PID on cleanup).
    """

    def __init__(self, cluster, manifest_dir=None, pod_name="cp", poll_interval="1s",
                 log_level="info", ca=False, trust_domain="cluster.local", extra_args=(),
                 tls=False):
        self.cluster = cluster
        # With `ca`, the control plane runs its CA (and so mTLS between sidecars);
        # every mesh pod gets a join token and asks for a certificate.
        self.ca_dir = os.path.join(cluster.work_dir, "ca") if ca else None
        self.trust_domain = trust_domain
        # With `tls` (needs `ca`), the control plane also serves --xds_tls_address and
        # sidecars dial XDS_TLS_NAME:XDS_TLS_PORT with --xds_root_cert (the mesh root).
        if tls and not ca:
            raise ValueError("ControlPlane(tls=True) needs ca=True (the certificate comes from the CA)")
        self.tls = tls
        self.root_cert_file = os.path.join(cluster.work_dir, "xds-root-cert.pem") if tls else None
        self.extra_args = list(extra_args)
        self.manifest_dir = manifest_dir or os.path.join(cluster.work_dir, "manifests")
        os.makedirs(self.manifest_dir, exist_ok=True)
        self.pod = cluster.add_pod(pod_name)
        self.address = f"{self.pod.ip}:{XDS_PORT}"
        # What sidecars dial: the TLS port by name with `tls`, else the plaintext port.
        self.proxy_address = f"{XDS_TLS_NAME}:{XDS_TLS_PORT}" if tls else self.address
        self.poll_interval = poll_interval
        self.log_level = log_level
        self.proc = None
        self.services = {}  # (namespace, name) -> {"vip":..., "ports": [...]}
        self.mesh_pods = []
        self._next_vip = FIRST_PINNED_VIP

    # ----- process -----

    def start(self, timeout=10.0):
        try:
            binary = binaries.find(CONTROL_PLANE)
        except FileNotFoundError as e:
            raise FileNotFoundError(f"{e} //control-plane:mesh-control-plane") from None
        argv = [binary, f"--manifests={self.manifest_dir}",
                f"--xds_address=0.0.0.0:{XDS_PORT}", f"--poll_interval={self.poll_interval}",
                f"--log_level={self.log_level}", *self.extra_args]
        if self.ca_dir:
            argv += [f"--ca_dir={self.ca_dir}", f"--trust_domain={self.trust_domain}"]
        if self.tls:
            argv += [f"--xds_tls_address=0.0.0.0:{XDS_TLS_PORT}", f"--xds_tls_dns_names={XDS_TLS_NAME}",
                     f"--xds_tls_dir={os.path.join(self.cluster.work_dir, 'xds-tls')}"]
        self.proc = self.pod.spawn(argv, name="mesh-control-plane")
        self.pod.wait_listening(XDS_PORT, self.proc, timeout=timeout)
        if self.tls:
            self.pod.wait_listening(XDS_TLS_PORT, self.proc, timeout=timeout)
            self.publish_root_bundle()
        return self

    def publish_root_bundle(self):
        """Writes the trust bundle (the root, and during a rotation the next one too)
        to `root_cert_file`, world-readable, replacing it atomically: what the
        weft-ca-root ConfigMap and the kubelet do on Kubernetes (the CA directory
        itself is private). Returns the PEM written."""
        bundle = ""
        for path in (os.path.join(self.ca_dir, "root-cert.pem"),
                     os.path.join(self.ca_dir, "next", "root-cert.pem")):
            if os.path.exists(path):
                with open(path) as src:
                    bundle += src.read()
        tmp = self.root_cert_file + ".tmp"
        with open(tmp, "w") as dst:
            dst.write(bundle)
        os.chmod(tmp, 0o644)
        os.replace(tmp, self.root_cert_file)
        return bundle

    def stop(self, grace_s=5.0):
        """SIGTERM (then SIGKILL); returns the exit code."""
        return self.proc.stop(grace_s=grace_s) if self.proc else None

    def kill(self):
        """SIGKILL: the control plane vanishes without closing its streams cleanly."""
        if self.proc and self.proc.alive():
            self.proc.signal(signal.SIGKILL)
            self.proc.wait(5.0)

    def alive(self):
        return self.proc is not None and self.proc.alive()

    # ----- log -----

    def log(self):
        return self.proc.log()

    def log_mark(self):
        """An offset into the log; wait_log(since=mark) only looks at what came after."""
        return os.path.getsize(self.proc.log_path)

    def log_since(self, mark):
        with open(self.proc.log_path, "rb") as f:
            f.seek(mark)
            return f.read().decode(errors="replace")

    def wait_log(self, pattern, since=0, timeout=5.0):
        """Waits for regex `pattern` in the log after offset `since`; returns the match."""
        regex = re.compile(pattern)
        return procs.wait_until(lambda: regex.search(self.log_since(since)), timeout=timeout,
                                interval=POLL_S, what=f"control-plane log /{pattern}/")

    # ----- manifests -----

    def apply(self, filename, text):
        """Writes manifest `filename` (relative to the directory) atomically; `text` is YAML
        text or a list of dicts (emitted as documents)."""
        if not isinstance(text, str):
            text = "---\n".join(yaml_text.dump(doc) for doc in text)
        path = os.path.join(self.manifest_dir, filename)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.tmp")
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, path)
        return path

    replace = apply

    def delete(self, filename):
        path = os.path.join(self.manifest_dir, filename)
        if os.path.exists(path):
            os.unlink(path)

    def meshctl(self):
        """Path of //tools/meshctl:meshctl if built, else None (it is optional)."""
        try:
            return binaries.find(MESHCTL)
        except FileNotFoundError:
            return None

    # ----- services -----

    def allocate_vip(self):
        taken = {s["vip"] for s in self.services.values()}
        while str(self._next_vip) in taken:
            self._next_vip += 1
        vip = str(self._next_vip)
        self._next_vip += 1
        return vip

    def add_service(self, name, ports, selector=None, namespace="default", vip=None,
                    app_protocol=None):
        """Writes Service `name` (file services/<ns>-<name>.yaml) with a pinned clusterIP;
        `ports` is one port or a list of ports or (name, port) pairs. Updates every mesh
        pod's hosts file. Returns the VIP."""
        if isinstance(ports, int):
            ports = [ports]
        spec_ports = []
        for p in ports:
            pname, number = (p if isinstance(p, tuple) else (f"http-{p}", p))
            entry = {"name": pname, "port": number}
            if app_protocol:
                entry["appProtocol"] = app_protocol
            spec_ports.append(entry)
        vip = vip or self.allocate_vip()
        doc = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": name, "namespace": namespace},
               "spec": {"clusterIP": vip, "ports": spec_ports}}
        if selector is not None:
            doc["spec"]["selector"] = dict(selector)
        self.apply(f"services/{namespace}-{name}.yaml", [doc])
        self.services[(namespace, name)] = {"vip": vip, "ports": spec_ports}
        for pod in self.mesh_pods:
            write_hosts(pod, self)
        return vip

    def vip(self, name, namespace="default"):
        return self.services[(namespace, name)]["vip"]

    # ----- workloads -----

    def workload_file(self, pod):
        return f"workloads/{pod.namespace}-{pod.name}.yaml"

    def register(self, pod, ready=True):
        """Writes the pod's Workload manifest (address = pod IP)."""
        spec = {"address": pod.ip, "serviceAccount": pod.service_account}
        if not ready:
            spec["ready"] = False
        if not getattr(pod, "meshed", True):
            spec["sidecar"] = False  # clients' sidecars must not talk HTTP/2 to it
        if getattr(pod, "zone", None):
            spec["locality"] = {"zone": pod.zone}
        doc = {"apiVersion": "mesh.weft.dev/v1alpha1", "kind": "Workload",
               "metadata": {"name": pod.name, "namespace": pod.namespace,
                            "labels": dict(pod.labels)},
               "spec": spec}
        self.apply(self.workload_file(pod), [doc])

    def unregister(self, pod):
        self.delete(self.workload_file(pod))

    # ----- identity -----

    def join_token_args(self, pod):
        """Issues `pod`'s join token (meshctl certs token) into a file only the proxy's
        uid reads; returns mesh-proxy's identity flags."""
        proc = procs.run([binaries.find(MESHCTL), "certs", "token",
                          f"{pod.namespace}/{pod.name}", f"--ca_dir={self.ca_dir}"], timeout=10)
        token = proc.stdout.strip()
        path = os.path.join(self.cluster.work_dir, f"join-token-{pod.namespace}-{pod.name}")
        with open(path, "w") as f:
            f.write(token + "\n")
        os.chown(path, PROXY_UID, -1)
        os.chmod(path, 0o600)
        args = [f"--ca_address={self.proxy_address}", f"--identity_token_file={path}",
                f"--trust_domain={self.trust_domain}"]
        if self.tls:
            # Re-read every second, so that a test sees a published bundle applied quickly.
            args += [f"--xds_root_cert={self.root_cert_file}", "--xds_root_refresh=1s"]
        return args

    # ----- sync -----

    def wait_synced(self, pods, check, timeout=10.0, what="config"):
        """Polls each pod's sidecar /config_dump until check(dump) is truthy for all.
        Returns the seconds it took. On timeout, the message shows the last dump's
        relevant part via `what`."""
        start = time.monotonic()
        pending = list(pods)
        last = {}

        def done():
            for pod in list(pending):
                try:
                    dump = pod.sidecar.config_dump()
                except Exception as e:  # not up yet: keep polling
                    last[pod.name] = str(e)
                    continue
                if check(dump):
                    pending.remove(pod)
                else:
                    last[pod.name] = dump
            return not pending
        try:
            procs.wait_until(done, timeout=timeout, interval=POLL_S,
                             what=f"{what} on sidecars {[p.name for p in pending]}")
        except TimeoutError as e:
            details = {name: (v if isinstance(v, str) else
                              {"source": v.get("source"),
                               "clusters": [(c["name"], c.get("endpoints"))
                                            for c in v.get("clusters", [])]})
                       for name, v in last.items()}
            raise TimeoutError(f"{e}; last seen: {json.dumps(details)[:3000]}") from None
        return time.monotonic() - start

    def wait_endpoints(self, pods, service, port, ips, target_port=None, namespace="default",
                       timeout=10.0):
        """Waits until every sidecar's cluster for service:port has exactly endpoints
        `ips` (at target_port, default port)."""
        want = sorted(f"{ip}:{target_port or port}" for ip in ips)
        return self.wait_synced(
            pods, lambda d: dump_endpoints(d, service, port, namespace) == want,
            timeout=timeout, what=f"endpoints {want} of {service}:{port}")

    def wait_weights(self, pods, service, port, weights, namespace="default", timeout=10.0):
        """Waits until every sidecar routes service:port with `weights` ({svc: w})."""
        return self.wait_synced(
            pods, lambda d: dump_weights(d, service, port, namespace) == weights,
            timeout=timeout, what=f"weights {weights} of {service}:{port}")

    def xds_status(self, pod):
        status, body = pod.sidecar.admin("/xds")
        if status != 200:
            raise RuntimeError(f"/xds in pod {pod.name}: HTTP {status}: {body[:300]}")
        return json.loads(body)

    def wait_connected(self, pods, connected=True, timeout=10.0):
        """Waits until every sidecar's /xds says connected == `connected`."""
        def ok():
            return all(self.xds_status(p).get("connected") == connected for p in pods)
        start = time.monotonic()
        procs.wait_until(ok, timeout=timeout, interval=0.1,
                         what=f"xds connected={connected} on {[p.name for p in pods]}")
        return time.monotonic() - start

    def proxy_status(self, *args):
        """`meshctl proxy-status [args]` output (run in the control plane's pod) if
        meshctl is built, else None."""
        tool = self.meshctl()
        if tool is None:
            return None
        proc = procs.run(["ip", "netns", "exec", self.pod.ns, tool, "proxy-status",
                          f"--control_plane=127.0.0.1:{XDS_PORT}", *args],
                         check=False, timeout=10)
        return proc.stdout + proc.stderr


# ----- pods -----

def hosts_text(control_plane):
    lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
    if getattr(control_plane, "tls", False):
        lines.append(f"{control_plane.pod.ip}\t{XDS_TLS_NAME}")
    for (namespace, name), info in sorted(control_plane.services.items()):
        lines.append(f"{info['vip']}\t{name}.{namespace}.{CLUSTER_DOMAIN} "
                     f"{name}.{namespace}.svc {name}.{namespace} {name}")
    return "\n".join(lines) + "\n"


def hosts_dir(pod):
    return os.path.join("/etc/netns", pod.ns)


def write_hosts(pod, control_plane):
    """Writes /etc/netns/<ns>/hosts in place (the same inode stays bind-mounted in the
    mount namespaces of processes already running in the pod)."""
    os.makedirs(hosts_dir(pod), mode=0o755, exist_ok=True)
    path = os.path.join(hosts_dir(pod), "hosts")
    with open(path, "a+") as f:
        f.seek(0)
        f.truncate()
        f.write(hosts_text(control_plane))
    os.chmod(path, 0o644)


def setup_mesh_pod(cluster, control_plane, name, namespace="default", labels=None,
                   service_account="default", sidecar=True, register=True, vip_route=True,
                   ready_timeout=10.0, sync_timeout=10.0, zone=None):
    """See Cluster.add_mesh_pod."""
    if control_plane is None:
        raise RuntimeError("add_control_plane() first: mesh pods need the control plane")
    pod = cluster.add_pod(name)
    pod.namespace = namespace
    pod.labels = dict(labels or {})
    pod.service_account = service_account
    pod.meshed = sidecar
    pod.zone = zone  # its Workload's locality and its sidecar's own zone
    control_plane.mesh_pods.append(pod)
    write_hosts(pod, control_plane)
    if vip_route:
        pod.run(["ip", "route", "add", VIP_RANGE, "dev", "eth0"], timeout=10)
    if register:
        control_plane.register(pod)
    if sidecar:
        config = xds_bootstrap(pod, control_plane.proxy_address, namespace, service_account,
                               zone=zone)
        proxy_args = control_plane.join_token_args(pod) if control_plane.ca_dir else ()
        pod.add_sidecar(config, proxy_args=proxy_args, ready_timeout=ready_timeout)
        # Ready = serving; wait for the first xDS push too (the outbound listener).
        control_plane.wait_synced(
            [pod], lambda d: any(l.get("name") == "outbound" for l in d.get("listeners", [])),
            timeout=sync_timeout, what="first xDS config (outbound listener)")
    return pod


def add_frontend_backend(cluster, port):
    """The usual two-workload mesh: Service `backend` on `port`, pod `be` (service
    account `backend`) serving HTTP on it, pod `fe` (service account `frontend`);
    returns (fe, be) once fe's sidecar has be's endpoint."""
    cp = cluster.control_plane
    cp.add_service("backend", port, selector={"app": "backend"})
    be = cluster.add_mesh_pod("be", labels={"app": "backend"}, service_account="backend")
    be.start_http_server(port)
    fe = cluster.add_mesh_pod("fe", labels={"app": "frontend"}, service_account="frontend")
    cp.wait_endpoints([fe], "backend", port, [be.ip])
    return fe, be



# ----- traffic -----

LOAD_APP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "apps", "http_load.py")


def load_argv(url, count=None, duration=None, rate=None, timeout=5.0, records=False):
    argv = ["/usr/bin/python3", LOAD_APP, "--url", url, "--timeout", timeout]
    if count is not None:
        argv += ["--count", count]
    if duration is not None:
        argv += ["--duration", duration]
    if rate is not None:
        argv += ["--rate", rate]
    if records:
        argv.append("--records")
    return argv


def run_load(pod, url, count=100, duration=30.0, timeout=5.0, user=None):
    """Runs apps/http_load.py in `pod` to completion; returns its summary dict."""
    proc = pod.run(load_argv(url, count=count, duration=duration, timeout=timeout),
                   check=False, timeout=duration + timeout + 10, user=user)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"http_load in {pod.name} failed ({proc.returncode}): "
                           f"{proc.stdout[-500:]} {proc.stderr[-1000:]}")
    return json.loads(lines[-1])


def spawn_load(pod, url, duration, rate=None, name="load", timeout=5.0):
    """Starts http_load.py --records in the background; read_records(proc) parses it."""
    return pod.spawn(load_argv(url, duration=duration, rate=rate, timeout=timeout,
                               records=True), name=name)


def read_records(proc):
    """(per-request records, summary or None) from a spawn_load process's log."""
    records, summary = [], None
    with open(proc.log_path, errors="replace") as f:
        for line in f:
            if not line.startswith("{"):
                continue
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if "t" in item:
                records.append(item)
            elif "sent" in item:
                summary = item
    return records, summary


def shift_time(records, changed_at, version, p_before, p_after, horizon_s=5.0, step_s=0.05):
    """When did traffic follow a changed split? The maximum-likelihood change point:
    seconds from `changed_at` to the time s that best explains the successful requests
    in [changed_at, changed_at + horizon_s) as "served by `version` with probability
    p_before until s, p_after from s on" (a split is random per request, so no single
    request tells). None if there are no such requests, or if the share after the
    estimated point is not closer to p_after than to p_before (no shift happened).
    """
    ok = sorted((r["t"], r["by"] == version) for r in records
                if changed_at <= r["t"] < changed_at + horizon_s
                and r.get("status", 200) == 200 and r.get("by"))
    if not ok:
        return None
    hit_before, miss_before = math.log(p_before), math.log(1 - p_before)
    hit_after, miss_after = math.log(p_after), math.log(1 - p_after)
    # Log-likelihood of "everything after" minus nothing; moving s past a request moves
    # that request from the after-model to the before-model.
    score = sum(hit_after if hit else miss_after for _, hit in ok)
    best, best_s = score, 0.0
    i = 0
    steps = int(horizon_s / step_s)
    for k in range(1, steps + 1):
        s = changed_at + k * step_s
        while i < len(ok) and ok[i][0] < s:
            hit = ok[i][1]
            score += (hit_before - hit_after) if hit else (miss_before - miss_after)
            i += 1
        if score > best:
            best, best_s = score, k * step_s
    after = [hit for t, hit in ok if t >= changed_at + best_s]
    if not after:
        return None
    observed = sum(after) / len(after)
    if abs(observed - p_after) >= abs(observed - p_before):
        return None
    return best_s
