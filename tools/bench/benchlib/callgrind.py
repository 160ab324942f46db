"""Instructions per request of a proxy, counted by valgrind's callgrind.

Method: the proxy starts under callgrind with instrumentation off (fast start-up, no
counting of config parsing or listener set-up). Once it serves, the client opens its
keep-alive connections, `callgrind_control -i on` turns instrumentation on, a warm-up
batch runs (first-use code paths, upstream connection set-up, valgrind's own
translation), `callgrind_control -z` zeroes the counters, the measured batch of N
requests runs, and `callgrind_control -d` dumps the counters. Instructions per request
= the dump's total Ir / N. Threads are not separated (the default), so every thread
of the process is counted.
"""

import glob
import os
import subprocess


class CallgrindError(RuntimeError):
    pass


def valgrind_prefix(out_dir, name):
    """Command prefix that runs a program under callgrind, dumps going to out_dir."""
    return ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--vgdb=yes",
            "--callgrind-out-file=" + os.path.join(out_dir, name + ".callgrind.%p")]


def control(pid, *args):
    """Runs callgrind_control against `pid`; raises CallgrindError on failure."""
    argv = ["callgrind_control"] + list(args) + [str(pid)]
    try:
        res = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        raise CallgrindError("%s timed out" % " ".join(argv))
    out = res.stdout.decode("utf-8", "replace")
    if res.returncode != 0 or "OK." not in out:
        raise CallgrindError("%s failed (status %d): %s" %
                             (" ".join(argv), res.returncode, out.strip()))
    return out


def parse_total_ir(text):
    """Total Ir of one callgrind output file: `totals:` if present, else `summary:`."""
    events = None
    totals = summary = None
    for line in text.splitlines():
        if line.startswith("events:"):
            events = line.split()[1:]
        elif line.startswith("totals:"):
            totals = line.split()[1:]
        elif line.startswith("summary:"):
            summary = line.split()[1:]
    values = totals if totals is not None else summary
    if events is None or values is None:
        raise CallgrindError("no events/totals lines in callgrind output")
    if "Ir" not in events:
        raise CallgrindError("callgrind output has no Ir event: %s" % events)
    return int(values[events.index("Ir")])


def latest_dump(out_dir, name, pid):
    """Path of the highest-numbered dump (`<name>.callgrind.<pid>.<n>`)."""
    prefix = os.path.join(out_dir, "%s.callgrind.%d." % (name, pid))
    numbered = []
    for path in glob.glob(prefix + "*"):
        suffix = path[len(prefix):]
        if suffix.isdigit():
            numbered.append((int(suffix), path))
    if not numbered:
        raise CallgrindError("no callgrind dump %s<n> found" % prefix)
    return max(numbered)[1]


def count_instructions(pid, out_dir, name, client, warmup_requests, requests, timeout_s):
    """Runs warm-up + measured batches through `client`; returns a result dict."""
    control(pid, "-i", "on")
    client.run(warmup_requests, timeout_s)
    control(pid, "-z")
    done = client.run(requests, timeout_s)
    control(pid, "-d")
    path = latest_dump(out_dir, name, pid)
    with open(path) as f:
        total = parse_total_ir(f.read())
    return {
        "requests": done,
        "warmup_requests": warmup_requests,
        "instructions": total,
        "instructions_per_request": total / done if done else None,
        "dump_file": path,
    }
