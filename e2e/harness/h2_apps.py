"""Helpers for the HTTP/2, gRPC and WebSocket tests (test_h2_*, test_grpc_*, test_websocket*).

Starts the apps in a pod (apps/grpc_test_server.py, apps/h2_echo.py, apps/ws_echo.py),
runs the clients in a pod (apps/grpc_test_client.py, apps/ws_client.py, nghttp,
h2load) and parses what they print. Every run is bounded by a timeout. Not
thread-safe, like the Cluster it drives.
"""

import json
import os
import re
import shutil

APPS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "apps")
PYTHON = "/usr/bin/python3"
NGHTTP = "/usr/bin/nghttp"
H2LOAD = "/usr/bin/h2load"
GRPC_PORT = 50051
H2_PORT = 8080
WS_PORT = 8081


def missing_tools():
    """Problems that stop these tests (Debian packages to install); empty if none."""
    problems = []
    for tool, package in ((NGHTTP, "nghttp2-client"), (H2LOAD, "nghttp2-client")):
        if shutil.which(tool) is None:
            problems.append(f"{tool} missing: apt-get install {package}")
    for module, package in (("grpc", "python3-grpcio"), ("h2", "python3-h2")):
        probe = os.popen(f"{PYTHON} -c 'import {module}' 2>&1").read()
        if probe.strip():
            problems.append(f"{PYTHON} cannot import {module}: apt-get install {package}")
    return problems


def start_grpc_server(pod, port=GRPC_PORT, name=None, version="v1", health=()):
    """apps/grpc_test_server.py in `pod`, reporting x-served-by `name` (default the pod);
    `health`: "SERVICE=STATUS" entries for its grpc.health.v1 service."""
    cmd = [PYTHON, os.path.join(APPS_DIR, "grpc_test_server.py"), "--port", port,
           "--name", name or pod.name, "--version", version]
    for entry in health:
        cmd.append(f"--health={entry}")
    proc = pod.spawn(cmd, name=f"grpc-{port}")
    pod.wait_listening(port, proc)
    return proc


def start_h2_echo(pod, port=H2_PORT):
    """apps/h2_echo.py (h2c prior knowledge + HTTP/1.1 on one port) in `pod`."""
    cmd = [PYTHON, os.path.join(APPS_DIR, "h2_echo.py"), "--port", port, "--pod", pod.name]
    proc = pod.spawn(cmd, name=f"h2-{port}")
    pod.wait_listening(port, proc)
    return proc


def start_ws_echo(pod, port=WS_PORT):
    cmd = [PYTHON, os.path.join(APPS_DIR, "ws_echo.py"), "--port", port, "--pod", pod.name]
    proc = pod.spawn(cmd, name=f"ws-{port}")
    pod.wait_listening(port, proc)
    return proc


def _last_json(proc, what):
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise AssertionError(f"{what} printed no JSON (exit {proc.returncode}): "
                             f"stdout {proc.stdout[-1000:]!r} stderr {proc.stderr[-2000:]!r}")
    return json.loads(lines[-1])


def grpc_client(pod, target, scenario, *args, timeout=60, env=()):
    """Runs `grpc_test_client.py SCENARIO --target TARGET args...` in `pod`; returns its
    JSON result ({"ok", "problems", "details", ...}). `env`: extra NAME=value pairs."""
    cmd = ["env", *env, PYTHON, os.path.join(APPS_DIR, "grpc_test_client.py"), scenario,
           "--target", target, *[str(a) for a in args]]
    proc = pod.run(cmd, check=False, timeout=timeout)
    return _last_json(proc, f"grpc_test_client {scenario}")


def ws_client(pod, host, port=WS_PORT, timeout=10):
    cmd = [PYTHON, os.path.join(APPS_DIR, "ws_client.py"), "--host", host, "--port", port,
           "--timeout", timeout]
    proc = pod.run(cmd, check=False, timeout=timeout * 3 + 10)
    return _last_json(proc, "ws_client")


def nghttp(pod, urls, timeout=20):
    """Runs `nghttp -ns URL...` (all URLs concurrently on one h2c connection) in `pod`.
    Returns (exit code, [{"code": int, "path": str}...] from its stats table, output)."""
    proc = pod.run([NGHTTP, "-ns", "--timeout", timeout, *urls], check=False,
                   timeout=timeout + 10)
    rows = []
    for line in proc.stdout.splitlines():
        m = re.match(r"\s*\d+\s+\+\S+\s+\+\S+\s+\S+\s+(\d{3})\s+\S+\s+(\S+)\s*$", line)
        if m:
            rows.append({"code": int(m.group(1)), "path": m.group(2)})
    return proc.returncode, rows, proc.stdout + proc.stderr


def h2load(pod, url, requests, clients, streams, timeout=60):
    """Runs h2load (h2c prior knowledge for http://) in `pod`; returns a dict with
    total/started/done/succeeded/failed/errored/timeout, 2xx..5xx and the output."""
    proc = pod.run([H2LOAD, "-n", requests, "-c", clients, "-m", streams, "-T", 10, url],
                   check=False, timeout=timeout)
    out = proc.stdout + proc.stderr
    result = {"exit": proc.returncode, "output": out[-3000:]}
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                  r"(\d+) failed, (\d+) errored, (\d+) timeout", out)
    if m:
        for name, value in zip(("total", "started", "done", "succeeded", "failed",
                                "errored", "timeout"), m.groups()):
            result[name] = int(value)
    m = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    if m:
        for name, value in zip(("2xx", "3xx", "4xx", "5xx"), m.groups()):
            result[name] = int(value)
    return result


def response_version(curl_result):
    """"2" or "1.1" from the status line of a CurlResult's last response."""
    blocks = [b for b in curl_result.raw_headers.replace("\r\n", "\n").split("\n\n")
              if b.strip()]
    if not blocks:
        return None
    m = re.match(r"HTTP/(\S+)", blocks[-1])
    return m.group(1) if m else None
