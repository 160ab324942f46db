#include "proxy/http/http1_parser.h"

#include <http_parser.h>

#include "absl/strings/str_cat.h"

namespace weft::http {

void MessageHead::Clear() {
  method.clear();
  target.clear();
  status = 0;
  reason.clear();
  version_major = 1;
  version_minor = 1;
  headers.Clear();
  keep_alive = true;
  chunked = false;
  content_length = -1;
  upgrade = false;
}

const http_parser_settings& Http1Parser::Settings() {
  static const http_parser_settings settings = [] {
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_message_begin = &Http1Parser::OnMessageBegin;
    s.on_url = &Http1Parser::OnUrl;
    s.on_status = &Http1Parser::OnStatus;
    s.on_header_field = &Http1Parser::OnHeaderField;
    s.on_header_value = &Http1Parser::OnHeaderValue;
    s.on_headers_complete = &Http1Parser::OnHeadersComplete;
    s.on_body = &Http1Parser::OnBody;
    s.on_message_complete = &Http1Parser::OnMessageComplete;
    return s;
  }();
  return settings;
}

Http1Parser::Http1Parser(Type type, Callbacks* callbacks, uint32_t max_header_bytes)
    : type_(type), callbacks_(callbacks), max_header_bytes_(max_header_bytes) {
  parser_ = new http_parser;
  http_parser_init(parser_, type == Type::kRequest ? HTTP_REQUEST : HTTP_RESPONSE);
  parser_->data = this;
}

Http1Parser::~Http1Parser() { delete parser_; }

void Http1Parser::Reset() {
  http_parser_init(parser_, type_ == Type::kRequest ? HTTP_REQUEST : HTTP_RESPONSE);
  parser_->data = this;
  in_message_ = false;
  expect_no_body_ = false;
}

Http1Parser::Result Http1Parser::Execute(absl::string_view data) {
  Result r;
  r.consumed = http_parser_execute(parser_, &Settings(), data.data(), data.size());
  const http_errno err = HTTP_PARSER_ERRNO(parser_);
  if (err == HPE_PAUSED) {
    http_parser_pause(parser_, 0);
    r.message_complete = true;
    return r;
  }
  if (err != HPE_OK) {
    r.error = headers_too_large_ || err == HPE_HEADER_OVERFLOW ? ParseError::kHeadersTooLarge
                                                                 : ParseError::kMalformed;
    r.error_detail = http_errno_description(err);
    return r;
  }
  if (parser_->upgrade && !in_message_) r.message_complete = true;
  return r;
}

Http1Parser::Result Http1Parser::Finish() {
  Result r;
  if (!in_message_) return r;
  http_parser_execute(parser_, &Settings(), nullptr, 0);
  const http_errno err = HTTP_PARSER_ERRNO(parser_);
  if (err == HPE_PAUSED) {
    http_parser_pause(parser_, 0);
    r.message_complete = true;
  } else if (err != HPE_OK || in_message_) {
    r.error = ParseError::kMalformed;
    r.error_detail = "message cut short by end of stream";
  }
  return r;
}

bool Http1Parser::CountHeaderBytes(size_t len) {
  header_bytes_ += static_cast<uint32_t>(len);
  if (header_bytes_ > max_header_bytes_) {
    headers_too_large_ = true;
    return false;
  }
  return true;
}

int Http1Parser::OnMessageBegin(http_parser* p) {
  auto* self = static_cast<Http1Parser*>(p->data);
  self->head_.Clear();
  self->trailers_.Clear();
  self->head_done_ = false;
  self->in_value_ = true;
  self->header_bytes_ = 0;
  self->headers_too_large_ = false;
  self->in_message_ = true;
  return 0;
}

int Http1Parser::OnUrl(http_parser* p, const char* at, size_t len) {
  auto* self = static_cast<Http1Parser*>(p->data);
  if (!self->CountHeaderBytes(len)) return 1;
  self->head_.target.append(at, len);
  return 0;
}

int Http1Parser::OnStatus(http_parser* p, const char* at, size_t len) {
  auto* self = static_cast<Http1Parser*>(p->data);
  if (!self->CountHeaderBytes(len)) return 1;
  self->head_.reason.append(at, len);
  return 0;
}

int Http1Parser::OnHeaderField(http_parser* p, const char* at, size_t len) {
  auto* self = static_cast<Http1Parser*>(p->data);
  if (!self->CountHeaderBytes(len)) return 1;
  HeaderMap& fields = self->head_done_ ? self->trailers_ : self->head_.headers;
  if (self->in_value_) {
    fields.StartField();
    self->in_value_ = false;
  }
  fields.AppendName(at, len);
  return 0;
}

int Http1Parser::OnHeaderValue(http_parser* p, const char* at, size_t len) {
  auto* self = static_cast<Http1Parser*>(p->data);
  if (!self->CountHeaderBytes(len)) return 1;
  self->in_value_ = true;
  (self->head_done_ ? self->trailers_ : self->head_.headers).AppendValue(at, len);
  return 0;
}

int Http1Parser::OnHeadersComplete(http_parser* p) {
  auto* self = static_cast<Http1Parser*>(p->data);
  MessageHead& h = self->head_;
  if (self->type_ == Type::kRequest) {
    h.method = http_method_str(static_cast<http_method>(p->method));
  } else {
    h.status = p->status_code;
  }
  h.version_major = p->http_major;
  h.version_minor = p->http_minor;
  h.keep_alive = http_should_keep_alive(p) != 0;
  h.chunked = (p->flags & F_CHUNKED) != 0;
  h.content_length = (p->flags & F_CONTENTLENGTH) ? static_cast<int64_t>(p->content_length) : -1;
  h.upgrade = p->upgrade != 0;
  self->head_done_ = true;
  self->in_value_ = true;
  self->header_bytes_ = 0;  // trailers get a budget of their own
  self->callbacks_->OnMessageHead(h);
  // 1 tells http-parser that this response has no body (reply to HEAD).
  return self->type_ == Type::kResponse && self->expect_no_body_ ? 1 : 0;
}

int Http1Parser::OnBody(http_parser* p, const char* at, size_t len) {
  auto* self = static_cast<Http1Parser*>(p->data);
  self->callbacks_->OnBody(absl::string_view(at, len));
  return 0;
}

int Http1Parser::OnMessageComplete(http_parser* p) {
  auto* self = static_cast<Http1Parser*>(p->data);
  self->in_message_ = false;
  if (self->trailers_.size() > 0) self->callbacks_->OnTrailers(self->trailers_);
  self->callbacks_->OnMessageComplete();
  http_parser_pause(p, 1);
  return 0;
}

}  // namespace weft::http
