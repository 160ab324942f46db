// meshctl certs against canned /debug/certs documents; token against a temp CA dir.
#include "tools/meshctl/certs_command.h"

#include <sstream>

#include "common/time/simulated_time_source.h"
#include "control-plane/ca/join_token_store.h"
#include "gtest/gtest.h"
#include "tools/meshctl/test_directory.h"

namespace weft::meshctl {
namespace {

using testing::CompareGolden;

constexpr char kMonitoring[] = "127.0.0.1:15014";

constexpr char kDraining[] = R"({
  "trust_domain": "cluster.local",
  "rotation": {"phase": "draining", "switch_at": "2026-01-01T01:00:00+00:00", "retire_at": "2026-01-02T01:00:00+00:00"},
  "roots": [
    {"fingerprint": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "role": "signing", "not_after": "2036-01-01T00:00:00+00:00"},
    {"fingerprint": "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", "role": "retiring", "not_after": "2035-06-01T00:00:00+00:00"}
  ],
  "workloads": [
    {"spiffe_id": "spiffe://cluster.local/ns/shop/sa/cart", "serial": "5e1a2f0c9b7d4e3a8f6b1c2d3e4f5a6b", "root": "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", "issued_at": "2026-01-01T00:30:00+00:00", "not_after": "2026-01-02T00:30:00+00:00", "peer": "ipv4:10.77.0.12:40000"},
    {"spiffe_id": "spiffe://cluster.local/ns/shop/sa/web", "serial": "0b7d4e3a8f6b1c2d3e4f5a6b5e1a2f0c", "root": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "issued_at": "2026-01-01T02:00:00+00:00", "not_after": "2026-01-02T02:00:00+00:00", "peer": "ipv4:10.77.0.13:40002"}
  ]
}
)";

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome Invoke(const std::vector<std::string>& args, FakeHttpFetcher& http) {
  std::istringstream in;
  std::ostringstream out, err;
  CommandEnv env{&in, &out, &err};
  SimulatedTimeSource time(absl::FromUnixSeconds(1767232800));  // 2026-01-01T02:00:00Z
  env.time = &time;
  env.http = &http;
  const int code = RunCerts(args, env);
  return {code, out.str(), err.str()};
}

TEST(CertsCommandTest, TablesDuringARotation) {
  FakeHttpFetcher http;
  http.Add(kMonitoring, "/debug/certs", kDraining);
  Outcome r = Invoke({}, http);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(CompareGolden("certs.golden", r.out), "");
}

TEST(CertsCommandTest, JsonAndYaml) {
  FakeHttpFetcher http;
  http.Add(kMonitoring, "/debug/certs", kDraining);
  Outcome r = Invoke({"-o", "yaml"}, http);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(CompareGolden("certs_yaml.golden", r.out), "");
  r = Invoke({"-o", "json", "--monitoring=10.0.0.1:15014"}, http);
  EXPECT_EQ(r.code, kExitUsage);  // nothing at that address
  EXPECT_NE(r.err.find("control plane at 10.0.0.1:15014"), std::string::npos) << r.err;
}

TEST(CertsCommandTest, EmptyWorkloadsSayWhy) {
  FakeHttpFetcher http;
  http.Add(kMonitoring, "/debug/certs",
           R"({"trust_domain": "td", "rotation": {"phase": "stable"}, "roots": [], "workloads": []})");
  Outcome r = Invoke({}, http);
  ASSERT_EQ(r.code, kExitOk);
  EXPECT_NE(r.out.find("No workload certificates issued"), std::string::npos) << r.out;
}

TEST(CertsCommandTest, RotateRootPostsAndExplainsThePhases) {
  FakeHttpFetcher http;
  http.SetPost(kMonitoring, "/debug/certs/rotate-root",
               std::string(R"({"trust_domain": "cluster.local",
    "rotation": {"phase": "distributing", "switch_at": "2026-01-01T03:00:00+00:00", "retire_at": null},
    "roots": [{"fingerprint": "aaaa", "role": "signing", "not_after": "2036-01-01T00:00:00+00:00"},
              {"fingerprint": "bbbbccccddddeeeeffff", "role": "incoming", "not_after": "2036-01-01T02:00:00+00:00"}],
    "workloads": []})"));
  Outcome r = Invoke({"rotate-root"}, http);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  ASSERT_EQ(http.posts().size(), 1u);
  EXPECT_EQ(CompareGolden("certs_rotate_root.golden", r.out), "");

  http.SetPost(kMonitoring, "/debug/certs/rotate-root",
               absl::FailedPreconditionError("POST http://127.0.0.1:15014/debug/certs/rotate-root: "
                                             "HTTP 409: a root rotation is already under way"));
  r = Invoke({"rotate-root"}, http);
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_NE(r.err.find("already under way"), std::string::npos) << r.err;
}

TEST(CertsCommandTest, TokenIsPrintedAloneAndGrantsTheWorkload) {
  testing::TestDirectory dir;
  FakeHttpFetcher http;
  Outcome r = Invoke({"token", "shop/cart-0", "--ca_dir=" + dir.Join("ca")}, http);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  ASSERT_EQ(r.out.back(), '\n');
  const std::string token = r.out.substr(0, r.out.size() - 1);
  control_plane::ca::JoinTokenStore store(
      control_plane::ca::JoinTokenStore::DirectoryFor(dir.Join("ca")));
  absl::StatusOr<control_plane::ca::WorkloadRef> who = store.Lookup(token);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->ToString(), "shop/cart-0");

  r = Invoke({"token", "shop/cart-0", "--revoke", "--ca_dir=" + dir.Join("ca")}, http);
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_EQ(r.err, "revoked 1 join token(s) of shop/cart-0\n");
  EXPECT_FALSE(store.Lookup(token).ok());

  r = Invoke({"token", "cart-0", "--ca_dir=" + dir.Join("ca")}, http);
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_EQ(r.err, "meshctl certs token: \"cart-0\" is not <namespace>/<workload>\n");
  EXPECT_EQ(Invoke({"token"}, http).code, kExitUsage);
  EXPECT_EQ(Invoke({"bogus"}, http).code, kExitUsage);
}

}  // namespace
}  // namespace weft::meshctl
