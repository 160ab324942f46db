// libFuzzer target over everything in certs/ that reads bytes from a peer:
// certificate chains (PEM and DER), CSRs (PEM and DER), trust bundles, SPIFFE
// IDs, and VerifyWorkloadChain.
//
// Input: <chain or CSR bytes> ["\n#bundle\n" <roots PEM>]. The optional bundle
// part lets seeds (certificate_parse_fuzz_seeds) carry a matching root, so
// that mutations reach the signature and validity checks, not just the parser.
//
//   bazel build --config=fuzz //certs:certificate_parse_fuzz
//   bazel-bin/certs/certificate_parse_fuzz -max_total_time=20 <corpus dir>

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "certs/csr.h"
#include "certs/spiffe_id.h"
#include "certs/trust_bundle.h"
#include "certs/x509_util.h"

namespace {

constexpr absl::string_view kBundleSeparator = "\n#bundle\n";

void FuzzOne(absl::string_view data) {
  using namespace weft::certs;  // NOLINT: a fuzz driver, not library code.
  absl::string_view subject = data;
  absl::string_view bundle_pem;
  if (size_t at = data.find(kBundleSeparator); at != absl::string_view::npos) {
    subject = data.substr(0, at);
    bundle_pem = data.substr(at + kBundleSeparator.size());
  }

  (void)ParseCertificatesPem(subject);
  (void)ParseCertificateDer(subject);
  (void)ParseAndVerifyCsrPem(subject);
  (void)ParseAndVerifyCsrDer(subject);
  (void)SpiffeId::Parse(subject);

  absl::StatusOr<TrustBundle> bundle = TrustBundle::FromPem("weft.local", bundle_pem);
  if (!bundle.ok()) bundle = TrustBundle::Create("weft.local");
  if (!bundle.ok()) __builtin_trap();  // A constant trust domain must be valid.
  (void)bundle->ToPem();
  // An hour after the seeds were issued (SimulatedTimeSource's 2026-01-01):
  // their 24 h leaves are valid, the 1 s one has expired.
  const absl::Time now = absl::FromUnixSeconds(1767225600) + absl::Hours(1);
  absl::StatusOr<SpiffeId> id = VerifyWorkloadChain(subject, *bundle, now);
  if (!id.ok() && VerifyFailureReason(id.status()).empty()) __builtin_trap();
  absl::string_view der[] = {subject};
  (void)VerifyWorkloadChainDer(absl::MakeConstSpan(der), *bundle, now);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzOne(absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
