#include "control-plane/kube/kube_source.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/fake_dispatcher.h"
#include "control-plane/kube/fake_api_transport.h"
#include "control-plane/kube/object_decoders.h"
#include "gtest/gtest.h"

namespace weft::control_plane::kube {
namespace {

class Recorder : public ConfigSource::Callbacks {
 public:
  void OnModel(const Model& model) override { models.push_back(model); }
  void OnRejected(const std::vector<config::ConfigProblem>& p) override { rejections.push_back(p); }
  std::vector<Model> models;
  std::vector<std::vector<config::ConfigProblem>> rejections;
};

std::string Pod(const std::string& name, const std::string& ip) {
  return absl::StrCat(R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":")", name,
                      R"(","namespace":"default","resourceVersion":"7","labels":{"app":"be"}},)",
                      R"("spec":{},"status":{"phase":"Running","podIP":")", ip,
                      R"(","conditions":[{"type":"Ready","status":"True"}]}})");
}

class KubeSourceTest : public ::testing::Test {
 protected:
  KubeSourceTest() {
    services_.set_block_when_done(true);
    pods_.set_block_when_done(true);
    KubeSource::Options options;
    options.types = {{{"Service", "v1", "services", false}, DecodeManifestKind},
                     {{"Pod", "v1", "pods", false}, DecodePod}};
    options.types[0].report_status = true;  // as TrafficPolicies have it
    options.on_conditions = [this](std::vector<ObjectCondition> c) { conditions_ = std::move(c); };
    std::vector<FakeApiTransport*> fakes = {&services_, &pods_};
    source_ = std::make_unique<KubeSource>(
        options,
        [fakes, i = 0]() mutable { return std::make_unique<ForwardingApiTransport>(*fakes[i++]); },
        dispatcher_);
  }

  // Lets the reflector threads use up their scripts, then delivers what they
  // posted and fires the debounce timer.
  void Settle() {
    services_.WaitUntilBlocked();
    pods_.WaitUntilBlocked();
    dispatcher_.RunUntilIdle();
    dispatcher_.AdvanceTime(absl::Milliseconds(100));
  }

  testing::FakeDispatcher dispatcher_;
  FakeApiTransport services_;
  FakeApiTransport pods_;
  Recorder recorder_;
  std::vector<ObjectCondition> conditions_;
  std::unique_ptr<KubeSource> source_;
};

TEST_F(KubeSourceTest, NoModelUntilEveryTypeIsListedThenFollowsWatches) {
  services_.ReplyGet(200, R"({"metadata":{"resourceVersion":"5"},"items":[{"metadata":
      {"name":"be","namespace":"default"},"spec":{"selector":{"app":"be"},
      "ports":[{"name":"http","port":80}]}}]})");
  source_->Start(&recorder_);
  Settle();  // the pods' LIST is still waiting for an answer
  EXPECT_FALSE(source_->synced());
  EXPECT_TRUE(recorder_.models.empty());

  pods_.ReplyGet(200, absl::StrCat(R"({"metadata":{"resourceVersion":"6"},"items":[)",
                                   Pod("p1", "10.0.0.1"), "]}"));
  Settle();
  ASSERT_EQ(recorder_.models.size(), 1u);
  EXPECT_EQ(recorder_.models[0].EndpointsOf(ObjectKey{"default", "be"})[0].endpoints.size(), 1u);

  pods_.ReplyWatch({absl::StrCat(R"({"type":"ADDED","object":)", Pod("p2", "10.0.0.2"), "}")});
  Settle();
  ASSERT_EQ(recorder_.models.size(), 2u);
  EXPECT_EQ(recorder_.models[1].workloads.size(), 2u);
  EXPECT_TRUE(recorder_.rejections.empty());
  EXPECT_EQ(source_->accepted_count(), 2u);
  const std::vector<std::string> lines = source_->Describe();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1],
            "pods: synced, 2 objects, resourceVersion 7, lists 1, relists after 410 0, "
            "watches 2, events 1 (0 changing nothing), errors 0");

  source_.reset();  // stops and joins the reflector threads blocked in their watches
}

TEST_F(KubeSourceTest, AnUnchangedModelIsNotDeliveredAgain) {
  services_.ReplyGet(200, R"({"metadata":{"resourceVersion":"5"},"items":[]})");
  pods_.ReplyGet(200, R"({"metadata":{"resourceVersion":"5"},"items":[]})");
  source_->Start(&recorder_);
  Settle();
  ASSERT_EQ(recorder_.models.size(), 1u);
  // A pod without an IP changes nothing the model holds.
  pods_.ReplyWatch({absl::StrCat(R"({"type":"ADDED","object":)", Pod("pending", ""), "}")});
  Settle();
  EXPECT_EQ(recorder_.models.size(), 1u);
}

TEST_F(KubeSourceTest, ReportsAVerdictOnEveryObjectOfAStatusType) {
  services_.ReplyGet(200, R"({"metadata":{"resourceVersion":"5"},"items":[
      {"metadata":{"name":"be","namespace":"default","generation":2},
       "spec":{"selector":{"app":"be"},"ports":[{"name":"http","port":80}]}},
      {"metadata":{"name":"bad","namespace":"default","generation":7},
       "spec":{"selectr":{"app":"be"},"ports":[{"name":"http","port":80}]}}]})");
  pods_.ReplyGet(200, R"({"metadata":{"resourceVersion":"5"},"items":[]})");
  source_->Start(&recorder_);
  Settle();
  ASSERT_EQ(recorder_.models.size(), 1u);  // the bad one is left out, the rest applies
  ASSERT_EQ(conditions_.size(), 2u);
  const ObjectCondition& bad = conditions_[0];  // the store is ordered by key
  EXPECT_EQ(bad.key.name, "bad");
  EXPECT_FALSE(bad.accepted);
  EXPECT_EQ(bad.generation, 7);
  EXPECT_NE(bad.message.find("selectr"), std::string::npos) << bad.message;
  EXPECT_EQ(conditions_[1].key.name, "be");
  EXPECT_TRUE(conditions_[1].accepted);
  EXPECT_EQ(conditions_[1].generation, 2);
  EXPECT_EQ(conditions_[1].type.plural, "services");
}

}  // namespace
}  // namespace weft::control_plane::kube
