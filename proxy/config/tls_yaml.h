#ifndef WEFT_PROXY_CONFIG_TLS_YAML_H_
#define WEFT_PROXY_CONFIG_TLS_YAML_H_

// The bootstrap file's mTLS keys (tls_model.h), so that mTLS between sidecars
// can be set up without a control plane:
//
//   clusters:
//     - name: b
//       tls: {expected_identities: [spiffe://bench.local/ns/bench/sa/b], sni: b}
//   listeners:
//     - filter_chains:
//         - name: mtls
//           transport: tls            # tls | plaintext | any (default)
//           mtls: {require_client_certificate: true}
//         - name: refuse
//           transport: plaintext
//           refuse_plaintext: true
//
// The readers check types and syntax only; cross-field rules and SPIFFE ID
// syntax are the validator's (validate_tls.h), so that xDS gets the same checks.
// The returned Fields point into `cluster` / `chain` and `reader`: both must
// outlive them.

#include <vector>

#include "proxy/config/model.h"
#include "proxy/config/yaml_reader.h"

namespace weft::config {

std::vector<YamlReader::Field> ClusterTlsFields(YamlReader& reader, Cluster& cluster);
std::vector<YamlReader::Field> FilterChainTlsFields(YamlReader& reader, FilterChain& chain);

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_TLS_YAML_H_
