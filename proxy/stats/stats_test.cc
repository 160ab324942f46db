#include "proxy/stats/stats.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace weft::stats {
namespace {

TEST(StatsTest, SnapshotSumsCountersAndGaugesAcrossScopes) {
  Store store;
  Scope& a = store.CreateScope();
  Scope& b = store.CreateScope();
  a.counter("rq_total").Inc(3);
  b.counter("rq_total").Inc(4);
  a.gauge("cx_active").Add(2);
  b.gauge("cx_active").Add(5);
  b.gauge("cx_active").Sub(1);
  b.counter("only_b").Inc();
  auto snap = store.Snapshot();
  EXPECT_EQ(snap["rq_total"].value, 7);
  EXPECT_FALSE(snap["rq_total"].is_gauge);
  EXPECT_EQ(snap["cx_active"].value, 6);
  EXPECT_TRUE(snap["cx_active"].is_gauge);
  EXPECT_EQ(snap["only_b"].value, 1);
}

TEST(StatsTest, ReferencesStayValidAsScopesGrow) {
  Store store;
  Scope& s = store.CreateScope();
  Counter& first = s.counter("c0");
  for (int i = 1; i < 1000; ++i) s.counter("c" + std::to_string(i)).Inc();
  first.Inc(42);
  EXPECT_EQ(store.Snapshot()["c0"].value, 42);
}

TEST(StatsTest, ConcurrentWritersAndScraperAgreeOnTotal) {
  Store store;
  std::vector<Scope*> scopes;
  for (int i = 0; i < 4; ++i) scopes.push_back(&store.CreateScope());
  std::vector<std::thread> threads;
  for (Scope* s : scopes) {
    threads.emplace_back([s] {
      Counter& c = s->counter("n");
      for (int i = 0; i < 10000; ++i) c.Inc();
    });
  }
  for (int i = 0; i < 10; ++i) store.Snapshot();  // scrapes race with writers
  for (auto& t : threads) t.join();
  EXPECT_EQ(store.Snapshot()["n"].value, 40000);
}

}  // namespace
}  // namespace weft::stats
