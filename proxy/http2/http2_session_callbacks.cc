#include "proxy/http2/http2_session.h"

// Http2Session's nghttp2 callbacks: what the library calls while it parses
// input (DoDispatch) and serializes output (Flush). The session's own API is
// in http2_session.cc.

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace weft::http2 {
namespace {

Http2Session& Self(void* user) { return *static_cast<Http2Session*>(user); }

absl::string_view FrameTypeName(uint8_t type) {
  static constexpr absl::string_view kNames[] = {
      "DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS",
      "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"};
  return type < 10 ? kNames[type] : "unknown";
}

absl::string_view ErrorCodeName(uint32_t code) {
  switch (code) {
    case NGHTTP2_NO_ERROR: return "NO_ERROR";
    case NGHTTP2_PROTOCOL_ERROR: return "PROTOCOL_ERROR";
    case NGHTTP2_INTERNAL_ERROR: return "INTERNAL_ERROR";
    case NGHTTP2_FLOW_CONTROL_ERROR: return "FLOW_CONTROL_ERROR";
    case NGHTTP2_SETTINGS_TIMEOUT: return "SETTINGS_TIMEOUT";
    case NGHTTP2_STREAM_CLOSED: return "STREAM_CLOSED";
    case NGHTTP2_FRAME_SIZE_ERROR: return "FRAME_SIZE_ERROR";
    case NGHTTP2_REFUSED_STREAM: return "REFUSED_STREAM";
    case NGHTTP2_CANCEL: return "CANCEL";
    case NGHTTP2_COMPRESSION_ERROR: return "COMPRESSION_ERROR";
    case NGHTTP2_CONNECT_ERROR: return "CONNECT_ERROR";
    case NGHTTP2_ENHANCE_YOUR_CALM: return "ENHANCE_YOUR_CALM";
    case NGHTTP2_INADEQUATE_SECURITY: return "INADEQUATE_SECURITY";
    case NGHTTP2_HTTP_1_1_REQUIRED: return "HTTP_1_1_REQUIRED";
    default: return "UNKNOWN_ERROR";
  }
}

}  // namespace

ssize_t Http2Session::ReadBody(nghttp2_session*, int32_t stream_id, uint8_t* buf, size_t length,
                               uint32_t* data_flags, nghttp2_data_source*, void* user) {
  Http2Session& self = Self(user);
  Stream* stream = self.FindById(stream_id);
  if (stream == nullptr) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  const size_t n = std::min(length, stream->outbound.size());
  if (n == 0 && !stream->local_end) {
    stream->deferred = true;
    return NGHTTP2_ERR_DEFERRED;
  }
  if (n > 0) {
    std::memcpy(buf, stream->outbound.data(), n);
    stream->outbound.Drain(n);
    if (stream->buffer_above && stream->outbound.size() <= self.options_.stream_buffer_limit / 2) {
      self.below_low_.push_back(stream->serial);
    }
  }
  if (stream->outbound.empty() && stream->local_end) {
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    if (stream->has_trailers) {
      *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      const auto& nv = stream->trailers_out.nv();
      nghttp2_submit_trailer(self.session_, stream_id, nv.data(), nv.size());
    }
  }
  return static_cast<ssize_t>(n);
}

// --- Decoding --------------------------------------------------------------

int Http2Session::OnBeginFrame(nghttp2_session*, const nghttp2_frame_hd* hd, void* user) {
  Http2Session& self = Self(user);
  absl::string_view flood = self.flood_.OnFrameReceived(hd->type);
  if (flood.empty()) return 0;
  self.Fail(absl::ResourceExhaustedError(absl::StrCat(
                "http2: ", flood, ": too many ", FrameTypeName(hd->type), " frames from the peer")),
            NGHTTP2_ENHANCE_YOUR_CALM);
  return NGHTTP2_ERR_CALLBACK_FAILURE;
}

int Http2Session::OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  Http2Session& self = Self(user);
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  Stream* stream = nullptr;
  if (frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
    std::unique_ptr<Stream> created = self.CreateRemoteStream();
    if (created == nullptr) return 0;
    stream = &self.AddStream(std::move(created));
    stream->id = frame->hd.stream_id;
    self.by_id_[stream->id] = stream;
  } else {
    stream = self.FindById(frame->hd.stream_id);
    if (stream == nullptr) return 0;
  }
  stream->header_bytes = 0;
  stream->checker.BeginHeaderBlock();
  if (!stream->done && !stream->malformed) stream->BeginHeaderBlock();
  return 0;
}

