#include "proxy/http2/http2_session.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace weft::http2 {
namespace {

// Room for a typical head (and the trace fields the proxy adds) in one
// allocation, instead of the arena doubling its way up.
constexpr size_t kTypicalHeadFields = 16;
constexpr size_t kTypicalHeadBytes = 512;
// Recycled header maps: at most the peak of streams in flight, up to 16, and
// only maps that held a small head (so at most ~40 KB per connection).
constexpr size_t kMaxSpareHeaderMaps = 16;
constexpr size_t kMaxSpareHeaderBytes = 1024;
constexpr size_t kMaxSpareHeaderFields = 64;

// RST_STREAM code for a local ResetStream(reason).
uint32_t ResetCode(http::StreamResetReason reason) {
  switch (reason) {
    case http::StreamResetReason::kRemoteRefused:
    case http::StreamResetReason::kOverflow:
      return NGHTTP2_REFUSED_STREAM;
    case http::StreamResetReason::kProtocolError:
      return NGHTTP2_PROTOCOL_ERROR;
    default:
      return NGHTTP2_CANCEL;
  }
}

}  // namespace

Http2Session::Http2Session(http::CodecTransport& transport, const Http2Options& options,
                           bool is_server)
    : transport_(transport),
      options_(options),
      is_server_(is_server),
      flood_(options_),
      output_dispatcher_(transport.output_dispatcher()),
      deferred_flush_(*this) {
  nghttp2_session_callbacks* cb = nullptr;
  nghttp2_session_callbacks_new(&cb);
  nghttp2_session_callbacks_set_on_begin_frame_callback(cb, &OnBeginFrame);
  nghttp2_session_callbacks_set_on_begin_headers_callback(cb, &OnBeginHeaders);
  nghttp2_session_callbacks_set_on_header_callback2(cb, &OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, &OnDataChunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, &OnFrameRecv);
  nghttp2_session_callbacks_set_on_frame_send_callback(cb, &OnFrameSend);
  nghttp2_session_callbacks_set_on_frame_not_send_callback(cb, &OnFrameNotSend);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, &OnStreamClose);
  nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(cb, &OnInvalidFrame);
  nghttp2_session_callbacks_set_error_callback2(cb, &OnError);

  nghttp2_option* opt = nullptr;
  nghttp2_option_new(&opt);
  nghttp2_option_set_no_auto_window_update(opt, 1);
  nghttp2_option_set_no_closed_streams(opt, 1);
  // HTTP semantics are checked by Http2MessageChecker (same rules, cheaper).
  nghttp2_option_set_no_http_messaging(opt, 1);
  nghttp2_option_set_peer_max_concurrent_streams(opt, 100);
  nghttp2_option_set_max_outbound_ack(opt, options_.max_outbound_control_frames);
  // Rapid-reset protection is FloodGuard's (deterministic, frame-counted);
  // nghttp2's clock-based bucket is made unreachable so there is one rule.
  nghttp2_option_set_stream_reset_rate_limit(opt, uint64_t{1} << 62, uint64_t{1} << 30);

  nghttp2_mem mem = allocator_.mem();
  if (is_server_) {
    nghttp2_session_server_new3(&session_, cb, this, opt, &mem);
  } else {
    nghttp2_session_client_new3(&session_, cb, this, opt, &mem);
  }
  nghttp2_option_del(opt);
  nghttp2_session_callbacks_del(cb);

  std::vector<nghttp2_settings_entry> settings = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, options_.max_concurrent_streams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, options_.initial_stream_window},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, options_.max_header_list_size},
      {NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES, 1},
  };
  if (!is_server_) settings.push_back({NGHTTP2_SETTINGS_ENABLE_PUSH, 0});
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                        static_cast<int32_t>(options_.initial_connection_window));
  // Output goes out on the first Flush (the constructor of the codec calls it).
}

Http2Session::~Http2Session() {
  if (flush_scheduled_) output_dispatcher_->CancelDeferred(deferred_flush_);
  // nghttp2_session_del runs no callbacks, so no user code runs here.
  nghttp2_session_del(session_);
  owned_.clear();
}

void Http2Session::TakeHeaderMap(http::HeaderMap& map) {
  if (map.byte_capacity() >= kTypicalHeadBytes) return;  // has its own (a 1xx head came first)
  if (spare_header_maps_.empty()) {
    map.Reserve(kTypicalHeadFields, kTypicalHeadBytes);
    return;
  }
  map = std::move(spare_header_maps_.back());
  spare_header_maps_.pop_back();
}

