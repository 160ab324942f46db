#ifndef WEFT_PROXY_HTTP2_HTTP2_SESSION_H_
#define WEFT_PROXY_HTTP2_HTTP2_SESSION_H_

// The machinery shared by the HTTP/2 server and client codecs: one nghttp2
// session driven through mem_recv/mem_send, the streams on it, flow control,
// watermarks, flood limits and output batching. Internal to proxy/http2; users
// go through http2_codec.h.
//
// Re-entrancy rules (why the code looks the way it does):
//  - User callbacks run from inside nghttp2 callbacks. They may call encoder
//    methods, which only *submit* frames; bytes are produced by Flush(), which
//    does nothing while nghttp2_session_mem_recv runs (Dispatch flushes after
//    it) and folds nested calls into the running mem_send loop.
//  - Encoder calls outside Dispatch schedule the Flush at the end of the
//    current event callback when the transport offers a dispatcher
//    (CodecTransport::output_dispatcher): the heads and bodies of all streams
//    one upstream read completes are serialized by one mem_send loop.
//  - Stream objects are freed only in nghttp2's on_stream_close callback (or
//    for never-submitted client streams, at the end of the next Flush), never
//    while user code for that stream runs.
//
// Thread-compatible: one worker thread owns the session and its streams.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nghttp2/nghttp2.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/types/optional.h"
#include "common/event/dispatcher.h"
#include "common/memory/recycler.h"
#include "proxy/http/codec.h"
#include "proxy/http2/flood_guard.h"
#include "proxy/http2/http2_headers.h"
#include "proxy/http2/http2_message_checker.h"
#include "proxy/http2/http2_options.h"
#include "proxy/http2/nghttp2_allocator.h"
#include "proxy/network/buffer.h"

namespace weft::http2 {

class Http2Session {
 public:
  // One stream's codec-side state; the server and client streams derive from
  // it and add the user-facing encoder. Fields are owned by the session.
  // Recycled: one server and one client stream are made and destroyed per
  // request (common/memory/recycler.h).
  class Stream : public memory::Recycled {
   public:
    explicit Stream(Http2Session& session)
        : session_(session),
          checker(session.is_server_ ? Http2MessageChecker::Side::kServer
                                     : Http2MessageChecker::Side::kClient) {}
    virtual ~Stream() = default;

    // Null until the user has a decoder for the stream.
    virtual http::StreamEventHandler* handler() = 0;
    // A header block (head, 1xx, or trailers) starts / has one field / ends.
    virtual void BeginHeaderBlock() = 0;
    virtual void AddHeaderField(absl::string_view name, absl::string_view value) = 0;
    virtual void EndHeaderBlock(bool end_stream) = 0;
    virtual void DeliverData(network::Buffer& data, bool end_stream) = 0;

    Http2Session& session_;
    uint64_t serial = 0;
    int32_t id = -1;          // -1 until a client stream is submitted
    bool visible = false;     // the user knows the stream (counted in active_streams)
    bool done = false;        // ended for the user: no more decoder calls
    bool local_end = false;   // the user ended its encoding direction
    bool remote_end = false;  // END_STREAM received
    bool has_provider = false;  // headers went out with a data provider
    bool deferred = false;      // the data provider returned NGHTTP2_ERR_DEFERRED
    bool has_trailers = false;
    HeaderList trailers_out;
    network::Buffer outbound;  // encoded body not yet taken by nghttp2
    network::Buffer inbound;   // the DATA frame being received
    int read_disabled = 0;
    size_t held_back = 0;      // received bytes whose stream window is not reopened yet
    int above_reasons = 0;     // stream buffer and transport watermarks, each 0/1
    bool buffer_above = false;
    bool transport_above = false;
    size_t header_bytes = 0;
    bool header_overflow = false;
    // RFC 9113 section 8 rules for what the peer sends; `malformed` once they
    // failed (RST_STREAM PROTOCOL_ERROR queued, nothing more is delivered).
    Http2MessageChecker checker;
    bool malformed = false;
    absl::optional<uint32_t> rst_received;
  };

  Http2Session(http::CodecTransport& transport, const Http2Options& options, bool is_server);
  virtual ~Http2Session();
  Http2Session(const Http2Session&) = delete;
  Http2Session& operator=(const Http2Session&) = delete;

  // Shared implementations of http::Connection.
  absl::Status DoDispatch(network::Buffer& data);
  void DoGoAway();
  void DoOnConnectionClosed(http::StreamResetReason reason);
  void DoOnTransportAboveHighWatermark();
  void DoOnTransportBelowLowWatermark();
  size_t DoActiveStreams() const { return active_; }
  bool DoKeepAlive() const;

  // Shared implementations of http::StreamEncoder.
  void EncodeData(Stream& stream, network::Buffer& data, bool end_stream);
  void EncodeTrailers(Stream& stream, const http::HeaderMap& trailers);
  void ResetStream(Stream& stream, http::StreamResetReason reason);
  void ReadDisable(Stream& stream, bool disable);

  // For the server/client streams.
  void SubmitResponse(Stream& stream, HeaderList& headers, bool end_stream);
  void Submit1xx(Stream& stream, HeaderList& headers);
  void SubmitRequest(Stream& stream, HeaderList& headers, bool end_stream);
  // The user now has a decoder for the stream.
  void MakeVisible(Stream& stream);
  // One list for building a head right before a Submit*() call, so that its
  // memory is reused from request to request. nghttp2 copies the fields at
  // submission, so user code that runs later (from Flush) may reuse it.
  HeaderList& scratch_headers() { return scratch_headers_; }
  // A decoded head's field storage, recycled from stream to stream: each
  // stream used to allocate (and free) a map's entries and arena for its head.
  // TakeHeaderMap() fills `map` (empty) with a finished stream's memory, or
  // reserves a typical head's room; RecycleHeaderMap() keeps `map`'s memory
  // for the next stream (a bounded number of maps of bounded size).
  void TakeHeaderMap(http::HeaderMap& map);
  void RecycleHeaderMap(http::HeaderMap& map);