int Http2Session::OnHeader(nghttp2_session*, const nghttp2_frame* frame, nghttp2_rcbuf* name,
                           nghttp2_rcbuf* value, uint8_t, void* user) {
  Http2Session& self = Self(user);
  Stream* stream = self.FindById(frame->hd.stream_id);
  if (stream == nullptr || stream->header_overflow || stream->malformed) return 0;
  const nghttp2_vec name_buf = nghttp2_rcbuf_get_buf(name);
  const nghttp2_vec value_buf = nghttp2_rcbuf_get_buf(value);
  const absl::string_view name_view(reinterpret_cast<const char*>(name_buf.base), name_buf.len);
  const absl::string_view value_view(reinterpret_cast<const char*>(value_buf.base),
                                     value_buf.len);
  const size_t namelen = name_buf.len;
  const size_t valuelen = value_buf.len;
  // Strings of the HPACK static table need no character checks.
  switch (stream->checker.OnField(name_view, value_view, nghttp2_rcbuf_is_static(name) != 0,
                                  nghttp2_rcbuf_is_static(value) != 0)) {
    case Http2MessageChecker::Verdict::kAccept:
      break;
    case Http2MessageChecker::Verdict::kDrop:
      return 0;
    case Http2MessageChecker::Verdict::kReject:
      // nghttp2 then skips the rest of the block (HPACK stays in sync).
      self.RejectMalformed(*stream, NGHTTP2_ERR_HTTP_HEADER);
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  }
  if (stream->done) return 0;
  stream->header_bytes += namelen + valuelen + 32;
  if (stream->header_bytes > self.options_.max_header_list_size) {
    // Stream-level: nghttp2 resets this stream (INTERNAL_ERROR) and keeps
    // decoding the block so that the HPACK state stays in sync.
    stream->header_overflow = true;
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  }
  stream->AddHeaderField(name_view, value_view);
  return 0;
}

int Http2Session::OnDataChunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                              size_t len, void* user) {
  Http2Session& self = Self(user);
  // The connection window reopens at once: one slow stream must not stall the
  // others. The stream window waits for the reader (ReadDisable).
  nghttp2_session_consume_connection(self.session_, len);
  Stream* stream = self.FindById(stream_id);
  if (stream != nullptr && !stream->malformed && !stream->header_overflow &&
      !stream->checker.OnData(len)) {
    self.RejectMalformed(*stream, NGHTTP2_ERR_HTTP_MESSAGING);
  }
  if (stream == nullptr || stream->done || stream->malformed) {
    nghttp2_session_consume_stream(self.session_, stream_id, len);
    return 0;
  }
  stream->inbound.Append(reinterpret_cast<const char*>(data), len);
  if (stream->read_disabled > 0) {
    stream->held_back += len;
  } else {
    nghttp2_session_consume_stream(self.session_, stream_id, len);
  }
  return 0;
}

int Http2Session::OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  Http2Session& self = Self(user);
  switch (frame->hd.type) {
    case NGHTTP2_DATA:
    case NGHTTP2_HEADERS: {
      Stream* stream = self.FindById(frame->hd.stream_id);
      if (stream == nullptr || stream->malformed) return 0;
      const bool end_stream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
      const bool valid = stream->header_overflow ||
                         (frame->hd.type == NGHTTP2_HEADERS
                              ? stream->checker.EndHeaderBlock(end_stream)
                              : !end_stream || stream->checker.OnRemoteEnd());
      if (!valid) {
        self.RejectMalformed(*stream, NGHTTP2_ERR_HTTP_MESSAGING);
        return 0;
      }
      if (end_stream) stream->remote_end = true;
      if (stream->done || stream->header_overflow) {
        stream->inbound.Clear();
        return 0;
      }
      if (frame->hd.type == NGHTTP2_DATA) {
        if (!stream->inbound.empty() || end_stream) stream->DeliverData(stream->inbound, end_stream);
        stream->inbound.Clear();
      } else {
        stream->EndHeaderBlock(end_stream);
      }
      // A client's stream ends with the response.
      if (end_stream && !self.is_server_ && !stream->done) {
        self.MarkDone(*stream, /*normal=*/true);
        if (!stream->local_end) {
          nghttp2_submit_rst_stream(self.session_, NGHTTP2_FLAG_NONE, stream->id,
                                    NGHTTP2_NO_ERROR);
        }
      }
      return 0;
    }
    case NGHTTP2_RST_STREAM: {
      if (Stream* stream = self.FindById(frame->hd.stream_id)) {
        stream->rst_received = frame->rst_stream.error_code;
      }
      return 0;
    }
    case NGHTTP2_GOAWAY:
      self.goaway_received_ = true;
      self.goaway_last_stream_id_ = frame->goaway.last_stream_id;
      return 0;
    default:
      return 0;
  }
}

