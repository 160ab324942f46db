#include "proxy/config/validate_tls.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "certs/spiffe_id.h"

namespace weft::config {

void AppendClusterTlsProblems(const Cluster& cluster, const std::string& path,
                              ProblemList& problems) {
  if (!cluster.tls.has_value()) return;
  const std::string tls_path = ChildPath(path, "tls");
  const std::string ids_path = ChildPath(tls_path, "expected_identities");
  const std::vector<std::string>& ids = cluster.tls->expected_identities;
  if (ids.empty()) {
    problems.Add(ids_path, "required: the SPIFFE IDs the server may present");
  }
  absl::flat_hash_map<std::string, size_t> seen;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string id_path = IndexPath(ids_path, i);
    absl::StatusOr<certs::SpiffeId> id = certs::SpiffeId::Parse(ids[i]);
    if (!id.ok()) {
      problems.Add(id_path, absl::StrFormat("\"%s\" is not a SPIFFE ID: %s",
                                            absl::CHexEscape(ids[i]), id.status().message()));
      continue;
    }
    if (auto [it, inserted] = seen.emplace(ids[i], i); !inserted) {
      problems.Add(id_path, absl::StrFormat("duplicate identity (also expected_identities[%d])",
                                            it->second));
    }
  }
  const std::string& sni = cluster.tls->sni;
  if (sni.find_first_of(" /\r\n\t") != std::string::npos ||
      sni.find('\0') != std::string::npos || sni.size() > 255) {
    problems.Add(ChildPath(tls_path, "sni"),
                 absl::StrFormat("\"%s\" is not a host name", absl::CHexEscape(sni)));
  }
}

void AppendFilterChainTlsProblems(const FilterChain& chain, const std::string& path,
                                  ProblemList& problems) {
  if (chain.tls.has_value() && chain.transport != TransportMatch::kTls) {
    problems.Add(ChildPath(path, "mtls"),
                 "a chain that terminates mTLS must match \"transport: tls\"");
  }
  if (chain.refuse_plaintext && chain.transport != TransportMatch::kPlaintext) {
    problems.Add(ChildPath(path, "refuse_plaintext"),
                 "only on a chain that matches \"transport: plaintext\"");
  }
  if (chain.refuse_plaintext && (!chain.cluster.empty() || !chain.route_config.empty())) {
    problems.Add(ChildPath(path, "refuse_plaintext"),
                 "a chain that refuses plaintext forwards nothing; remove cluster and "
                 "route_config");
  }
}

}  // namespace weft::config
