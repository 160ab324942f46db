// Writes the seed corpus for certificate_parse_fuzz: a workload chain with its
// root, a chain through an intermediate, an expired leaf, a CSR (PEM and DER),
// a DER leaf, a root alone, and a leaf for another trust domain.
//
//   bazel run //certs:certificate_parse_fuzz_seeds -- $PWD/certs/testdata/certificate_parse_fuzz_corpus

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "certs/cert_test_util.h"
#include "certs/certificate_authority.h"
#include "common/time/simulated_time_source.h"

namespace weft {
namespace certs {
namespace {

constexpr char kUsage[] =
    "usage: certificate_parse_fuzz_seeds <output dir>\n"
    "Writes seed inputs for //certs:certificate_parse_fuzz into <output dir> (which must exist).\n";

constexpr char kSeparator[] = "\n#bundle\n";
constexpr char kCart[] = "spiffe://weft.local/ns/shop/sa/cart";

bool Write(const std::string& dir, const std::string& name, const std::string& contents) {
  std::ofstream out(dir + "/" + name, std::ios::binary | std::ios::trunc);
  out << contents;
  return static_cast<bool>(out);
}

std::unique_ptr<CertificateAuthority> MakeCa(const std::string& domain, bool intermediate,
                                             const TimeSource& time) {
  CertificateAuthority::Options options;
  options.trust_domain = domain;
  options.generate_intermediate = intermediate;
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca =
      CertificateAuthority::Generate(options, time);
  if (!ca.ok()) {
    std::cerr << ca.status() << "\n";
    return nullptr;
  }
  return *std::move(ca);
}

int Main(int argc, char** argv) {
  if (argc != 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::cerr << kUsage;
    return argc == 2 ? 0 : 2;
  }
  const std::string dir = argv[1];
  SimulatedTimeSource time;  // 2026-01-01; the fuzzer verifies an hour later.
  std::unique_ptr<CertificateAuthority> ca = MakeCa("weft.local", false, time);
  std::unique_ptr<CertificateAuthority> with_intermediate = MakeCa("weft.local", true, time);
  std::unique_ptr<CertificateAuthority> other = MakeCa("other.domain", false, time);
  absl::StatusOr<KeyAndCsr> proxy = MakeKeyAndCsr(kCart);
  absl::StatusOr<KeyAndCsr> other_proxy = MakeKeyAndCsr("spiffe://other.domain/ns/a/sa/b");
  if (!ca || !with_intermediate || !other || !proxy.ok() || !other_proxy.ok()) return 1;
  const SpiffeId cart = *SpiffeId::Parse(kCart);
  absl::StatusOr<std::string> leaf = ca->Sign(proxy->csr_pem, cart);
  absl::StatusOr<std::string> short_leaf = ca->Sign(proxy->csr_pem, cart, absl::Seconds(1));
  absl::StatusOr<std::string> chain2 = with_intermediate->Sign(proxy->csr_pem, cart);
  absl::StatusOr<std::string> foreign =
      other->Sign(other_proxy->csr_pem, *SpiffeId::Parse("spiffe://other.domain/ns/a/sa/b"));
  absl::StatusOr<std::string> leaf_der = PemToDer(leaf.ok() ? *leaf : "");
  absl::StatusOr<std::string> csr_der = PemToDer(proxy->csr_pem);
  if (!leaf.ok() || !short_leaf.ok() || !chain2.ok() || !foreign.ok() || !leaf_der.ok() ||
      !csr_der.ok()) {
    std::cerr << "issuing seeds failed\n";
    return 1;
  }
  bool ok = Write(dir, "leaf_with_root", *leaf + kSeparator + ca->root_cert_pem()) &&
            Write(dir, "chain_with_intermediate",
                  *chain2 + kSeparator + with_intermediate->root_cert_pem()) &&
            Write(dir, "expired_leaf",
                  // Valid until 1 s after issue: expired at the fuzzer's "now" (+1 h).
                  *short_leaf + kSeparator + ca->root_cert_pem()) &&
            Write(dir, "foreign_domain_leaf", *foreign + kSeparator + ca->root_cert_pem()) &&
            Write(dir, "two_roots",
                  *leaf + kSeparator + ca->root_cert_pem() + other->root_cert_pem()) &&
            Write(dir, "root_only", ca->root_cert_pem()) &&
            Write(dir, "csr_pem", proxy->csr_pem) && Write(dir, "csr_der", *csr_der) &&
            Write(dir, "leaf_der", *leaf_der) &&
            Write(dir, "spiffe_id", kCart);
  if (!ok) {
    std::cerr << "writing seeds into " << dir << " failed\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace certs
}  // namespace weft

int main(int argc, char** argv) { return weft::certs::Main(argc, argv); }
