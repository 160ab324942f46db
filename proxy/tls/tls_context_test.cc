// TlsContext validation and SessionTicketKeys rotation.

#include "proxy/tls/tls_context.h"

#include <string>

#include "common/time/simulated_time_source.h"
#include "gtest/gtest.h"
#include "openssl/ssl.h"
#include "proxy/tls/session_ticket_keys.h"
#include "proxy/tls/tls_test_util.h"

namespace weft::tls {
namespace {

class TlsContextTest : public ::testing::Test {
 protected:
  SimulatedTimeSource time_;
  TestMesh mesh_{"weft.local", time_};
};

TEST_F(TlsContextTest, BuildsFromValidOptionsAndKnowsItsIdentity) {
  TestMesh::Svid cart = mesh_.Issue("shop", "cart");
  absl::StatusOr<std::shared_ptr<const TlsContext>> ctx =
      TlsContext::CreateServer(mesh_.ServerOptions(cart));
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  EXPECT_TRUE((*ctx)->is_server());
  EXPECT_EQ((*ctx)->local_identity(), cart.id);
  EXPECT_EQ((*ctx)->alpn(), (std::vector<std::string>{"h2", "http/1.1", "weft-opaque"}));
}

TEST_F(TlsContextTest, ReportsEveryProblemAtOnce) {
  TlsServerOptions options;
  options.cert_chain_pem = "not a certificate";
  options.private_key_pem = "not a key";
  options.alpn_preference = {"h2", ""};
  absl::StatusOr<std::shared_ptr<const TlsContext>> ctx = TlsContext::CreateServer(options);
  ASSERT_EQ(ctx.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(ctx.status().message());
  for (const char* part : {"time_source", "trust_bundle", "cert_chain_pem", "private_key_pem",
                           "alpn"}) {
    EXPECT_NE(message.find(part), std::string::npos) << part << " missing in: " << message;
  }
  EXPECT_EQ(message.find("not a key"), std::string::npos) << "key bytes echoed";
}

TEST_F(TlsContextTest, RefusesKeyOfAnotherCertificate) {
  TestMesh::Svid cart = mesh_.Issue("shop", "cart");
  TestMesh::Svid web = mesh_.Issue("shop", "web");
  TlsClientOptions options = mesh_.ClientOptions(cart);
  options.private_key_pem = web.key_pem;
  absl::StatusOr<std::shared_ptr<const TlsContext>> ctx = TlsContext::CreateClient(options);
  EXPECT_EQ(ctx.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ctx.status().message().find("does not match"), std::string::npos) << ctx.status();
}

TEST_F(TlsContextTest, RefusesOwnCertificateThatHasExpired) {
  TestMesh::Svid cart = mesh_.Issue("shop", "cart", absl::Hours(1));
  time_.Advance(absl::Hours(2));
  absl::StatusOr<std::shared_ptr<const TlsContext>> ctx =
      TlsContext::CreateServer(mesh_.ServerOptions(cart));
  EXPECT_EQ(ctx.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ctx.status().message().find("certificate_expired"), std::string::npos)
      << ctx.status();
}

TEST_F(TlsContextTest, SessionCacheIsBounded) {
  TestMesh::Svid web = mesh_.Issue("shop", "web");
  TlsClientOptions options = mesh_.ClientOptions(web);
  options.session_cache_size = 6;
  auto ctx = TlsContext::CreateClient(options);
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  for (int i = 0; i < 10; ++i) {
    (*ctx)->StoreSession("a", bssl::UniquePtr<SSL_SESSION>(SSL_SESSION_new((*ctx)->ssl_ctx())));
  }
  EXPECT_EQ((*ctx)->cached_sessions(), TlsContext::kSessionsPerKey);
  for (int i = 0; i < 10; ++i) {
    (*ctx)->StoreSession("b" + std::to_string(i),
                         bssl::UniquePtr<SSL_SESSION>(SSL_SESSION_new((*ctx)->ssl_ctx())));
  }
  EXPECT_LE((*ctx)->cached_sessions(), 6u);
  EXPECT_NE((*ctx)->TakeSession("b9"), nullptr);
  EXPECT_EQ((*ctx)->TakeSession("b9"), nullptr);  // single use
}

TEST(SessionTicketKeysTest, RotatesAndKeepsThePreviousKeyForOneInterval) {
  SimulatedTimeSource time;
  auto keys = SessionTicketKeys::Create(time, absl::Hours(1));
  SessionTicketKeys::Key first = keys->EncryptionKey();
  SessionTicketKeys::Key found;
  bool newest = false;
  ASSERT_TRUE(keys->DecryptionKey(first.name.data(), &found, &newest));
  EXPECT_TRUE(newest);

  time.Advance(absl::Minutes(61));
  SessionTicketKeys::Key second = keys->EncryptionKey();
  EXPECT_NE(first.name, second.name);
  EXPECT_EQ(keys->rotations(), 1u);
  ASSERT_TRUE(keys->DecryptionKey(first.name.data(), &found, &newest));
  EXPECT_FALSE(newest);  // still accepted, to be re-issued
  EXPECT_EQ(found.aes_key, first.aes_key);

  time.Advance(absl::Minutes(61));
  keys->EncryptionKey();
  EXPECT_FALSE(keys->DecryptionKey(first.name.data(), &found, &newest));  // retired
  EXPECT_TRUE(keys->DecryptionKey(second.name.data(), &found, &newest));
}

}  // namespace
}  // namespace weft::tls
