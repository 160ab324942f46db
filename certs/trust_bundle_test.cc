#include "certs/trust_bundle.h"

#include <memory>
#include <string>
#include <vector>

#include "certs/cert_test_util.h"
#include "certs/certificate_authority.h"
#include "certs/certificate_builder.h"
#include "certs/test_pki.h"
#include "certs/x509_util.h"
#include "common/time/simulated_time_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft {
namespace certs {
namespace {

using ::testing::HasSubstr;

constexpr char kCart[] = "spiffe://weft.local/ns/shop/sa/cart";

SpiffeId Id(const std::string& uri) { return *SpiffeId::Parse(uri); }

std::unique_ptr<CertificateAuthority> MakeCa(const std::string& trust_domain,
                                             const TimeSource& time) {
  CertificateAuthority::Options options;
  options.trust_domain = trust_domain;
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca =
      CertificateAuthority::Generate(options, time);
  return ca.ok() ? *std::move(ca) : nullptr;
}

std::string Issue(const CertificateAuthority& ca, const std::string& uri,
                  absl::Duration ttl = absl::ZeroDuration()) {
  absl::StatusOr<KeyAndCsr> proxy = MakeKeyAndCsr(uri);
  if (!proxy.ok()) return "";
  absl::StatusOr<std::string> chain = ca.Sign(proxy->csr_pem, Id(uri), ttl);
  return chain.ok() ? *chain : "";
}

// A leaf in the SPIFFE profile but with `uri_san` as its SAN (possibly not a
// valid Weft identity), signed directly with a fresh root returned in `root_pem`.
std::string IssueRaw(const std::string& uri_san, const absl::Time now, std::string* root_pem) {
  absl::StatusOr<KeyPair> root_key = KeyPair::GenerateP256();
  absl::StatusOr<KeyPair> leaf_key = KeyPair::GenerateP256();
  CertificateSpec root_spec;
  root_spec.subject_key = root_key->key();
  root_spec.common_name = "raw root";
  root_spec.not_before = now - absl::Hours(1);
  root_spec.not_after = now + absl::Hours(24);
  root_spec.is_ca = true;
  absl::StatusOr<bssl::UniquePtr<X509>> root = BuildCertificate(root_spec);
  CertificateSpec leaf_spec;
  leaf_spec.subject_key = leaf_key->key();
  leaf_spec.issuer_cert = root->get();
  leaf_spec.issuer_key = root_key->key();
  leaf_spec.not_before = root_spec.not_before;
  leaf_spec.not_after = root_spec.not_after;
  leaf_spec.uri_san = uri_san;
  absl::StatusOr<bssl::UniquePtr<X509>> leaf = BuildCertificate(leaf_spec);
  *root_pem = *CertificateToPem(root->get());
  return *CertificateToPem(leaf->get());
}

class TrustBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = MakeCa("weft.local", time_);
    ASSERT_NE(ca_, nullptr);
    absl::StatusOr<TrustBundle> bundle = TrustBundle::FromPem("weft.local", ca_->root_cert_pem());
    ASSERT_TRUE(bundle.ok()) << bundle.status();
    bundle_ = std::make_unique<TrustBundle>(*std::move(bundle));
  }

  absl::Status VerifyAt(const std::string& chain, absl::Time at) {
    return VerifyWorkloadChain(chain, *bundle_, at).status();
  }

  SimulatedTimeSource time_;
  std::unique_ptr<CertificateAuthority> ca_;
  std::unique_ptr<TrustBundle> bundle_;
};

TEST_F(TrustBundleTest, ValidityWindowIsEnforcedAtSimulatedTimes) {
  time_.Advance(absl::Hours(1));  // So that the root is valid well before the leaf.
  const absl::Time issued = time_.SystemNow();
  const std::string chain = Issue(*ca_, kCart, absl::Hours(1));
  ASSERT_FALSE(chain.empty());

  EXPECT_TRUE(VerifyAt(chain, issued).ok());
  EXPECT_TRUE(VerifyAt(chain, issued - absl::Minutes(4)).ok()) << "backdated for skew";
  EXPECT_TRUE(VerifyAt(chain, issued + absl::Minutes(59)).ok());

  absl::Status early = VerifyAt(chain, issued - absl::Minutes(6));
  EXPECT_EQ(early.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyFailureReason(early), kReasonNotYetValid) << early;
  EXPECT_THAT(std::string(early.message()), HasSubstr("leaf certificate is valid only from"));

  absl::Status late = VerifyAt(chain, issued + absl::Minutes(61));
  EXPECT_EQ(late.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyFailureReason(late), kReasonExpired) << late;
  EXPECT_THAT(std::string(late.message()), HasSubstr("leaf certificate expired at"));
}

