#ifndef WEFT_PROXY_INIT_NAT_STATE_H_
#define WEFT_PROXY_INIT_NAT_STATE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"

namespace weft::mesh_init {

// The nat table as `iptables-save -t nat` printed it: which chains exist and
// every rule line ("-A CHAIN ..."), in order. Read before each change so the
// rule renderer can add only the jumps that are missing and remove only what
// exists. Pure data; no I/O.
struct NatState {
  absl::flat_hash_set<std::string> chains;
  std::vector<std::string> rules;

  bool HasChain(absl::string_view name) const { return chains.contains(name); }
};

// Reads the "*nat" section of iptables-save output; other tables and comment
// lines are ignored. Empty input (no nat table yet) gives an empty state.
NatState ParseNatState(absl::string_view save_output);

// For a rule line "-A OUTPUT -p tcp -j WEFT_OUTPUT": the chain it is in
// ("OUTPUT"), and where it jumps or goes to ("WEFT_OUTPUT"), if anywhere.
std::string RuleChain(absl::string_view rule);
std::optional<std::string> RuleTarget(absl::string_view rule);

}  // namespace weft::mesh_init

#endif  // WEFT_PROXY_INIT_NAT_STATE_H_
