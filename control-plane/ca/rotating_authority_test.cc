#include "control-plane/ca/rotating_authority.h"

#include <unistd.h>

#include "certs/cert_test_util.h"
#include "certs/trust_bundle.h"
#include "common/time/simulated_time_source.h"
#include "control-plane/ca/ca_debug.h"
#include "control-plane/ca/leaf_info.h"
#include "gtest/gtest.h"

namespace weft::control_plane::ca {
namespace {

using certs::RootRotation;

constexpr char kId[] = "spiffe://weft.test/ns/shop/sa/cart";

RotatingAuthority::Options TestOptions() {
  RotatingAuthority::Options options;
  options.ca.trust_domain = "weft.test";
  options.max_leaf_ttl = absl::Hours(1);
  options.distribution_delay = absl::Minutes(10);
  return options;
}

class RotatingAuthorityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = certs::MakeTempDir();
    auto a = RotatingAuthority::LoadOrCreate(dir_, TestOptions(), time_);
    ASSERT_TRUE(a.ok()) << a.status();
    authority_ = std::move(*a);
  }

  // Signs a fresh CSR and returns the root that signed it (checked by
  // verifying the chain against that root alone).
  std::string SignAndCheck(absl::Duration ttl = absl::ZeroDuration()) {
    absl::StatusOr<certs::KeyAndCsr> kc = certs::MakeKeyAndCsr(kId);
    EXPECT_TRUE(kc.ok());
    absl::StatusOr<RotatingAuthority::Issued> issued =
        authority_->Sign(kc->csr_pem, *certs::SpiffeId::Parse(kId), ttl);
    EXPECT_TRUE(issued.ok()) << issued.status();
    absl::StatusOr<certs::TrustBundle> bundle =
        certs::TrustBundle::FromPem("weft.test", issued->trust_bundle_pem);
    EXPECT_TRUE(bundle.ok());
    absl::StatusOr<certs::SpiffeId> id =
        certs::VerifyWorkloadChain(issued->chain_pem, *bundle, time_.SystemNow());
    EXPECT_TRUE(id.ok()) << id.status();
    return issued->root_fingerprint;
  }

  SimulatedTimeSource time_;
  std::string dir_;
  std::unique_ptr<RotatingAuthority> authority_;
};

TEST_F(RotatingAuthorityTest, CapsLifetimeAtTheMaximum) {
  absl::StatusOr<certs::KeyAndCsr> kc = certs::MakeKeyAndCsr(kId);
  ASSERT_TRUE(kc.ok());
  absl::StatusOr<RotatingAuthority::Issued> issued =
      authority_->Sign(kc->csr_pem, *certs::SpiffeId::Parse(kId), absl::Hours(48));
  ASSERT_TRUE(issued.ok()) << issued.status();
  absl::StatusOr<LeafInfo> leaf = ReadLeafInfo(issued->chain_pem);
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  EXPECT_EQ(leaf->not_after, time_.SystemNow() + absl::Hours(1));
  EXPECT_FALSE(leaf->serial.empty());
  EXPECT_LE(leaf->serial.size(), 34u);  // 128 random bits
}

