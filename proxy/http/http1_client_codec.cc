#include "proxy/http/http1_client_codec.h"

#include <string>
#include <utility>

#include "proxy/http/http1_encoder.h"

namespace weft::http {
namespace {

// Responses larger than this in their head are treated as malformed.
constexpr uint32_t kMaxResponseHeadBytes = 256 * 1024;

bool MethodExpectsBody(absl::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

Http1ClientConnection::Http1ClientConnection(CodecTransport& transport,
                                             std::function<void()> on_stream_complete)
    : transport_(transport),
      on_stream_complete_(std::move(on_stream_complete)),
      parser_(Http1Parser::Type::kResponse, this, kMaxResponseHeadBytes) {}

RequestEncoder& Http1ClientConnection::NewStream(ResponseDecoder& decoder) {
  decoder_ = &decoder;
  parser_.Reset();
  head_parsed_ = false;
  informational_ = false;
  has_trailers_ = false;
  request_complete_ = false;
  response_started_ = false;
  tunnel_ = false;
  is_head_ = false;
  return *this;
}

// ---- RequestEncoder ---------------------------------------------------------

void Http1ClientConnection::EncodeHeaders(const RequestHeaders& headers, bool end_stream) {
  is_head_ = headers.method == "HEAD";
  parser_.set_expect_no_body(is_head_);
  BodyFraming framing;
  if (!headers.upgrade.empty() || headers.method == "CONNECT") {
    framing = BodyFraming::kNone;  // a tunnel follows
  } else if (headers.headers.Has("content-length")) {
    framing = BodyFraming::kContentLength;
  } else if (end_stream) {
    framing = MethodExpectsBody(headers.method) ? BodyFraming::kEmpty : BodyFraming::kNone;
  } else {
    framing = BodyFraming::kChunked;
  }
  request_chunked_ = framing == BodyFraming::kChunked;
  EncodeRequestHeaders(headers, framing, out_);
  Flush();
  if (end_stream) request_complete_ = true;
}

void Http1ClientConnection::EncodeData(network::Buffer& data, bool end_stream) {
  if (request_chunked_) {
    EncodeChunk(data.view(), out_);
    data.Clear();
    if (end_stream) EncodeLastChunk(out_);
  } else {
    out_.Move(data);
  }
  Flush();
  if (end_stream) request_complete_ = true;
}

void Http1ClientConnection::EncodeTrailers(const HeaderMap& trailers) {
  if (request_chunked_) EncodeLastChunkWithTrailers(trailers, out_);
  Flush();
  request_complete_ = true;
}

void Http1ClientConnection::ResetStream(StreamResetReason) {
  keep_alive_ = false;
  decoder_ = nullptr;
  if (on_stream_complete_) on_stream_complete_();
}

void Http1ClientConnection::ReadDisable(bool disable) { transport_.ReadDisable(disable); }

// ---- Decoding ---------------------------------------------------------------

absl::Status Http1ClientConnection::Dispatch(network::Buffer& data) {
  while (!data.empty() && decoder_ != nullptr && !tunnel_) {
    Http1Parser::Result r = parser_.Execute(data.view());
    data.Drain(r.consumed);
    if (r.error != ParseError::kNone) {
      data.Clear();
      keep_alive_ = false;
      ResetDecoder(StreamResetReason::kProtocolError);
      return absl::InvalidArgumentError("malformed response: " + r.error_detail);
    }
    Deliver(r.message_complete);
    if (r.consumed == 0 && !r.message_complete) break;
  }
  if (tunnel_ && decoder_ != nullptr && !data.empty()) decoder_->DecodeData(data, false);
  if (!data.empty()) {
    keep_alive_ = false;  // bytes nobody asked for: the connection is not reusable
    data.Clear();
  }
  return absl::OkStatus();
}

void Http1ClientConnection::OnMessageHead(MessageHead& head) {
  response_.status = head.status;
  std::swap(response_.headers, head.headers);
  std::string upgrade;
  if (head.status == 101) {
    if (auto u = response_.headers.Get("upgrade")) upgrade.assign(u->data(), u->size());
  }
  RemoveHopByHopFields(response_.headers);
  if (!upgrade.empty()) response_.headers.Add("upgrade", upgrade);
  if (!head.keep_alive) keep_alive_ = false;
  informational_ = head.status >= 100 && head.status < 200 && head.status != 101;
  head_parsed_ = true;
}

void Http1ClientConnection::OnBody(absl::string_view data) { body_.Append(data); }

void Http1ClientConnection::OnTrailers(HeaderMap& trailers) {
  std::swap(trailers_, trailers);
  RemoveHopByHopFields(trailers_);
  has_trailers_ = true;
}

void Http1ClientConnection::Deliver(bool message_complete) {
  if (head_parsed_) {
    head_parsed_ = false;
    if (informational_) {
      informational_ = false;
      decoder_->Decode1xxHeaders(response_);
      if (message_complete) {
        parser_.Reset();  // the final response follows
        parser_.set_expect_no_body(is_head_);
      }
      return;
    }
    response_started_ = true;
    if (response_.status == 101) {
      tunnel_ = true;
      keep_alive_ = false;
      decoder_->DecodeHeaders(response_, false);
      return;
    }
    const bool end = message_complete && body_.empty() && !has_trailers_;
    decoder_->DecodeHeaders(response_, end);
    if (end) {
      StreamDone();
      return;
    }
  }
  if (decoder_ == nullptr) {
    body_.Clear();
    return;
  }
  if (!body_.empty() || (message_complete && !has_trailers_)) {
    const bool end = message_complete && !has_trailers_;
    decoder_->DecodeData(body_, end);
    body_.Clear();
    if (end) {
      StreamDone();
      return;
    }
  }
  if (message_complete && has_trailers_ && decoder_ != nullptr) {
    has_trailers_ = false;
    decoder_->DecodeTrailers(trailers_);
    StreamDone();
  }
}

void Http1ClientConnection::StreamDone() {
  if (decoder_ == nullptr) return;  // reset from inside the decoder's callback
  decoder_ = nullptr;
  if (!request_complete_) keep_alive_ = false;  // the request was still going out
  if (on_stream_complete_) on_stream_complete_();
}

void Http1ClientConnection::ResetDecoder(StreamResetReason reason) {
  if (decoder_ == nullptr) return;
  ResponseDecoder* decoder = decoder_;
  decoder_ = nullptr;
  decoder->OnResetStream(reason);
}

void Http1ClientConnection::OnConnectionClosed(StreamResetReason reason) {
  keep_alive_ = false;
  ResetDecoder(reason);
}

void Http1ClientConnection::OnRemoteHalfClose() {
  keep_alive_ = false;
  if (decoder_ == nullptr) return;
  if (tunnel_) {
    network::Buffer empty;
    decoder_->DecodeData(empty, true);
    StreamDone();
    return;
  }
  if (response_started_ || parser_.in_message()) {
    Http1Parser::Result r = parser_.Finish();  // a body delimited by the close
    if (r.message_complete) {
      Deliver(true);
      return;
    }
  }
  ResetDecoder(StreamResetReason::kConnectionTermination);
}

void Http1ClientConnection::OnTransportAboveHighWatermark() {
  if (decoder_ != nullptr) decoder_->OnAboveWriteBufferHighWatermark();
}

void Http1ClientConnection::OnTransportBelowLowWatermark() {
  if (decoder_ != nullptr) decoder_->OnBelowWriteBufferLowWatermark();
}

void Http1ClientConnection::Flush() {
  if (!out_.empty()) transport_.Write(out_);
}

}  // namespace weft::http
