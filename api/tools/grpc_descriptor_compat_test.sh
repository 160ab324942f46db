#!/bin/bash
# Runs compare_descriptors.py over our descriptor set ($1) and Debian's libgrpc.
set -euo pipefail
lib=""
for candidate in /usr/lib/*-linux-gnu/libgrpc.so.* /usr/lib/libgrpc.so.*; do
  if [[ -f "${candidate}" ]]; then lib="${candidate}"; break; fi
done
if [[ -z "${lib}" ]]; then
  echo "libgrpc shared library not found (is libgrpc-dev installed?)" >&2
  exit 1
fi
script="$(dirname "$0")/compare_descriptors.py"
[[ -f "${script}" ]] || script="api/tools/compare_descriptors.py"
exec /usr/bin/python3 "${script}" "$1" "${lib}"
