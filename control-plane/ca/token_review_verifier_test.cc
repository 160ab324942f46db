#include "control-plane/ca/token_review_verifier.h"

#include <map>

#include "common/time/simulated_time_source.h"
#include "gtest/gtest.h"

namespace weft::control_plane::ca {
namespace {

// Answers from a table; counts the reviews it was asked for.
class TableReviewer : public TokenReviewer {
 public:
  absl::StatusOr<TokenReviewResult> Review(
      const std::string& token, const std::vector<std::string>& audiences) const override {
    ++calls;
    last_audiences = audiences;
    if (!available) return absl::UnavailableError("connection refused");
    auto it = answers.find(token);
    if (it == answers.end()) return TokenReviewResult{false, "", {}, "invalid bearer token", {}};
    return it->second;
  }
  std::map<std::string, TokenReviewResult> answers;
  bool available = true;
  mutable int calls = 0;
  mutable std::vector<std::string> last_audiences;
};

TokenReviewResult ServiceAccount(const std::string& username) {
  return TokenReviewResult{true, username, {"weft-ca"}, "", {}};
}

class TokenReviewVerifierTest : public ::testing::Test {
 protected:
  TokenReviewVerifierTest() {
    reviewer.answers["token-a"] = ServiceAccount("system:serviceaccount:shop:frontend");
  }
  SimulatedTimeSource time;
  TableReviewer reviewer;
  TokenReviewVerifier verifier{{.trust_domain = "mesh.test"}, reviewer, time};
};

TEST_F(TokenReviewVerifierTest, GrantsExactlyTheServiceAccountsIdentity) {
  absl::StatusOr<certs::SpiffeId> id = verifier.Verify("token-a");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->ToString(), "spiffe://mesh.test/ns/shop/sa/frontend");
  EXPECT_EQ(reviewer.last_audiences, std::vector<std::string>{"weft-ca"});
}

TEST_F(TokenReviewVerifierTest, RefusesWhatTheApiServerDoesNotAuthenticate) {
  absl::StatusOr<certs::SpiffeId> id = verifier.Verify("forged");
  EXPECT_EQ(id.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(id.status().message().find("invalid bearer token"), absl::string_view::npos);
  EXPECT_EQ(id.status().message().find("forged"), absl::string_view::npos);  // never the token
  EXPECT_EQ(verifier.Verify("").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenReviewVerifierTest, RefusesAnotherAudienceAndUsersThatAreNotServiceAccounts) {
  reviewer.answers["api-token"] = TokenReviewResult{
      true, "system:serviceaccount:shop:frontend", {"https://kubernetes.default.svc"}, "", {}};
  reviewer.answers["no-audience"] =
      TokenReviewResult{true, "system:serviceaccount:shop:frontend", {}, "", {}};
  reviewer.answers["user"] = ServiceAccount("alice@example.com");
  reviewer.answers["short"] = ServiceAccount("system:serviceaccount:shop");
  for (const char* token : {"api-token", "no-audience", "user", "short"}) {
    absl::StatusOr<certs::SpiffeId> id = verifier.Verify(token);
    EXPECT_EQ(id.status().code(), absl::StatusCode::kUnauthenticated) << token;
  }
  EXPECT_NE(verifier.Verify("user").status().message().find("not to a service account"),
            absl::string_view::npos);
  EXPECT_NE(verifier.Verify("api-token").status().message().find("not for audience weft-ca"),
            absl::string_view::npos);
}

TEST_F(TokenReviewVerifierTest, ApiErrorsAreRetryable) {
  reviewer.available = false;
  EXPECT_EQ(verifier.Verify("token-a").status().code(), absl::StatusCode::kUnavailable);
  reviewer.available = true;
  EXPECT_TRUE(verifier.Verify("token-a").ok());
}

TEST_F(TokenReviewVerifierTest, CachesPositiveAnswersBriefly) {
  ASSERT_TRUE(verifier.Verify("token-a").ok());
  ASSERT_TRUE(verifier.Verify("token-a").ok());
  EXPECT_EQ(reviewer.calls, 1);
  // Revoked: still granted from the cache until the minute is over.
  reviewer.answers.erase("token-a");
  time.Advance(absl::Seconds(59));
  EXPECT_TRUE(verifier.Verify("token-a").ok());
  time.Advance(absl::Seconds(2));
  EXPECT_EQ(verifier.Verify("token-a").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(reviewer.calls, 2);
  // Refusals are not cached.
  EXPECT_FALSE(verifier.Verify("token-a").ok());
  EXPECT_EQ(reviewer.calls, 3);
}

TEST_F(TokenReviewVerifierTest, NeverCachesPastTheTokensExpiry) {
  TokenReviewResult answer = ServiceAccount("system:serviceaccount:shop:frontend");
  answer.expires = time.SystemNow() + absl::Seconds(10);
  reviewer.answers["short-lived"] = answer;
  ASSERT_TRUE(verifier.Verify("short-lived").ok());
  time.Advance(absl::Seconds(11));
  ASSERT_TRUE(verifier.Verify("short-lived").ok());
  EXPECT_EQ(reviewer.calls, 2);
}

TEST_F(TokenReviewVerifierTest, TheCacheIsBounded) {
  TokenReviewVerifier small({.trust_domain = "mesh.test", .max_cache_entries = 2}, reviewer, time);
  for (int i = 0; i < 5; ++i) {
    const std::string token = "t" + std::to_string(i);
    reviewer.answers[token] = ServiceAccount("system:serviceaccount:ns:sa" + std::to_string(i));
    time.Advance(absl::Seconds(1));
    ASSERT_TRUE(small.Verify(token).ok());
    EXPECT_LE(small.cached(), 2u);
  }
  const int before = reviewer.calls;
  ASSERT_TRUE(small.Verify("t4").ok());  // the newest stayed
  EXPECT_EQ(reviewer.calls, before);
}

}  // namespace
}  // namespace weft::control_plane::ca
