#include "proxy/init/rules.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace weft::mesh_init {
namespace {

constexpr absl::string_view kOurChains[] = {
    kInboundChain, kInboundRedirectChain, kOutputChain, kRedirectChain};

bool IsOurChain(absl::string_view chain) {
  for (absl::string_view ours : kOurChains) {
    if (chain == ours) return true;
  }
  return false;
}

// True when `current` already has a rule in `from` jumping to `to`.
bool HasJump(const NatState& current, absl::string_view from,
             absl::string_view to) {
  for (const std::string& rule : current.rules) {
    if (RuleChain(rule) == from && RuleTarget(rule) == to) return true;
  }
  return false;
}

// Rules are written the way iptables-save prints them back (for example
// "-p tcp -m tcp --dport"), so `iptables-save` output reads like this text.
void AppendInbound(const CaptureOptions& options, std::string& out) {
  for (uint16_t port : options.exclude_inbound_ports) {
    absl::StrAppend(&out, "-A ", kInboundChain, " -p tcp -m tcp --dport ",
                    port, " -j RETURN\n");
  }
  if (options.capture_all_inbound) {
    absl::StrAppend(&out, "-A ", kInboundChain, " -p tcp -j ",
                    kInboundRedirectChain, "\n");
    return;
  }
  for (uint16_t port : options.include_inbound_ports) {
    absl::StrAppend(&out, "-A ", kInboundChain, " -p tcp -m tcp --dport ",
                    port, " -j ", kInboundRedirectChain, "\n");
  }
}

void AppendOutbound(const CaptureOptions& options, IpFamily family,
                    std::string& out) {
  const absl::string_view chain = kOutputChain;
  // Anything routed over lo stays local: an app calling itself on 127.0.0.1
  // or on its own pod IP must not loop through the proxy.
  absl::StrAppend(&out, "-A ", chain, " -o lo -j RETURN\n");
  // Loopback destinations (127.0.0.6-style source tricks, ::1) never go to
  // the proxy, even if a policy route sends them out another interface.
  absl::StrAppend(&out, "-A ", chain, " -d ",
                  family == IpFamily::kIpv4 ? "127.0.0.0/8" : "::1/128",
                  " -j RETURN\n");
  // The proxy's own upstream connections leave as they are.
  absl::StrAppend(&out, "-A ", chain, " -m owner --uid-owner ",
                  options.proxy_uid, " -j RETURN\n");
  absl::StrAppend(&out, "-A ", chain, " -m owner --gid-owner ",
                  options.proxy_gid, " -j RETURN\n");
  for (uint16_t port : options.exclude_outbound_ports) {
    absl::StrAppend(&out, "-A ", chain, " -p tcp -m tcp --dport ", port,
                    " -j RETURN\n");
  }
  for (const Cidr& cidr : options.exclude_outbound_cidrs) {
    if (cidr.family() != family) continue;
    absl::StrAppend(&out, "-A ", chain, " -d ", cidr.ToString(),
                    " -j RETURN\n");
  }
  absl::StrAppend(&out, "-A ", chain, " -j ", kRedirectChain, "\n");
}

}  // namespace

std::string RenderCaptureRules(const CaptureOptions& options, IpFamily family,
                               const NatState& current) {
  std::string out = "*nat\n";
  // Declaring a chain under --noflush creates it, or empties it if it exists.
  for (absl::string_view chain : kOurChains) {
    absl::StrAppend(&out, ":", chain, " - [0:0]\n");
  }
  absl::StrAppend(&out, "-A ", kInboundRedirectChain,
                  " -p tcp -j REDIRECT --to-ports ", options.inbound_port,
                  "\n");
  absl::StrAppend(&out, "-A ", kRedirectChain,
                  " -p tcp -j REDIRECT --to-ports ", options.outbound_port,
                  "\n");
  AppendInbound(options, out);
  AppendOutbound(options, family, out);
  if (!HasJump(current, "PREROUTING", kInboundChain)) {
    absl::StrAppend(&out, "-A PREROUTING -p tcp -j ", kInboundChain, "\n");
  }
  if (!HasJump(current, "OUTPUT", kOutputChain)) {
    absl::StrAppend(&out, "-A OUTPUT -p tcp -j ", kOutputChain, "\n");
  }
  absl::StrAppend(&out, "COMMIT\n");
  return out;
}

std::string RenderCleanupRules(const NatState& current) {
  std::string body;
  // Jumps first: a chain still referenced cannot be deleted.
  for (const std::string& rule : current.rules) {
    const std::optional<std::string> target = RuleTarget(rule);
    if (!target || !IsOurChain(*target) || IsOurChain(RuleChain(rule))) {
      continue;
    }
    absl::StrAppend(&body, "-D", absl::string_view(rule).substr(2), "\n");
  }
  // Flush all before deleting any: our chains refer to each other.
  for (absl::string_view chain : kOurChains) {
    if (current.HasChain(chain)) absl::StrAppend(&body, "-F ", chain, "\n");
  }
  for (absl::string_view chain : kOurChains) {
    if (current.HasChain(chain)) absl::StrAppend(&body, "-X ", chain, "\n");
  }
  if (body.empty()) return "";
  return absl::StrCat("*nat\n", body, "COMMIT\n");
}

}  // namespace weft::mesh_init
