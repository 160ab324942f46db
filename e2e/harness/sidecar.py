"""A mesh-proxy sidecar in a pod: bootstrap file, mesh-init capture, proxy as uid 1337.

Start order mirrors a real pod: mesh-init programs the namespace's iptables (as root),
then mesh-proxy starts as the proxy uid, which mesh-init exempts from capture. The admin
server listens on 127.0.0.1:15000 inside the pod's namespace, so every pod uses the same
port. Admin requests are made by curl running as the proxy uid: they are never captured
and never perturb the listener counters the tests assert on.
Owned by its Pod; not thread-safe.
"""

import json
import os
import time

from harness import binaries
from harness import procs
from harness import yaml_text
from harness.sidecar_config import ADMIN_PORT, static_sidecar_config

STOP_GRACE_S = 8.0


class AdminError(RuntimeError):
    """The admin endpoint could not be reached or answered unexpectedly."""


class Sidecar:
    def __init__(self, pod, config, *, init_args, proxy_args, proxy_uid, proxy_env=None):
        self.pod = pod
        # Extra environment of mesh-proxy (e.g. WEFT_APP_PROBES, POD_NAME), as a pod
        # spec's `env` would give it.
        self.proxy_env = dict(proxy_env or {})
        self.proxy_uid = proxy_uid
        if config is None:
            config = static_sidecar_config()
        self.config_text = config if isinstance(config, str) else yaml_text.dump(config)
        self.init_args = [str(a) for a in init_args]
        self.proxy_args = [str(a) for a in proxy_args]
        self.bootstrap_path = os.path.join(pod.log_dir, "bootstrap.yaml")
        self.init_log_path = os.path.join(pod.log_dir, "mesh-init.log")
        self.proxy = None
        self._init_done = False

    # ----- lifecycle -----

    def start(self, ready_timeout=10.0, start_init=True):
        proxy_bin = binaries.find(binaries.MESH_PROXY)
        with open(self.bootstrap_path, "w") as f:
            f.write(self.config_text)
        os.chmod(self.bootstrap_path, 0o644)
        if start_init:
            self.run_init(self.init_args)
        argv = [proxy_bin, f"--config={self.bootstrap_path}",
                f"--log_level={os.environ.get('WEFT_E2E_PROXY_LOG_LEVEL', 'info')}",
                *self.proxy_args]
        self.proxy = self.pod.spawn(argv, user=self.proxy_uid, name="mesh-proxy",
                                    env=self.proxy_env)
        self.wait_ready(ready_timeout)

    def run_init(self, args):
        """Runs mesh-init in the pod as root with --proxy_uid plus `args`; raises on failure."""
        init_bin = binaries.find(binaries.MESH_INIT)
        argv = [init_bin, f"--proxy_uid={self.proxy_uid}", *args]
        proc = self.pod.run(argv, check=False, timeout=30)
        with open(self.init_log_path, "a") as log:
            log.write(f"### {' '.join(argv)}\nexit {proc.returncode}\n{proc.stdout}{proc.stderr}\n")
        if proc.returncode != 0:
            raise RuntimeError(f"mesh-init failed in pod {self.pod.name} (exit "
                               f"{proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
        if "--cleanup" not in args:
            self._init_done = True
        return proc

    def iptables_dump(self):
        """The pod's iptables-save output (for debugging and assertions)."""
        return self.pod.run(["iptables-save"], check=False, timeout=10).stdout

    def wait_ready(self, timeout):
        def ready():
            if not self.proxy.alive():
                raise RuntimeError(
                    f"mesh-proxy in pod {self.pod.name} exited with {self.proxy.returncode} "
                    f"before becoming ready; log {self.proxy.log_path}:\n{self.proxy.log_tail()}")
            try:
                status, _ = self.admin("/ready", timeout=2)
            except AdminError:
                return False
            return status == 200
        procs.wait_until(ready, timeout=timeout, interval=0.1,
                         what=f"mesh-proxy /ready in pod {self.pod.name}")

    def stop(self, grace_s=STOP_GRACE_S):
        """Stops the proxy (SIGTERM = drain then exit); returns its exit code."""
        if self.proxy is None:
            return None
        return self.proxy.stop(grace_s=grace_s)

    def close(self):
        self.stop()
        if self._init_done:
            self._init_done = False
            self.run_init(["--cleanup"])

    # ----- admin -----

    def log(self):
        """mesh-proxy's log (stdout and stderr) so far."""
        return self.proxy.log()

    def admin(self, path, method="GET", timeout=5):
        """One admin request; returns (status, body text). Raises AdminError if unreachable."""
        argv = ["/usr/bin/curl", "-sS", "--max-time", str(timeout), "-X", method,
                "-o", "-", "-w", "\n%{http_code}", f"http://127.0.0.1:{ADMIN_PORT}{path}"]
        proc = self.pod.run(argv, check=False, timeout=timeout + 5, user=self.proxy_uid)
        body, _, code = proc.stdout.rpartition("\n")
        if proc.returncode != 0 or not code.isdigit() or code == "000":
            raise AdminError(f"admin {method} {path} in pod {self.pod.name} failed: "
                             f"curl exit {proc.returncode}: {proc.stderr.strip()}")
        return int(code), body

    def _admin_json(self, path):
        status, body = self.admin(path)
        if status != 200:
            raise AdminError(f"admin {path} in pod {self.pod.name}: HTTP {status}: {body[:300]}")
        try:
            return json.loads(body)
        except ValueError as e:
            raise AdminError(f"admin {path} in pod {self.pod.name}: not JSON ({e}): "
                             f"{body[:300]!r}") from None

    def stats(self):
        """All stats as a dict name -> value, from GET /stats?format=json."""
        data = self._admin_json("/stats?format=json")
        if not isinstance(data, dict):
            raise AdminError(f"/stats?format=json in pod {self.pod.name} is not a JSON object")
        return data

    def counter(self, name):
        """The value of stat `name`, 0 if the proxy has not created it yet."""
        return int(self.stats().get(name, 0))

    def admin_json(self, path):
        return self._admin_json(path)

    def config_dump(self):
        return self._admin_json("/config_dump")

    def wait_counter(self, name, at_least, timeout=3.0):
        """Polls until stat `name` >= `at_least`; returns the last value seen (even if lower:
        the caller asserts, so the failure message shows the real number)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.counter(name)
            if value >= at_least or time.monotonic() >= deadline:
                return value
            time.sleep(0.05)
