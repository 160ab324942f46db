#include "proxy/tls/tls_test_util.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "certs/cert_test_util.h"

namespace weft::tls {
namespace {

template <typename T>
T ValueOrDie(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) {
    std::fprintf(stderr, "TestMesh: %s: %s\n", what, value.status().ToString().c_str());
    std::abort();
  }
  return *std::move(value);
}

}  // namespace

TestMesh::TestMesh(const std::string& trust_domain, const TimeSource& time)
    : trust_domain_(trust_domain), time_(time) {
  certs::CertificateAuthority::Options options;
  options.trust_domain = trust_domain;
  ca_ = ValueOrDie(certs::CertificateAuthority::Generate(options, time), "generate CA");
}

TestMesh::Svid TestMesh::Issue(const std::string& ns, const std::string& sa,
                               absl::Duration ttl) const {
  certs::SpiffeId id = ValueOrDie(certs::SpiffeId::Create(trust_domain_, ns, sa), "identity");
  certs::KeyAndCsr key_and_csr = ValueOrDie(certs::MakeKeyAndCsr(id.ToString()), "CSR");
  std::string chain = ValueOrDie(ca_->Sign(key_and_csr.csr_pem, id, ttl), "sign");
  std::string key = ValueOrDie(key_and_csr.key.ToPkcs8Pem(), "key PEM");
  return Svid{id, std::move(chain), std::move(key)};
}

certs::TrustBundle TestMesh::bundle() const {
  return ValueOrDie(certs::TrustBundle::FromPem(trust_domain_, ca_->root_cert_pem()), "bundle");
}

TlsServerOptions TestMesh::ServerOptions(const Svid& svid) const {
  TlsServerOptions options;
  options.cert_chain_pem = svid.chain_pem;
  options.private_key_pem = svid.key_pem;
  options.trust_bundle = bundle();
  options.time_source = &time_;
  return options;
}

TlsClientOptions TestMesh::ClientOptions(const Svid& svid) const {
  TlsClientOptions options;
  options.cert_chain_pem = svid.chain_pem;
  options.private_key_pem = svid.key_pem;
  options.trust_bundle = bundle();
  options.time_source = &time_;
  return options;
}

}  // namespace weft::tls