void Http2Session::RecycleHeaderMap(http::HeaderMap& map) {
  if (spare_header_maps_.size() >= kMaxSpareHeaderMaps ||
      map.byte_capacity() > kMaxSpareHeaderBytes || map.size() > kMaxSpareHeaderFields) {
    return;
  }
  map.Clear();
  spare_header_maps_.push_back(std::move(map));
}

Http2Session::Stream* Http2Session::FindBySerial(uint64_t serial) {
  auto it = owned_.find(serial);
  return it == owned_.end() ? nullptr : it->second.get();
}

Http2Session::Stream* Http2Session::FindById(int32_t id) {
  // nghttp2 calls back for one stream many times in a row (each header field,
  // the end of the block, its DATA): remember the last hit.
  if (id == last_found_id_) return last_found_;
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return nullptr;
  last_found_id_ = id;
  last_found_ = it->second;
  return last_found_;
}

Http2Session::Stream& Http2Session::AddStream(std::unique_ptr<Stream> stream) {
  stream->serial = next_serial_++;
  Stream& ref = *stream;
  owned_.emplace(ref.serial, std::move(stream));
  return ref;
}

void Http2Session::MakeVisible(Stream& stream) {
  if (stream.visible) return;
  stream.visible = true;
  ++active_;
  if (transport_above_) {
    stream.transport_above = true;
    AdjustAbove(stream, +1);
  }
}

void Http2Session::MarkDone(Stream& stream, bool normal) {
  if (stream.done) return;
  stream.done = true;
  if (stream.visible) --active_;
  if (normal) flood_.OnStreamCompletedNormally();
}

void Http2Session::AdjustAbove(Stream& stream, int delta) {
  const int before = stream.above_reasons;
  stream.above_reasons += delta;
  http::StreamEventHandler* handler = stream.handler();
  if (stream.done || handler == nullptr) return;
  if (before == 0 && stream.above_reasons > 0) handler->OnAboveWriteBufferHighWatermark();
  if (before > 0 && stream.above_reasons == 0) handler->OnBelowWriteBufferLowWatermark();
}

void Http2Session::CheckBufferAbove(Stream& stream) {
  if (!stream.buffer_above && stream.outbound.size() > options_.stream_buffer_limit) {
    stream.buffer_above = true;
    AdjustAbove(stream, +1);
  }
}

void Http2Session::RejectMalformed(Stream& stream, int lib_error) {
  stream.malformed = true;
  stream.inbound.Clear();
  last_error_ = absl::StrCat("malformed message on stream ", stream.id, ": ",
                             nghttp2_strerror(lib_error));
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_PROTOCOL_ERROR);
}

void Http2Session::Fail(absl::Status status, uint32_t error_code) {
  if (!fatal_status_.ok()) return;
  fatal_status_ = std::move(status);
  nghttp2_session_terminate_session(session_, error_code);
}

void Http2Session::ResetAllStreams(http::StreamResetReason reason) {
  std::vector<uint64_t> serials;
  for (const auto& [serial, stream] : owned_) {
    if (!stream->done) serials.push_back(serial);
  }
  std::sort(serials.begin(), serials.end());
  for (uint64_t serial : serials) {
    Stream* stream = FindBySerial(serial);
    if (stream == nullptr || stream->done) continue;
    MarkDone(*stream, /*normal=*/false);
    if (http::StreamEventHandler* handler = stream->handler()) handler->OnResetStream(reason);
  }
}

// --- Connection ----------------------------------------------------------

absl::Status Http2Session::DoDispatch(network::Buffer& data) {
  if (!fatal_status_.ok() || closed_) {
    data.Clear();
    return fatal_status_.ok() ? absl::FailedPreconditionError("http2: connection closed")
                              : fatal_status_;
  }
  ++in_recv_;
  const ssize_t rv =
      nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(data.data()), data.size());
  --in_recv_;
  data.Clear();
  if (rv < 0 && fatal_status_.ok()) {
    if (rv == NGHTTP2_ERR_FLOODED) {
      Fail(absl::ResourceExhaustedError(
               "http2: outbound_control_frame_flood: the peer does not read its "
               "SETTINGS/PING acknowledgements"),
           NGHTTP2_ENHANCE_YOUR_CALM);
    } else if (rv == NGHTTP2_ERR_BAD_CLIENT_MAGIC) {
      Fail(absl::InvalidArgumentError("http2: protocol_error: bad client connection preface"),
           NGHTTP2_PROTOCOL_ERROR);
    } else {
      Fail(absl::InvalidArgumentError(absl::StrCat(
               "http2: protocol_error: ", nghttp2_strerror(static_cast<int>(rv)),
               last_error_.empty() ? "" : ": ", last_error_)),
           NGHTTP2_PROTOCOL_ERROR);
    }
  }
  Flush();  // Sends what nghttp2 and the user callbacks queued, GOAWAY included.
  if (!fatal_status_.ok()) {
    ResetAllStreams(http::StreamResetReason::kProtocolError);
    return fatal_status_;
  }
  return absl::OkStatus();
}

