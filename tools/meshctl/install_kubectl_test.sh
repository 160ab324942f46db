#!/bin/bash
# `meshctl install` and `meshctl uninstall` output through kubectl's own decoders,
# offline (no API server): every document must be a well-formed object of a kind
# kubectl knows, and every built-in kind must decode into its typed Go struct
# (`kubectl set image --local` decodes typed before it looks for pod templates, so
# "*v1.Service" in its answer proves the Service decoded; a wrong field type fails
# with "unable to decode"). CRDs are outside kubectl's typed scheme and are checked
# as unstructured objects. Needs kubectl on PATH (Debian: kubernetes-client, or
# any other kubectl); without it the test fails, it does not skip.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

KUBECTL="$(command -v kubectl || true)"
[[ -n "${KUBECTL}" ]] || fail "kubectl not found on PATH (${PATH}); install Debian's kubernetes-client or another kubectl"
export KUBECONFIG=/dev/null  # never talk to a cluster
echo "using $("${KUBECTL}" version --client 2>/dev/null | head -1) at ${KUBECTL}"

MESHCTL=tools/meshctl/meshctl
TESTDATA=tools/meshctl/testdata/install
WORK="${TEST_TMPDIR:-$(mktemp -d)}/kubectl"
mkdir -p "${WORK}"

"${MESHCTL}" install --ca_cert="${TESTDATA}/root-cert.pem" --ca_key="${TESTDATA}/root-key.pem" \
  > "${WORK}/install.yaml" || fail "meshctl install exited $?"
"${MESHCTL}" uninstall > "${WORK}/uninstall.yaml" || fail "meshctl uninstall exited $?"

# The whole stream: kubectl names each object (kind/name), in order.
expected_names() {  # kind and name of every document, as kubectl prints them
  awk '/^---$/ {kind=""; name=""; meta=0; next}
       /^kind: / {kind=$2}
       /^metadata:/ {meta=1; next}
       meta && /^  name: / {print kind " " $2; meta=0}' "$1"
}
for stream in install uninstall; do
  names="$("${KUBECTL}" annotate --local --dry-run=client -o name -f "${WORK}/${stream}.yaml" \
           weft.dev/validated=true 2>"${WORK}/${stream}.err")" \
    || fail "kubectl rejected meshctl ${stream}: $(cat "${WORK}/${stream}.err")"
  got=$(echo "${names}" | wc -l)
  want=$(expected_names "${WORK}/${stream}.yaml" | wc -l)
  [[ "${got}" -eq "${want}" && "${want}" -ge 16 ]] \
    || fail "meshctl ${stream}: kubectl read ${got} objects, the stream has ${want}:\n${names}"
  echo "${names}" | grep -qx "secret/weft-ca" || fail "${stream}: no secret/weft-ca in: ${names}"
done
tail -1 <<<"${names}" | grep -q "^customresourcedefinition" \
  || fail "meshctl uninstall: the CRDs are not last"

# Each install document alone, typed.
awk -v dir="${WORK}" '/^---$/ {n++; next} n {print > (dir "/doc-" n ".yaml")}' "${WORK}/install.yaml"
checked=0
untyped=0
for doc in "${WORK}"/doc-*.yaml; do
  kind=$(awk '/^kind: / {print $2; exit}' "${doc}")
  case "${kind}" in
    CustomResourceDefinition) continue ;;
    Deployment)
      "${KUBECTL}" set image --local -o name -f "${doc}" control-plane=weft/mesh-control-plane:test \
        > "${WORK}/out" 2>&1 || fail "Deployment: $(cat "${WORK}/out")"
      grep -qx "deployment.apps/weft-control-plane" "${WORK}/out" || fail "Deployment: $(cat "${WORK}/out")"
      ;;
    *)
      "${KUBECTL}" set image --local -o name -f "${doc}" none=none > "${WORK}/out" 2>&1 || true
      if grep -q "no kind \"${kind}\" is registered for version" "${WORK}/out"; then
        # An older kubectl (Debian 12 ships 1.20) predates this API version (e.g.
        # policy/v1 PodDisruptionBudget, 1.21): it was read as unstructured above.
        echo "note: this kubectl does not know $(awk '/^apiVersion: / {print $2; exit}' "${doc}") ${kind}; checked as unstructured"
        untyped=$((untyped + 1))
        continue
      fi
      grep -q "\*v1\.${kind}\b" "${WORK}/out" \
        || fail "${kind} ($(basename "${doc}")) did not decode as a typed object: $(cat "${WORK}/out")"
      ;;
  esac
  checked=$((checked + 1))
done
(( untyped <= 1 )) || fail "${untyped} documents were not typed-checked"
[[ "${checked}" -ge 11 ]] || fail "only ${checked} typed documents checked"
echo "PASS: ${checked} typed objects and both streams decoded by kubectl"
