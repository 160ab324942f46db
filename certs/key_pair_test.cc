#include "certs/key_pair.h"

#include <string>

#include "certs/csr.h"
#include "certs/test_pki.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/evp.h"

namespace weft {
namespace certs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

SpiffeId Id(const std::string& uri) { return *SpiffeId::Parse(uri); }

TEST(KeyPairTest, GeneratesDistinctP256Keys) {
  absl::StatusOr<KeyPair> a = KeyPair::GenerateP256();
  absl::StatusOr<KeyPair> b = KeyPair::GenerateP256();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(IsP256Key(a->key()));
  EXPECT_NE(EVP_PKEY_cmp(a->key(), b->key()), 1);
}

TEST(KeyPairTest, Pkcs8PemRoundTrip) {
  absl::StatusOr<KeyPair> key = KeyPair::GenerateP256();
  ASSERT_TRUE(key.ok());
  absl::StatusOr<std::string> pem = key->ToPkcs8Pem();
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_THAT(*pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));
  absl::StatusOr<KeyPair> again = KeyPair::FromPkcs8Pem(*pem);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(EVP_PKEY_cmp(key->key(), again->key()), 1);
}

TEST(KeyPairTest, MalformedKeyPemGivesErrorsWithoutEchoingKeyBytes) {
  absl::StatusOr<KeyPair> key = KeyPair::GenerateP256();
  ASSERT_TRUE(key.ok());
  std::string pem = *key->ToPkcs8Pem();
  std::string body = pem.substr(pem.find('\n') + 1, 20);

  std::string wrong_type = pem;
  wrong_type.replace(wrong_type.find("PRIVATE KEY"), 11, "EC PRIVATE KEY");
  wrong_type.replace(wrong_type.rfind("PRIVATE KEY"), 11, "EC PRIVATE KEY");
  std::string truncated_der = pem;
  truncated_der.replace(pem.find('\n') + 1, 8, "AAAAAAAA");

  for (const std::string& bad :
       {std::string(), std::string("garbage"), pem.substr(0, pem.size() / 2), wrong_type,
        truncated_der, std::string("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n")}) {
    absl::StatusOr<KeyPair> parsed = KeyPair::FromPkcs8Pem(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("private key"));
    EXPECT_THAT(std::string(parsed.status().message()), ::testing::Not(HasSubstr(body)));
  }
  EXPECT_THAT(std::string(KeyPair::FromPkcs8Pem(wrong_type).status().message()),
              HasSubstr("\"EC PRIVATE KEY\", expected \"PRIVATE KEY\""));
}

TEST(KeyPairTest, CsrCarriesTheIdentityAndVerifies) {
  absl::StatusOr<KeyPair> key = KeyPair::GenerateP256();
  ASSERT_TRUE(key.ok());
  absl::StatusOr<std::string> csr = CreateCsrPem(*key, Id("spiffe://weft.local/ns/shop/sa/cart"));
  ASSERT_TRUE(csr.ok()) << csr.status();
  EXPECT_THAT(*csr, HasSubstr("-----BEGIN CERTIFICATE REQUEST-----"));
  absl::StatusOr<VerifiedCsr> parsed = ParseAndVerifyCsrPem(*csr);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->uri_sans, ElementsAre("spiffe://weft.local/ns/shop/sa/cart"));
  EXPECT_EQ(EVP_PKEY_cmp(parsed->public_key.get(), key->key()), 1);
}

TEST(CsrTest, MalformedInputsGiveErrors) {
  for (const std::string& bad :
       {std::string(), std::string("\x30\x82\xff\xff"),
        std::string("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"),
        std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")}) {
    absl::StatusOr<VerifiedCsr> parsed = ParseAndVerifyCsrPem(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("CSR"));
  }
  EXPECT_FALSE(ParseAndVerifyCsrDer("").ok());
  EXPECT_FALSE(ParseAndVerifyCsrDer(std::string(100, '\0')).ok());
}

}  // namespace
}  // namespace certs
}  // namespace weft