TEST_F(RotatingAuthorityTest, FullRotationThroughEveryPhaseAndPersists) {
  const std::string old_root = SignAndCheck();
  RotatingAuthority::State stable = authority_->GetState();
  ASSERT_EQ(stable.roots.size(), 1u);
  EXPECT_EQ(stable.roots[0].fingerprint, old_root);

  absl::StatusOr<RotatingAuthority::State> begun = authority_->BeginRotation();
  ASSERT_TRUE(begun.ok()) << begun.status();
  EXPECT_EQ(begun->phase, RootRotation::Phase::kDistributing);
  ASSERT_EQ(begun->roots.size(), 2u);
  EXPECT_EQ(begun->roots[0].role, RotatingAuthority::RootRole::kSigning);
  EXPECT_EQ(begun->roots[1].role, RotatingAuthority::RootRole::kIncoming);
  const std::string new_root = begun->roots[1].fingerprint;
  EXPECT_EQ(authority_->BeginRotation().status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(access((dir_ + "/next/root-cert.pem").c_str(), F_OK), 0);

  // Distributing: the old root still signs; bundles carry both.
  EXPECT_EQ(SignAndCheck(), old_root);
  EXPECT_EQ(certs::TrustBundle::FromPem("weft.test", authority_->TrustBundlePem())->size(), 2u);

  // A restart now resumes the rotation.
  {
    auto reloaded = RotatingAuthority::LoadOrCreate(dir_, TestOptions(), time_);
    ASSERT_TRUE(reloaded.ok()) << reloaded.status();
    EXPECT_EQ((*reloaded)->GetState().phase, RootRotation::Phase::kDistributing);
  }

  time_.Advance(absl::Minutes(10));
  EXPECT_EQ(SignAndCheck(), new_root);
  RotatingAuthority::State draining = authority_->GetState();
  EXPECT_EQ(draining.phase, RootRotation::Phase::kDraining);
  EXPECT_EQ(draining.roots[0].fingerprint, new_root);
  EXPECT_EQ(draining.roots[1].role, RotatingAuthority::RootRole::kRetiring);
  const std::string json = CertsJson("weft.test", draining, {});
  EXPECT_NE(json.find("\"phase\": \"draining\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"role\": \"retiring\""), std::string::npos) << json;

  // The last old-root leaf lives one hour (max TTL): retire after that.
  time_.Advance(absl::Minutes(59));
  EXPECT_EQ(authority_->GetState().phase, RootRotation::Phase::kDraining);
  time_.Advance(absl::Minutes(2));
  RotatingAuthority::State done = authority_->GetState();
  EXPECT_EQ(done.phase, RootRotation::Phase::kStable);
  ASSERT_EQ(done.roots.size(), 1u);
  EXPECT_EQ(done.roots[0].fingerprint, new_root);
  EXPECT_NE(access((dir_ + "/next").c_str(), F_OK), 0);

  auto reloaded = RotatingAuthority::LoadOrCreate(dir_, TestOptions(), time_);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  RotatingAuthority::State after = (*reloaded)->GetState();
  ASSERT_EQ(after.roots.size(), 1u);
  EXPECT_EQ(after.roots[0].fingerprint, new_root);
}

TEST(CertsJsonTest, Shape) {
  RotatingAuthority::State state;
  state.phase = RootRotation::Phase::kStable;
  state.switch_at = absl::InfiniteFuture();
  state.retire_at = absl::InfiniteFuture();
  state.roots.push_back({"ab12", absl::FromUnixSeconds(2000000000),
                         RotatingAuthority::RootRole::kSigning});
  IssuedCertificate c{kId, "0f", "ab12", "ipv4:10.0.0.2:5000", absl::FromUnixSeconds(1767225600),
                      absl::FromUnixSeconds(1767225600 + 86400)};
  EXPECT_EQ(CertsJson("weft.test", state, {c}),
            "{\n  \"trust_domain\": \"weft.test\",\n"
            "  \"rotation\": {\"phase\": \"stable\", \"switch_at\": null, \"retire_at\": null},\n"
            "  \"roots\": [\n"
            "    {\"fingerprint\": \"ab12\", \"role\": \"signing\", \"not_after\": "
            "\"2033-05-18T03:33:20+00:00\"}\n  ],\n"
            "  \"workloads\": [\n"
            "    {\"spiffe_id\": \"spiffe://weft.test/ns/shop/sa/cart\", \"serial\": \"0f\", "
            "\"root\": \"ab12\", \"issued_at\": \"2026-01-01T00:00:00+00:00\", \"not_after\": "
            "\"2026-01-02T00:00:00+00:00\", \"peer\": \"ipv4:10.0.0.2:5000\"}\n  ]\n}\n");
}

}  // namespace
}  // namespace weft::control_plane::ca
