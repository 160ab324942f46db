#!/bin/sh
# Runs the one-hop proxy benchmark (mesh-proxy vs HAProxy vs nginx) on this machine.
# Uses Debian's python3 explicitly: the python3 on PATH may be another interpreter.
# All options are forwarded: tools/bench/run.sh --help
exec /usr/bin/python3 "$(dirname "$0")/proxy_bench.py" "$@"
