#include "proxy/listener/protocol_sniffer.h"

#include <string>

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
  EXPECT_EQ(SniffProtocol("SSH-2.0-OpenSSH"), SniffResult::kOpaque);
  EXPECT_EQ(SniffProtocol("PRI * HTTP/1.1\r\n"), SniffResult::kOpaque);  // not the h2 preface
  EXPECT_EQ(SniffProtocol(std::string("\x16\x03\x01\x00\x10\x02", 6)),
            SniffResult::kOpaque);  // a handshake record, but no ClientHello
  EXPECT_EQ(SniffProtocol(std::string("\x16\x05", 2)), SniffResult::kOpaque);
}

TEST(ProtocolSnifferTest, RecognisesTheHttp2Preface) {
  EXPECT_EQ(SniffProtocol("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), SniffResult::kHttp2);
  EXPECT_EQ(SniffProtocol(std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\x12\x04", 28)),
            SniffResult::kHttp2);  // with the SETTINGS frame behind it
  EXPECT_EQ(SniffProtocol("PRI * HTTP/2.0\r\n"), SniffResult::kNeedMoreData);
  EXPECT_EQ(SniffProtocol("PR"), SniffResult::kNeedMoreData);
}

TEST(ProtocolSnifferTest, RecognisesATlsClientHello) {
  // Record: handshake, TLS 1.0 record version, length; handshake type 1.
  EXPECT_EQ(SniffProtocol(std::string("\x16\x03\x01\x02\x00\x01", 6)), SniffResult::kTls);
  EXPECT_EQ(SniffProtocol(std::string("\x16\x03\x03\x00\x80\x01\x00", 7)), SniffResult::kTls);
  EXPECT_EQ(SniffProtocol(std::string("\x16\x03\x01", 3)), SniffResult::kNeedMoreData);
}

}  // namespace
}  // namespace weft::listener
