#include "control-plane/translate/mtls_builder.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "control-plane/translate/names.h"
#include "control-plane/translate/resource_map.h"
#include "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.pb.h"
#include "envoy/extensions/transport_sockets/tls/v3/tls.pb.h"

namespace weft::control_plane {
namespace {

namespace tls_v3 = envoy::extensions::transport_sockets::tls::v3;
using envoy::config::listener::v3::FilterChain;

constexpr char kTlsSocketName[] = "envoy.transport_sockets.tls";
constexpr char kWorkloadSecret[] = "default";
constexpr const char* kBundleSecret = kTrustBundleSecretName;

void SdsOverAds(tls_v3::SdsSecretConfig& config, const char* name) {
  config.set_name(name);
  config.mutable_sds_config()->mutable_ads();
  config.mutable_sds_config()->set_resource_api_version(envoy::config::core::v3::V3);
}

void CommonSecrets(tls_v3::CommonTlsContext& common) {
  SdsOverAds(*common.add_tls_certificate_sds_secret_configs(), kWorkloadSecret);
}

envoy::config::core::v3::TransportSocket Downstream(bool strict) {
  tls_v3::DownstreamTlsContext context;
  CommonSecrets(*context.mutable_common_tls_context());
  SdsOverAds(*context.mutable_common_tls_context()->mutable_validation_context_sds_secret_config(),
             kBundleSecret);
  context.mutable_require_client_certificate()->set_value(strict);
  envoy::config::core::v3::TransportSocket socket;
  socket.set_name(kTlsSocketName);
  *socket.mutable_typed_config() = PackDeterministic(context);
  return socket;
}

void TcpProxyToInbound(FilterChain& chain) {
  envoy::extensions::filters::network::tcp_proxy::v3::TcpProxy proxy;
  proxy.set_stat_prefix(std::string(kInboundPassthroughCluster));
  proxy.set_cluster(std::string(kInboundPassthroughCluster));
  auto* filter = chain.add_filters();
  filter->set_name(std::string(kTcpProxyFilter));
  *filter->mutable_typed_config() = PackDeterministic(proxy);
}

// Appends the TLS and plaintext variants of `chain` for `mode`.
void SplitChain(const FilterChain& chain, MtlsMode mode, std::vector<FilterChain>& out) {
  if (mode == MtlsMode::kDisable) {
    out.push_back(chain);
    return;
  }
  const bool strict = mode == MtlsMode::kStrict;
  FilterChain tls = chain;
  tls.set_name(absl::StrCat(chain.name(), "|mtls"));
  tls.mutable_filter_chain_match()->set_transport_protocol("tls");
  *tls.mutable_transport_socket() = Downstream(strict);
  out.push_back(std::move(tls));
  FilterChain plain = chain;
  plain.mutable_filter_chain_match()->set_transport_protocol("raw_buffer");
  if (strict) {
    plain.set_name(absl::StrCat(chain.name(), "|plaintext-refused"));
    plain.clear_filters();
  }
  out.push_back(std::move(plain));
}

}  // namespace

void AddInboundMtls(const WorkloadMtls& plan, envoy::config::listener::v3::Listener& listener) {
  std::vector<FilterChain> chains;
  std::set<uint32_t> covered;
  for (const FilterChain& chain : listener.filter_chains()) {
    const uint32_t port = chain.filter_chain_match().destination_port().value();
    covered.insert(port);
    SplitChain(chain, plan.ModeFor(port), chains);
  }
  // Ports with their own mode and no HTTP chain: opaque TCP to the app.
  for (const auto& [port, mode] : plan.ports) {
    if (covered.count(port) != 0 || mode == plan.mode) continue;
    FilterChain chain;
    chain.set_name(absl::StrCat("inbound|", port, "|tcp"));
    chain.mutable_filter_chain_match()->mutable_destination_port()->set_value(port);
    TcpProxyToInbound(chain);
    SplitChain(chain, mode, chains);
  }
  // Every other port follows the workload's mode; plaintext there is served by
  // the default chain unless STRICT.
  if (plan.mode != MtlsMode::kDisable) {
    FilterChain any;
    any.set_name("inbound|tcp");
    TcpProxyToInbound(any);
    std::vector<FilterChain> split;
    SplitChain(any, plan.mode, split);
    for (FilterChain& c : split) {
      if (plan.mode == MtlsMode::kPermissive &&
          c.filter_chain_match().transport_protocol() == "raw_buffer") {
        continue;  // the default chain already does this
      }
      chains.push_back(std::move(c));
    }
  }
  listener.clear_filter_chains();
  for (FilterChain& c : chains) *listener.add_filter_chains() = std::move(c);
}

std::optional<envoy::config::core::v3::TransportSocket> UpstreamMtls(
    const Model& model, const PortEndpoints& endpoints, const MeshSecurity& security) {
  if (!security.enabled || endpoints.endpoints.empty()) return std::nullopt;
  std::set<std::string> identities;
  for (const Endpoint& e : endpoints.endpoints) {
    auto w = model.workloads.find(e.workload);
    if (w == model.workloads.end() || !w->second.sidecar) return std::nullopt;
    if (MtlsModeFor(model, w->second, e.port) == MtlsMode::kDisable) return std::nullopt;
    const std::string& sa = e.service_account.empty() ? w->second.service_account
                                                       : e.service_account;
    identities.insert(absl::StrCat("spiffe://", security.trust_domain, "/ns/", e.workload.ns,
                                   "/sa/", sa));
  }
  tls_v3::UpstreamTlsContext context;
  auto* common = context.mutable_common_tls_context();
  CommonSecrets(*common);
  auto* combined = common->mutable_combined_validation_context();
  SdsOverAds(*combined->mutable_validation_context_sds_secret_config(), kBundleSecret);
  auto* sans = combined->mutable_default_validation_context();
  for (const std::string& id : identities) {
    auto* typed = sans->add_match_typed_subject_alt_names();
    typed->set_san_type(tls_v3::SubjectAltNameMatcher::URI);
    typed->mutable_matcher()->set_exact(id);
    // The deprecated spelling too: proxyless gRPC 1.51 reads only that one.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    sans->add_match_subject_alt_names()->set_exact(id);
#pragma GCC diagnostic pop
  }
  envoy::config::core::v3::TransportSocket socket;
  socket.set_name(kTlsSocketName);
  *socket.mutable_typed_config() = PackDeterministic(context);
  return socket;
}

tls_v3::Secret TrustBundleSecret(const MeshSecurity& security) {
  tls_v3::Secret secret;
  secret.set_name(kBundleSecret);
  secret.mutable_validation_context()->mutable_trusted_ca()->set_inline_bytes(
      security.trust_bundle_pem);
  return secret;
}

}  // namespace weft::control_plane
