#!/bin/sh
# Runs the one-hop proxy benchmarks on this machine: HTTP/1.1 (mesh-proxy vs
# HAProxy vs nginx, wrk), h2c (mesh-proxy vs HAProxy, h2load to nghttpd), and the
# two-sidecar mTLS chain (mesh-proxy x2 vs HAProxy x2 vs nginx x2).
# Uses Debian's python3 explicitly: the python3 on PATH may be another interpreter.
#   tools/bench/run.sh [options]      all three; options go to the HTTP/1.1 bench (--help)
#   tools/bench/run.sh h2 [options]   the h2c bench only (tools/bench/run.sh h2 --help)
#   tools/bench/run.sh http1 [options] the HTTP/1.1 bench only
#   tools/bench/run.sh mtls [options] the mTLS chain bench only (run.sh mtls --help)
dir="$(dirname "$0")"
case "$1" in
  h2) shift; exec /usr/bin/python3 "$dir/h2_bench.py" "$@" ;;
  http1) shift; exec /usr/bin/python3 "$dir/proxy_bench.py" "$@" ;;
  mtls) shift; exec /usr/bin/python3 "$dir/mtls_bench.py" "$@" ;;
  -h|--help) exec /usr/bin/python3 "$dir/proxy_bench.py" --help ;;
esac
/usr/bin/python3 "$dir/proxy_bench.py" "$@" || exit $?
echo
/usr/bin/python3 "$dir/h2_bench.py" || exit $?
echo
exec /usr/bin/python3 "$dir/mtls_bench.py"
