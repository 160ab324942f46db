"""Human table and verdict lines of a benchmark run (the JSON file is the raw dict)."""

# Target from the proxy's performance issue: one hop of mesh-proxy costs at most this
# many instructions per request and serves more requests/s than HAProxy and nginx.
MAX_INSTRUCTIONS_PER_REQUEST = 15000


def _fmt(value, spec, missing="-"):
    return missing if value is None else format(value, spec)


def table(results):
    """Returns the results table as text; `results` is the list of peer dicts."""
    header = ("peer", "RPS", "p50 us", "p99 us", "vs direct", "errors",
              "proxy CPU us/req", "other CPU %", "instr/req")
    rows = [header]
    for r in results:
        if not r.get("available", True):
            rows.append((r["name"], "not available: " + r.get("reason", "?")[:100],
                         "", "", "", "", "", "", ""))
            continue
        load = r.get("load") or {}
        if r.get("load_error"):
            load = {"rps": None}
        cg = r.get("callgrind") or {}
        cg_text = _fmt(cg.get("instructions_per_request"), ",.0f")
        if cg.get("error"):
            cg_text = "failed"
        rows.append((
            r["name"],
            "failed" if r.get("load_error") else _fmt(load.get("rps"), ",.0f"),
            _fmt(load.get("p50_us"), "d"),
            _fmt(load.get("p99_us"), "d"),
            _fmt(load.get("ratio_to_direct"), ".2f"),
            _fmt(load.get("errors"), "d"),
            _fmt(load.get("proxy_cpu_us_per_request"), ".2f"),
            _fmt(load.get("other_cpu_percent"), ".0f"),
            cg_text,
        ))
    widths = [max(len(str(row[i])) for row in rows
                  if not str(row[1]).startswith("not available"))
              for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        if row[1].startswith("not available"):
            lines.append("  ".join([row[0].ljust(widths[0]), row[1]]))
            continue
        cells = [str(row[0]).ljust(widths[0])]
        cells += [str(c).rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("-" * len(lines[-1]))
    return "\n".join(lines)


def interference_warning(results, load_at_start=0.0, threshold_percent=5.0,
                         max_load=1.0):
    """A warning line when other work competed with the wrk runs, else None.

    Two signals: CPU time others used on the run's CPUs, and the 1-minute load
    average before the run started. The second catches what the first cannot: even
    when the benchmark out-prioritises a build (--nice), a runnable build delays each
    wake-up of the proxy by up to a scheduler tick, which shows as a multi-ms p99.
    """
    reasons = []
    worst = max((((r.get("load") or {}).get("other_cpu_percent", 0.0), r["name"])
                 for r in results), default=(0.0, ""))
    if worst[0] > threshold_percent:
        reasons.append("other processes used up to %.0f%% of a CPU during the wrk runs "
                       "(worst: %s)" % worst)
    if load_at_start > max_load:
        reasons.append("the load average was %.2f before the run started" %
                       load_at_start)
    if not reasons:
        return None
    return ("WARNING: %s; RPS and latency are not reliable, instr/req still is." %
            "; ".join(reasons))


def error_free(load, max_error_ratio=0.001):
    """True when at most 0.1 % of a wrk run's requests failed (errors make RPS cheap)."""
    requests = load.get("requests") or 0
    return requests > 0 and load.get("errors", 0) <= max_error_ratio * requests


def verdict(results):
    """Checks mesh-proxy against the issue's targets; returns (dict, text lines)."""
    by_name = {r["name"]: r for r in results}
    mesh = by_name.get("mesh-proxy")
    out = {"mesh_proxy_measured": bool(mesh and mesh.get("available")
                                       and (mesh.get("load") or mesh.get("callgrind"))),
           "max_instructions_per_request": MAX_INSTRUCTIONS_PER_REQUEST}
    lines = []
    if not out["mesh_proxy_measured"]:
        lines.append("mesh-proxy: NOT MEASURED (%s)" %
                     (mesh.get("reason", "not run") if mesh else "not selected"))
        return out, lines
    ir = (mesh.get("callgrind") or {}).get("instructions_per_request")
    if ir is not None:
        out["instructions_target_met"] = ir <= MAX_INSTRUCTIONS_PER_REQUEST
        lines.append("mesh-proxy instructions/request %.0f (target <= %d): %s" %
                     (ir, MAX_INSTRUCTIONS_PER_REQUEST,
                      "MET" if out["instructions_target_met"] else "NOT MET"))
    mesh_load = mesh.get("load") or {}
    mesh_rps = mesh_load.get("rps")
    if mesh_rps is not None and not error_free(mesh_load):
        lines.append("mesh-proxy RPS not comparable: %d of %d requests failed" %
                     (mesh_load.get("errors", 0), mesh_load.get("requests", 0)))
        mesh_rps = None
    for peer in ("haproxy", "nginx"):
        other = (by_name.get(peer) or {}).get("load") or {}
        if mesh_rps is not None and other.get("rps") is not None:
            beats = mesh_rps > other["rps"]
            out["rps_above_" + peer] = beats
            lines.append("mesh-proxy RPS %.0f vs %s %.0f: %s" %
                         (mesh_rps, peer, other["rps"], "higher" if beats else "NOT higher"))
    return out, lines
