#include "proxy/config/tls_yaml.h"

#include <string>
#include <vector>

namespace weft::config {

std::vector<YamlReader::Field> ClusterTlsFields(YamlReader& r, Cluster& cluster) {
  return {YamlReader::Field{
      "tls", [&r, &cluster](const YAML::Node& n, const std::string& p) {
        UpstreamTls& tls = cluster.tls.emplace();
        r.ReadMapping(n, p,
                      {r.StringListField("expected_identities", tls.expected_identities),
                       r.StringField("sni", tls.sni)});
      }}};
}

std::vector<YamlReader::Field> FilterChainTlsFields(YamlReader& r, FilterChain& chain) {
  return {r.EnumField<TransportMatch>("transport", "a transport",
                                      {{"any", TransportMatch::kAny},
                                       {"tls", TransportMatch::kTls},
                                       {"plaintext", TransportMatch::kPlaintext}},
                                      chain.transport),
          YamlReader::Field{"mtls",
                            [&r, &chain](const YAML::Node& n, const std::string& p) {
                              DownstreamTls& tls = chain.tls.emplace();
                              r.ReadMapping(n, p,
                                            {r.BoolField("require_client_certificate",
                                                         tls.require_client_certificate)});
                            }},
          r.BoolField("refuse_plaintext", chain.refuse_plaintext)};
}

}  // namespace weft::config
