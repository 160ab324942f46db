#!/bin/bash
# Runs the real mesh-init inside a network namespace made for this test and
# checks, with iptables-save and real TCP connections, that:
#   - our chains and jumps are installed as specified, once, even after two runs;
#   - outbound TCP from an app lands on 15001 (original destination kept),
#     inbound TCP lands on 15006, and the exclusions hold;
#   - the proxy's uid and gid, loopback and self calls are not captured;
#   - --dry-run changes nothing, --cleanup removes exactly our rules (a rule
#     and chain of the test's own survive), --ipv6 programs ip6tables too;
#   - exit codes: 2 on bad flags, 1 when iptables-restore fails.
# Needs root, iproute2, iptables, setpriv and /usr/bin/python3. All traffic
# stays inside two namespaces (pod and peer) joined by a veth pair.
#
# Usage: netns_capture_test.sh path/to/mesh-init
set -euo pipefail

export PATH="/usr/sbin:/sbin:/usr/bin:/bin:${PATH:-}"
MESH_INIT="$(realpath "${1:?usage: $0 path/to/mesh-init}")"
POD="weft-init-test-$$"
PEER="weft-init-peer-$$"
WORK="$(mktemp -d /tmp/weft-init-test.XXXXXX)"
PIDS=()
FAILURES=0
PASSES=0

cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  ip netns del "$POD" 2>/dev/null
  ip netns del "$PEER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSES=$((PASSES + 1)); echo "PASS: $1"; }
fail() { FAILURES=$((FAILURES + 1)); echo "FAIL: $1"; }
check() {  # check "description" command...
  local what="$1"; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

if [[ "$(id -u)" != 0 ]]; then
  echo "netns_capture_test needs root (network namespaces, iptables)" >&2
  exit 1
fi

in_pod() { ip netns exec "$POD" "$@"; }
in_peer() { ip netns exec "$PEER" "$@"; }

# A TCP server that answers each connection with one line:
#   "<name> orig=<ip>:<port>" (the pre-NAT destination, from SO_ORIGINAL_DST;
#   "none" where the namespace tracks no NAT, as in the peer)
# and exits by itself after 120 s. Which server answers tells where the
# connection landed; orig tells that the proxy could recover the destination.
SERVER='
import socket, struct, sys, time
host, port, name, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, port)); s.listen(16); s.settimeout(1.0)
open(ready, "w").close()
end = time.monotonic() + 120
while time.monotonic() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    try:
        raw = c.getsockopt(socket.SOL_IP, 80, 16)  # SO_ORIGINAL_DST
        orig = "%s:%d" % (socket.inet_ntoa(raw[4:8]), struct.unpack(">H", raw[2:4])[0])
    except OSError:
        orig = "none"
    c.sendall(("%s orig=%s\n" % (name, orig)).encode()); c.close()
'
# Connects, prints the server line (or "error: ..."), 3 s at most.
CLIENT='
import socket, sys
try:
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
    print(c.makefile().readline().strip())
except OSError as e:
    print("error: %s" % e)
'

start_server() {  # start_server netns host port name
  local ready="$WORK/ready.$1.$3"
  ip netns exec "$1" /usr/bin/python3 -c "$SERVER" "$2" "$3" "$4" "$ready" &
  PIDS+=("$!")
  for _ in $(seq 1 100); do [[ -e "$ready" ]] && return 0; sleep 0.05; done
  echo "server $4 did not start" >&2
  return 1
}

# connect_as netns uid gid host port -> prints the server's line
connect_as() {
  ip netns exec "$1" setpriv --reuid="$2" --regid="$3" --clear-groups \
    /usr/bin/python3 -c "$CLIENT" "$4" "$5"
}

expect_reply() {  # expect_reply "description" "expected line" netns uid gid host port
  local what="$1" want="$2"; shift 2
  local got
  got="$(connect_as "$@")"
  if [[ "$got" == "$want" ]]; then pass "$what"; else fail "$what: got '$got', want '$want'"; fi
}

nat_rules() { in_pod iptables-save -t nat | grep -E '^(:|-A)' | sed 's/ \[[0-9]*:[0-9]*\]$//'; }
count_line() { grep -cxF -- "$2" <<<"$1" || true; }

# --- the pod and its peer -----------------------------------------------------
ip netns add "$POD"
ip netns add "$PEER"
ip link add veth0 netns "$POD" type veth peer name veth1 netns "$PEER"
in_pod ip link set lo up
in_pod ip addr add 10.250.0.2/24 dev veth0
in_pod ip link set veth0 up
in_peer ip link set lo up
in_peer ip addr add 10.250.0.1/24 dev veth1
in_peer ip addr add 10.250.0.200/24 dev veth1
in_peer ip link set veth1 up

