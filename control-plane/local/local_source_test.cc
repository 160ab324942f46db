#include "control-plane/local/local_source.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/testing/fake_dispatcher.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane::local {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kService[] = R"(apiVersion: v1
kind: Service
metadata: {name: %s, namespace: shop}
spec:
  selector: {app: %s}
  ports: [{name: http, port: 8080}]
)";

std::string ServiceYaml(const std::string& name) {
  std::string out = kService;
  out.replace(out.find("%s"), 2, name);
  out.replace(out.find("%s"), 2, name);
  return out;
}

constexpr char kRoute[] = R"(apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: split, namespace: shop}
spec:
  parentRefs: [{kind: Service, name: backend}]
  rules:
    - backendRefs:
        - {name: backend, port: 8080, weight: WEIGHT}
)";

std::string RouteYaml(const std::string& weight) {
  std::string out = kRoute;
  out.replace(out.find("WEIGHT"), 6, weight);
  return out;
}

class Recorder : public ConfigSource::Callbacks {
 public:
  void OnModel(const Model& model) override { models.push_back(model); }
  void OnRejected(const std::vector<config::ConfigProblem>& problems) override {
    std::vector<std::string> lines;
    for (const auto& p : problems) lines.push_back(p.ToString());
    rejections.push_back(absl::StrJoin(lines, "\n"));
  }
  std::vector<Model> models;
  std::vector<std::string> rejections;
};

class LocalSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = fs::path(tmp != nullptr ? tmp : "/tmp") /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& relative, const std::string& content) {
    fs::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative, std::ios::trunc) << content;
  }

  std::unique_ptr<LocalSource> MakeSource() {
    LocalSource::Options options;
    options.directory = dir_.string();
    options.poll_interval = absl::Milliseconds(500);
    options.full_check_every = 1;  // same-size edits within one mtime tick are still seen
    return std::make_unique<LocalSource>(options, dispatcher_);
  }

  void Tick() { dispatcher_.AdvanceTime(absl::Milliseconds(500)); }

  fs::path dir_;
  testing::FakeDispatcher dispatcher_;
  Recorder recorder_;
};

TEST_F(LocalSourceTest, FollowsTheDirectoryAndKeepsTheLastGoodModel) {
  Write("services.yaml", ServiceYaml("backend"));
  auto source = MakeSource();
  source->Start(&recorder_);
  ASSERT_THAT(recorder_.models, SizeIs(1));  // delivered by Start itself
  EXPECT_THAT(recorder_.models[0].services, SizeIs(1));

  // Nothing changed: nothing delivered.
  Tick();
  Tick();
  EXPECT_THAT(recorder_.models, SizeIs(1));

  // File added -> new model.
  Write("routes/split.yaml", RouteYaml("90"));
  Tick();
  ASSERT_THAT(recorder_.models, SizeIs(2));
  ASSERT_THAT(recorder_.models[1].http_routes, SizeIs(1));
  EXPECT_EQ(recorder_.models[1].http_routes.begin()->second.rules[0].backend_refs[0].weight, 90);

  // Invalid edit -> rejected with the problem, the last good model stays.
  Write("routes/split.yaml", RouteYaml("-5"));
  Tick();
  ASSERT_THAT(recorder_.rejections, SizeIs(1));
  EXPECT_THAT(recorder_.rejections[0],
              HasSubstr("routes/split.yaml[0] spec.rules[0].backendRefs[0].weight: -5 is "
                        "negative (line 8"));
  EXPECT_THAT(recorder_.models, SizeIs(2));
  ASSERT_NE(source->current_model(), nullptr);
  EXPECT_EQ(source->current_model()->http_routes.begin()->second.rules[0].backend_refs[0].weight,
            90);
  // Still invalid on the next polls: reported once, not on every poll.
  Tick();
  Tick();
  EXPECT_THAT(recorder_.rejections, SizeIs(1));

  // Fixed -> accepted.
  Write("routes/split.yaml", RouteYaml("10"));
  Tick();
  ASSERT_THAT(recorder_.models, SizeIs(3));
  EXPECT_EQ(recorder_.models[2].http_routes.begin()->second.rules[0].backend_refs[0].weight, 10);

  // File deleted -> model without it.
  fs::remove(dir_ / "routes/split.yaml");
  Tick();
  ASSERT_THAT(recorder_.models, SizeIs(4));
  EXPECT_THAT(recorder_.models[3].http_routes, SizeIs(0));
  EXPECT_THAT(recorder_.models[3].services, SizeIs(1));
  EXPECT_EQ(source->accepted_count(), 4u);
  EXPECT_EQ(source->rejected_count(), 1u);
}

TEST_F(LocalSourceTest, DeletingAReferencedServiceIsRejected) {
  Write("services.yaml", ServiceYaml("backend"));
  Write("route.yaml", RouteYaml("1"));
  auto source = MakeSource();
  source->Start(&recorder_);
  ASSERT_THAT(recorder_.models, SizeIs(1));
  fs::remove(dir_ / "services.yaml");
  Tick();
  ASSERT_THAT(recorder_.rejections, SizeIs(1));
  EXPECT_THAT(recorder_.rejections[0],
              HasSubstr("route.yaml[0] spec.parentRefs[0].name: unknown Service shop/backend"));
  EXPECT_THAT(source->current_model()->services, SizeIs(1));
}

TEST_F(LocalSourceTest, FixingBackToTheSameContentIsAnnounced) {
  Write("services.yaml", ServiceYaml("backend"));
  auto source = MakeSource();
  source->Start(&recorder_);
  Write("services.yaml", "kind: [");
  Tick();
  ASSERT_THAT(recorder_.rejections, SizeIs(1));
  EXPECT_THAT(recorder_.rejections[0], HasSubstr("services.yaml: YAML syntax error"));
  Write("services.yaml", ServiceYaml("backend"));
  Tick();
  EXPECT_THAT(recorder_.models, SizeIs(2));
}

TEST_F(LocalSourceTest, CommentOnlyEditsDoNotPush) {
  Write("services.yaml", ServiceYaml("backend"));
  auto source = MakeSource();
  source->Start(&recorder_);
  Write("services.yaml", "# a comment\n" + ServiceYaml("backend"));
  Tick();
  EXPECT_THAT(recorder_.models, SizeIs(1));
  EXPECT_THAT(recorder_.rejections, SizeIs(0));
}

TEST_F(LocalSourceTest, MissingDirectoryIsRejectedNotFatal) {
  LocalSource::Options options;
  options.directory = (dir_ / "nope").string();
  LocalSource source(options, dispatcher_);
  source.Start(&recorder_);
  ASSERT_THAT(recorder_.rejections, SizeIs(1));
  EXPECT_THAT(recorder_.rejections[0], HasSubstr("nope: cannot read the manifest directory"));
  EXPECT_EQ(source.current_model(), nullptr);
  fs::create_directories(dir_ / "nope");
  dispatcher_.AdvanceTime(absl::Seconds(1));
  ASSERT_THAT(recorder_.models, SizeIs(1));
  EXPECT_THAT(recorder_.models[0].services, SizeIs(0));
}

}  // namespace
}  // namespace weft::control_plane::local
