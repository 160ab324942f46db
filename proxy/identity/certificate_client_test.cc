// CertificateClient against an in-memory CA (a real certs::CertificateAuthority)
// on simulated time: no sleeps, no network.
#include "proxy/identity/certificate_client.h"

#include <deque>
#include <fstream>

#include "certs/cert_test_util.h"
#include "certs/certificate_authority.h"
#include "certs/trust_bundle.h"
#include "common/random/random.h"
#include "common/testing/fake_dispatcher.h"
#include "gtest/gtest.h"

namespace weft::identity {
namespace {

constexpr char kToken[] = "weft-jt-test-token";

// Queues requests; the test answers them (CA up) or fails them (CA down).
class FakeCa : public CaClient {
 public:
  explicit FakeCa(const TimeSource& time) : time_(time) {
    certs::CertificateAuthority::Options options;
    options.trust_domain = "cluster.local";
    ca_ = *certs::CertificateAuthority::Generate(options, time);
  }
  void Send(const CaRequest& request, Callback done) override {
    pending_.push_back({request, std::move(done)});
  }
  size_t pending() const { return pending_.size(); }
  const CaRequest& front() const { return pending_.front().first; }
  // Signs the oldest request for `id`, valid `ttl`.
  void Answer(const std::string& id, absl::Duration ttl) {
    auto [request, done] = std::move(pending_.front());
    pending_.pop_front();
    absl::StatusOr<std::string> chain =
        ca_->Sign(request.csr_pem, *certs::SpiffeId::Parse(id), ttl);
    ASSERT_TRUE(chain.ok()) << chain.status();
    done(CaResponse{*chain, ca_->root_cert_pem(), time_.SystemNow() + ttl, id});
  }
  // Answers the oldest request with a certificate for a CSR of another key.
  void AnswerForeign(const std::string& id, absl::Duration ttl) {
    auto [request, done] = std::move(pending_.front());
    pending_.pop_front();
    absl::StatusOr<certs::KeyAndCsr> other = certs::MakeKeyAndCsr(id);
    ASSERT_TRUE(other.ok());
    absl::StatusOr<std::string> chain =
        ca_->Sign(other->csr_pem, *certs::SpiffeId::Parse(id), ttl);
    ASSERT_TRUE(chain.ok()) << chain.status();
    done(CaResponse{*chain, ca_->root_cert_pem(), time_.SystemNow() + ttl, id});
  }
  void Fail(absl::Status status) {
    auto [request, done] = std::move(pending_.front());
    pending_.pop_front();
    done(std::move(status));
  }

 private:
  const TimeSource& time_;
  std::unique_ptr<certs::CertificateAuthority> ca_;
  std::deque<std::pair<CaRequest, Callback>> pending_;
};

class CertificateClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    token_file_ = certs::MakeTempDir() + "/token";
    std::ofstream(token_file_) << kToken << "\n";
    options_.namespace_name = "shop";
    options_.service_account = "cart";
    options_.token_file = token_file_;
    options_.requested_lifetime = absl::Hours(24);
  }
  std::unique_ptr<CertificateClient> Make() {
    auto client = CertificateClient::Create(options_, dispatcher_, ca_, random_);
    EXPECT_TRUE(client.ok()) << client.status();
    (*client)->AddListener([this](std::shared_ptr<const WorkloadCertificate> c) {
      notified_.push_back(std::move(c));
    });
    return std::move(*client);
  }

  static constexpr char kId[] = "spiffe://cluster.local/ns/shop/sa/cart";
  testing::FakeDispatcher dispatcher_;
  FakeCa ca_{dispatcher_.time()};
  // Uniform(2^20 + 1) of 2^19 is the midpoint: jitter exactly 0.
  FixedRandom random_{{1u << 19}};
  CertificateClient::Options options_;
  std::string token_file_;
  std::vector<std::shared_ptr<const WorkloadCertificate>> notified_;
};

TEST_F(CertificateClientTest, FirstCertificateIsVerifiedAndPublished) {
  auto client = Make();
  client->Start();
  ASSERT_EQ(ca_.pending(), 1u);
  EXPECT_EQ(ca_.front().token, kToken);  // whitespace trimmed
  EXPECT_EQ(ca_.front().lifetime, absl::Hours(24));
  ca_.Answer(kId, absl::Hours(24));
  EXPECT_EQ(client->current(), nullptr);  // the answer is posted to the dispatcher
  dispatcher_.RunUntilIdle();
  ASSERT_NE(client->current(), nullptr);
  ASSERT_EQ(notified_.size(), 1u);
  EXPECT_EQ(notified_[0], client->current());
  EXPECT_EQ(client->current()->identity.ToString(), kId);
  EXPECT_EQ(client->expiry(), dispatcher_.time().SystemNow() + absl::Hours(24));
  absl::StatusOr<certs::TrustBundle> bundle =
      certs::TrustBundle::FromPem("cluster.local", client->current()->trust_bundle_pem);
  ASSERT_TRUE(bundle.ok());
  EXPECT_TRUE(certs::VerifyWorkloadChain(client->current()->chain_pem, *bundle,
                                         dispatcher_.time().SystemNow())
                  .ok());
}

