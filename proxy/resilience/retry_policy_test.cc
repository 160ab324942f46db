#include "proxy/resilience/retry_policy.h"

#include "gtest/gtest.h"

namespace weft::resilience {
namespace {

using Kind = AttemptOutcome::Kind;

AttemptOutcome Status(int http, std::optional<int> grpc = std::nullopt) {
  return {Kind::kResponse, http, grpc};
}

TEST(RetryPolicyTest, FiveXxCoversStatusesConnectFailuresAndResets) {
  auto p = RetryPolicy::Create({.retry_on = kRetryOn5xx, .num_retries = 2});
  ASSERT_TRUE(p.ok());
  RequestInfo get;
  EXPECT_EQ(p->ShouldRetry(Status(500), get, 0), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry(Status(503), get, 1), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry(Status(503), get, 2), RetryDecision::kAttemptsExhausted);
  EXPECT_EQ(p->ShouldRetry(Status(404), get, 0), RetryDecision::kNotRetriable);
  EXPECT_EQ(p->ShouldRetry({Kind::kConnectFailure}, get, 0), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry({Kind::kReset}, get, 0), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry({Kind::kPerTryTimeout}, get, 0), RetryDecision::kRetry);
}

TEST(RetryPolicyTest, GatewayErrorIsOnly502To504AndConnectFailure) {
  auto p = RetryPolicy::Create({.retry_on = kRetryOnGatewayError});
  ASSERT_TRUE(p.ok());
  RequestInfo get;
  EXPECT_EQ(p->ShouldRetry(Status(500), get, 0), RetryDecision::kNotRetriable);
  EXPECT_EQ(p->ShouldRetry(Status(502), get, 0), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry(Status(504), get, 0), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry({Kind::kConnectFailure}, get, 0), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry({Kind::kReset}, get, 0), RetryDecision::kNotRetriable);
}

TEST(RetryPolicyTest, ListedHttpAndGrpcCodes) {
  absl::flat_hash_set<int> grpc;
  auto on = ParseRetryOn("retriable-status-codes, unavailable,resource-exhausted", &grpc);
  ASSERT_TRUE(on.ok()) << on.status();
  auto p = RetryPolicy::Create(
      {.retry_on = *on, .retriable_status_codes = {409}, .retriable_grpc_codes = grpc});
  ASSERT_TRUE(p.ok());
  RequestInfo get;
  EXPECT_EQ(p->ShouldRetry(Status(409), get, 0), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry(Status(500), get, 0), RetryDecision::kNotRetriable);
  RequestInfo grpc_call{.method = "POST", .is_grpc = true};
  EXPECT_EQ(p->ShouldRetry(Status(200, 14), grpc_call, 0), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry(Status(200, 8), grpc_call, 0), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry(Status(200, 13), grpc_call, 0), RetryDecision::kNotRetriable);
  EXPECT_EQ(p->ShouldRetry(Status(200), grpc_call, 0), RetryDecision::kNotRetriable);
}

TEST(RetryPolicyTest, NonIdempotentOnlyWhenNeverProcessedUnlessAllowed) {
  auto p = RetryPolicy::Create({.retry_on = kRetryOn5xx | kRetryOnRefusedStream});
  ASSERT_TRUE(p.ok());
  RequestInfo post{.method = "POST"};
  EXPECT_EQ(p->ShouldRetry(Status(503), post, 0), RetryDecision::kNonIdempotent);
  EXPECT_EQ(p->ShouldRetry({Kind::kReset}, post, 0), RetryDecision::kNonIdempotent);
  EXPECT_EQ(p->ShouldRetry({Kind::kConnectFailure}, post, 0), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry({Kind::kRefusedStream}, post, 0), RetryDecision::kRetry);
  EXPECT_EQ(p->ShouldRetry(Status(503), {.method = "PUT"}, 0), RetryDecision::kRetry);
  auto lenient = RetryPolicy::Create({.retry_on = kRetryOn5xx, .retry_non_idempotent = true});
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(lenient->ShouldRetry(Status(503), post, 0), RetryDecision::kRetry);
}

TEST(RetryPolicyTest, BodyBeyondTheReplayBufferIsNotRetried) {
  auto p = RetryPolicy::Create({.retry_on = kRetryOnConnectFailure});
  ASSERT_TRUE(p.ok());
  RequestInfo big{.method = "PUT", .body_replayable = false};
  EXPECT_EQ(p->ShouldRetry({Kind::kConnectFailure}, big, 0), RetryDecision::kBodyNotReplayable);
  EXPECT_EQ(RetryDecisionName(RetryDecision::kBodyNotReplayable), "body_not_replayable");
}

TEST(RetryPolicyTest, BadInputIsReportedWhole) {
  auto on = ParseRetryOn("5xx,bogus,also-bogus", nullptr);
  ASSERT_FALSE(on.ok());
  EXPECT_NE(on.status().message().find("\"bogus\", \"also-bogus\""), std::string::npos);
  auto p = RetryPolicy::Create(
      {.num_retries = 11, .retriable_status_codes = {99}, .retriable_grpc_codes = {17}});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("num_retries 11"), std::string::npos);
  EXPECT_NE(p.status().message().find("status code 99"), std::string::npos);
  EXPECT_NE(p.status().message().find("gRPC code 17"), std::string::npos);
}

}  // namespace
}  // namespace weft::resilience
