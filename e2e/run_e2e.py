#!/usr/bin/python3
"""Runs Weft's end-to-end tests (e2e/tests/test_*.py), each in its own process.

Usage (as root):  /usr/bin/python3 e2e/run_e2e.py [-k PATTERN] [--timeout S] [-v] [--list]
                  /usr/bin/python3 e2e/run_e2e.py --cleanup-stale

Needs root and `ip netns`; without them it fails (exit 2), it never skips silently.
Each test runs in a child process with a time limit: at the limit the test gets an
in-process TimeoutError (so its cleanup runs), and if the child is still alive 20 s later
the runner kills its whole process group and removes the namespaces it left behind.
Binaries come from $WEFT_BIN_DIR (default <repo>/bazel-bin). Logs: $WEFT_E2E_LOG_DIR or
/tmp/weft-e2e-logs/<time>-<pid>/. The last line is "N passed, N failed[, N skipped]";
the exit status is non-zero if any test failed or none matched.
"""

import argparse
import fnmatch
import os
import shutil
import signal
import subprocess
import sys
import time
import unittest

E2E_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, E2E_DIR)

from harness import binaries  # noqa: E402
from harness import netns  # noqa: E402
from harness import procs  # noqa: E402

PYTHON = "/usr/bin/python3"
DEFAULT_TIMEOUT_S = int(os.environ.get("WEFT_E2E_TEST_TIMEOUT", "120"))
KILL_GRACE_S = 20
EXIT_PASS, EXIT_FAIL, EXIT_SKIP = 0, 1, 3
REQUIRED_TOOLS = ("ip", "curl", "setpriv", "ss", "iptables-save")


def preflight():
    """Returns a list of problems that make e2e impossible here (empty if none)."""
    problems = []
    if os.geteuid() != 0:
        problems.append("e2e tests need root (network namespaces, iptables); run with sudo")
    for tool in REQUIRED_TOOLS:
        if shutil.which(tool) is None:
            problems.append(f"required tool {tool!r} not found on PATH")
    if not problems:
        probe = f"weft-e2e-probe{os.getpid() % 10000}"
        try:
            procs.run(["ip", "netns", "add", probe], timeout=10)
            procs.run(["ip", "netns", "exec", probe, "ip", "link", "set", "lo", "up"], timeout=10)
        except procs.CommandError as e:
            problems.append(f"`ip netns` does not work here: {e}")
        finally:
            procs.run(["ip", "netns", "del", probe], check=False, timeout=10)
    return problems


def discover():
    suite = unittest.TestLoader().discover(os.path.join(E2E_DIR, "tests"),
                                           top_level_dir=E2E_DIR)
    ids = []

    def walk(item):
        if isinstance(item, unittest.TestSuite):
            for sub in item:
                walk(sub)
        elif isinstance(item, unittest.loader._FailedTest):  # import error: report it
            ids.append(item.id())
        else:
            ids.append(item.id())
    walk(suite)
    return ids


def matches(test_id, patterns):
    if not patterns:
        return True
    return any(p in test_id or fnmatch.fnmatch(test_id, p) for p in patterns)


# ----- child: one test -----

def run_child(test_id, timeout_s):
    def on_alarm(signum, frame):
        raise TimeoutError(f"e2e test exceeded its {timeout_s} s limit")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(timeout_s)
    suite = unittest.TestLoader().loadTestsFromName(test_id)
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=2).run(suite)
    signal.alarm(0)
    if result.failures or result.errors or result.unexpectedSuccesses:
        return EXIT_FAIL
    if result.testsRun == 0:
        return EXIT_FAIL
    if len(result.skipped) == result.testsRun:
        return EXIT_SKIP
    return EXIT_PASS


# ----- parent -----

def kill_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def run_one(test_id, timeout_s, log_root, verbose):
    """Runs `test_id` in a child; returns (outcome, seconds, output path)."""
    safe = test_id.replace("/", "_")
    test_log_dir = os.path.join(log_root, safe)
    os.makedirs(test_log_dir, exist_ok=True)
    out_path = os.path.join(log_root, safe + ".out")
    env = dict(os.environ, WEFT_E2E_LOG_DIR=test_log_dir, PYTHONUNBUFFERED="1")
    start = time.monotonic()
    with open(out_path, "wb") as out:
        child = subprocess.Popen(
            [PYTHON, os.path.abspath(__file__), "--child", test_id, "--timeout", str(timeout_s)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
            cwd=E2E_DIR, start_new_session=True)
        try:
            code = child.wait(timeout=timeout_s + KILL_GRACE_S)
        except subprocess.TimeoutExpired:
            kill_group(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
            kill_group(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
            out.write(f"\nrun_e2e: killed after {timeout_s + KILL_GRACE_S} s\n".encode())
            code = EXIT_FAIL
    keep = os.environ.get("WEFT_E2E_KEEP", "") not in ("", "0")
    if not keep:
        # Anything the test left in its process group or namespaces is ours to remove.
        kill_group(child.pid, signal.SIGKILL)
        netns.cleanup_stale(child.pid, log=lambda m: print(f"  ({m})"))
    outcome = {EXIT_PASS: "PASS", EXIT_SKIP: "SKIP"}.get(code, "FAIL")
    if verbose or outcome == "FAIL":
        with open(out_path, "rb") as f:
            sys.stdout.write(f.read().decode(errors="replace"))
    return outcome, time.monotonic() - start, out_path


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-k", dest="patterns", action="append", default=[],
                        help="run only tests whose id contains (or glob-matches) PATTERN; "
                             "repeatable")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT_S,
                        help="per-test limit in seconds (default %(default)s, "
                             "env WEFT_E2E_TEST_TIMEOUT)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every test's output")
    parser.add_argument("--list", action="store_true", help="list the selected tests and exit")
    parser.add_argument("--cleanup-stale", action="store_true",
                        help="remove every weft-e2e-* namespace and weft-e2e bridge/veth left "
                             "by crashed or kept runs, then exit")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        return run_child(args.child, args.timeout)
    if args.timeout <= 0:
        parser.error("--timeout must be positive")

    tests = [t for t in discover() if matches(t, args.patterns)]
    if args.list:
        print("\n".join(tests))
        return 0
    problems = preflight()
    if problems:
        for p in problems:
            print(f"FATAL: {p}", file=sys.stderr)
        print("e2e tests cannot run: failing (not skipping).", file=sys.stderr)
        return 2
    if args.cleanup_stale:
        removed = netns.cleanup_stale()
        print(f"removed {len(removed)} stale objects")
        return 0
    if not tests:
        print(f"no e2e test matches {args.patterns}", file=sys.stderr)
        print("0 passed, 0 failed")
        return 1

    log_root = os.environ.get("WEFT_E2E_LOG_DIR") or os.path.join(
        "/tmp/weft-e2e-logs", time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}")
    os.makedirs(log_root, exist_ok=True)
    print(f"e2e: {len(tests)} tests; binaries from {binaries.bin_dir()}; logs in {log_root}")
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    failed = []
    for test_id in tests:
        outcome, seconds, out_path = run_one(test_id, args.timeout, log_root, args.verbose)
        counts[outcome] += 1
        print(f"{outcome} {test_id} ({seconds:.1f}s)", flush=True)
        if outcome == "FAIL":
            failed.append((test_id, out_path))
    if failed:
        print("\nfailed tests (output files):")
        for test_id, out_path in failed:
            print(f"  {test_id}: {out_path}")
    summary = f"{counts['PASS']} passed, {counts['FAIL']} failed"
    if counts["SKIP"]:
        summary += f", {counts['SKIP']} skipped"
    print(summary)
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
