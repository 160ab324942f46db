#include "control-plane/kube/reflector.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/random/random.h"
#include "control-plane/kube/fake_api_transport.h"
#include "control-plane/kube/object_decoders.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane::kube {
namespace {

using ::testing::ElementsAre;

// Records every wait instead of waiting (simulated time).
class RecordingSleeper : public Sleeper {
 public:
  bool SleepFor(absl::Duration d) override {
    sleeps.push_back(d);
    return !woken;
  }
  void Wake() override { woken = true; }
  std::vector<absl::Duration> sleeps;
  bool woken = false;
};

// Uniform(n) == n - 1 for every backoff ceiling (250 ms * 2^k up to 16 s, and 30 s): each wait
// is its ceiling minus 1 ns, so the exponential growth is visible.
constexpr uint64_t kAlmostCeiling = 240'000'000'000ull - 1;

std::string Ns(const std::string& name, int rv) {
  return absl::StrCat(R"({"metadata":{"name":")", name, R"(","resourceVersion":")", rv, R"("}})");
}
std::string List(const std::vector<std::string>& items, int rv, const std::string& next = "") {
  std::string out = absl::StrCat(R"({"kind":"NamespaceList","metadata":{"resourceVersion":")", rv,
                                 R"(","continue":")", next, R"("},"items":[)");
  for (size_t i = 0; i < items.size(); ++i) absl::StrAppend(&out, i ? "," : "", items[i]);
  return out + "]}";
}
std::string Event(const std::string& type, const std::string& object) {
  return absl::StrCat(R"({"type":")", type, R"(","object":)", object, "}");
}
std::string Gone() {
  return Event("ERROR", R"({"kind":"Status","code":410,"reason":"Expired","message":"too old"})");
}

class ReflectorTest : public ::testing::Test {
 protected:
  ReflectorTest() { Make({"Namespace", "v1", "namespaces", false}); }

  void Make(ResourceType type) {
    Reflector::Options options;
    options.page_size = 2;
    options.watch_timeout_seconds = 60;
    reflector_ = std::make_unique<Reflector>(type, options, api_, DecodeNamespace, sleeper_,
                                             random_, [this] { ++changes_; });
  }

  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& [key, object] : reflector_->store()) out.push_back(key.name);
    return out;
  }

  FakeApiTransport api_;
  RecordingSleeper sleeper_;
  FixedRandom random_{{kAlmostCeiling}};
  int changes_ = 0;
  std::unique_ptr<Reflector> reflector_;
};

TEST_F(ReflectorTest, ListsInPagesThenWatchesFromTheListsVersion) {
  api_.ReplyGet(200, List({Ns("a", 3), Ns("b", 4)}, 10, "tok+/="));
  api_.ReplyGet(200, List({Ns("c", 5)}, 10));
  api_.ReplyWatch({Event("ADDED", Ns("d", 11)), Event("MODIFIED", Ns("a", 12)),
                   Event("DELETED", Ns("b", 13)),
                   Event("BOOKMARK", R"({"metadata":{"resourceVersion":"20"}})")});
  ASSERT_TRUE(reflector_->Step());
  EXPECT_TRUE(reflector_->synced());
  EXPECT_THAT(Names(), ElementsAre("a", "b", "c"));
  EXPECT_EQ(reflector_->resource_version(), "10");
  EXPECT_EQ(changes_, 1);  // the list is swapped in once, not item by item
  ASSERT_TRUE(reflector_->Step());
  EXPECT_THAT(Names(), ElementsAre("a", "c", "d"));
  EXPECT_EQ(reflector_->store().at(ObjectKey{"", "a"})->resource_version, "12");
  EXPECT_EQ(reflector_->resource_version(), "20");
  // d added, b deleted; a's update carries nothing the model uses (a Namespace
  // is only its name), and the bookmark changes nothing either.
  EXPECT_EQ(changes_, 3);
  EXPECT_THAT(api_.paths(),
              ElementsAre("GET /api/v1/namespaces?limit=2",
                          "GET /api/v1/namespaces?limit=2&continue=tok%2B%2F%3D",
                          "WATCH /api/v1/namespaces?watch=true&allowWatchBookmarks=true&"
                          "resourceVersion=10&timeoutSeconds=60"));
  EXPECT_TRUE(sleeper_.sleeps.empty());
  // The server ended the stream cleanly: the next watch starts at once from 20.
  api_.ReplyWatch({});
  ASSERT_TRUE(reflector_->Step());
  EXPECT_TRUE(absl::StrContains(api_.paths().back(), "resourceVersion=20&"));
  EXPECT_TRUE(sleeper_.sleeps.empty());
  const Reflector::Stats stats = reflector_->stats();
  EXPECT_EQ(stats.lists, 1u);
  EXPECT_EQ(stats.list_pages, 2u);
  EXPECT_EQ(stats.events, 3u);
  EXPECT_EQ(stats.unchanged_events, 1u);
  EXPECT_EQ(stats.bookmarks, 1u);
}