TEST_F(TrustBundleTest, LeafFromAnotherTrustDomainsCaIsRejected) {
  std::unique_ptr<CertificateAuthority> other = MakeCa("other.domain", time_);
  ASSERT_NE(other, nullptr);
  const std::string chain = Issue(*other, "spiffe://other.domain/ns/shop/sa/cart");
  ASSERT_FALSE(chain.empty());
  absl::Status status = VerifyAt(chain, time_.SystemNow());
  EXPECT_EQ(VerifyFailureReason(status), kReasonTrustDomainMismatch) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("'other.domain'"));
}

TEST_F(TrustBundleTest, LeafFromAnUnknownCaOfTheSameDomainIsRejected) {
  std::unique_ptr<CertificateAuthority> rogue = MakeCa("weft.local", time_);
  ASSERT_NE(rogue, nullptr);
  absl::Status status = VerifyAt(Issue(*rogue, kCart), time_.SystemNow());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyFailureReason(status), kReasonUnknownRoot) << status;
}

TEST_F(TrustBundleTest, SameDomainNameButForeignIdentityIsRejectedEvenIfSignedByOurRoot) {
  std::string root_pem;
  const std::string leaf = IssueRaw("spiffe://evil.domain/ns/a/sa/b", time_.SystemNow(), &root_pem);
  ASSERT_TRUE(bundle_->AddRootsPem(root_pem).ok());
  EXPECT_EQ(VerifyFailureReason(VerifyAt(leaf, time_.SystemNow())), kReasonTrustDomainMismatch);
}

TEST_F(TrustBundleTest, TwoRootsInABundleBothVerifyTheirLeaves) {
  std::unique_ptr<CertificateAuthority> next = MakeCa("weft.local", time_);
  ASSERT_NE(next, nullptr);
  ASSERT_TRUE(bundle_->AddRootsPem(next->root_cert_pem()).ok());
  EXPECT_EQ(bundle_->size(), 2u);
  // Adding a root again changes nothing.
  ASSERT_TRUE(bundle_->AddRootsPem(next->root_cert_pem()).ok());
  EXPECT_EQ(bundle_->size(), 2u);

  const std::string old_leaf = Issue(*ca_, kCart);
  const std::string new_leaf = Issue(*next, kCart);
  EXPECT_TRUE(VerifyAt(old_leaf, time_.SystemNow()).ok());
  EXPECT_TRUE(VerifyAt(new_leaf, time_.SystemNow()).ok());

  // PEM round trip keeps both.
  absl::StatusOr<TrustBundle> reparsed = TrustBundle::FromPem("weft.local", bundle_->ToPem());
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  EXPECT_EQ(reparsed->Fingerprints(), bundle_->Fingerprints());
  EXPECT_TRUE(VerifyWorkloadChain(new_leaf, *reparsed, time_.SystemNow()).ok());

  // Retiring the old root ends trust in its leaves only.
  ASSERT_TRUE(bundle_->RemoveRoot(bundle_->Fingerprints().front()));
  EXPECT_FALSE(bundle_->RemoveRoot("00"));
  EXPECT_EQ(VerifyFailureReason(VerifyAt(old_leaf, time_.SystemNow())), kReasonUnknownRoot);
  EXPECT_TRUE(VerifyAt(new_leaf, time_.SystemNow()).ok());
  // The copy made before is unaffected.
  EXPECT_TRUE(VerifyWorkloadChain(old_leaf, *reparsed, time_.SystemNow()).ok());
}

