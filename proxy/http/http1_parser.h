#ifndef WEFT_PROXY_HTTP_HTTP1_PARSER_H_
#define WEFT_PROXY_HTTP_HTTP1_PARSER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "proxy/http/header_map.h"

struct http_parser;
struct http_parser_settings;

namespace weft::http {

// The start line and headers of one HTTP/1.x message.
struct MessageHead {
  // Requests.
  std::string method;
  std::string target;  // request-target as sent: "/path?query" (or absolute form)
  // Responses.
  int status = 0;
  std::string reason;

  int version_major = 1;
  int version_minor = 1;
  HeaderMap headers;
  bool keep_alive = true;  // after this message, per version and Connection header
  bool chunked = false;
  int64_t content_length = -1;  // -1: none given
  bool upgrade = false;         // Upgrade / CONNECT: the parser stops after the head

  void Clear();
};

// Why parsing failed; the HTTP layer maps these to 400 or 431.
enum class ParseError {
  kNone,
  kHeadersTooLarge,
  kMalformed,
};

// An incremental HTTP/1.x parser over Debian's http-parser (the Node.js parser),
// which is field-proven against hostile input. Feeds a whole message head at
// once, then body bytes as they arrive (chunk framing removed), then the end.
// Stops after each complete message so that pipelined requests are handled one
// at a time: Execute() returns how many bytes it used; call Execute() again for
// the rest after Reset().
// Thread-compatible.
class Http1Parser {
 public:
  enum class Type { kRequest, kResponse };

  class Callbacks {
   public:
    virtual ~Callbacks() = default;
    virtual void OnMessageHead(MessageHead& head) = 0;
    virtual void OnBody(absl::string_view data) = 0;
    // Trailer fields of a chunked body, just before OnMessageComplete.
    virtual void OnTrailers(HeaderMap& trailers) {}
    virtual void OnMessageComplete() = 0;
  };

  Http1Parser(Type type, Callbacks* callbacks, uint32_t max_header_bytes);
  ~Http1Parser();
  Http1Parser(const Http1Parser&) = delete;
  Http1Parser& operator=(const Http1Parser&) = delete;

  struct Result {
    size_t consumed = 0;
    bool message_complete = false;  // paused after a whole message
    ParseError error = ParseError::kNone;
    std::string error_detail;
  };
  Result Execute(absl::string_view data);
  // Tells the parser that the input ended (EOF). Completes a response whose body
  // runs until the connection closes; an error if a message was cut short.
  Result Finish();
  // Prepares for the next message on the same connection.
  void Reset();
  // For responses: the request was HEAD, so the response has no body.
  void set_expect_no_body(bool v) { expect_no_body_ = v; }
  // True between the first byte of a message and its end.
  bool in_message() const { return in_message_; }

 private:
  static int OnMessageBegin(http_parser* p);
  static int OnUrl(http_parser* p, const char* at, size_t len);
  static int OnStatus(http_parser* p, const char* at, size_t len);
  static int OnHeaderField(http_parser* p, const char* at, size_t len);
  static int OnHeaderValue(http_parser* p, const char* at, size_t len);
  static int OnHeadersComplete(http_parser* p);
  static int OnBody(http_parser* p, const char* at, size_t len);
  static int OnMessageComplete(http_parser* p);
  bool CountHeaderBytes(size_t len);
  static const http_parser_settings& Settings();

  const Type type_;
  Callbacks* const callbacks_;
  const uint32_t max_header_bytes_;
  http_parser* parser_;
  MessageHead head_;
  HeaderMap trailers_;
  bool head_done_ = false;  // header callbacks after the head are trailers
  bool in_value_ = true;  // the last header piece was a value (or none yet)
  bool in_message_ = false;
  bool headers_too_large_ = false;
  bool expect_no_body_ = false;
  uint32_t header_bytes_ = 0;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_HTTP1_PARSER_H_
