#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include "control-plane/ca/join_token_store.h"
#include "control-plane/ca/join_token_verifier.h"
#include "gtest/gtest.h"

namespace weft::control_plane::ca {
namespace {

std::string FreshDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/" + name;
  mkdir(dir.c_str(), 0700);
  return dir + "/ca";  // does not exist yet: Issue creates it
}

TEST(WorkloadRefTest, ParsesAndRejects) {
  absl::StatusOr<WorkloadRef> ok = WorkloadRef::Parse("shop/cart-0");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->ns, "shop");
  EXPECT_EQ(ok->name, "cart-0");
  EXPECT_EQ(WorkloadRef::Parse("cart").status().message(), "\"cart\" is not <namespace>/<workload>");
  EXPECT_NE(WorkloadRef::Parse("shop/../x").status().message().find("workload name"),
            std::string::npos);
  EXPECT_NE(WorkloadRef::Parse("/x").status().message().find("namespace is empty"),
            std::string::npos);
}

TEST(JoinTokenStoreTest, IssueLookupAndReissueRevokes) {
  const std::string ca_dir = FreshDir("issue");
  JoinTokenStore store(JoinTokenStore::DirectoryFor(ca_dir));
  absl::StatusOr<std::string> first = store.Issue({"shop", "cart-0"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->rfind("weft-jt-", 0), 0u);
  EXPECT_EQ(first->size(), 8u + 64u);

  absl::StatusOr<WorkloadRef> who = store.Lookup(*first);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->ToString(), "shop/cart-0");

  // The store keeps only the hash, with private permissions.
  struct stat st;
  ASSERT_EQ(stat((store.directory() + "/" + TokenDigest(*first)).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(store.directory().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  absl::StatusOr<std::string> other = store.Issue({"shop", "web-0"});
  absl::StatusOr<std::string> second = store.Issue({"shop", "cart-0"});
  ASSERT_TRUE(second.ok() && other.ok());
  EXPECT_NE(*first, *second);
  EXPECT_EQ(store.Lookup(*first).status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(store.Lookup(*second).ok());
  EXPECT_EQ(store.Lookup(*other)->ToString(), "shop/web-0");

  absl::StatusOr<int> revoked = store.Revoke({"shop", "cart-0"});
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(*revoked, 1);
  EXPECT_EQ(store.Lookup(*second).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(JoinTokenStoreTest, BadTokensAreUnauthenticatedWithoutEcho) {
  JoinTokenStore store(JoinTokenStore::DirectoryFor(FreshDir("bad")));
  const std::string secretish = "weft-jt-" + std::string(64, 'a');
  for (const std::string& token : {std::string(), std::string("hunter2"), secretish,
                                   std::string("weft-jt-") + std::string(64, 'A')}) {
    absl::Status s = store.Lookup(token).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << token;
    if (!token.empty()) {
      EXPECT_EQ(s.message().find(token), std::string::npos) << s;
    }
  }
}

TEST(JoinTokenVerifierTest, GrantsTheWorkloadsServiceAccountFromTheModel) {
  JoinTokenStore store(JoinTokenStore::DirectoryFor(FreshDir("verifier")));
  const std::string token = *store.Issue({"shop", "cart-0"});
  const std::string gone = *store.Issue({"shop", "gone-0"});
  std::string service_account = "cart";
  JoinTokenVerifier verifier(store, "cluster.local",
                             [&](const WorkloadRef& w) -> absl::StatusOr<std::string> {
                               if (w.name == "cart-0") return service_account;
                               return absl::NotFoundError("no such workload");
                             });
  absl::StatusOr<certs::SpiffeId> id = verifier.Verify(token);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->ToString(), "spiffe://cluster.local/ns/shop/sa/cart");

  service_account = "cart-v2";  // the Workload manifest changed
  EXPECT_EQ(verifier.Verify(token)->ToString(), "spiffe://cluster.local/ns/shop/sa/cart-v2");

  absl::Status s = verifier.Verify(gone).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("shop/gone-0, which is not registered"), std::string::npos) << s;
  EXPECT_EQ(verifier.Verify("nope").status().code(), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace weft::control_plane::ca
