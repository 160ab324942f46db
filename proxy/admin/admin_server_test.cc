#include "proxy/admin/admin_server.h"

#include <optional>
#include <string>

#include "common/testing/fake_dispatcher.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/network/socket.h"
#include "proxy/testing/socket_peer.h"

namespace weft::admin {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<network::Address> any = network::Address::FromIpPort("127.0.0.1", 0);
    ASSERT_TRUE(any.ok());
    absl::StatusOr<std::unique_ptr<AdminServer>> server = AdminServer::Create(dispatcher_, *any);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    server_->AddHandler("/ready", "ready", [](const AdminRequest&) {
      return AdminResponse{200, "text/plain", "LIVE\n"};
    });
    server_->AddPrefixHandler("/later/", "answers when told",
                              [this](const AdminRequest& r, AdminServer::Respond respond) {
                                asked_ = r.path;
                                pending_ = std::move(respond);
                              });
  }

  // A client that sent `path` and whose request the server has read.
  testing::SocketPeer Get(const std::string& path) {
    absl::StatusOr<int> fd = network::ConnectNonBlocking(server_->address());
    EXPECT_TRUE(fd.ok());
    testing::SocketPeer client(*fd);
    dispatcher_.RunUntilIdle();
    client.Write("GET " + path + " HTTP/1.1\r\nhost: x\r\n\r\n");
    dispatcher_.RunUntilIdle();
    return client;
  }

  testing::FakeDispatcher dispatcher_;
  std::unique_ptr<AdminServer> server_;
  std::string asked_;
  AdminServer::Respond pending_;
};

TEST_F(AdminServerTest, PrefixHandlerAnswersLaterAndExactPathsStillWin) {
  testing::SocketPeer ready = Get("/ready");
  EXPECT_THAT(ready.ReadAvailable(), StartsWith("HTTP/1.1 200"));

  testing::SocketPeer client = Get("/later/web/readyz");
  EXPECT_EQ(asked_, "/later/web/readyz");
  EXPECT_EQ(client.ReadAvailable(), "");  // nothing until the handler answers
  pending_(AdminResponse{503, "text/plain", "app down\n"});
  dispatcher_.RunUntilIdle();
  const std::string answer = client.ReadAvailable();
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 503"));
  EXPECT_THAT(answer, HasSubstr("app down"));
}

TEST_F(AdminServerTest, AnswerAfterTheClientLeftIsDropped) {
  {
    testing::SocketPeer client = Get("/later/x");
  }  // closed before the answer
  // The 10 s request limit removes the connection; the late answer must then not
  // touch it (ASan would see a use after free).
  dispatcher_.AdvanceTime(absl::Seconds(11));
  ASSERT_TRUE(pending_ != nullptr);
  pending_(AdminResponse{200, "text/plain", "late\n"});
  dispatcher_.RunUntilIdle();
}

TEST_F(AdminServerTest, UnknownPathIs404AndIndexListsPrefixes) {
  testing::SocketPeer missing = Get("/nope");
  EXPECT_THAT(missing.ReadAvailable(), HasSubstr("404"));
  testing::SocketPeer index = Get("/");
  EXPECT_THAT(index.ReadAvailable(), HasSubstr("/later/...  answers when told"));
}

}  // namespace
}  // namespace weft::admin
