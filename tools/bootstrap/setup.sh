#!/usr/bin/env bash
# Brings a Debian 12 machine (as root) from nothing to a built Weft: installs the
# Debian packages that are missing, builds the prefixed BoringSSL once (cached in
# /var/cache/weft), and builds every Bazel target. Idempotent and quick when done.
#
#   tools/bootstrap/setup.sh            # packages + BoringSSL + bazel build //...
#   tools/bootstrap/setup.sh --no-build # packages + BoringSSL only
set -euo pipefail
cd "$(dirname "$0")/../.."

readonly PACKAGES=(
  # build
  bazel-bootstrap g++ make pkg-config dpkg-dev xz-utils
  clang libclang-rt-14-dev
  # libraries
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libevent-dev libnghttp2-dev libhttp-parser-dev libyaml-cpp-dev libre2-dev
  libgtest-dev libgmock-dev
  # runtime, e2e and benchmarks
  iptables iproute2 util-linux procps curl ca-certificates python3 python3-grpcio
  nghttp2-client nghttp2-server wrk haproxy nginx-light valgrind python3-h2 prometheus
  openssl python3-cryptography
)

if [[ $(id -u) != 0 ]]; then
  echo "setup: run as root (it installs packages and the tests create network namespaces)" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# kubectl parses `meshctl install`'s manifests in the tests (client side only).
# Debian's is kubernetes-client; a kubectl from elsewhere is kept as it is.
command -v kubectl >/dev/null || missing+=(kubernetes-client)
if (( ${#missing[@]} )); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's nginx package starts a system service; ours are started by the tests.
  if command -v systemctl >/dev/null && systemctl is-active -q nginx 2>/dev/null; then
    systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
fi

tools/bootstrap/build_boringssl.sh

if [[ "${1:-}" != "--no-build" ]]; then
  bazel build //... 2>&1 | grep -vE '^(INFO|Loading|Analyzing|\[)' || true
  bazel build //... >/dev/null 2>&1 || { bazel build //...; exit 1; }
fi
