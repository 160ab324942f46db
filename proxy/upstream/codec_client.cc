#include "proxy/upstream/codec_client.h"

#include <utility>

#include "common/log/log.h"
#include "proxy/http/http1_client_codec.h"
#include "proxy/http2/http2_codec.h"

namespace weft::upstream {

CodecClient::CodecClient(event::Dispatcher& dispatcher, Owner& owner,
                         std::unique_ptr<network::Connection> connection, const Options& options)
    : dispatcher_(dispatcher),
      owner_(owner),
      version_(options.version),
      connection_(std::move(connection)),
      writer_(dispatcher, *connection_) {
  connection_->SetCallbacks(this);
  http::CodecTransport& transport = *this;
  if (version_ == HttpVersion::kHttp2) {
    static const http2::Http2Options kDefaults;
    codec_ = http2::CreateHttp2ClientConnection(
        transport, options.http2 != nullptr ? *options.http2 : kDefaults);
  } else {
    codec_ = std::make_unique<http::Http1ClientConnection>(transport,
                                                           [this] { OnStreamComplete(); });
  }
  last_used_ = dispatcher_.CallbackNow();
  if (connection_->connecting() && options.connect_timeout > absl::ZeroDuration()) {
    connect_timer_ = dispatcher_.CreateTimer([this] { OnConnectTimeout(); });
    connect_timer_->Enable(options.connect_timeout);
  }
}

CodecClient::~CodecClient() {
  if (!closed_) {
    closed_ = true;
    connection_->SetCallbacks(nullptr);
    writer_.Flush();
    connection_->Close(network::Connection::CloseMode::kNoFlush);
  }
}

http::RequestEncoder& CodecClient::NewStream(http::ResponseDecoder& decoder) {
  ++streams_served_;
  last_used_ = dispatcher_.CallbackNow();
  return codec_->NewStream(decoder);
}

bool CodecClient::CanTakeStream() const {
  return !closed_ && !connection_->read_eof() && codec_->CanTakeStream();
}

void CodecClient::Close() { CloseWithReason(http::StreamResetReason::kConnectionTermination); }

void CodecClient::CloseWithReason(http::StreamResetReason reason) {
  if (closed_) return;
  closed_ = true;
  connect_failed_ = reason == http::StreamResetReason::kConnectionFailure;
  if (connect_timer_ != nullptr) connect_timer_->Disable();
  connection_->SetCallbacks(nullptr);
  writer_.Flush();  // e.g. the GOAWAY of a protocol error, as far as the socket takes it
  connection_->Close(network::Connection::CloseMode::kNoFlush);
  codec_->OnConnectionClosed(reason);
  owner_.OnClientClosed(*this);
}

void CodecClient::OnConnected(network::Connection&) {
  if (connect_timer_ != nullptr) connect_timer_->Disable();
}

void CodecClient::OnConnectTimeout() {
  if (closed_ || !connection_->connecting()) return;
  WEFT_LOG(kDebug, "upstream connect timed out");
  CloseWithReason(http::StreamResetReason::kConnectionFailure);
}

void CodecClient::OnData(network::Connection&, network::Buffer& data, bool end_stream) {
  last_used_ = dispatcher_.CallbackNow();
  absl::Status status = codec_->Dispatch(data);
  if (closed_) return;
  if (!status.ok()) {
    WEFT_LOG(kDebug, "upstream protocol error: %s", status.ToString());
    CloseWithReason(http::StreamResetReason::kProtocolError);
    return;
  }
  if (end_stream) {
    codec_->OnRemoteHalfClose();
    if (closed_) return;
    if (codec_->active_streams() == 0) {
      Close();
      return;
    }
  }
  CloseIfUnusable();
  if (!closed_ && version_ == HttpVersion::kHttp2 && codec_->CanTakeStream()) {
    owner_.OnClientReady(*this);
  }
}

void CodecClient::OnClose(network::Connection& c, network::CloseReason reason) {
  if (reason == network::CloseReason::kTlsHandshakeFailed) {
    // The request never reached the server: a connect failure (retryable), with
    // the reason in the log (mtls_wrong_identity, mtls_untrusted_peer...).
    WEFT_LOG(kWarning, "upstream mTLS handshake failed: %s", c.close_detail());
  }
  CloseWithReason(reason == network::CloseReason::kConnectFailed ||
                          reason == network::CloseReason::kTlsHandshakeFailed
                      ? http::StreamResetReason::kConnectionFailure
                      : http::StreamResetReason::kConnectionTermination);
}

void CodecClient::OnWriteBufferHigh(network::Connection&) {
  codec_->OnTransportAboveHighWatermark();
}

void CodecClient::OnWriteBufferLow(network::Connection&) {
  codec_->OnTransportBelowLowWatermark();
}

void CodecClient::Write(network::Buffer& bytes) {
  if (closed_) {
    bytes.Clear();
    return;
  }
  writer_.Write(bytes);
}

void CodecClient::ReadDisable(bool disable) {
  if (!closed_) connection_->ReadDisable(disable);
}

void CodecClient::OnStreamComplete() {
  last_used_ = dispatcher_.CallbackNow();
  CloseIfUnusable();
  if (!closed_ && codec_->CanTakeStream()) owner_.OnClientReady(*this);
}

void CodecClient::CloseIfUnusable() {
  if (closed_ || codec_->active_streams() != 0) return;
  if (!codec_->keep_alive() || codec_->draining() || connection_->read_eof()) Close();
}

}  // namespace weft::upstream
