#include "proxy/http/http1_server_codec.h"

#include <utility>

#include "proxy/http/http1_encoder.h"

namespace weft::http {
namespace {

// Bytes of pipelined requests held while a response is pending before the
// connection stops being read.
constexpr size_t kMaxPendingBytes = 64 * 1024;

bool ResponseHasNoBody(int status, bool is_head) {
  return is_head || status == 204 || status == 304 || (status >= 100 && status < 200);
}

}  // namespace

Http1ServerConnection::Http1ServerConnection(CodecTransport& transport,
                                             ServerConnectionCallbacks& callbacks,
                                             uint32_t max_request_headers_bytes)
    : transport_(transport),
      callbacks_(callbacks),
      parser_(Http1Parser::Type::kRequest, this, max_request_headers_bytes) {}

absl::Status Http1ServerConnection::Dispatch(network::Buffer& data) {
  if (!pending_.empty()) {
    pending_.Move(data);
    return Parse(pending_);
  }
  absl::Status status = Parse(data);
  if (!data.empty()) {
    pending_.Move(data);  // a request waits for the response before it
    if (pending_.size() > kMaxPendingBytes && !pending_read_disabled_) {
      pending_read_disabled_ = true;
      transport_.ReadDisable(true);
    }
  }
  return status;
}

absl::Status Http1ServerConnection::Parse(network::Buffer& in) {
  if (parsing_) return absl::OkStatus();  // the outer loop goes on
  parsing_ = true;
  absl::Status status;
  while (!in.empty()) {
    if (tunnel_) {
      if (decoder_ != nullptr) decoder_->DecodeData(in, false);
      in.Clear();
      break;
    }
    if (decoder_ != nullptr && (request_complete_ || awaiting_upgrade_)) break;
    if (!keep_alive_ && !in_request_) {
      in.Clear();  // closing: whatever follows is not read
      break;
    }
    if (need_parser_reset_) {
      need_parser_reset_ = false;
      parser_.Reset();
    }
    Http1Parser::Result r = parser_.Execute(in.view());
    in.Drain(r.consumed);
    if (r.error != ParseError::kNone) {
      in.Clear();
      status = ProtocolError(r.error);
      break;
    }
    Deliver(r.message_complete);
    if (r.consumed == 0 && !r.message_complete) break;
  }
  parsing_ = false;
  return status;
}

void Http1ServerConnection::OnMessageHead(MessageHead& head) {
  request_.method = head.method;
  request_.scheme = "http";
  request_.upgrade.clear();
  // Take the fields over by swapping: the previous request's storage goes back
  // to the parser, so that neither side allocates from request to request.
  std::swap(request_.headers, head.headers);
  request_.path.swap(head.target);
  if (auto host = request_.headers.Get("host")) {
    request_.authority.assign(host->data(), host->size());
    request_.headers.Remove("host");
  } else {
    request_.authority.clear();
  }
  const size_t scheme_end = request_.path.find("://");
  if (!request_.path.empty() && request_.path[0] != '/' && scheme_end != std::string::npos &&
      head.method != "CONNECT") {
    // Absolute form: the target's authority wins over Host (RFC 9112 3.2.2).
    const size_t authority_start = scheme_end + 3;
    const size_t path_start = request_.path.find('/', authority_start);
    request_.scheme = request_.path.substr(0, scheme_end);
    request_.authority =
        request_.path.substr(authority_start, path_start == std::string::npos
                                                  ? std::string::npos
                                                  : path_start - authority_start);
    request_.path = path_start == std::string::npos ? "/" : request_.path.substr(path_start);
  }
  if (head.upgrade && head.method != "CONNECT") {
    if (auto upgrade = request_.headers.Get("upgrade")) {
      request_.upgrade.assign(upgrade->data(), upgrade->size());
    }
  }
  RemoveHopByHopFields(request_.headers);
  request_keep_alive_ = head.keep_alive;
  http10_ = head.version_major == 1 && head.version_minor == 0;
  is_head_ = head.method == "HEAD";
  in_request_ = true;
  head_parsed_ = true;
}

void Http1ServerConnection::OnBody(absl::string_view data) { body_.Append(data); }

void Http1ServerConnection::OnTrailers(HeaderMap& trailers) {
  std::swap(trailers_, trailers);
  RemoveHopByHopFields(trailers_);
  has_trailers_ = true;
}

void Http1ServerConnection::OnMessageComplete() {}

void Http1ServerConnection::Deliver(bool message_complete) {
  // An Upgrade request's "message" is its head; what follows belongs to the
  // protocol it upgrades to.
  const bool upgrade = !request_.upgrade.empty() || request_.method == "CONNECT";
  const bool request_ends = message_complete && !upgrade;
  if (head_parsed_) {
    head_parsed_ = false;
    request_complete_ = false;
    response_started_ = false;
    decoder_ = &callbacks_.NewStream(*this);
    const bool headers_only = request_ends && body_.empty() && !has_trailers_;
    if (headers_only) request_complete_ = true;
    if (message_complete && upgrade) awaiting_upgrade_ = true;
    decoder_->DecodeHeaders(request_, headers_only);
  }
  if (decoder_ != nullptr && !request_complete_ && !awaiting_upgrade_) {
    if (!body_.empty() || (request_ends && !has_trailers_)) {
      const bool end = request_ends && !has_trailers_;
      if (end) request_complete_ = true;
      decoder_->DecodeData(body_, end);
    }
    if (decoder_ != nullptr && request_ends && has_trailers_) {
      request_complete_ = true;
      decoder_->DecodeTrailers(trailers_);
    }
  }
  body_.Clear();
  has_trailers_ = false;
  if (request_ends) {
    in_request_ = false;
    discarding_ = false;
    need_parser_reset_ = true;
  }
}

absl::Status Http1ServerConnection::ProtocolError(ParseError error) {
  keep_alive_ = false;
  const bool too_large = error == ParseError::kHeadersTooLarge;
  RequestDecoder* decoder = decoder_;
  decoder_ = nullptr;
  const bool can_reply = !response_started_ && !discarding_;
  if (can_reply) {
    EncodeLocalReply(too_large ? 431 : 400, too_large ? "headers_too_large" : "bad_request",
                     /*close=*/true, out_);
    Flush();
  }
  if (decoder != nullptr) decoder->OnResetStream(StreamResetReason::kProtocolError);
  if (!can_reply) return absl::DataLossError("bad_request");
  if (decoder != nullptr) return absl::FailedPreconditionError(too_large ? "headers_too_large" : "bad_request");
  return too_large ? absl::ResourceExhaustedError("headers_too_large")
                   : absl::InvalidArgumentError("bad_request");
}

void Http1ServerConnection::GoAway() { keep_alive_ = false; }

void Http1ServerConnection::OnConnectionClosed(StreamResetReason reason) {
  keep_alive_ = false;
  if (decoder_ == nullptr) return;
  RequestDecoder* decoder = decoder_;
  decoder_ = nullptr;
  decoder->OnResetStream(reason);
}

void Http1ServerConnection::OnRemoteHalfClose() {
  keep_alive_ = false;
  if (decoder_ == nullptr) return;
  if (tunnel_) {
    network::Buffer empty;
    request_complete_ = true;
    decoder_->DecodeData(empty, true);
  } else if (!request_complete_ && !awaiting_upgrade_) {
    OnConnectionClosed(StreamResetReason::kConnectionTermination);  // request cut short
  }
}

void Http1ServerConnection::OnTransportAboveHighWatermark() {
  if (decoder_ != nullptr) decoder_->OnAboveWriteBufferHighWatermark();
}

void Http1ServerConnection::OnTransportBelowLowWatermark() {
  if (decoder_ != nullptr) decoder_->OnBelowWriteBufferLowWatermark();
}

// ---- ResponseEncoder --------------------------------------------------------

void Http1ServerConnection::Encode1xxHeaders(const ResponseHeaders& headers) {
  EncodeResponseHeaders(headers, BodyFraming::kNone, /*close=*/false, out_);
  Flush();
}

void Http1ServerConnection::EncodeHeaders(const ResponseHeaders& headers, bool end_stream) {
  response_started_ = true;
  if (headers.status == 101 && awaiting_upgrade_) {
    awaiting_upgrade_ = false;
    tunnel_ = true;
    keep_alive_ = false;  // the connection ends with the tunnel
    EncodeResponseHeaders(headers, BodyFraming::kNone, /*close=*/false, out_);
    Flush();
    if (end_stream) {
      EndResponse();
      return;
    }
    if (!pending_.empty() && decoder_ != nullptr) {
      decoder_->DecodeData(pending_, false);  // sent before the 101 arrived
      pending_.Clear();
    }
    return;
  }
  BodyFraming framing;
  if (ResponseHasNoBody(headers.status, is_head_)) {
    framing = BodyFraming::kNone;
  } else if (headers.headers.Has("content-length")) {
    framing = BodyFraming::kContentLength;
  } else if (end_stream) {
    framing = BodyFraming::kEmpty;
  } else if (http10_) {
    framing = BodyFraming::kNone;  // delimited by closing
    keep_alive_ = false;
  } else {
    framing = BodyFraming::kChunked;
  }
  response_chunked_ = framing == BodyFraming::kChunked;
  // An upgrade that was refused leaves the parser past the request head: the
  // connection cannot carry another request.
  if (!request_keep_alive_ || awaiting_upgrade_) keep_alive_ = false;
  EncodeResponseHeaders(headers, framing, /*close=*/!keep_alive_, out_);
  if (end_stream) {
    Flush();
    EndResponse();
    return;
  }
  Flush();
}

void Http1ServerConnection::EncodeData(network::Buffer& data, bool end_stream) {
  if (response_chunked_) {
    EncodeChunk(data.view(), out_);
    data.Clear();
    if (end_stream) EncodeLastChunk(out_);
  } else {
    out_.Move(data);
  }
  Flush();
  if (end_stream) EndResponse();
}

void Http1ServerConnection::EncodeTrailers(const HeaderMap& trailers) {
  if (response_chunked_) EncodeLastChunkWithTrailers(trailers, out_);
  Flush();
  EndResponse();
}

void Http1ServerConnection::ResetStream(StreamResetReason) {
  keep_alive_ = false;
  decoder_ = nullptr;
  tunnel_ = false;
}

void Http1ServerConnection::ReadDisable(bool disable) { transport_.ReadDisable(disable); }

void Http1ServerConnection::EndResponse() {
  decoder_ = nullptr;
  response_started_ = false;
  response_chunked_ = false;
  if (tunnel_ || awaiting_upgrade_) {
    tunnel_ = false;
    awaiting_upgrade_ = false;
    keep_alive_ = false;
    return;
  }
  if (!request_complete_ && in_request_) discarding_ = true;  // drop the rest of the body
  request_complete_ = false;
  if (pending_read_disabled_) {
    pending_read_disabled_ = false;
    transport_.ReadDisable(false);
  }
  // Pipelined requests that waited are parsed by the next Dispatch (the owner
  // calls it with no new bytes once the current callback is over, so that the
  // upstream connection this response came on is free again by then).
}

void Http1ServerConnection::Flush() {
  if (!out_.empty()) transport_.Write(out_);
}

}  // namespace weft::http