# Rules of the test's own that mesh-init must leave alone.
in_pod iptables -t nat -N TEST_KEEP
in_pod iptables -t nat -A TEST_KEEP -j RETURN
in_pod iptables -t nat -A OUTPUT -d 10.250.0.98/32 -j TEST_KEEP
in_pod iptables -t nat -A POSTROUTING -d 10.250.0.99/32 -j RETURN
BEFORE="$(nat_rules)"

FLAGS=(--exclude_inbound_ports=9091 --exclude_outbound_ports=8081
       --exclude_outbound_cidrs=10.250.0.192/26)

# --- dry run changes nothing ---------------------------------------------------
DRY="$(in_pod "$MESH_INIT" --dry-run "${FLAGS[@]}" 2>/dev/null)"
check "dry run prints the restore input" grep -qxF -- "-A OUTPUT -p tcp -j WEFT_OUTPUT" <<<"$DRY"
check "dry run changes nothing" test "$(nat_rules)" == "$BEFORE"

# --- install, twice ------------------------------------------------------------
check "first install exits 0" in_pod "$MESH_INIT" "${FLAGS[@]}"
FIRST="$(nat_rules)"
EXPECTED_OURS='-A PREROUTING -p tcp -j WEFT_INBOUND
-A OUTPUT -p tcp -j WEFT_OUTPUT
-A WEFT_INBOUND -p tcp -m tcp --dport 9091 -j RETURN
-A WEFT_INBOUND -p tcp -j WEFT_IN_REDIRECT
-A WEFT_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006
-A WEFT_OUTPUT -o lo -j RETURN
-A WEFT_OUTPUT -d 127.0.0.0/8 -j RETURN
-A WEFT_OUTPUT -m owner --uid-owner 1337 -j RETURN
-A WEFT_OUTPUT -m owner --gid-owner 1337 -j RETURN
-A WEFT_OUTPUT -p tcp -m tcp --dport 8081 -j RETURN
-A WEFT_OUTPUT -d 10.250.0.192/26 -j RETURN
-A WEFT_OUTPUT -j WEFT_REDIRECT
-A WEFT_REDIRECT -p tcp -j REDIRECT --to-ports 15001'
GOT_OURS="$(grep -E '^-A (WEFT_|PREROUTING .*WEFT|OUTPUT .*WEFT)' <<<"$FIRST" || true)"
if [[ "$GOT_OURS" == "$EXPECTED_OURS" ]]; then
  pass "installed rules are exactly the expected ones"
else
  fail "installed rules differ:"; diff <(echo "$EXPECTED_OURS") <(echo "$GOT_OURS") || true
fi
for chain in WEFT_INBOUND WEFT_IN_REDIRECT WEFT_OUTPUT WEFT_REDIRECT; do
  check "chain $chain exists" grep -qxF ":$chain -" <<<"$FIRST"
done

check "second install exits 0" in_pod "$MESH_INIT" "${FLAGS[@]}"
SECOND="$(nat_rules)"
check "second install leaves the table as the first did" test "$SECOND" == "$FIRST"
check "one OUTPUT jump after two runs" \
  test "$(count_line "$SECOND" "-A OUTPUT -p tcp -j WEFT_OUTPUT")" == 1
check "one PREROUTING jump after two runs" \
  test "$(count_line "$SECOND" "-A PREROUTING -p tcp -j WEFT_INBOUND")" == 1

# --- capture, with real connections --------------------------------------------
start_server "$POD" 0.0.0.0 15001 outbound-proxy
start_server "$POD" 0.0.0.0 15006 inbound-proxy
start_server "$POD" 0.0.0.0 9090 app
start_server "$POD" 0.0.0.0 9091 app9091
start_server "$PEER" 0.0.0.0 8080 peer
start_server "$PEER" 0.0.0.0 8081 peer8081

expect_reply "app outbound is captured to 15001" \
  "outbound-proxy orig=10.250.0.1:8080" "$POD" 65534 65534 10.250.0.1 8080
expect_reply "root (not the proxy) is captured too" \
  "outbound-proxy orig=10.250.0.1:8080" "$POD" 0 0 10.250.0.1 8080
expect_reply "proxy uid is not captured" \
  "peer orig=none" "$POD" 1337 1337 10.250.0.1 8080
