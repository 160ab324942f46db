#include "proxy/config/problem_list.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace weft::config {
namespace {

TEST(ProblemListTest, EmptyListIsOk) {
  EXPECT_TRUE(ProblemList().ToStatus("bad").ok());
}

TEST(ProblemListTest, FormatsOneProblemPerLineAfterTheHeader) {
  ProblemList problems;
  problems.Add("listeners[1].port", "70000 is not a port (1-65535)", 8, 11);
  problems.Add("", "the document is empty");
  problems.Add("clusters[0].name", "required", 3);
  const absl::Status status = problems.ToStatus("x.yaml: invalid");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "x.yaml: invalid (3 problems):\n"
            "listeners[1].port: 70000 is not a port (1-65535) (line 8, column 11)\n"
            "the document is empty\n"
            "clusters[0].name: required (line 3)");
}

TEST(ProblemListTest, SortsByPositionKeepingUnpositionedLast) {
  ProblemList problems;
  problems.Add("c", "no position");
  problems.Add("b", "second", 5, 2);
  problems.Add("a", "first", 5, 1);
  problems.Add("d", "also no position");
  problems.Add("e", "earliest", 1, 9);
  problems.SortByPosition();
  std::vector<std::string> order;
  for (const ConfigProblem& p : problems.problems()) order.push_back(p.path);
  EXPECT_EQ(order, (std::vector<std::string>{"e", "a", "b", "c", "d"}));
}

TEST(ProblemListTest, CapsTheListedProblems) {
  ProblemList problems;
  for (int i = 0; i < 5; ++i) problems.Add("p", "m");
  EXPECT_EQ(problems.ToStatus("h", 2).message(), "h (5 problems):\np: m\np: m\n... and 3 more");
  EXPECT_EQ(problems.ToStatus("h", 5).message(), "h (5 problems):\np: m\np: m\np: m\np: m\np: m");
}

TEST(ProblemListTest, PathHelpers) {
  EXPECT_EQ(ChildPath("", "admin"), "admin");
  EXPECT_EQ(ChildPath("listeners[0]", "port"), "listeners[0].port");
  EXPECT_EQ(IndexPath("listeners", 2), "listeners[2]");
}

}  // namespace
}  // namespace weft::config
