#include "certs/test_pki.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace weft {
namespace certs {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// A fixed instant: verification below passes the same time explicitly, so the
// test does not depend on the clock.
const absl::Time kNow = absl::FromUnixSeconds(1700000000);

CertOptions Options(const std::string& common_name) {
  CertOptions options;
  options.common_name = common_name;
  options.not_before = kNow;
  return options;
}

// X509_verify_cert of `leaf` against `ca` at `when`; returns the X509_V_* code.
int Verify(const KeyAndCert& leaf, const KeyAndCert& ca, absl::Time when) {
  bssl::UniquePtr<X509_STORE> store(X509_STORE_new());
  bssl::UniquePtr<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  if (!X509_STORE_add_cert(store.get(), ca.cert.get()) ||
      !X509_STORE_CTX_init(ctx.get(), store.get(), leaf.cert.get(), nullptr)) {
    return -1;
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, absl::ToTimeT(when));
  X509_verify_cert(ctx.get());
  return X509_STORE_CTX_get_error(ctx.get());
}

TEST(TestPkiTest, LeafVerifiesAgainstItsCaWithinItsLifetime) {
  absl::StatusOr<KeyAndCert> ca = MakeSelfSignedCa(Options("ca"));
  ASSERT_TRUE(ca.ok()) << ca.status();
  CertOptions leaf_options = Options("server");
  leaf_options.dns_names = {"localhost"};
  leaf_options.ip_addresses = {"127.0.0.1", "::1"};
  absl::StatusOr<KeyAndCert> leaf = MakeLeafCert(leaf_options, *ca);
  ASSERT_TRUE(leaf.ok()) << leaf.status();

  EXPECT_EQ(Verify(*leaf, *ca, kNow + absl::Hours(1)), X509_V_OK);
  EXPECT_EQ(Verify(*leaf, *ca, kNow - absl::Hours(1)), X509_V_ERR_CERT_NOT_YET_VALID);
  EXPECT_EQ(Verify(*leaf, *ca, kNow + absl::Hours(25)), X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(X509_check_host(leaf->cert.get(), "localhost", 9, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(leaf->cert.get(), "::1", 0), 1);
  EXPECT_EQ(X509_check_ca(leaf->cert.get()), 0);
  EXPECT_EQ(X509_check_ca(ca->cert.get()), 1);
  EXPECT_THAT(leaf->cert_pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
  EXPECT_THAT(leaf->key_pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));
}

TEST(TestPkiTest, LeafFromAnotherCaDoesNotVerify) {
  absl::StatusOr<KeyAndCert> ca = MakeSelfSignedCa(Options("ca"));
  absl::StatusOr<KeyAndCert> other_ca = MakeSelfSignedCa(Options("ca"));
  ASSERT_TRUE(ca.ok() && other_ca.ok());
  absl::StatusOr<KeyAndCert> leaf = MakeLeafCert(Options("server"), *other_ca);
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  EXPECT_NE(Verify(*leaf, *ca, kNow + absl::Hours(1)), X509_V_OK);
}

TEST(TestPkiTest, BadOptionsAreAllReported) {
  CertOptions options;  // No name, no start time.
  options.lifetime = absl::ZeroDuration();
  options.dns_names = {"a,b"};
  options.ip_addresses = {"300.1.1.1"};
  absl::StatusOr<KeyAndCert> ca = MakeSelfSignedCa(options);
  EXPECT_EQ(ca.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ca.status().message(),
              AllOf(HasSubstr("common_name is empty"), HasSubstr("not_before is not set"),
                    HasSubstr("lifetime is not positive"), HasSubstr("bad DNS name 'a,b'"),
                    HasSubstr("bad IP address '300.1.1.1'")));
}

TEST(TestPkiTest, IssuerWithoutKeyIsRejected) {
  KeyAndCert empty;
  absl::StatusOr<KeyAndCert> leaf = MakeLeafCert(Options("server"), empty);
  EXPECT_EQ(leaf.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace certs
}  // namespace weft