TEST_F(CertificateClientTest, RenewsAtHalfTheLifetimeWithANewKey) {
  auto client = Make();
  client->Start();
  ca_.Answer(kId, absl::Hours(24));
  dispatcher_.RunUntilIdle();
  const std::string first_key = *client->current()->key.ToPkcs8Pem();
  dispatcher_.AdvanceTime(absl::Hours(12) - absl::Seconds(1));
  EXPECT_EQ(ca_.pending(), 0u);
  dispatcher_.AdvanceTime(absl::Seconds(1));
  ASSERT_EQ(ca_.pending(), 1u);
  ca_.Answer(kId, absl::Hours(24));
  dispatcher_.RunUntilIdle();
  ASSERT_EQ(notified_.size(), 2u);
  EXPECT_NE(*notified_[1]->key.ToPkcs8Pem(), first_key);
  EXPECT_EQ(client->certificates_received(), 2u);
}

TEST_F(CertificateClientTest, JitterSpreadsRenewal) {
  random_ = FixedRandom({1u << 20});  // u = +1: renew at 0.5 * 1.1 of the lifetime
  auto client = Make();
  client->Start();
  ca_.Answer(kId, absl::Hours(20));
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client->next_attempt(), dispatcher_.time().SystemNow() + absl::Hours(11));
}

TEST_F(CertificateClientTest, CaDownKeepsCertificateAndBacksOff) {
  options_.jitter_fraction = 0;  // exact backoff steps
  auto client = Make();
  client->Start();
  ca_.Answer(kId, absl::Hours(2));
  dispatcher_.RunUntilIdle();
  auto first = client->current();
  dispatcher_.AdvanceTime(absl::Hours(1));  // renewal due
  ASSERT_EQ(ca_.pending(), 1u);
  // The CA is down: 1 s, 2 s, 4 s, 8 s ... between attempts, certificate kept.
  absl::Duration expected = absl::Seconds(1);
  for (int i = 0; i < 8; ++i) {
    ca_.Fail(absl::UnavailableError("connection refused"));
    dispatcher_.RunUntilIdle();
    EXPECT_EQ(client->current(), first);
    EXPECT_EQ(client->consecutive_failures(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(client->next_attempt(), dispatcher_.time().SystemNow() + expected) << i;
    dispatcher_.AdvanceTime(expected - absl::Milliseconds(1));
    EXPECT_EQ(ca_.pending(), 0u) << i;
    dispatcher_.AdvanceTime(absl::Milliseconds(1));
    ASSERT_EQ(ca_.pending(), 1u) << i;
    expected = std::min(expected * 2, options_.max_backoff);
  }
  EXPECT_EQ(expected, absl::Seconds(60));  // capped
  EXPECT_EQ(notified_.size(), 1u);
  // The CA is back: new certificate, failures reset.
  ca_.Answer(kId, absl::Hours(2));
  dispatcher_.RunUntilIdle();
  EXPECT_NE(client->current(), first);
  EXPECT_EQ(client->consecutive_failures(), 0u);
  EXPECT_EQ(client->total_failures(), 8u);
  EXPECT_EQ(notified_.size(), 2u);
}

TEST_F(CertificateClientTest, RejectsAnswersForAnotherIdentityOrKey) {
  auto client = Make();
  client->Start();
  // A confused CA answers with a certificate for someone else's CSR.
  ca_.AnswerForeign("spiffe://cluster.local/ns/shop/sa/payments", absl::Hours(1));
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client->current(), nullptr);
  EXPECT_NE(client->last_error().message().find("ns/shop/sa/payments, not"), std::string::npos)
      << client->last_error();
  dispatcher_.AdvanceTime(absl::Seconds(1));
  // ... or with our identity but another key.
  ca_.AnswerForeign(kId, absl::Hours(1));
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client->current(), nullptr);
  EXPECT_NE(client->last_error().message().find("not for our key"), std::string::npos)
      << client->last_error();
  EXPECT_EQ(client->consecutive_failures(), 2u);
  EXPECT_TRUE(notified_.empty());
}

TEST_F(CertificateClientTest, MissingTokenFileIsAFailureNotACrash) {
  options_.token_file = token_file_ + ".missing";
  auto client = Make();
  client->Start();
  EXPECT_EQ(ca_.pending(), 0u);
  EXPECT_EQ(client->consecutive_failures(), 1u);
  EXPECT_NE(client->last_error().message().find("identity token file"), std::string::npos);
  std::ofstream(options_.token_file) << kToken;
  EXPECT_EQ(ca_.pending(), 0u);
}

TEST_F(CertificateClientTest, ValidatesEveryOptionAtOnce) {
  options_.namespace_name = "";
  options_.token_file = "";
  options_.renew_fraction = 1.5;
  absl::Status s = CertificateClient::ValidateOptions(options_);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("identity:"), std::string::npos) << s;
  EXPECT_NE(s.message().find("token_file"), std::string::npos) << s;
  EXPECT_NE(s.message().find("renew_fraction"), std::string::npos) << s;
}

TEST_F(CertificateClientTest, LateAnswerAfterDestructionIsDropped) {
  auto client = Make();
  client->Start();
  client.reset();
  ca_.Answer(kId, absl::Hours(1));
  dispatcher_.RunUntilIdle();  // must not touch the destroyed client
  EXPECT_TRUE(notified_.empty());
}

}  // namespace
}  // namespace weft::identity
