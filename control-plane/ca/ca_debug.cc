#include "control-plane/ca/ca_debug.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proxy/config/config_json.h"

namespace weft::control_plane::ca {
namespace {

using config::JsonQuote;

std::string TimeJson(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return "null";
  return JsonQuote(absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone()));
}

std::string PhaseJson(certs::RootRotation::Phase phase) {
  return JsonQuote(certs::PhaseName(phase));
}

}  // namespace

std::string CertsJson(const std::string& trust_domain, const RotatingAuthority::State& state,
                      const std::vector<IssuedCertificate>& workloads) {
  std::vector<std::string> roots;
  for (const RotatingAuthority::RootInfo& r : state.roots) {
    roots.push_back(absl::StrCat("    {\"fingerprint\": ", JsonQuote(r.fingerprint),
                                 ", \"role\": ", JsonQuote(RootRoleName(r.role)),
                                 ", \"not_after\": ", TimeJson(r.not_after), "}"));
  }
  std::vector<std::string> certs;
  for (const IssuedCertificate& c : workloads) {
    certs.push_back(absl::StrCat(
        "    {\"spiffe_id\": ", JsonQuote(c.spiffe_id), ", \"serial\": ", JsonQuote(c.serial),
        ", \"root\": ", JsonQuote(c.root_fingerprint), ", \"issued_at\": ", TimeJson(c.issued_at),
        ", \"not_after\": ", TimeJson(c.not_after), ", \"peer\": ", JsonQuote(c.peer), "}"));
  }
  return absl::StrCat(
      "{\n  \"trust_domain\": ", JsonQuote(trust_domain),
      ",\n  \"rotation\": {\"phase\": ", PhaseJson(state.phase),
      ", \"switch_at\": ", TimeJson(state.switch_at), ", \"retire_at\": ", TimeJson(state.retire_at),
      "},\n  \"roots\": [\n", absl::StrJoin(roots, ",\n"), "\n  ],\n  \"workloads\": [",
      certs.empty() ? "" : "\n", absl::StrJoin(certs, ",\n"), certs.empty() ? "" : "\n  ",
      "]\n}\n");
}

}  // namespace weft::control_plane::ca
