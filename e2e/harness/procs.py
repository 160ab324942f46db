"""Bounded subprocess helpers and a PID-tracked background process.

Every call here carries a timeout: an e2e run must never hang. Background processes are
stopped by PID (SIGTERM, bounded wait, then SIGKILL); nothing is ever killed by name.
Not thread-safe: a test drives its cluster from one thread.
"""

import os
import signal
import subprocess
import time

DEFAULT_TIMEOUT_S = 30.0


class CommandError(RuntimeError):
    """A command exited non-zero or timed out; the message carries its output."""


def _describe(cmd):
    return cmd if isinstance(cmd, str) else " ".join(str(c) for c in cmd)


def run(cmd, *, check=True, timeout=DEFAULT_TIMEOUT_S, input=None, text=True, env=None):
    """Runs `cmd` (argv list) to completion within `timeout` seconds.

    Returns the CompletedProcess (stdout/stderr captured). Raises CommandError on a
    timeout, and on a non-zero exit when `check` is set.
    """
    try:
        proc = subprocess.run(
            [str(c) for c in cmd], input=input, capture_output=True, text=text,
            timeout=timeout, env=env, stdin=None if input is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise CommandError(f"timed out after {timeout}s: {_describe(cmd)}\n"
                           f"stdout: {e.stdout!r}\nstderr: {e.stderr!r}") from None
    if check and proc.returncode != 0:
        raise CommandError(f"exit {proc.returncode}: {_describe(cmd)}\n"
                           f"stdout: {proc.stdout!r}\nstderr: {proc.stderr!r}")
    return proc


def wait_until(predicate, *, timeout, interval=0.05, what="condition"):
    """Polls `predicate()` until it returns a truthy value or `timeout` seconds pass.

    Returns the truthy value; raises TimeoutError naming `what` otherwise.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class BackgroundProcess:
    """A process started by the harness, with output in `log_path`.

    Owned by the Pod (and through it the Cluster) that started it; stop() is idempotent.
    """

    def __init__(self, name, argv, log_path):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.log_path = log_path
        with open(log_path, "ab") as log:
            log.write(f"### {_describe(self.argv)}\n".encode())
            log.flush()
            # Same process group as the harness: if the test process is SIGKILLed, the
            # runner kills the whole group, so nothing outlives a crashed test.
            self._popen = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                           stdout=log, stderr=subprocess.STDOUT)
        self.pid = self._popen.pid

    def alive(self):
        return self._popen.poll() is None

    @property
    def returncode(self):
        return self._popen.poll()

    def signal(self, sig):
        if self.alive():
            os.kill(self.pid, sig)

    def wait(self, timeout):
        """Waits up to `timeout` s for exit; returns the exit code or None if still running."""
        try:
            return self._popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, grace_s=5.0):
        """SIGTERM, wait up to `grace_s`, then SIGKILL. Returns the exit code."""
        if self.alive():
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            if self.wait(grace_s) is None:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.wait(5.0)
        return self._popen.poll()

    def log(self):
        """Everything the process wrote so far (stdout and stderr)."""
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def log_tail(self, max_bytes=4000):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - max_bytes))
                return f.read().decode(errors="replace")
        except OSError as e:
            return f"<cannot read {self.log_path}: {e}>"
