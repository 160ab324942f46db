// Exercises code made by weft_cc_proto_library: messages that import across
// packages and use well-known types, and a gRPC service served and called over
// loopback.

#include <memory>
#include <string>

#include "google/protobuf/duration.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "weft/common/types.pb.h"
#include "weft/test/echo.grpc.pb.h"
#include "weft/test/echo.pb.h"

namespace weft {
namespace {

TEST(ProtoLibraryTest, MessagesWithWellKnownTypesRoundTrip) {
  test::EchoRequest request;
  request.set_message("hello");
  common::Envelope* envelope = request.mutable_envelope();
  envelope->mutable_timeout()->set_seconds(3);
  envelope->mutable_weight()->set_value(7);
  (*envelope->mutable_metadata()->mutable_fields())["zone"].set_string_value("a");
  google::protobuf::UInt32Value inner;
  inner.set_value(42);
  ASSERT_TRUE(envelope->mutable_payload()->PackFrom(inner));
  envelope->set_priority(common::HIGH);
  envelope->set_cluster("backend");
  (*envelope->mutable_labels())["app"] = "web";
  envelope->set_retries(0);

  std::string wire;
  ASSERT_TRUE(request.SerializeToString(&wire));
  test::EchoRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(wire));

  EXPECT_EQ(parsed.message(), "hello");
  EXPECT_EQ(parsed.envelope().timeout().seconds(), 3);
  EXPECT_EQ(parsed.envelope().weight().value(), 7u);
  EXPECT_EQ(parsed.envelope().metadata().fields().at("zone").string_value(), "a");
  google::protobuf::UInt32Value unpacked;
  ASSERT_TRUE(parsed.envelope().payload().UnpackTo(&unpacked));
  EXPECT_EQ(unpacked.value(), 42u);
  EXPECT_EQ(parsed.envelope().priority(), common::HIGH);
  EXPECT_EQ(parsed.envelope().target_case(), common::Envelope::kCluster);
  EXPECT_EQ(parsed.envelope().cluster(), "backend");
  EXPECT_EQ(parsed.envelope().labels().at("app"), "web");
  EXPECT_TRUE(parsed.envelope().has_retries());  // Explicit presence survives a zero.
  EXPECT_EQ(test::EchoRequest::descriptor()->full_name(), "weft.test.EchoRequest");
}

class UppercaseEcho final : public test::Echo::Service {
 public:
  grpc::Status Say(grpc::ServerContext* /*context*/, const test::EchoRequest* request,
                   test::EchoReply* reply) override {
    std::string message = request->message();
    for (char& c : message) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    reply->set_message(message);
    return grpc::Status::OK;
  }
};

TEST(ProtoLibraryTest, GeneratedServiceAnswersOverLoopback) {
  UppercaseEcho service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  ASSERT_GT(port, 0);

  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                     grpc::InsecureChannelCredentials());
  std::unique_ptr<test::Echo::Stub> stub = test::Echo::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  test::EchoRequest request;
  request.set_message("hi there");
  test::EchoReply reply;
  grpc::Status status = stub->Say(&context, request, &reply);

  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply.message(), "HI THERE");
  server->Shutdown();
}

}  // namespace
}  // namespace weft