 protected:
  // Server only: a peer-initiated stream begins.
  virtual std::unique_ptr<Stream> CreateRemoteStream() { return nullptr; }
  // Takes ownership of a stream (id may still be -1).
  Stream& AddStream(std::unique_ptr<Stream> stream);
  // Produces all queued output and writes it to the transport (one Write).
  void Flush();
  // Flush() at the end of the current event callback (see the top comment),
  // or now when the transport has no dispatcher.
  void ScheduleFlush();
  bool is_server() const { return is_server_; }
  nghttp2_session* session() const { return session_; }
  bool goaway_received() const { return goaway_received_; }
  bool local_goaway() const { return goaway_sent_; }
  bool fatal() const { return !fatal_status_.ok(); }
  bool closed() const { return closed_; }
  size_t stream_count() const { return owned_.size(); }

 private:
  Stream* FindById(int32_t id);
  Stream* FindBySerial(uint64_t serial);
  void MarkDone(Stream& stream, bool normal);
  void AdjustAbove(Stream& stream, int delta);
  void ResetAllStreams(http::StreamResetReason reason);
  // Records the first fatal problem and queues GOAWAY with `error_code`.
  void Fail(absl::Status status, uint32_t error_code);
  void CheckBufferAbove(Stream& stream);
  // The peer's message on `stream` broke an HTTP rule (`lib_error`: nghttp2's
  // code for the kind of problem): RST_STREAM PROTOCOL_ERROR, as nghttp2's own
  // HTTP messaging checks would send.
  void RejectMalformed(Stream& stream, int lib_error);

  // nghttp2 callbacks (http2_session_callbacks.cc).
  static int OnBeginFrame(nghttp2_session*, const nghttp2_frame_hd* hd, void* user);
  static int OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame, void* user);
  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, nghttp2_rcbuf* name,
                      nghttp2_rcbuf* value, uint8_t flags, void* user);
  static int OnDataChunk(nghttp2_session*, uint8_t flags, int32_t stream_id, const uint8_t* data,
                         size_t len, void* user);
  static int OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* user);
  static int OnFrameSend(nghttp2_session*, const nghttp2_frame* frame, void* user);
  static int OnFrameNotSend(nghttp2_session*, const nghttp2_frame* frame, int error, void* user);
  static int OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* user);
  static int OnInvalidFrame(nghttp2_session*, const nghttp2_frame* frame, int error, void* user);
  static int OnError(nghttp2_session*, int lib_error, const char* msg, size_t len, void* user);
  static ssize_t ReadBody(nghttp2_session*, int32_t stream_id, uint8_t* buf, size_t length,
                          uint32_t* data_flags, nghttp2_data_source* source, void* user);

  http::CodecTransport& transport_;
  const Http2Options options_;
  const bool is_server_;
  Nghttp2Allocator allocator_;  // before session_: nghttp2_session_del frees through it
  nghttp2_session* session_ = nullptr;
  FloodGuard flood_;

  uint64_t next_serial_ = 1;
  absl::flat_hash_map<uint64_t, std::unique_ptr<Stream>> owned_;
  // Streams that have an id; every entry is also in owned_ (and is removed
  // from here before it leaves owned_).
  absl::flat_hash_map<int32_t, Stream*> by_id_;
  // FindById's last hit; reset when that id leaves by_id_.
  int32_t last_found_id_ = -1;
  Stream* last_found_ = nullptr;
  HeaderList scratch_headers_;
  std::vector<http::HeaderMap> spare_header_maps_;
  std::vector<uint64_t> unsubmitted_garbage_;  // reset before they had an id
  std::vector<uint64_t> below_low_;            // drained below the low watermark in mem_send
  size_t active_ = 0;

  class DeferredFlush final : public event::DeferredAction {
   public:
    explicit DeferredFlush(Http2Session& session) : session_(session) {}
    void RunDeferred() override {
      session_.flush_scheduled_ = false;
      session_.Flush();
    }

   private:
    Http2Session& session_;
  };
  event::Dispatcher* const output_dispatcher_;  // null: flush from each call
  DeferredFlush deferred_flush_;
  bool flush_scheduled_ = false;

  int in_recv_ = 0;
  bool flushing_ = false;
  network::Buffer out_;
  bool transport_above_ = false;
  bool closed_ = false;
  bool goaway_sent_ = false;
  bool goaway_received_ = false;
  int32_t goaway_last_stream_id_ = 0;
  std::string last_error_;        // nghttp2's own description of the latest problem
  absl::Status fatal_status_;     // the first connection-level error
};

// A session's stream that is also the user's encoder (`Encoder`:
// http::RequestEncoder for client streams, http::ResponseEncoder for server
// streams): the http::StreamEncoder calls both kinds hand to the session.
template <typename Encoder>
class EncoderStream : public Http2Session::Stream, public Encoder {
 public:
  using Http2Session::Stream::Stream;

  void EncodeData(network::Buffer& data, bool end_stream) override {
    session_.EncodeData(*this, data, end_stream);
  }
  void EncodeTrailers(const http::HeaderMap& trailers) override {
    session_.EncodeTrailers(*this, trailers);
  }
  void ResetStream(http::StreamResetReason reason) override { session_.ResetStream(*this, reason); }
  void ReadDisable(bool disable) override { session_.ReadDisable(*this, disable); }
};

}  // namespace weft::http2

#endif  // WEFT_PROXY_HTTP2_HTTP2_SESSION_H_