void Http2Session::DoGoAway() {
  if (goaway_sent_ || !fatal_status_.ok() || closed_) return;
  const int32_t last = is_server_ ? nghttp2_session_get_last_proc_stream_id(session_) : 0;
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, last, NGHTTP2_NO_ERROR, nullptr, 0);
  goaway_sent_ = true;
  Flush();
}

void Http2Session::DoOnConnectionClosed(http::StreamResetReason reason) {
  // What this callback's encoder calls queued goes to the transport first (a
  // connection closed with a flush still carries the last responses).
  if (flush_scheduled_ && !closed_) Flush();
  closed_ = true;
  ResetAllStreams(reason);
}

void Http2Session::DoOnTransportAboveHighWatermark() {
  if (transport_above_) return;
  transport_above_ = true;
  std::vector<uint64_t> serials;
  for (const auto& [serial, stream] : owned_) serials.push_back(serial);
  for (uint64_t serial : serials) {
    Stream* stream = FindBySerial(serial);
    if (stream == nullptr || !stream->visible || stream->done || stream->transport_above) continue;
    stream->transport_above = true;
    AdjustAbove(*stream, +1);
  }
}

void Http2Session::DoOnTransportBelowLowWatermark() {
  if (!transport_above_) return;
  transport_above_ = false;
  std::vector<uint64_t> serials;
  for (const auto& [serial, stream] : owned_) serials.push_back(serial);
  for (uint64_t serial : serials) {
    Stream* stream = FindBySerial(serial);
    if (stream == nullptr || !stream->transport_above) continue;
    stream->transport_above = false;
    AdjustAbove(*stream, -1);
  }
}

bool Http2Session::DoKeepAlive() const {
  if (!fatal_status_.ok() || closed_ || goaway_sent_ || goaway_received_) return false;
  return nghttp2_session_want_read(session_) != 0 || nghttp2_session_want_write(session_) != 0;
}

// --- Output ----------------------------------------------------------------

void Http2Session::ScheduleFlush() {
  if (in_recv_ > 0 || flushing_) return;  // the running Dispatch / Flush produces it
  if (output_dispatcher_ == nullptr || closed_) {
    Flush();
    return;
  }
  flush_scheduled_ = true;
  output_dispatcher_->DeferToCallbackEnd(deferred_flush_);
}

void Http2Session::Flush() {
  if (in_recv_ > 0 || flushing_) return;
  if (flush_scheduled_) {
    flush_scheduled_ = false;
    output_dispatcher_->CancelDeferred(deferred_flush_);
  }
  flushing_ = true;
  // Bounded: each iteration either produces bytes or ends the loop; nghttp2
  // stops producing once its queues and the peer's windows are exhausted.
  for (;;) {
    const uint8_t* bytes = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &bytes);
    if (n < 0) {
      if (fatal_status_.ok()) {
        fatal_status_ = absl::InternalError(
            absl::StrCat("http2: internal_error: ", nghttp2_strerror(static_cast<int>(n))));
      }
      break;
    }
    if (n == 0) break;
    out_.Append(reinterpret_cast<const char*>(bytes), static_cast<size_t>(n));
  }
  flushing_ = false;
  if (!out_.empty()) transport_.Write(out_);

  std::vector<uint64_t> below;
  below.swap(below_low_);
  for (uint64_t serial : below) {
    Stream* stream = FindBySerial(serial);
    if (stream == nullptr || !stream->buffer_above) continue;
    stream->buffer_above = false;
    AdjustAbove(*stream, -1);
  }
  std::vector<uint64_t> garbage;
  garbage.swap(unsubmitted_garbage_);
  for (uint64_t serial : garbage) owned_.erase(serial);
}

