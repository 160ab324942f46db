"""Runs wrk (keep-alive, fixed duration) and parses the line wrk_report.lua prints."""

import json
import os
import subprocess

from benchlib import procs

_REPORT_LUA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "wrk_report.lua")
_MARKER = "WRK_JSON "


class WrkError(RuntimeError):
    pass


def parse_report(stdout):
    """Returns the dict printed by wrk_report.lua, with `rps` added."""
    for line in stdout.splitlines():
        if line.startswith(_MARKER):
            report = json.loads(line[len(_MARKER):])
            seconds = report["duration_us"] / 1e6
            report["rps"] = report["requests"] / seconds if seconds > 0 else 0.0
            report["error_total"] = sum(report["errors"].values())
            return report
    raise WrkError("wrk printed no %r line; output:\n%s" % (_MARKER.strip(), stdout))


def run(port, cpu, duration_s, connections, threads, report=True, nice=0):
    """One wrk run against http://127.0.0.1:<port>/; returns the parsed report or None."""
    argv = procs.pinned(["wrk"], cpu, nice) + [ "-t%d" % threads, "-c%d" % connections,
            "-d%ds" % duration_s, "--timeout", "5s"]
    if report:
        argv += ["-s", _REPORT_LUA]
    argv.append("http://127.0.0.1:%d/" % port)
    try:
        out = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=duration_s + 30,
                             check=False, process_group=0).stdout.decode(
                                 "utf-8", "replace")
    except subprocess.TimeoutExpired:
        raise WrkError("wrk did not finish within %ds" % (duration_s + 30))
    return parse_report(out) if report else None
