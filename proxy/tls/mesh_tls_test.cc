#include "proxy/tls/mesh_tls.h"

#include "common/time/simulated_time_source.h"
#include "gtest/gtest.h"
#include "proxy/tls/tls_test_util.h"
#include "proxy/tls/tls_transport_socket.h"

namespace weft::tls {
namespace {

class MeshTlsTest : public ::testing::Test {
 protected:
  MeshTlsTest() : time_(absl::FromUnixSeconds(1'800'000'000)), mesh_("weft.local", time_) {}

  absl::Status Set(MeshTls& tls, const TestMesh::Svid& svid, const std::string& bundle) {
    return tls.SetCertificate(svid.chain_pem, svid.key_pem, bundle, "weft.local",
                              time_.SystemNow() + absl::Hours(24));
  }

  SimulatedTimeSource time_;
  TestMesh mesh_;
};

TEST_F(MeshTlsTest, NothingUntilACertificateThenAllThreeContexts) {
  MeshTls tls(time_);
  EXPECT_EQ(tls.Client(), nullptr);
  EXPECT_EQ(tls.Server(true), nullptr);
  EXPECT_FALSE(tls.status().ready);
  ASSERT_TRUE(Set(tls, mesh_.Issue("shop", "cart"), mesh_.root_pem()).ok());
  ASSERT_NE(tls.Client(), nullptr);
  ASSERT_NE(tls.Server(true), nullptr);
  ASSERT_NE(tls.Server(false), nullptr);
  EXPECT_TRUE(tls.Server(true)->require_client_certificate());
  EXPECT_FALSE(tls.Server(false)->require_client_certificate());
  const MeshTls::Status st = tls.status();
  EXPECT_TRUE(st.ready);
  EXPECT_EQ(st.identity, "spiffe://weft.local/ns/shop/sa/cart");
  EXPECT_EQ(st.swaps, 1u);
  EXPECT_FALSE(st.bundle_from_sds);
  EXPECT_EQ(st.not_after, time_.SystemNow() + absl::Hours(24));
}

TEST_F(MeshTlsTest, RenewalSwapsContextsForNewConnectionsOnly) {
  MeshTls tls(time_);
  ASSERT_TRUE(Set(tls, mesh_.Issue("shop", "cart"), mesh_.root_pem()).ok());
  std::shared_ptr<const TlsContext> before = tls.Server(true);
  ASSERT_TRUE(Set(tls, mesh_.Issue("shop", "cart"), mesh_.root_pem()).ok());
  EXPECT_NE(tls.Server(true), before);  // new connections get the new one
  EXPECT_NE(before->ssl_ctx(), nullptr);  // the old one lives while it is held
  EXPECT_EQ(tls.status().swaps, 2u);
}

TEST_F(MeshTlsTest, BadCertificateOrBundleIsRefusedAndTheCurrentOneStays) {
  MeshTls tls(time_);
  ASSERT_TRUE(Set(tls, mesh_.Issue("shop", "cart"), mesh_.root_pem()).ok());
  std::shared_ptr<const TlsContext> good = tls.Client();
  // Signed by another mesh's root: does not verify against our bundle.
  TestMesh other("weft.local", time_);
  EXPECT_FALSE(Set(tls, other.Issue("shop", "cart"), mesh_.root_pem()).ok());
  EXPECT_EQ(tls.Client(), good);
  EXPECT_FALSE(tls.status().last_error.empty());
  // An SDS bundle that lacks our root is refused too; so is garbage.
  EXPECT_FALSE(tls.SetTrustBundle(other.root_pem()).ok());
  EXPECT_FALSE(tls.SetTrustBundle("not a certificate").ok());
  EXPECT_EQ(tls.Client(), good);
  EXPECT_FALSE(tls.status().bundle_from_sds);
}

TEST_F(MeshTlsTest, SdsBundleReplacesTheCasBundleAndMayHoldSeveralRoots) {
  MeshTls tls(time_);
  TestMesh next("weft.local", time_);
  // Before any certificate: kept for later.
  ASSERT_TRUE(tls.SetTrustBundle(mesh_.root_pem() + next.root_pem()).ok());
  EXPECT_EQ(tls.Client(), nullptr);
  ASSERT_TRUE(Set(tls, mesh_.Issue("shop", "cart"), mesh_.root_pem()).ok());
  MeshTls::Status st = tls.status();
  EXPECT_TRUE(st.bundle_from_sds);
  EXPECT_EQ(st.root_fingerprints.size(), 2u);
  // Root rotation: a leaf of the new root is accepted while both are trusted.
  ASSERT_TRUE(Set(tls, next.Issue("shop", "cart"), next.root_pem()).ok());
  // Then the old root is retired.
  ASSERT_TRUE(tls.SetTrustBundle(next.root_pem()).ok());
  EXPECT_EQ(tls.status().root_fingerprints.size(), 1u);
}

TEST_F(MeshTlsTest, UpstreamFactoryNeedsACertificateAndNamesTheExpectedPeer) {
  MeshTls tls(time_);
  UpstreamTlsFactory factory(tls, {*certs::SpiffeId::Parse("spiffe://weft.local/ns/shop/sa/db")},
                             "", "outbound|5432||db");
  absl::StatusOr<std::unique_ptr<network::TransportSocket>> none = factory.Create("h2", "k");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(none.status().message().find("mtls_no_certificate"), absl::string_view::npos);
  ASSERT_TRUE(Set(tls, mesh_.Issue("shop", "cart"), mesh_.root_pem()).ok());
  EXPECT_TRUE(factory.Create("h2", "10.0.0.1:5432").ok());
}

}  // namespace
}  // namespace weft::tls
