#include "proxy/xds/xds_translator_tls.h"

#include "absl/strings/str_cat.h"
#include "envoy/extensions/transport_sockets/tls/v3/tls.pb.h"

namespace weft::xds {
namespace {

namespace tls_v3 = envoy::extensions::transport_sockets::tls::v3;

constexpr char kDownstreamType[] =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";
constexpr char kUpstreamType[] =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";

// Checks what both sides share: our certificate by SDS name, the bundle by SDS
// name, ALPN left to the proxy. Collects the SAN matchers into `identities`.
bool ReadCommon(const tls_v3::CommonTlsContext& common, const std::string& where,
                const ProblemSink& problem, std::vector<std::string>* identities) {
  bool ok = true;
  if (!common.tls_certificates().empty()) {
    problem(where, "inline tls_certificates are not accepted: keys never travel over xDS "
                   "(use tls_certificate_sds_secret_configs name \"default\")");
    ok = false;
  }
  if (common.tls_certificate_sds_secret_configs_size() != 1 ||
      common.tls_certificate_sds_secret_configs(0).name() != config::kWorkloadCertificateSecret) {
    problem(where, "tls_certificate_sds_secret_configs must name exactly the secret \"default\" "
                   "(the proxy's own workload certificate)");
    ok = false;
  }
  const tls_v3::CertificateValidationContext* sans = nullptr;
  switch (common.validation_context_type_case()) {
    case tls_v3::CommonTlsContext::kValidationContextSdsSecretConfig:
      if (common.validation_context_sds_secret_config().name() != config::kTrustBundleSecret) {
        problem(where, "validation_context_sds_secret_config must name \"ROOTCA\"");
        ok = false;
      }
      break;
    case tls_v3::CommonTlsContext::kCombinedValidationContext: {
      const auto& combined = common.combined_validation_context();
      if (combined.validation_context_sds_secret_config().name() != config::kTrustBundleSecret) {
        problem(where, "combined_validation_context.validation_context_sds_secret_config must "
                       "name \"ROOTCA\"");
        ok = false;
      }
      sans = &combined.default_validation_context();
      break;
    }
    default:
      problem(where, "a validation context by SDS name \"ROOTCA\" is required (inline roots "
                     "are not supported)");
      ok = false;
  }
  if (sans != nullptr) {
    if (sans->has_trusted_ca() || sans->verify_certificate_hash_size() > 0 ||
        sans->verify_certificate_spki_size() > 0 || sans->allow_expired_certificate() ||
        sans->trust_chain_verification() != tls_v3::CertificateValidationContext::VERIFY_TRUST_CHAIN) {
      problem(where, "default_validation_context: only subject alt name matchers are supported");
      ok = false;
    }
    for (int i = 0; i < sans->match_typed_subject_alt_names_size(); ++i) {
      const auto& m = sans->match_typed_subject_alt_names(i);
      if (m.san_type() != tls_v3::SubjectAltNameMatcher::URI || !m.matcher().has_exact() ||
          m.matcher().ignore_case()) {
        problem(absl::StrCat(where, ": match_typed_subject_alt_names[", i, "]"),
                "only exact URI matchers (SPIFFE IDs) are supported");
        ok = false;
        continue;
      }
      if (identities != nullptr) identities->push_back(m.matcher().exact());
    }
    // The deprecated spelling, for control planes that send only it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    if (sans->match_typed_subject_alt_names_size() == 0) {
      for (int i = 0; i < sans->match_subject_alt_names_size(); ++i) {
        const auto& m = sans->match_subject_alt_names(i);
        if (!m.has_exact() || m.ignore_case()) {
          problem(absl::StrCat(where, ": match_subject_alt_names[", i, "]"),
                  "only exact matchers (SPIFFE IDs) are supported");
          ok = false;
          continue;
        }
        if (identities != nullptr) identities->push_back(m.exact());
      }
    }
#pragma GCC diagnostic pop
  }
  return ok;
}

bool CheckSocket(const envoy::config::core::v3::TransportSocket& socket, const char* type,
                 const std::string& where, const ProblemSink& problem) {
  if (socket.name() != kTlsTransportSocket && !socket.name().empty()) {
    problem(where, absl::StrCat("transport socket '", socket.name(),
                                "' is not supported (envoy.transport_sockets.tls is)"));
    return false;
  }
  if (socket.typed_config().type_url() != type) {
    problem(where, absl::StrCat("typed_config must be ", type));
    return false;
  }
  return true;
}

}  // namespace

