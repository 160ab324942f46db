"""Runs real curl inside a pod and parses what it got.

The client under test is curl itself (as an application in the pod would be), so the
request takes the same path through the pod's iptables capture as real traffic.
"""

import json
import os

CURL = "/usr/bin/curl"


class CurlResult:
    """One curl transfer: status (0 if no response), final headers, body bytes."""

    def __init__(self, status, headers, body, exit_code, stderr, raw_headers):
        self.status = status
        self.headers = headers  # lower-case name -> value (last one wins)
        self.body = body
        self.exit_code = exit_code
        self.stderr = stderr
        self.raw_headers = raw_headers

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError as e:
            raise AssertionError(f"response body is not JSON ({e}): {self.body[:500]!r}") from None

    def __repr__(self):
        return (f"CurlResult(status={self.status}, exit={self.exit_code}, "
                f"headers={self.headers}, body={self.body[:300]!r}, stderr={self.stderr!r})")


def parse_header_dump(raw):
    """Headers of the last response in a `curl -D` dump (skips 1xx and earlier blocks)."""
    blocks = [b for b in raw.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if not blocks:
        return {}
    headers = {}
    for line in blocks[-1].split("\n")[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return headers


def curl(pod, url, *extra_args, timeout=10, user=None, stdin_text=None):
    """Runs `curl url extra_args...` in `pod`; returns a CurlResult (never raises on HTTP
    errors or connection failures: inspect .status / .exit_code)."""
    serial = pod.cluster.next_serial()
    header_path = os.path.join(pod.cluster.work_dir, f"curl-{serial}.headers")
    body_path = os.path.join(pod.cluster.work_dir, f"curl-{serial}.body")
    argv = [CURL, "-sS", "--max-time", str(timeout), "-D", header_path, "-o", body_path,
            "-w", "%{http_code}", *extra_args, url]
    proc = pod.run(argv, check=False, timeout=timeout + 5, user=user, input=stdin_text)
    try:
        with open(header_path, encoding="latin-1") as f:
            raw_headers = f.read()
    except OSError:
        raw_headers = ""
    try:
        with open(body_path, "rb") as f:
            body = f.read()
    except OSError:
        body = b""
    for path in (header_path, body_path):
        if os.path.exists(path):
            os.unlink(path)
    code = proc.stdout.strip()[-3:]
    status = int(code) if code.isdigit() else 0
    return CurlResult(status, parse_header_dump(raw_headers), body, proc.returncode,
                      proc.stderr, raw_headers)
