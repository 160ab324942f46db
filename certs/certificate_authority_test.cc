#include "certs/certificate_authority.h"

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "certs/cert_test_util.h"
#include "certs/trust_bundle.h"
#include "certs/x509_util.h"
#include "common/time/simulated_time_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/x509v3.h"

namespace weft {
namespace certs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kCart[] = "spiffe://weft.local/ns/shop/sa/cart";

SpiffeId Id(const std::string& uri) { return *SpiffeId::Parse(uri); }

CertificateAuthority::Options LocalOptions() {
  CertificateAuthority::Options options;
  options.trust_domain = "weft.local";
  return options;
}

mode_t FileMode(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class CertificateAuthorityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca =
        CertificateAuthority::Generate(LocalOptions(), time_);
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = *std::move(ca);
    absl::StatusOr<TrustBundle> bundle = TrustBundle::FromPem("weft.local", ca_->root_cert_pem());
    ASSERT_TRUE(bundle.ok()) << bundle.status();
    bundle_ = std::make_unique<TrustBundle>(*std::move(bundle));
  }

  SimulatedTimeSource time_;
  std::unique_ptr<CertificateAuthority> ca_;
  std::unique_ptr<TrustBundle> bundle_;
};

TEST_F(CertificateAuthorityTest, IssuesAndVerifiesRoundTrip) {
  absl::StatusOr<KeyAndCsr> proxy = MakeKeyAndCsr(kCart);
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  absl::StatusOr<std::string> chain = ca_->Sign(proxy->csr_pem, Id(kCart));
  ASSERT_TRUE(chain.ok()) << chain.status();

  absl::StatusOr<SpiffeId> peer = VerifyWorkloadChain(*chain, *bundle_, time_.SystemNow());
  ASSERT_TRUE(peer.ok()) << peer.status();
  EXPECT_EQ(peer->ToString(), kCart);
}

TEST_F(CertificateAuthorityTest, LeafFollowsTheProfile) {
  absl::StatusOr<KeyAndCsr> proxy = MakeKeyAndCsr(kCart);
  ASSERT_TRUE(proxy.ok());
  const absl::Time now = time_.SystemNow();
  absl::StatusOr<std::string> chain = ca_->Sign(proxy->csr_pem, Id(kCart));
  ASSERT_TRUE(chain.ok()) << chain.status();
  absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> certs = ParseCertificatesPem(*chain);
  ASSERT_TRUE(certs.ok());
  ASSERT_EQ(certs->size(), 1u);  // No intermediate: the leaf alone.
  X509* leaf = certs->front().get();

  // The proxy's own key, not one the CA made.
  bssl::UniquePtr<EVP_PKEY> leaf_key(X509_get_pubkey(leaf));
  EXPECT_EQ(EVP_PKEY_cmp(leaf_key.get(), proxy->key.key()), 1);
  EXPECT_THAT(*CertificateUriSans(leaf), ElementsAre(kCart));
  EXPECT_EQ(*AsnTimeToTime(X509_get0_notBefore(leaf)), now - absl::Minutes(5));
  EXPECT_EQ(*AsnTimeToTime(X509_get0_notAfter(leaf)), now + absl::Hours(24));
  EXPECT_EQ(X509_check_ca(leaf), 0);
  EXPECT_EQ(X509_get_key_usage(leaf), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE |
                                                           KU_KEY_ENCIPHERMENT));
  EXPECT_EQ(X509_get_extended_key_usage(leaf), static_cast<uint32_t>(XKU_SSL_SERVER |
                                                                    XKU_SSL_CLIENT));
  EXPECT_NE(X509_get0_subject_key_id(leaf), nullptr);
  EXPECT_NE(X509_get0_authority_key_id(leaf), nullptr);
  // The SAN is critical because the subject is empty.
  int critical = -1;
  bssl::UniquePtr<GENERAL_NAMES> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(leaf, NID_subject_alt_name, &critical, nullptr)));
  EXPECT_EQ(critical, 1);
  // 128-bit random serials: two leaves differ.
  absl::StatusOr<std::string> other = ca_->Sign(proxy->csr_pem, Id(kCart));
  ASSERT_TRUE(other.ok());
  bssl::UniquePtr<X509> other_leaf = std::move(ParseCertificatesPem(*other)->front());
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get_serialNumber(leaf),
                             X509_get_serialNumber(other_leaf.get())),
            0);
  EXPECT_GE(ASN1_STRING_length(X509_get_serialNumber(leaf)), 16);
}

TEST_F(CertificateAuthorityTest, CsrForAnotherIdentityIsPermissionDenied) {
  absl::StatusOr<KeyAndCsr> proxy = MakeKeyAndCsr("spiffe://weft.local/ns/shop/sa/payments");
  ASSERT_TRUE(proxy.ok());
  absl::StatusOr<std::string> chain = ca_->Sign(proxy->csr_pem, Id(kCart));
  EXPECT_EQ(chain.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(chain.status().message()),
              HasSubstr("spiffe://weft.local/ns/shop/sa/payments"));
  EXPECT_THAT(std::string(chain.status().message()), HasSubstr(kCart));
}