bool ReadTransportProtocol(const std::string& transport_protocol, const std::string& where,
                           const ProblemSink& problem, config::TransportMatch& out) {
  if (transport_protocol.empty()) {
    out = config::TransportMatch::kAny;
  } else if (transport_protocol == "tls") {
    out = config::TransportMatch::kTls;
  } else if (transport_protocol == "raw_buffer") {
    out = config::TransportMatch::kPlaintext;
  } else {
    problem(where, absl::StrCat("filter_chain_match.transport_protocol '", transport_protocol,
                                "' is not one of tls, raw_buffer"));
    return false;
  }
  return true;
}

bool ReadDownstreamTls(const envoy::config::core::v3::TransportSocket& socket,
                       const std::string& where, const ProblemSink& problem,
                       config::DownstreamTls& out) {
  const std::string swhere = absl::StrCat(where, ": transport_socket");
  if (!CheckSocket(socket, kDownstreamType, swhere, problem)) return false;
  tls_v3::DownstreamTlsContext context;
  if (!socket.typed_config().UnpackTo(&context)) {
    problem(swhere, "typed_config does not parse as DownstreamTlsContext");
    return false;
  }
  bool ok = ReadCommon(context.common_tls_context(), swhere, problem, nullptr);
  if (context.require_sni().value()) {
    problem(swhere, "require_sni is not supported (peers are identified by SPIFFE ID)");
    ok = false;
  }
  out.require_client_certificate = context.require_client_certificate().value();
  return ok;
}

bool ReadUpstreamTls(const envoy::config::core::v3::TransportSocket& socket,
                     const std::string& where, const ProblemSink& problem,
                     config::UpstreamTls& out) {
  const std::string swhere = absl::StrCat(where, ": transport_socket");
  if (!CheckSocket(socket, kUpstreamType, swhere, problem)) return false;
  tls_v3::UpstreamTlsContext context;
  if (!socket.typed_config().UnpackTo(&context)) {
    problem(swhere, "typed_config does not parse as UpstreamTlsContext");
    return false;
  }
  out.expected_identities.clear();
  bool ok = ReadCommon(context.common_tls_context(), swhere, problem, &out.expected_identities);
  if (out.expected_identities.empty()) {
    problem(swhere, "no subject alt name matcher: the SPIFFE IDs the server may present are "
                    "required");
    ok = false;
  }
  out.sni = context.sni();
  return ok;
}

std::string TrustBundleFromSecrets(const std::map<std::string, tls_v3::Secret>& secrets,
                                   const ProblemSink& problem) {
  auto it = secrets.find(config::kTrustBundleSecret);
  if (it == secrets.end()) return "";
  const std::string where = absl::StrCat("Secret ", it->first);
  if (!it->second.has_validation_context()) {
    problem(where, "must hold a validation_context");
    return "";
  }
  const auto& ca = it->second.validation_context().trusted_ca();
  switch (ca.specifier_case()) {
    case envoy::config::core::v3::DataSource::kInlineBytes:
      return ca.inline_bytes();
    case envoy::config::core::v3::DataSource::kInlineString:
      return ca.inline_string();
    default:
      problem(where, "validation_context.trusted_ca must be inline (inline_bytes or "
                     "inline_string)");
      return "";
  }
}

}  // namespace weft::xds
