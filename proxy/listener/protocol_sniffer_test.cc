#include "proxy/listener/protocol_sniffer.h"

#include "gtest/gtest.h"

namespace weft::listener {
namespace {

TEST(ProtocolSnifferTest, RecognisesHttp1Methods) {
  EXPECT_EQ(SniffProtocol("GET / HTTP/1.1\r\n"), SniffResult::kHttp1);
  EXPECT_EQ(SniffProtocol("OPTIONS * HTTP/1.1\r\n"), SniffResult::kHttp1);
  EXPECT_EQ(SniffProtocol("DELETE "), SniffResult::kHttp1);
}

TEST(ProtocolSnifferTest, WaitsWhileBytesCouldStillBeAMethod) {
  EXPECT_EQ(SniffProtocol(""), SniffResult::kNeedMoreData);
  EXPECT_EQ(SniffProtocol("G"), SniffResult::kNeedMoreData);
  EXPECT_EQ(SniffProtocol("OPTION"), SniffResult::kNeedMoreData);
  EXPECT_EQ(SniffProtocol("P"), SniffResult::kNeedMoreData);
}

TEST(ProtocolSnifferTest, EverythingElseIsOpaque) {
  EXPECT_EQ(SniffProtocol("GETX"), SniffResult::kOpaque);
  EXPECT_EQ(SniffProtocol("get / HTTP/1.1"), SniffResult::kOpaque);  // methods are case-sensitive
  EXPECT_EQ(SniffProtocol("\x16\x03\x01\x02"), SniffResult::kOpaque);  // TLS ClientHello
  EXPECT_EQ(SniffProtocol("PRI * HTTP/2.0"), SniffResult::kOpaque);  // h2 preface: issue 3
  EXPECT_EQ(SniffProtocol("SSH-2.0-OpenSSH"), SniffResult::kOpaque);
}

}  // namespace
}  // namespace weft::listener