TEST_F(TrustBundleTest, MissingOrInvalidSpiffeIdGetDistinctReasons) {
  // A certificate with only a DNS name, chained to a trusted (test PKI) root.
  CertOptions options;
  options.common_name = "dns only";
  options.not_before = time_.SystemNow() - absl::Minutes(1);
  absl::StatusOr<KeyAndCert> test_ca = MakeSelfSignedCa(options);
  ASSERT_TRUE(test_ca.ok());
  options.dns_names = {"cart.shop.svc"};
  absl::StatusOr<KeyAndCert> dns_leaf = MakeLeafCert(options, *test_ca);
  ASSERT_TRUE(dns_leaf.ok());
  ASSERT_TRUE(bundle_->AddRootsPem(test_ca->cert_pem).ok());
  absl::Status missing = VerifyAt(dns_leaf->cert_pem, time_.SystemNow());
  EXPECT_EQ(VerifyFailureReason(missing), kReasonMissingSpiffeId) << missing;

  std::string root_pem;
  const std::string https_leaf = IssueRaw("https://weft.local/x", time_.SystemNow(), &root_pem);
  ASSERT_TRUE(bundle_->AddRootsPem(root_pem).ok());
  absl::Status invalid = VerifyAt(https_leaf, time_.SystemNow());
  EXPECT_EQ(VerifyFailureReason(invalid), kReasonInvalidSpiffeId) << invalid;
  EXPECT_THAT(std::string(invalid.message()), HasSubstr("spiffe://"));

  // A CA certificate presented as a leaf.
  absl::Status ca_as_leaf = VerifyAt(ca_->root_cert_pem(), time_.SystemNow());
  EXPECT_EQ(VerifyFailureReason(ca_as_leaf), kReasonNotALeaf) << ca_as_leaf;
}

TEST_F(TrustBundleTest, DerChainVerifies) {
  const std::string chain = Issue(*ca_, kCart);
  absl::StatusOr<std::string> der = PemToDer(chain);
  ASSERT_TRUE(der.ok());
  std::vector<absl::string_view> ders = {*der};
  absl::StatusOr<SpiffeId> id = VerifyWorkloadChainDer(ders, *bundle_, time_.SystemNow());
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->ToString(), kCart);
  std::string truncated = der->substr(0, der->size() - 1);
  ders = {truncated};
  absl::Status status = VerifyWorkloadChainDer(ders, *bundle_, time_.SystemNow()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyFailureReason(status), kReasonMalformedChain);
  EXPECT_EQ(VerifyFailureReason(
                VerifyWorkloadChainDer({}, *bundle_, time_.SystemNow()).status()),
            kReasonMalformedChain);
}

TEST_F(TrustBundleTest, MalformedPemGivesErrorsNotCrashes) {
  const std::string chain = Issue(*ca_, kCart);
  std::string flipped = chain;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {std::string(), std::string("hello"), chain.substr(0, chain.size() / 2),
        std::string("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"),
        std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        std::string("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")}) {
    absl::Status status = VerifyAt(bad, time_.SystemNow());
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(VerifyFailureReason(status), kReasonMalformedChain) << status;
  }
  // A flipped base64 character: either undecodable or a bad signature.
  EXPECT_FALSE(VerifyAt(flipped, time_.SystemNow()).ok());

  std::string many;
  for (int i = 0; i < 20; ++i) many += chain;
  EXPECT_THAT(std::string(VerifyAt(many, time_.SystemNow()).message()),
              HasSubstr("more than 16 certificates"));
}

TEST(TrustBundleRootsTest, RejectsNonRootsAndForeignDomainRoots) {
  SimulatedTimeSource time;
  std::unique_ptr<CertificateAuthority> ca = MakeCa("weft.local", time);
  ASSERT_NE(ca, nullptr);
  absl::StatusOr<TrustBundle> wrong = TrustBundle::FromPem("other.domain", ca->root_cert_pem());
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(wrong.status().message()), HasSubstr("not for trust domain other.domain"));

  const std::string leaf = Issue(*ca, kCart);
  absl::StatusOr<TrustBundle> not_root = TrustBundle::FromPem("weft.local", leaf);
  EXPECT_THAT(std::string(not_root.status().message()), HasSubstr("not a self-signed CA"));

  // All or nothing: a good root followed by a leaf adds nothing.
  absl::StatusOr<TrustBundle> bundle = TrustBundle::Create("weft.local");
  ASSERT_TRUE(bundle.ok());
  EXPECT_FALSE(bundle->AddRootsPem(ca->root_cert_pem() + leaf).ok());
  EXPECT_TRUE(bundle->empty());
  EXPECT_EQ(VerifyFailureReason(VerifyWorkloadChain(leaf, *bundle, time.SystemNow()).status()),
            kReasonUnknownRoot);
  EXPECT_FALSE(TrustBundle::Create("Bad Domain").ok());
}

}  // namespace
}  // namespace certs
}  // namespace weft
