#include "control-plane/kube/api_token_reviewer.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "control-plane/kube/fake_api_transport.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace weft::control_plane::kube {
namespace {

class ApiTokenReviewerTest : public ::testing::Test {
 protected:
  FakeApiTransport api;
  ApiTokenReviewer reviewer{[this] { return std::make_unique<ForwardingApiTransport>(api); }};
};

TEST_F(ApiTokenReviewerTest, PostsTheTokenAndAudiencesAndReadsTheStatus) {
  api.ReplyGet(201, R"({"kind":"TokenReview","status":{"authenticated":true,
      "user":{"username":"system:serviceaccount:shop:frontend","uid":"u1"},
      "audiences":["weft-ca"]}})");
  absl::StatusOr<ca::TokenReviewResult> r = reviewer.Review("tok\"en", {"weft-ca"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->authenticated);
  EXPECT_EQ(r->username, "system:serviceaccount:shop:frontend");
  EXPECT_EQ(r->audiences, std::vector<std::string>{"weft-ca"});
  EXPECT_FALSE(r->expires.has_value());  // not a JWT
  ASSERT_EQ(api.paths(),
            std::vector<std::string>{"POST /apis/authentication.k8s.io/v1/tokenreviews"});
  const YAML::Node sent = YAML::Load(api.bodies()[0]);
  EXPECT_EQ(sent["kind"].Scalar(), "TokenReview");
  EXPECT_EQ(sent["spec"]["token"].Scalar(), "tok\"en");
  EXPECT_EQ(sent["spec"]["audiences"][0].Scalar(), "weft-ca");
  EXPECT_EQ(api.content_types()[0], "application/json");
}

TEST_F(ApiTokenReviewerTest, ReadsTheJwtExpiry) {
  const std::string jwt =
      absl::StrCat("e30.", absl::WebSafeBase64Escape(R"({"exp":1800000000})"), ".sig");
  api.ReplyGet(201, R"({"status":{"authenticated":true,"user":{"username":"x"}}})");
  absl::StatusOr<ca::TokenReviewResult> r = reviewer.Review(jwt, {"weft-ca"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->expires, absl::FromUnixSeconds(1800000000));
}

TEST_F(ApiTokenReviewerTest, ARefusalIsAnAnswer) {
  api.ReplyGet(201, R"({"status":{"authenticated":false,"error":"token has expired"}})");
  absl::StatusOr<ca::TokenReviewResult> r = reviewer.Review("t", {"weft-ca"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->authenticated);
  EXPECT_EQ(r->error, "token has expired");
}

TEST_F(ApiTokenReviewerTest, ApiErrorsAreUnavailable) {
  api.ReplyGet(403, R"({"kind":"Status"})");
  api.ReplyGet(500, "oops");
  api.ReplyGet(201, "[not a map");
  api.FailGet(absl::UnavailableError("connection refused"));
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<ca::TokenReviewResult> r = reviewer.Review("t", {"weft-ca"});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << i << " " << r.status();
    if (i == 0) {
      EXPECT_NE(r.status().message().find("tokenreviews"), absl::string_view::npos);
    }
  }
}

}  // namespace
}  // namespace weft::control_plane::kube