int Http2Session::OnFrameSend(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  Http2Session& self = Self(user);
  switch (frame->hd.type) {
    case NGHTTP2_DATA:
    case NGHTTP2_HEADERS: {
      if (!self.is_server_ || (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0) return 0;
      Stream* stream = self.FindById(frame->hd.stream_id);
      // RFC 9113 8.1: a complete response while the request is still open is
      // followed by RST_STREAM NO_ERROR so that the client stops sending.
      if (stream != nullptr && !stream->remote_end) {
        nghttp2_submit_rst_stream(self.session_, NGHTTP2_FLAG_NONE, stream->id, NGHTTP2_NO_ERROR);
      }
      return 0;
    }
    case NGHTTP2_GOAWAY: {
      self.goaway_sent_ = true;
      const uint32_t code = frame->goaway.error_code;
      if (code != NGHTTP2_NO_ERROR && self.fatal_status_.ok()) {
        std::string reason(reinterpret_cast<const char*>(frame->goaway.opaque_data),
                           frame->goaway.opaque_data_len);
        if (reason.empty()) reason = self.last_error_;
        self.fatal_status_ = absl::InvalidArgumentError(absl::StrCat(
            "http2: ", absl::AsciiStrToLower(ErrorCodeName(code)), ": ",
            reason.empty() ? "connection error" : reason));
      }
      return 0;
    }
    default:
      return 0;
  }
}

int Http2Session::OnFrameNotSend(nghttp2_session*, const nghttp2_frame* frame, int, void* user) {
  Http2Session& self = Self(user);
  if (frame->hd.type != NGHTTP2_HEADERS || self.is_server_) return 0;
  // A request that could not go out (GOAWAY arrived first): refused.
  Stream* stream = self.FindById(frame->hd.stream_id);
  if (stream == nullptr || stream->done) return 0;
  self.MarkDone(*stream, /*normal=*/false);
  if (http::StreamEventHandler* handler = stream->handler()) {
    handler->OnResetStream(http::StreamResetReason::kRemoteRefused);
  }
  return 0;
}

int Http2Session::OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code,
                                void* user) {
  Http2Session& self = Self(user);
  auto it = self.by_id_.find(stream_id);
  if (it == self.by_id_.end()) return 0;
  Stream* stream = it->second;
  self.by_id_.erase(it);
  if (self.last_found_id_ == stream_id) {
    self.last_found_id_ = -1;
    self.last_found_ = nullptr;
  }
  const uint64_t serial = stream->serial;
  if (!stream->done) {
    http::StreamResetReason reason = http::StreamResetReason::kProtocolError;
    if (stream->header_overflow) {
      reason = http::StreamResetReason::kOverflow;
    } else if (stream->rst_received.has_value()) {
      reason = *stream->rst_received == NGHTTP2_REFUSED_STREAM
                   ? http::StreamResetReason::kRemoteRefused
                   : http::StreamResetReason::kRemoteReset;
    } else if (error_code == NGHTTP2_REFUSED_STREAM ||
               (self.goaway_received_ && stream_id > self.goaway_last_stream_id_)) {
      reason = http::StreamResetReason::kRemoteRefused;
    }
    self.MarkDone(*stream, /*normal=*/false);
    if (http::StreamEventHandler* handler = stream->handler()) handler->OnResetStream(reason);
  }
  self.owned_.erase(serial);
  return 0;
}

int Http2Session::OnInvalidFrame(nghttp2_session*, const nghttp2_frame* frame, int error,
                                 void* user) {
  Self(user).last_error_ =
      absl::StrCat("invalid ", FrameTypeName(frame->hd.type), " frame: ", nghttp2_strerror(error));
  return 0;
}

int Http2Session::OnError(nghttp2_session*, int, const char* msg, size_t len, void* user) {
  Self(user).last_error_.assign(msg, len);
  return 0;
}

}  // namespace weft::http2
