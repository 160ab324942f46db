// Keeps certificate_parse_fuzz's seed corpus meaningful: the seeds must reach
// the outcomes they were made for at the fuzzer's fixed "now", or mutations of
// them would only ever exercise the parser's error paths.

#include <fstream>
#include <sstream>
#include <string>

#include "certs/csr.h"
#include "certs/trust_bundle.h"
#include "gtest/gtest.h"

namespace weft {
namespace certs {
namespace {

// Must match certificate_parse_fuzz.cc.
const absl::Time kFuzzNow = absl::FromUnixSeconds(1767225600) + absl::Hours(1);
constexpr char kSeparator[] = "\n#bundle\n";

std::string ReadSeed(const std::string& name) {
  std::ifstream in("certs/testdata/certificate_parse_fuzz_corpus/" + name, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::StatusOr<SpiffeId> VerifySeed(const std::string& name) {
  const std::string seed = ReadSeed(name);
  const size_t at = seed.find(kSeparator);
  if (at == std::string::npos) return absl::NotFoundError("no bundle in " + name);
  absl::StatusOr<TrustBundle> bundle =
      TrustBundle::FromPem("weft.local", seed.substr(at + sizeof(kSeparator) - 1));
  if (!bundle.ok()) return bundle.status();
  return VerifyWorkloadChain(seed.substr(0, at), *bundle, kFuzzNow);
}

TEST(FuzzCorpusTest, SeedsReachTheirIntendedOutcomes) {
  EXPECT_TRUE(VerifySeed("leaf_with_root").ok()) << VerifySeed("leaf_with_root").status();
  EXPECT_TRUE(VerifySeed("chain_with_intermediate").ok());
  EXPECT_TRUE(VerifySeed("two_roots").status().code() == absl::StatusCode::kInvalidArgument)
      << "a bundle with another domain's root is refused as a whole";
  EXPECT_EQ(VerifyFailureReason(VerifySeed("expired_leaf").status()), kReasonExpired);
  EXPECT_EQ(VerifyFailureReason(VerifySeed("foreign_domain_leaf").status()),
            kReasonTrustDomainMismatch);
  EXPECT_TRUE(ParseAndVerifyCsrPem(ReadSeed("csr_pem")).ok());
  EXPECT_TRUE(ParseAndVerifyCsrDer(ReadSeed("csr_der")).ok());
}

}  // namespace
}  // namespace certs
}  // namespace weft
