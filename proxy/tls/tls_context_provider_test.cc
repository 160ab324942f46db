// TlsContextProvider under concurrent swaps and reads (also run under TSan):
// readers always get a complete context, and a context stays alive for as long
// as someone holds it, even after it was replaced.

#include "proxy/tls/tls_context_provider.h"

#include <atomic>
#include <thread>
#include <vector>

#include "common/time/simulated_time_source.h"
#include "gtest/gtest.h"
#include "proxy/tls/tls_test_util.h"

namespace weft::tls {
namespace {

TEST(TlsContextProviderTest, ConcurrentSwapsAndReads) {
  SimulatedTimeSource time;
  TestMesh mesh("weft.local", time);
  std::vector<std::shared_ptr<const TlsContext>> contexts;
  std::vector<certs::SpiffeId> ids;
  for (int i = 0; i < 4; ++i) {
    TestMesh::Svid svid = mesh.Issue("shop", "cart-" + std::to_string(i));
    auto ctx = TlsContext::CreateServer(mesh.ServerOptions(svid));
    ASSERT_TRUE(ctx.ok()) << ctx.status();
    contexts.push_back(*ctx);
    ids.push_back(svid.id);
  }
  TlsContextProvider provider(contexts[0]);
  std::shared_ptr<const TlsContext> held = provider.Get();  // an "established connection"

  constexpr int kSwaps = 2000;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      for (int i = 0; i < 100000 && !done.load(); ++i) {
        std::shared_ptr<const TlsContext> ctx = provider.Get();
        if (ctx == nullptr || ctx->ssl_ctx() == nullptr ||
            ctx->local_identity().namespace_name() != "shop") {
          bad.fetch_add(1);
        }
      }
    });
  }
  for (int i = 1; i <= kSwaps; ++i) provider.Set(contexts[i % contexts.size()]);
  done.store(true);
  for (std::thread& t : readers) t.join();

  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(provider.generation(), static_cast<uint64_t>(kSwaps));
  EXPECT_EQ(provider.Get()->local_identity(), ids[kSwaps % contexts.size()]);
  // The context taken before the swaps is untouched.
  EXPECT_EQ(held->local_identity(), ids[0]);
}

}  // namespace
}  // namespace weft::tls
