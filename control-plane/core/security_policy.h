#ifndef WEFT_CONTROL_PLANE_CORE_SECURITY_POLICY_H_
#define WEFT_CONTROL_PLANE_CORE_SECURITY_POLICY_H_

// The mesh's security resources (mesh.weft.dev/v1alpha1), shaped like Istio's so
// that operators recognise them (docs/authorization.md):
//
// PeerAuthentication: which inbound connections a workload accepts — STRICT
// (mTLS only), PERMISSIVE (mTLS and plaintext), DISABLE (plaintext only) — for
// the workloads its selector picks in its namespace, every workload of the
// namespace (no selector), or the whole mesh (no selector, in the root namespace
// weft-system), with per-port overrides.
//
//   kind: PeerAuthentication
//   metadata: {name: strict, namespace: shop}
//   spec:
//     selector: {matchLabels: {app: cart}}
//     mtls: {mode: STRICT}
//     portLevelMtls: {9090: {mode: PERMISSIVE}}
//
// AuthorizationPolicy: who may call what on the workloads it selects (same
// scoping). A request is denied if any DENY policy matches; else allowed if no
// ALLOW policy applies to the workload; else allowed iff an ALLOW policy matches.
// A policy matches when one of its rules does; a rule matches when one entry of
// each of its from / to lists matches and every when condition holds; within an
// entry every field given must match (one of its values; none of its not-values).
//
//   kind: AuthorizationPolicy
//   metadata: {name: cart-writers, namespace: shop}
//   spec:
//     selector: {matchLabels: {app: cart}}
//     action: ALLOW
//     rules:
//     - from: [{source: {principals: ["spiffe://cluster.local/ns/shop/sa/frontend"]}}]
//       to: [{operation: {methods: [POST], paths: ["/cart/*"], ports: [8080]}}]
//       when: [{key: "request.headers[x-tenant]", values: ["blue"]}]
//
// Value types, thread-compatible.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "control-plane/core/object_meta.h"

namespace weft::control_plane {

// Policies here without a selector apply to the whole mesh.
inline constexpr char kRootNamespace[] = "weft-system";

// kUnset: inherit (from the namespace's policy, then the mesh's, then
// PERMISSIVE). Resolved modes (mtls_mode.h) are never kUnset.
enum class MtlsMode { kUnset, kStrict, kPermissive, kDisable };

struct PeerAuthentication {
  ObjectMeta meta;
  Labels selector;  // spec.selector.matchLabels; empty: every workload in scope
  MtlsMode mode = MtlsMode::kUnset;       // spec.mtls.mode
  std::map<int32_t, MtlsMode> port_modes;  // spec.portLevelMtls, by workload port
};

enum class AuthorizationAction { kAllow, kDeny };

// Who calls. Principals are SPIFFE IDs or "*" (any mTLS caller); namespaces
// are the caller's namespace (from its SPIFFE ID) or "*".
struct AuthorizationSource {
  std::vector<std::string> principals;
  std::vector<std::string> not_principals;
  std::vector<std::string> namespaces;
  std::vector<std::string> not_namespaces;
};

// What is called. Paths and methods: exact, "prefix*", "*suffix" or "*".
struct AuthorizationOperation {
  std::vector<int32_t> ports;  // the workload's port
  std::vector<std::string> methods;
  std::vector<std::string> not_methods;
  std::vector<std::string> paths;
  std::vector<std::string> not_paths;
};

// A request attribute; only "request.headers[<name>]" keys are supported.
// Values as for paths.
struct AuthorizationCondition {
  std::string key;
  std::vector<std::string> values;
  std::vector<std::string> not_values;
};

struct AuthorizationRule {
  std::vector<AuthorizationSource> from;  // OR; empty: any caller
  std::vector<AuthorizationOperation> to;  // OR; empty: any request
  std::vector<AuthorizationCondition> when;  // AND
};

struct AuthorizationPolicy {
  ObjectMeta meta;
  Labels selector;  // as for PeerAuthentication
  AuthorizationAction action = AuthorizationAction::kAllow;
  // OR. No rules: an ALLOW policy matches nothing (so it denies everything the
  // workload's other ALLOW policies do not allow); a DENY policy never matches.
  std::vector<AuthorizationRule> rules;
};

// The manifest's names of the modes ("STRICT"...), for readers and printers.
const std::vector<std::pair<absl::string_view, MtlsMode>>& MtlsModeNames();

// The header a condition key names ("request.headers[x-tenant]" -> "x-tenant"),
// or "" when the key is not of that form.
std::string ConditionHeaderName(const std::string& key);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_SECURITY_POLICY_H_