// A Node's status heartbeat rebuilds nothing; a new zone label does.
TEST_F(ReflectorTest, OnlyUpdatesTheModelCanSeeAreChanges) {
  reflector_ =
      std::make_unique<Reflector>(ResourceType{"Node", "v1", "nodes", false}, Reflector::Options{},
                                  api_, DecodeNode, sleeper_, random_, [this] { ++changes_; });
  auto node = [](const std::string& zone, int rv, const std::string& heartbeat) {
    return absl::StrCat(R"({"metadata":{"name":"n1","resourceVersion":")", rv,
                        R"(","labels":{"topology.kubernetes.io/zone":")", zone,
                        R"("}},"status":{"conditions":[{"type":"Ready","lastHeartbeatTime":")",
                        heartbeat, R"("}]}})");
  };
  api_.ReplyGet(200, List({node("a", 3, "t0")}, 3));
  api_.ReplyWatch({Event("MODIFIED", node("a", 4, "t1")), Event("MODIFIED", node("a", 5, "t2")),
                   Event("MODIFIED", node("b", 6, "t3"))});
  ASSERT_TRUE(reflector_->Step());
  EXPECT_EQ(changes_, 1);
  ASSERT_TRUE(reflector_->Step());
  EXPECT_EQ(changes_, 2);  // only the relabelling
  EXPECT_EQ(reflector_->store().at(ObjectKey{"", "n1"})->node_locality->zone, "b");
  EXPECT_EQ(reflector_->resource_version(), "6");
  EXPECT_EQ(reflector_->stats().unchanged_events, 2u);
}

TEST_F(ReflectorTest, GoneErrorEventRelistsAndSwapsTheStoreAtomically) {
  api_.ReplyGet(200, List({Ns("a", 1)}, 5));
  api_.ReplyWatch({Event("ADDED", Ns("b", 6)), Gone()});
  api_.ReplyGet(200, List({Ns("b", 6), Ns("c", 8)}, 9));
  reflector_->Step();
  reflector_->Step();
  EXPECT_THAT(Names(), ElementsAre("a", "b"));  // kept until the new list is complete
  EXPECT_TRUE(sleeper_.sleeps.empty());         // 410: list again at once
  reflector_->Step();
  EXPECT_THAT(Names(), ElementsAre("b", "c"));
  EXPECT_EQ(reflector_->resource_version(), "9");
  EXPECT_EQ(reflector_->stats().relists_gone, 1u);
}

TEST_F(ReflectorTest, HttpGoneOnWatchRelists) {
  api_.ReplyGet(200, List({Ns("a", 1)}, 5));
  api_.ReplyWatch({}, ApiTransport::Response{410, R"({"kind":"Status","code":410})"});
  api_.ReplyGet(200, List({Ns("z", 7)}, 7));
  reflector_->Step();
  reflector_->Step();
  reflector_->Step();
  EXPECT_THAT(Names(), ElementsAre("z"));
  EXPECT_EQ(api_.paths().back(), "GET /api/v1/namespaces?limit=2");
}

TEST_F(ReflectorTest, DroppedWatchResumesFromTheLastVersionAfterBackoff) {
  api_.ReplyGet(200, List({Ns("a", 1)}, 5));
  api_.ReplyWatch({Event("ADDED", Ns("b", 6))}, absl::UnavailableError("connection reset"));
  api_.ReplyWatch({}, absl::UnavailableError("connection refused"));
  api_.ReplyWatch({}, absl::UnavailableError("connection refused"));
  api_.ReplyWatch({Event("ADDED", Ns("c", 7))});
  for (int i = 0; i < 5; ++i) reflector_->Step();
  EXPECT_THAT(Names(), ElementsAre("a", "b", "c"));  // never cleared
  // The stream that delivered an event reset the backoff; the failures after it grow it.
  EXPECT_THAT(sleeper_.sleeps,
              ElementsAre(absl::Milliseconds(250) - absl::Nanoseconds(1),
                          absl::Milliseconds(500) - absl::Nanoseconds(1),
                          absl::Milliseconds(1000) - absl::Nanoseconds(1)));
  for (size_t i = 2; i < 5; ++i) {
    EXPECT_TRUE(absl::StrContains(api_.paths()[i], "resourceVersion=6&")) << api_.paths()[i];
  }
  EXPECT_EQ(reflector_->stats().errors, 3u);
  EXPECT_TRUE(absl::StrContains(reflector_->last_error(), "connection refused"));
}