// --- Encoding --------------------------------------------------------------

void Http2Session::SubmitResponse(Stream& stream, HeaderList& headers, bool end_stream) {
  if (stream.done || stream.local_end) return;
  nghttp2_data_provider provider{};
  provider.read_callback = &ReadBody;
  const auto& nv = headers.nv();
  const int rv = nghttp2_submit_response(session_, stream.id, nv.data(), nv.size(),
                                         end_stream ? nullptr : &provider);
  if (rv == 0) {
    stream.has_provider = !end_stream;
  } else {
    last_error_ = nghttp2_strerror(rv);
  }
  if (end_stream) {
    stream.local_end = true;
    MarkDone(stream, /*normal=*/true);
  }
  ScheduleFlush();
}

void Http2Session::Submit1xx(Stream& stream, HeaderList& headers) {
  if (stream.done || stream.local_end) return;
  const auto& nv = headers.nv();
  nghttp2_submit_headers(session_, NGHTTP2_FLAG_NONE, stream.id, nullptr, nv.data(), nv.size(),
                         nullptr);
  ScheduleFlush();
}

void Http2Session::SubmitRequest(Stream& stream, HeaderList& headers, bool end_stream) {
  if (stream.done || stream.id != -1) return;
  nghttp2_data_provider provider{};
  provider.read_callback = &ReadBody;
  const auto& nv = headers.nv();
  const int32_t id = nghttp2_submit_request(session_, nullptr, nv.data(), nv.size(),
                                            end_stream ? nullptr : &provider, nullptr);
  if (id < 0) {
    // The connection cannot take the stream (ids exhausted, GOAWAY): refused,
    // so the caller may retry elsewhere.
    MarkDone(stream, /*normal=*/false);
    unsubmitted_garbage_.push_back(stream.serial);
    if (http::StreamEventHandler* handler = stream.handler()) {
      handler->OnResetStream(http::StreamResetReason::kRemoteRefused);
    }
    return;
  }
  stream.id = id;
  by_id_[id] = &stream;
  for (const nghttp2_nv& f : nv) {
    if (f.namelen == 7 && std::memcmp(f.name, ":method", 7) == 0) {
      stream.checker.OnRequestSent(
          absl::string_view(reinterpret_cast<const char*>(f.value), f.valuelen));
      break;
    }
  }
  stream.has_provider = !end_stream;
  stream.local_end = end_stream;
  ScheduleFlush();
}

void Http2Session::EncodeData(Stream& stream, network::Buffer& data, bool end_stream) {
  if (stream.local_end || !stream.has_provider || (stream.done && is_server_)) {
    data.Clear();  // Misuse (direction already ended); nothing can carry it.
    return;
  }
  stream.outbound.Move(data);
  if (end_stream) stream.local_end = true;
  if (stream.deferred) {
    stream.deferred = false;
    nghttp2_session_resume_data(session_, stream.id);
  }
  CheckBufferAbove(stream);
  if (end_stream && is_server_) MarkDone(stream, /*normal=*/true);
  ScheduleFlush();
}

void Http2Session::EncodeTrailers(Stream& stream, const http::HeaderMap& trailers) {
  if (stream.local_end || !stream.has_provider || (stream.done && is_server_)) return;
  stream.trailers_out = TrailerHeaderList(trailers);
  stream.has_trailers = true;
  stream.local_end = true;
  if (stream.deferred) {
    stream.deferred = false;
    nghttp2_session_resume_data(session_, stream.id);
  }
  if (is_server_) MarkDone(stream, /*normal=*/true);
  ScheduleFlush();
}

void Http2Session::ResetStream(Stream& stream, http::StreamResetReason reason) {
  if (stream.done) return;
  MarkDone(stream, /*normal=*/false);
  if (stream.id == -1) {
    unsubmitted_garbage_.push_back(stream.serial);
  } else {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, ResetCode(reason));
  }
  ScheduleFlush();
}

void Http2Session::ReadDisable(Stream& stream, bool disable) {
  if (disable) {
    ++stream.read_disabled;
    return;
  }
  if (stream.read_disabled == 0) return;
  if (--stream.read_disabled > 0 || stream.held_back == 0) return;
  nghttp2_session_consume_stream(session_, stream.id, stream.held_back);
  stream.held_back = 0;
  ScheduleFlush();
}

}  // namespace weft::http2
