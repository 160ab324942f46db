// The weft-ca-root ConfigMaps: created where missing, patched when the bundle
// changes, not rewritten when it does not, only by the leader, never in the
// cluster's own namespaces.
#include "control-plane/kube/ca_root_publisher.h"

#include <string>
#include <vector>

#include "control-plane/kube/fake_api_transport.h"
#include "gtest/gtest.h"

namespace weft::control_plane::kube {
namespace {

class NeverSleeper final : public Sleeper {
 public:
  bool SleepFor(absl::Duration) override { return false; }
  void Wake() override {}
};

constexpr char kNamespaces[] =
    R"({"metadata":{},"items":[{"metadata":{"name":"shop"}},{"metadata":{"name":"kube-system"}},)"
    R"({"metadata":{"name":"old"},"status":{"phase":"Terminating"}}]})";

class CaRootPublisherTest : public ::testing::Test {
 protected:
  CaRootPublisher Publisher() {
    return CaRootPublisher({}, api_, sleeper_, [this] { return bundle_; }, [this] { return leader_; });
  }
  FakeApiTransport api_;
  NeverSleeper sleeper_;
  std::string bundle_ = "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n";
  bool leader_ = true;
};

TEST_F(CaRootPublisherTest, CreatesMissingConfigMapThenKeepsItCurrent) {
  CaRootPublisher publisher = Publisher();
  api_.ReplyGet(200, kNamespaces);
  api_.ReplyGet(404, "{}");  // PATCH: not there yet
  api_.ReplyGet(201, "{}");  // POST
  publisher.PublishPass();
  EXPECT_EQ(publisher.writes(), 1u);
  api_.ReplyGet(200, kNamespaces);  // same bundle: no write
  publisher.PublishPass();
  bundle_ += bundle_;  // a second root during a rotation
  api_.ReplyGet(200, kNamespaces);
  api_.ReplyGet(200, "{}");  // PATCH
  publisher.PublishPass();
  EXPECT_EQ(publisher.writes(), 2u);

  const std::vector<std::string> paths = api_.paths();
  ASSERT_EQ(paths.size(), 6u);
  EXPECT_EQ(paths[0], "GET /api/v1/namespaces?limit=500");
  EXPECT_EQ(paths[1], "PATCH /api/v1/namespaces/shop/configmaps/weft-ca-root");
  EXPECT_EQ(paths[2], "POST /api/v1/namespaces/shop/configmaps");
  EXPECT_EQ(paths[3], "GET /api/v1/namespaces?limit=500");
  EXPECT_EQ(paths[5], "PATCH /api/v1/namespaces/shop/configmaps/weft-ca-root");
  const std::vector<std::string> bodies = api_.bodies();
  ASSERT_EQ(bodies.size(), 3u);
  EXPECT_NE(bodies[1].find(R"("name":"weft-ca-root","namespace":"shop")"), std::string::npos)
      << bodies[1];
  EXPECT_NE(bodies[1].find(R"("root-cert.pem":"-----BEGIN CERTIFICATE-----\nroot)"),
            std::string::npos)
      << bodies[1];
  EXPECT_EQ(bodies[1].find("PRIVATE"), std::string::npos);
}

TEST_F(CaRootPublisherTest, FailedWriteIsRetriedNextPass) {
  CaRootPublisher publisher = Publisher();
  api_.ReplyGet(200, kNamespaces);
  api_.ReplyGet(403, "{}");
  publisher.PublishPass();
  EXPECT_EQ(publisher.writes(), 0u);
  api_.ReplyGet(200, kNamespaces);
  api_.ReplyGet(200, "{}");
  publisher.PublishPass();
  EXPECT_EQ(publisher.writes(), 1u);
}

TEST_F(CaRootPublisherTest, OnlyTheLeaderWrites) {
  leader_ = false;
  CaRootPublisher publisher = Publisher();
  publisher.PublishPass();
  EXPECT_TRUE(api_.paths().empty());
}

}  // namespace
}  // namespace weft::control_plane::kube
