#ifndef WEFT_PROXY_CONFIG_VALIDATE_TLS_H_
#define WEFT_PROXY_CONFIG_VALIDATE_TLS_H_

// Validation of the mTLS parts of the model (tls_model.h), shared by the
// bootstrap file and xDS:
//   - a cluster with tls names at least one expected identity, each a Weft
//     SPIFFE ID (spiffe://<td>/ns/<ns>/sa/<sa>), without duplicates;
//   - a filter chain that terminates mTLS matches transport tls;
//   - refuse_plaintext only on a chain that matches transport plaintext.
// Problems are named by the bootstrap file's field paths ("clusters[2].tls.
// expected_identities[0]"). Stateless; thread-safe.
//
//   AppendClusterTlsProblems(cluster, "clusters[2]", problems);

#include <string>

#include "proxy/config/model.h"
#include "proxy/config/problem_list.h"

namespace weft::config {

// `path` is the cluster's ("clusters[2]").
void AppendClusterTlsProblems(const Cluster& cluster, const std::string& path,
                              ProblemList& problems);
// `path` is the chain's ("listeners[0].filter_chains[1]").
void AppendFilterChainTlsProblems(const FilterChain& chain, const std::string& path,
                                  ProblemList& problems);

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_VALIDATE_TLS_H_
