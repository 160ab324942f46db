"""Starting and stopping the benchmark's own processes, pinned to CPUs.

Every process is started through `taskset -c <cpu>` (taskset execs the program, so
the PID we hold is the program's own PID) in its own process group, so that a Ctrl-C
in the terminal reaches only this script, which then stops everything it started, by
PID. Nothing here ever signals a process it did not start. Processes stay in this
script's session on purpose: with the kernel's autogroup scheduling, a new session
would be a new scheduling group, and `--nice` could not lift it above other load.
"""

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


class ProcessError(RuntimeError):
    """A benchmark process failed to start or to become ready."""


def pinned(argv, cpu, nice=0):
    """`argv` run on CPU `cpu` (taskset) at niceness `nice` (nice execs, PID kept)."""
    prefix = ["nice", "-n", str(nice)] if nice else []
    return prefix + ["taskset", "-c", str(cpu)] + list(argv)


class Supervised:
    """One process started by this script; log goes to `log_path`."""

    def __init__(self, name, argv, cpu, log_path, stop_timeout=5.0, nice=0):
        self.name = name
        self.argv = pinned(argv, cpu, nice)
        self.cpu = cpu
        self.log_path = log_path
        self.stop_timeout = stop_timeout
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, process_group=0)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def cpu_seconds(self):
        """User + system CPU time of the process (all threads) so far."""
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                stat = f.read()
        except OSError:
            return 0.0
        # Fields after the parenthesised command name; utime, stime are 14th, 15th.
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def log_tail(self, max_lines=15):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-max_lines:])

    def stop(self):
        """SIGTERM, then SIGKILL after `stop_timeout`; always reaps the child."""
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                self.proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        self._log.close()


class ProcessSet:
    """Owns every process the run starts; stop_all() is safe to call repeatedly."""

    def __init__(self, nice=0):
        self._procs = []
        self._nice = nice

    def start(self, name, argv, cpu, log_path, stop_timeout=5.0):
        proc = Supervised(name, argv, cpu, log_path, stop_timeout, self._nice)
        self._procs.append(proc)
        return proc

    def stop(self, proc):
        proc.stop()
        if proc in self._procs:
            self._procs.remove(proc)

    def stop_all(self):
        while self._procs:
            proc = self._procs.pop()
            try:
                proc.stop()
            except Exception as e:  # keep stopping the others
                print("warning: stopping %s (pid %d): %s" % (proc.name, proc.pid, e))


_AUTOGROUP = "/proc/self/autogroup"


def set_autogroup_nice(nice):
    """Sets the niceness of this session's autogroup; returns the previous value.

    Returns None (and changes nothing) where autogroups do not exist. The value is
    shared by every process of the session, so callers restore it when done.
    """
    try:
        with open(_AUTOGROUP) as f:
            previous = int(f.read().split("nice")[1])
        with open(_AUTOGROUP, "w") as f:
            f.write(str(nice))
        return previous
    except (OSError, IndexError, ValueError):
        return None


def busy_cpu_seconds(cpus):
    """user+nice+system CPU seconds so far, summed over `cpus`, from /proc/stat.

    irq/softirq/steal are left out: they are not charged to any process either, so
    this minus our processes' CPU time is the CPU that others used on those CPUs.
    """
    wanted = {"cpu%d" % c for c in cpus}
    total = 0
    with open("/proc/stat") as f:
        for line in f:
            fields = line.split()
            if fields and fields[0] in wanted:
                total += sum(int(x) for x in fields[1:4])
    return total / CLK_TCK


def children_cpu_seconds():
    """User+sys CPU seconds of this script's reaped children (e.g. finished wrk runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def free_port():
    """A currently free TCP port on 127.0.0.1 (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get_status(port, path="/", timeout=2.0):
    """Status code of one GET on a fresh connection, or None if it failed."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"GET " + path.encode() +
                      b" HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        parts = data.split(b" ", 2)
        return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None
    except OSError:
        return None


def wait_http_ok(proc, port, timeout):
    """Waits until GET / on `port` answers 200; raises ProcessError otherwise."""
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        if not proc.alive():
            raise ProcessError("%s exited with status %s before serving; log:\n%s" %
                               (proc.name, proc.proc.returncode, proc.log_tail()))
        status = http_get_status(port)
        if status == 200:
            return
        time.sleep(0.2)
    raise ProcessError("%s did not answer 200 on 127.0.0.1:%d within %.0fs "
                       "(last status: %s); log:\n%s" %
                       (proc.name, port, timeout, status, proc.log_tail()))


def run_in_workdir(prefix, keep_workdir, nice, body, errors=(ProcessError,)):
    """Runs body(workdir) in a fresh temporary directory at autogroup niceness `nice`.

    Returns (0, body's result), or (exit status, None) after Ctrl-C/SIGTERM (130) or
    one of `errors` (1, printed). The niceness is restored and the directory removed
    (kept, and its path printed, with `keep_workdir` or on failure) in every case.
    """
    workdir = tempfile.mkdtemp(prefix=prefix)
    previous_nice = set_autogroup_nice(nice) if nice else None
    ok = False
    try:
        result = body(workdir)
        ok = True
        return 0, result
    except KeyboardInterrupt:
        print("\ninterrupted: all benchmark processes stopped", file=sys.stderr)
        return 130, None
    except errors as e:
        print("error: %s" % e, file=sys.stderr)
        return 1, None
    finally:
        if previous_nice is not None:
            set_autogroup_nice(previous_nice)
        if keep_workdir or not ok:
            print("work directory kept: %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