TEST_F(ReflectorTest, FailingListsBackOffUpToTheMaxAndKeepTheStore) {
  api_.ReplyGet(200, List({Ns("a", 1)}, 5));
  api_.ReplyWatch({Gone()});
  for (int i = 0; i < 9; ++i) api_.ReplyGet(503, R"({"kind":"Status","message":"etcd down"})");
  api_.FailGet(absl::UnavailableError("connection refused"));
  for (int i = 0; i < 12; ++i) reflector_->Step();
  EXPECT_THAT(Names(), ElementsAre("a"));
  ASSERT_EQ(sleeper_.sleeps.size(), 10u);
  EXPECT_EQ(sleeper_.sleeps[0], absl::Milliseconds(250) - absl::Nanoseconds(1));
  EXPECT_EQ(sleeper_.sleeps[6], absl::Seconds(16) - absl::Nanoseconds(1));
  EXPECT_EQ(sleeper_.sleeps[7], absl::Seconds(30) - absl::Nanoseconds(1));  // capped
  EXPECT_EQ(sleeper_.sleeps[9], absl::Seconds(30) - absl::Nanoseconds(1));
  EXPECT_EQ(reflector_->stats().errors, 10u);
}

TEST_F(ReflectorTest, ExpiredContinueTokenListsAgainWithoutPages) {
  api_.ReplyGet(200, List({Ns("a", 1), Ns("b", 2)}, 5, "t1"));
  api_.ReplyGet(410, R"({"kind":"Status","code":410,"reason":"Expired"})");
  api_.ReplyGet(200, List({Ns("a", 1), Ns("b", 2), Ns("c", 3)}, 8));
  reflector_->Step();
  EXPECT_THAT(Names(), ElementsAre("a", "b", "c"));
  EXPECT_EQ(reflector_->resource_version(), "8");
  EXPECT_EQ(api_.paths().back(), "GET /api/v1/namespaces");
  EXPECT_TRUE(sleeper_.sleeps.empty());
}

TEST_F(ReflectorTest, MissingOptionalTypeIsSyncedEmptyAndRetriedLater) {
  Make({"HTTPRoute", "gateway.networking.k8s.io/v1", "httproutes", true});
  api_.ReplyGet(404, R"({"kind":"Status","code":404})");
  api_.ReplyGet(200, List({}, 3));
  reflector_->Step();
  EXPECT_TRUE(reflector_->synced());
  EXPECT_TRUE(reflector_->missing());
  EXPECT_EQ(changes_, 1);
  EXPECT_THAT(sleeper_.sleeps, ElementsAre(absl::Seconds(30)));
  reflector_->Step();
  EXPECT_FALSE(reflector_->missing());
  EXPECT_EQ(api_.paths()[0], "GET /apis/gateway.networking.k8s.io/v1/httproutes?limit=2");
}

TEST_F(ReflectorTest, GarbageAndErrorEventsBackOffAndResume) {
  api_.ReplyGet(200, List({Ns("a", 1)}, 5));
  api_.ReplyWatch({"not json"});
  api_.ReplyWatch({Event("ERROR", R"({"kind":"Status","code":500,"message":"boom"})")});
  api_.ReplyWatch({}, ApiTransport::Response{403, R"({"message":"forbidden: no RBAC"})"});
  for (int i = 0; i < 4; ++i) reflector_->Step();
  EXPECT_EQ(sleeper_.sleeps.size(), 3u);
  EXPECT_TRUE(absl::StrContains(reflector_->last_error(), "HTTP 403: forbidden: no RBAC"))
      << reflector_->last_error();
  EXPECT_THAT(Names(), ElementsAre("a"));
}

TEST_F(ReflectorTest, StopEndsRun) {
  api_.ReplyGet(200, List({}, 1));
  reflector_->Stop();
  reflector_->Run();  // returns at once
  EXPECT_FALSE(reflector_->Step());
  EXPECT_TRUE(sleeper_.woken);
}

}  // namespace
}  // namespace weft::control_plane::kube
