#include "certs/spiffe_id.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft {
namespace certs {
namespace {

using ::testing::HasSubstr;

TEST(SpiffeIdTest, ParsesAndFormatsRoundTrip) {
  absl::StatusOr<SpiffeId> id = SpiffeId::Parse("spiffe://weft.local/ns/shop/sa/cart");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->trust_domain(), "weft.local");
  EXPECT_EQ(id->namespace_name(), "shop");
  EXPECT_EQ(id->service_account(), "cart");
  EXPECT_EQ(id->ToString(), "spiffe://weft.local/ns/shop/sa/cart");
}

TEST(SpiffeIdTest, CreateMatchesParse) {
  absl::StatusOr<SpiffeId> made = SpiffeId::Create("a-b_c.d9", "Name.Space-1", "SA_x");
  ASSERT_TRUE(made.ok()) << made.status();
  absl::StatusOr<SpiffeId> parsed = SpiffeId::Parse(made->ToString());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*made, *parsed);
  EXPECT_NE(*made, *SpiffeId::Create("a-b_c.d9", "Name.Space-1", "other"));
}

struct BadCase {
  std::string uri;
  std::string expected_message_part;
};

class SpiffeIdRejectsTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(SpiffeIdRejectsTest, WithClearError) {
  absl::StatusOr<SpiffeId> id = SpiffeId::Parse(GetParam().uri);
  ASSERT_FALSE(id.ok()) << GetParam().uri;
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(id.status().message()), HasSubstr(GetParam().expected_message_part));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SpiffeIdRejectsTest,
    ::testing::Values(
        BadCase{"", "does not start with \"spiffe://\""},
        BadCase{"https://weft.local/ns/a/sa/b", "does not start with"},
        BadCase{"SPIFFE://weft.local/ns/a/sa/b", "scheme is lowercase"},
        BadCase{"spiffe:///ns/a/sa/b", "trust domain is empty"},
        BadCase{"spiffe://Weft.local/ns/a/sa/b", "trust domains are lowercase"},
        BadCase{"spiffe://weft.local:8443/ns/a/sa/b", "ports are not allowed"},
        BadCase{"spiffe://user@weft.local/ns/a/sa/b", "user info is not allowed"},
        BadCase{"spiffe://weft.local", "has no path"},
        BadCase{"spiffe://weft.local/", "has no path"},
        BadCase{"spiffe://weft.local/ns//sa/b", "path segment 2 is empty"},
        BadCase{"spiffe://weft.local/ns/a/sa/b/", "path segment 5 is empty"},
        BadCase{"spiffe://weft.local/ns/../sa/b", "dot-segment"},
        BadCase{"spiffe://weft.local/ns/./sa/b", "dot-segment"},
        BadCase{"spiffe://weft.local/ns/a%20b/sa/b", "contains '%'"},
        BadCase{"spiffe://weft.local/ns/a/sa/b?x=1", "query is not allowed"},
        BadCase{"spiffe://weft.local/ns/a/sa/b#f", "fragment is not allowed"},
        BadCase{"spiffe://weft.local/workload/a", "not of the form /ns/"},
        BadCase{"spiffe://weft.local/ns/a/sa/b/extra", "not of the form /ns/"},
        BadCase{std::string("spiffe://weft.local/ns/a\0b/sa/c", 31), "byte 0x00"},
        BadCase{"spiffe://weft.local/ns/" + std::string(2100, 'a') + "/sa/b",
                "more than 2048"},
        BadCase{"spiffe://" + std::string(256, 'a') + "/ns/a/sa/b", "more than 255"}));

TEST(SpiffeIdTest, CreateRejectsBadParts) {
  EXPECT_THAT(std::string(SpiffeId::Create("weft.local", "", "sa").status().message()),
              HasSubstr("namespace is empty"));
  EXPECT_THAT(std::string(SpiffeId::Create("weft.local", "ns", "a/b").status().message()),
              HasSubstr("service account contains '/'"));
  EXPECT_THAT(std::string(SpiffeId::Create("weft.local", "..", "sa").status().message()),
              HasSubstr("dot-segment"));
  EXPECT_FALSE(SpiffeId::Create("WEFT", "ns", "sa").ok());
}

TEST(SpiffeIdTest, TrustDomainValidation) {
  EXPECT_TRUE(ValidateTrustDomain("cluster.local").ok());
  EXPECT_TRUE(ValidateTrustDomain("a_b-c.9").ok());
  EXPECT_FALSE(ValidateTrustDomain("").ok());
  EXPECT_FALSE(ValidateTrustDomain("a/b").ok());
  EXPECT_EQ(TrustDomainUri("weft.local"), "spiffe://weft.local");
}

}  // namespace
}  // namespace certs
}  // namespace weft
