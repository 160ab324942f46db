// The gRPC health messages, written and read by hand: checked against the
// protobuf encoding of grpc/health/v1/health.proto, byte for byte.
#include "proxy/health/grpc_health.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::health {
namespace {

using ::testing::HasSubstr;

std::string Framed(const std::string& message) {
  std::string out(5, '\0');
  out[4] = static_cast<char>(message.size());
  return out + message;
}

TEST(GrpcHealthTest, EncodesTheRequest) {
  EXPECT_EQ(EncodeHealthCheckRequest(""), std::string("\0\0\0\0\0", 5));
  EXPECT_EQ(EncodeHealthCheckRequest("api.v1"), Framed(std::string("\x0a\x06" "api.v1")));
  const std::string long_name(200, 'x');  // a two-byte length varint
  const std::string encoded = EncodeHealthCheckRequest(long_name);
  ASSERT_EQ(encoded.size(), 5u + 3 + 200);
  EXPECT_EQ(encoded.substr(0, 8), std::string("\0\0\0\0\xcb\x0a\xc8\x01", 8));
}

TEST(GrpcHealthTest, ReadsEveryServingStatus) {
  EXPECT_EQ(*ParseHealthCheckResponse(Framed("")), 0);  // proto3 default: UNKNOWN
  EXPECT_EQ(*ParseHealthCheckResponse(Framed("\x08\x01")), kServingStatusServing);
  EXPECT_EQ(*ParseHealthCheckResponse(Framed("\x08\x02")), 2);
  EXPECT_EQ(*ParseHealthCheckResponse(Framed("\x08\x03")), 3);
  EXPECT_EQ(ServingStatusName(1), "SERVING");
  EXPECT_EQ(ServingStatusName(2), "NOT_SERVING");
  EXPECT_EQ(ServingStatusName(3), "SERVICE_UNKNOWN");
  EXPECT_EQ(ServingStatusName(9), "status 9");
}

TEST(GrpcHealthTest, SkipsUnknownFieldsOfEveryWireType) {
  // field 2 bytes "abc", status 1, field 3 fixed32, field 4 fixed64, field 5 varint.
  const std::string message = std::string("\x12\x03" "abc" "\x08\x01" "\x1d\x01\x02\x03\x04", 12) +
                              std::string("\x21\x01\x02\x03\x04\x05\x06\x07\x08", 9) +
                              std::string("\x28\x96\x01", 3);
  absl::StatusOr<int> status = ParseHealthCheckResponse(Framed(message));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, kServingStatusServing);
}

TEST(GrpcHealthTest, RefusesBrokenAnswersNamingTheProblem) {
  EXPECT_THAT(ParseHealthCheckResponse("\0\0").status().message(), HasSubstr("5-byte prefix"));
  EXPECT_THAT(ParseHealthCheckResponse(std::string("\x01\0\0\0\x02\x08\x01", 7)).status().message(),
              HasSubstr("compressed"));
  EXPECT_THAT(ParseHealthCheckResponse(std::string("\0\0\0\0\x03\x08\x01", 7)).status().message(),
              HasSubstr("says 3 bytes, the body holds 2"));
  EXPECT_THAT(ParseHealthCheckResponse(Framed("\x08")).status().message(),
              HasSubstr("truncated varint"));
  EXPECT_THAT(ParseHealthCheckResponse(Framed("\x12\x09" "ab")).status().message(),
              HasSubstr("truncated length-delimited"));
  EXPECT_THAT(ParseHealthCheckResponse(Framed("\x0a\x01x")).status().message(),
              HasSubstr("status is not a varint"));
  EXPECT_THAT(ParseHealthCheckResponse(Framed("\x0b")).status().message(),
              HasSubstr("unsupported wire type 3"));
  EXPECT_THAT(ParseHealthCheckResponse(Framed(std::string("\x00\x01", 2))).status().message(),
              HasSubstr("field number 0"));
  // A varint that never ends.
  EXPECT_THAT(ParseHealthCheckResponse(Framed(std::string(11, '\xff'))).status().message(),
              HasSubstr("truncated"));
}

}  // namespace
}  // namespace weft::health