expect_reply "proxy gid alone is not captured" \
  "peer orig=none" "$POD" 2000 1337 10.250.0.1 8080
expect_reply "excluded outbound port is not captured" \
  "peer8081 orig=none" "$POD" 65534 65534 10.250.0.1 8081
expect_reply "excluded outbound CIDR is not captured" \
  "peer orig=none" "$POD" 65534 65534 10.250.0.200 8080
expect_reply "app calling itself on 127.0.0.1 is not looped through the proxy" \
  "app orig=127.0.0.1:9090" "$POD" 65534 65534 127.0.0.1 9090
expect_reply "app calling its own pod IP is not looped through the proxy" \
  "app orig=10.250.0.2:9090" "$POD" 65534 65534 10.250.0.2 9090
expect_reply "other loopback address 127.0.0.6 is not redirected" \
  "app orig=127.0.0.6:9090" "$POD" 65534 65534 127.0.0.6 9090
expect_reply "inbound is captured to 15006" \
  "inbound-proxy orig=10.250.0.2:9090" "$PEER" 65534 65534 10.250.0.2 9090
expect_reply "excluded inbound port is not captured" \
  "app9091 orig=10.250.0.2:9091" "$PEER" 65534 65534 10.250.0.2 9091

# --- cleanup ---------------------------------------------------------------------
check "cleanup exits 0" in_pod "$MESH_INIT" --cleanup
AFTER="$(nat_rules)"
check "cleanup removes every WEFT chain and jump" bash -c '! grep -q WEFT <<<"$1"' _ "$AFTER"
if [[ "$AFTER" == "$BEFORE" ]]; then
  pass "cleanup leaves the test's own chain and rules exactly as they were"
else
  fail "cleanup changed other rules:"; diff <(echo "$BEFORE") <(echo "$AFTER") || true
fi
check "cleanup of a clean table exits 0" in_pod "$MESH_INIT" --cleanup
expect_reply "after cleanup, app outbound goes straight to the peer" \
  "peer orig=none" "$POD" 65534 65534 10.250.0.1 8080

# --- IPv6 ------------------------------------------------------------------------
check "install with --ipv6 exits 0" in_pod "$MESH_INIT" --ipv6 --exclude_outbound_cidrs=fd00::/8
V6="$(in_pod ip6tables-save -t nat)"
check "ip6tables has the OUTPUT jump" grep -qxF -- "-A OUTPUT -p tcp -j WEFT_OUTPUT" <<<"$V6"
check "ip6tables has the IPv6 loopback rule" grep -qxF -- "-A WEFT_OUTPUT -d ::1/128 -j RETURN" <<<"$V6"
check "ip6tables has the IPv6 CIDR exclusion" grep -qxF -- "-A WEFT_OUTPUT -d fd00::/8 -j RETURN" <<<"$V6"
check "cleanup --ipv6 exits 0" in_pod "$MESH_INIT" --cleanup --ipv6
check "cleanup --ipv6 empties ip6tables of ours" bash -c '! ip netns exec "$1" ip6tables-save -t nat | grep -q WEFT' _ "$POD"
check "cleanup --ipv6 restores the IPv4 table" test "$(nat_rules)" == "$BEFORE"

# --- exit codes ------------------------------------------------------------------
set +e
ERR="$("$MESH_INIT" --exclude_outbound_cidrs=10.0.0.0/33 --outbound_port=x 2>&1)"; RC=$?
set -e
check "bad flags exit 2" test "$RC" == 2
check "bad CIDR is named" grep -qF '"10.0.0.0/33"' <<<"$ERR"
check "bad port is named in the same run" grep -qF '"x"' <<<"$ERR"

mkdir "$WORK/bin"
printf '#!/bin/sh\ncat >/dev/null\necho "line 3 failed: simulated" >&2\nexit 1\n' \
  >"$WORK/bin/iptables-nft-restore"
chmod +x "$WORK/bin/iptables-nft-restore"
set +e
ERR="$(PATH="$WORK/bin:$PATH" in_pod "$MESH_INIT" --backend=nft 2>&1)"; RC=$?
set -e
check "failing iptables-restore exits 1" test "$RC" == 1
check "iptables-restore's stderr is shown" grep -qF "line 3 failed: simulated" <<<"$ERR"
check "failed restore left no rules behind" bash -c '! grep -q WEFT <<<"$1"' _ "$(nat_rules)"

echo "$PASSES passed, $FAILURES failed"
[[ "$FAILURES" == 0 ]]