TEST_F(CertificateAuthorityTest, TamperedCsrIsRejected) {
  absl::StatusOr<KeyAndCsr> proxy = MakeKeyAndCsr(kCart);
  ASSERT_TRUE(proxy.ok());
  std::string der = *PemToDer(proxy->csr_pem);
  // Flip a byte inside the signed request info: "cart" becomes "cbrt". The DER
  // still decodes; only the signature can tell.
  size_t at = der.find("sa/cart");
  ASSERT_NE(at, std::string::npos);
  der[at + 4] ^= 0x03;
  absl::StatusOr<std::string> chain =
      ca_->Sign(DerToPem(der, "CERTIFICATE REQUEST"), Id("spiffe://weft.local/ns/shop/sa/cbrt"));
  EXPECT_EQ(chain.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(chain.status().message()), HasSubstr("signature does not verify"));
}

TEST_F(CertificateAuthorityTest, RejectsGrantOutsideTrustDomainAndBadCsrs) {
  absl::StatusOr<KeyAndCsr> proxy = MakeKeyAndCsr("spiffe://other.domain/ns/shop/sa/cart");
  ASSERT_TRUE(proxy.ok());
  absl::StatusOr<std::string> chain =
      ca_->Sign(proxy->csr_pem, Id("spiffe://other.domain/ns/shop/sa/cart"));
  EXPECT_EQ(chain.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(chain.status().message()), HasSubstr("not in this CA's trust domain"));

  for (const std::string& bad :
       {std::string(), std::string("not pem"), ca_->root_cert_pem(),
        std::string("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")}) {
    absl::StatusOr<std::string> result = ca_->Sign(bad, Id(kCart));
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(CertificateAuthorityTest, TtlIsCappedAtTheCaExpiry) {
  CertificateAuthority::Options options = LocalOptions();
  options.root_lifetime = absl::Hours(10);
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca =
      CertificateAuthority::Generate(options, time_);
  ASSERT_TRUE(ca.ok());
  absl::StatusOr<KeyAndCsr> proxy = MakeKeyAndCsr(kCart);
  ASSERT_TRUE(proxy.ok());
  time_.Advance(absl::Hours(4));
  absl::StatusOr<std::string> chain = (*ca)->Sign(proxy->csr_pem, Id(kCart), absl::Hours(24));
  ASSERT_TRUE(chain.ok()) << chain.status();
  absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> certs = ParseCertificatesPem(*chain);
  ASSERT_TRUE(certs.ok());
  EXPECT_EQ(*AsnTimeToTime(X509_get0_notAfter(certs->front().get())), (*ca)->not_after());
  // A short TTL is honoured as asked.
  chain = (*ca)->Sign(proxy->csr_pem, Id(kCart), absl::Hours(1));
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(*AsnTimeToTime(X509_get0_notAfter(ParseCertificatesPem(*chain)->front().get())),
            time_.SystemNow() + absl::Hours(1));

  time_.Advance(absl::Hours(7));
  chain = (*ca)->Sign(proxy->csr_pem, Id(kCart));
  EXPECT_EQ(chain.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(chain.status().message()), HasSubstr("expired"));
}

TEST_F(CertificateAuthorityTest, IntermediateSignsAndChainVerifies) {
  CertificateAuthority::Options options = LocalOptions();
  options.generate_intermediate = true;
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca =
      CertificateAuthority::Generate(options, time_);
  ASSERT_TRUE(ca.ok()) << ca.status();
  EXPECT_FALSE((*ca)->intermediate_cert_pem().empty());
  absl::StatusOr<KeyAndCsr> proxy = MakeKeyAndCsr(kCart);
  ASSERT_TRUE(proxy.ok());
  absl::StatusOr<std::string> chain = (*ca)->Sign(proxy->csr_pem, Id(kCart));
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_EQ(ParseCertificatesPem(*chain)->size(), 2u);
  absl::StatusOr<TrustBundle> bundle = TrustBundle::FromPem("weft.local", (*ca)->root_cert_pem());
  ASSERT_TRUE(bundle.ok());
  absl::StatusOr<SpiffeId> peer = VerifyWorkloadChain(*chain, *bundle, time_.SystemNow());
  ASSERT_TRUE(peer.ok()) << peer.status();
  // Without the intermediate the leaf cannot be chained to the root.
  std::string leaf_only = chain->substr(0, chain->find("-----BEGIN", 10));
  EXPECT_EQ(VerifyFailureReason(
                VerifyWorkloadChain(leaf_only, *bundle, time_.SystemNow()).status()),
            kReasonUnknownRoot);
}

TEST(CertificateAuthorityFilesTest, PersistsAndReloadsTheSameRoot) {
  SimulatedTimeSource time;
  const std::string dir = MakeTempDir() + "/ca";
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> first =
      CertificateAuthority::LoadOrCreate(dir, LocalOptions(), time);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE((*first)->newly_created());
  EXPECT_EQ(FileMode(dir), 0700u);
  EXPECT_EQ(FileMode(dir + "/root-key.pem"), 0600u);
  EXPECT_EQ(FileMode(dir + "/root-cert.pem"), 0644u);

  time.Advance(absl::Hours(1));
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> second =
      CertificateAuthority::LoadOrCreate(dir, LocalOptions(), time);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE((*second)->newly_created());
  EXPECT_EQ((*second)->root_cert_pem(), (*first)->root_cert_pem());

  // A leaf from the reloaded CA verifies against the first CA's root.
  absl::StatusOr<KeyAndCsr> proxy = MakeKeyAndCsr(kCart);
  ASSERT_TRUE(proxy.ok());
  absl::StatusOr<std::string> chain = (*second)->Sign(proxy->csr_pem, Id(kCart));
  ASSERT_TRUE(chain.ok());
  absl::StatusOr<TrustBundle> bundle = TrustBundle::FromPem("weft.local", (*first)->root_cert_pem());
  ASSERT_TRUE(bundle.ok());
  EXPECT_TRUE(VerifyWorkloadChain(*chain, *bundle, time.SystemNow()).ok());
}

TEST(CertificateAuthorityFilesTest, PersistsIntermediateWithPrivateKeys) {
  SimulatedTimeSource time;
  const std::string dir = MakeTempDir();
  CertificateAuthority::Options options = LocalOptions();
  options.generate_intermediate = true;
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> first =
      CertificateAuthority::LoadOrCreate(dir, options, time);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(FileMode(dir + "/root-key.pem"), 0600u);
  EXPECT_EQ(FileMode(dir + "/intermediate-key.pem"), 0600u);
  EXPECT_EQ(FileMode(dir + "/intermediate-cert.pem"), 0644u);

  // The root key may be taken offline; the intermediate still signs.
  ASSERT_EQ(unlink((dir + "/root-key.pem").c_str()), 0);
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> second =
      CertificateAuthority::LoadOrCreate(dir, options, time);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->intermediate_cert_pem(), (*first)->intermediate_cert_pem());
  absl::StatusOr<KeyAndCsr> proxy = MakeKeyAndCsr(kCart);
  ASSERT_TRUE(proxy.ok());
  EXPECT_TRUE((*second)->Sign(proxy->csr_pem, Id(kCart)).ok());
}

TEST(CertificateAuthorityFilesTest, BrokenDirectoriesGiveClearErrors) {
  SimulatedTimeSource time;
  const std::string dir = MakeTempDir();
  ASSERT_TRUE(CertificateAuthority::LoadOrCreate(dir, LocalOptions(), time).ok());

  // Wrong trust domain for the stored root.
  CertificateAuthority::Options other = LocalOptions();
  other.trust_domain = "other.domain";
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca =
      CertificateAuthority::LoadOrCreate(dir, other, time);
  EXPECT_EQ(ca.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ca.status().message()), HasSubstr("spiffe://weft.local"));

  // A key that belongs to another CA.
  const std::string other_dir = MakeTempDir();
  ASSERT_TRUE(CertificateAuthority::LoadOrCreate(other_dir, LocalOptions(), time).ok());
  ASSERT_EQ(rename((other_dir + "/root-key.pem").c_str(), (dir + "/root-key.pem").c_str()), 0);
  ca = CertificateAuthority::LoadOrCreate(dir, LocalOptions(), time);
  EXPECT_EQ(ca.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ca.status().message()), HasSubstr("does not match"));

  // Key missing.
  ASSERT_EQ(unlink((dir + "/root-key.pem").c_str()), 0);
  ca = CertificateAuthority::LoadOrCreate(dir, LocalOptions(), time);
  EXPECT_EQ(ca.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(ca.status().message()), HasSubstr("root-key.pem"));
}

TEST(CertificateAuthorityPemTest, MalformedPemGivesErrors) {
  SimulatedTimeSource time;
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> good =
      CertificateAuthority::Generate(LocalOptions(), time);
  ASSERT_TRUE(good.ok());
  CertificateAuthority::Pem pem;
  pem.root_cert_pem = (*good)->root_cert_pem();
  pem.signing_key_pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  EXPECT_EQ(CertificateAuthority::FromPem(pem, LocalOptions(), time).status().code(),
            absl::StatusCode::kInvalidArgument);
  pem.root_cert_pem = pem.root_cert_pem.substr(0, 100);
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca =
      CertificateAuthority::FromPem(pem, LocalOptions(), time);
  EXPECT_EQ(ca.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ca.status().message()), HasSubstr("root certificate"));

  CertificateAuthority::Options bad = LocalOptions();
  bad.trust_domain = "";
  bad.default_leaf_ttl = absl::ZeroDuration();
  absl::Status status = CertificateAuthority::ValidateOptions(bad);
  EXPECT_THAT(std::string(status.message()), HasSubstr("trust domain is empty"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("default_leaf_ttl"));
}

}  // namespace
}  // namespace certs
}  // namespace weft
