#include "proxy/listener/client_hello.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openssl/bio.h"
#include "openssl/ssl.h"

namespace weft::listener {
namespace {

using ::testing::ElementsAre;

// The first flight of a real BoringSSL client offering `alpn`.
std::string RealClientHello(const std::vector<std::string>& alpn) {
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  bssl::UniquePtr<SSL> ssl(SSL_new(ctx.get()));
  std::string wire;
  for (const std::string& p : alpn) wire += static_cast<char>(p.size()) + p;
  if (!wire.empty()) {
    SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const uint8_t*>(wire.data()), wire.size());
  }
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl.get(), in, out);  // takes both
  SSL_set_connect_state(ssl.get());
  SSL_do_handshake(ssl.get());  // writes the ClientHello, then wants to read
  const uint8_t* data = nullptr;
  size_t len = 0;
  BIO_mem_contents(out, &data, &len);
  return std::string(reinterpret_cast<const char*>(data), len);
}

TEST(ClientHelloTest, ReadsTheAlpnOfARealClientHello) {
  const std::string hello = RealClientHello({"h2", "weft-mesh"});
  ClientHelloAlpn parsed = ParseClientHelloAlpn(hello);
  ASSERT_EQ(parsed.status, ClientHelloAlpn::Status::kParsed);
  EXPECT_THAT(parsed.protocols, ElementsAre("h2", "weft-mesh"));
  EXPECT_TRUE(parsed.Offers("weft-mesh"));
  EXPECT_FALSE(parsed.Offers("weft"));
}

TEST(ClientHelloTest, NoAlpnIsParsedWithNoProtocols) {
  ClientHelloAlpn parsed = ParseClientHelloAlpn(RealClientHello({}));
  EXPECT_EQ(parsed.status, ClientHelloAlpn::Status::kParsed);
  EXPECT_TRUE(parsed.protocols.empty());
}

TEST(ClientHelloTest, EveryPrefixAsksForMoreData) {
  const std::string hello = RealClientHello({"http/1.1"});
  for (size_t n = 0; n < hello.size(); ++n) {
    EXPECT_EQ(ParseClientHelloAlpn(hello.substr(0, n)).status,
              ClientHelloAlpn::Status::kNeedMoreData)
        << n;
  }
}

TEST(ClientHelloTest, OtherBytesAreNotAClientHello) {
  EXPECT_EQ(ParseClientHelloAlpn("GET / HTTP/1.1\r\n").status,
            ClientHelloAlpn::Status::kNotClientHello);
  EXPECT_EQ(ParseClientHelloAlpn(std::string("\x16\x02", 2)).status,
            ClientHelloAlpn::Status::kNotClientHello);
  // A handshake record that is not a ClientHello (ServerHello = 2).
  std::string hello = RealClientHello({"h2"});
  hello[5] = 2;
  EXPECT_EQ(ParseClientHelloAlpn(hello).status, ClientHelloAlpn::Status::kNotClientHello);
  // A length that runs past the extension block.
  hello = RealClientHello({"h2"});
  const size_t at = hello.find(std::string("\x02h2", 3));
  ASSERT_NE(at, std::string::npos);
  hello[at] = 40;
  EXPECT_EQ(ParseClientHelloAlpn(hello).status, ClientHelloAlpn::Status::kNotClientHello);
}

}  // namespace
}  // namespace weft::listener
