#include "proxy/health/grpc_health.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "proxy/http/local_reply.h"
#include "proxy/http2/http2_codec.h"

namespace weft::health {
namespace {

constexpr size_t kPrefixBytes = 5;
// A HealthCheckResponse is a few bytes; anything near this is not one.
constexpr size_t kMaxBodyBytes = 64 * 1024;

void AppendVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads a varint at `pos`; false when truncated or longer than 10 bytes.
bool ReadVarint(absl::string_view in, size_t& pos, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos >= in.size()) return false;
    const uint8_t byte = static_cast<uint8_t>(in[pos++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

std::string EncodeHealthCheckRequest(absl::string_view service) {
  std::string message;
  if (!service.empty()) {
    message.push_back(0x0a);  // field 1, length-delimited
    AppendVarint(service.size(), message);
    message.append(service.data(), service.size());
  }
  std::string out(kPrefixBytes, '\0');
  const uint32_t n = static_cast<uint32_t>(message.size());
  out[1] = static_cast<char>(n >> 24);
  out[2] = static_cast<char>(n >> 16);
  out[3] = static_cast<char>(n >> 8);
  out[4] = static_cast<char>(n);
  return out + message;
}

absl::StatusOr<int> ParseHealthCheckResponse(absl::string_view body) {
  if (body.size() < kPrefixBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a gRPC message needs a 5-byte prefix, got ", body.size(), " bytes"));
  }
  if (body[0] != 0) {
    return absl::InvalidArgumentError("the answer is compressed (the probe asked for none)");
  }
  const uint32_t n = (static_cast<uint32_t>(static_cast<uint8_t>(body[1])) << 24) |
                     (static_cast<uint32_t>(static_cast<uint8_t>(body[2])) << 16) |
                     (static_cast<uint32_t>(static_cast<uint8_t>(body[3])) << 8) |
                     static_cast<uint32_t>(static_cast<uint8_t>(body[4]));
  if (body.size() - kPrefixBytes != n) {
    return absl::InvalidArgumentError(absl::StrCat("the message prefix says ", n,
                                                   " bytes, the body holds ",
                                                   body.size() - kPrefixBytes));
  }
  const absl::string_view message = body.substr(kPrefixBytes);
  int status = 0;  // proto3 default: UNKNOWN
  size_t pos = 0;
  while (pos < message.size()) {
    uint64_t key = 0;
    if (!ReadVarint(message, pos, key)) {
      return absl::InvalidArgumentError("HealthCheckResponse: truncated field key");
    }
    const uint64_t field = key >> 3;
    const int wire_type = static_cast<int>(key & 7);
    if (field == 0) return absl::InvalidArgumentError("HealthCheckResponse: field number 0");
    uint64_t value = 0;
    switch (wire_type) {
      case 0:  // varint
        if (!ReadVarint(message, pos, value)) {
          return absl::InvalidArgumentError("HealthCheckResponse: truncated varint");
        }
        if (field == 1) status = static_cast<int>(static_cast<int32_t>(value));
        break;
      case 1:  // 64-bit
        if (message.size() - pos < 8) {
          return absl::InvalidArgumentError("HealthCheckResponse: truncated fixed64");
        }
        pos += 8;
        break;
      case 2:  // length-delimited
        if (!ReadVarint(message, pos, value) || value > message.size() - pos) {
          return absl::InvalidArgumentError("HealthCheckResponse: truncated length-delimited field");
        }
        pos += value;
        break;
      case 5:  // 32-bit
        if (message.size() - pos < 4) {
          return absl::InvalidArgumentError("HealthCheckResponse: truncated fixed32");
        }
        pos += 4;
        break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("HealthCheckResponse: unsupported wire type ", wire_type));
    }
    if (field == 1 && wire_type != 0) {
      return absl::InvalidArgumentError("HealthCheckResponse: status is not a varint");
    }
  }
  return status;
}

std::string ServingStatusName(int status) {
  switch (status) {
    case 0:
      return "UNKNOWN";
    case 1:
      return "SERVING";
    case 2:
      return "NOT_SERVING";
    case 3:
      return "SERVICE_UNKNOWN";
    default:
      return absl::StrCat("status ", status);
  }
}

GrpcHealthCall::GrpcHealthCall(network::Connection& connection, std::string authority,
                               std::string service, Done done)
    : connection_(connection),
      authority_(std::move(authority)),
      service_(std::move(service)),
      done_(std::move(done)) {}

GrpcHealthCall::~GrpcHealthCall() {
  finished_ = true;  // a reset from the codec's teardown reports nothing
  codec_.reset();
}

void GrpcHealthCall::Start() {
  codec_ = http2::CreateHttp2ClientConnection(*this, http2::Http2Options());
  http::RequestEncoder& encoder = codec_->NewStream(*this);
  if (finished_) return;  // refused at once
  http::RequestHeaders headers;
  headers.method = "POST";
  headers.authority = authority_;
  headers.path = "/grpc.health.v1.Health/Check";
  headers.headers.Add("content-type", "application/grpc");
  headers.headers.Add("te", "trailers");
  headers.headers.Add("user-agent", "kube-probe/weft");
  encoder.EncodeHeaders(headers, /*end_stream=*/false);
  if (finished_) return;
  network::Buffer body;
  body.Append(EncodeHealthCheckRequest(service_));
  encoder.EncodeData(body, /*end_stream=*/true);
}

void GrpcHealthCall::OnData(network::Buffer& data) {
  if (codec_ == nullptr || finished_) return;
  absl::Status status = codec_->Dispatch(data);
  if (!status.ok()) {
    Finish(false, absl::StrCat("the app's answer is not valid HTTP/2 (not a gRPC server on this "
                               "port?): ", status.message()));
  }
}

void GrpcHealthCall::OnClosed() {
  if (codec_ != nullptr) codec_->OnConnectionClosed(http::StreamResetReason::kConnectionTermination);
  Finish(false, "the app closed the connection without answering");
}

void GrpcHealthCall::DecodeHeaders(http::ResponseHeaders& headers, bool end_stream) {
  if (headers.status != 200) {
    return Finish(false, absl::StrCat("the app answered HTTP ", headers.status,
                                      " (not a gRPC server on this port?)"));
  }
  if (end_stream) Complete(headers.headers);  // trailers-only: an error status
}

void GrpcHealthCall::DecodeData(network::Buffer& data, bool end_stream) {
  if (body_.size() + data.size() > kMaxBodyBytes) {
    data.Drain(data.size());
    return Finish(false, "the answer is larger than a HealthCheckResponse can be");
  }
  const absl::string_view bytes = data.view();
  body_.append(bytes.data(), bytes.size());
  data.Drain(data.size());
  if (end_stream) Finish(false, "the answer has no grpc-status");
}

void GrpcHealthCall::DecodeTrailers(http::HeaderMap& trailers) { Complete(trailers); }

void GrpcHealthCall::OnResetStream(http::StreamResetReason reason) {
  switch (reason) {
    case http::StreamResetReason::kConnectionTermination:
    case http::StreamResetReason::kConnectionFailure:
      return Finish(false, "the app closed the connection without answering");
    case http::StreamResetReason::kProtocolError:
      return Finish(false, "the app's answer is not valid HTTP/2 (not a gRPC server on this port?)");
    default:
      return Finish(false, absl::StrCat("the app reset the call (",
                                        http::StreamResetReasonName(reason), ")"));
  }
}

void GrpcHealthCall::Complete(const http::HeaderMap& status_fields) {
  const std::optional<int> grpc_status = http::GrpcStatusOf(status_fields);
  if (!grpc_status.has_value()) return Finish(false, "the answer has no valid grpc-status");
  if (*grpc_status != 0) {
    const std::string message(status_fields.Get("grpc-message").value_or(""));
    return Finish(false, absl::StrCat("grpc-status ", *grpc_status,
                                      message.empty() ? "" : ": ", message));
  }
  absl::StatusOr<int> serving = ParseHealthCheckResponse(body_);
  if (!serving.ok()) return Finish(false, std::string(serving.status().message()));
  Finish(*serving == kServingStatusServing, ServingStatusName(*serving));
}

void GrpcHealthCall::Finish(bool serving, std::string detail) {
  if (finished_) return;
  finished_ = true;
  Done done = std::move(done_);
  if (done) done(GrpcHealthResult{serving, std::move(detail)});
}

}  // namespace weft::health
