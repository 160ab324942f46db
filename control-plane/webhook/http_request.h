#ifndef WEFT_CONTROL_PLANE_WEBHOOK_HTTP_REQUEST_H_
#define WEFT_CONTROL_PLANE_WEBHOOK_HTTP_REQUEST_H_

// The little HTTP/1.1 the webhook needs: one request with a Content-Length body
// per connection (the API server's webhook client sends exactly that), and a
// response that closes the connection. Chunked bodies are refused (411).
//
//   RequestHead head;
//   switch (ParseRequestHead(buffer, max_body, &head)) { ... }
//   std::string reply = HttpResponse(200, "application/json", body);
//
// Thread-compatible (pure functions).

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace weft::webhook {

struct RequestHead {
  std::string method;
  std::string path;          // without the query
  size_t head_bytes = 0;     // through the blank line
  size_t content_length = 0;
  int error_status = 0;      // kError: the status to answer with
  std::string error;         // kError: why
};

enum class HeadResult { kIncomplete, kComplete, kError };

// kIncomplete until the blank line ending the head has arrived.
HeadResult ParseRequestHead(absl::string_view data, size_t max_body_bytes, RequestHead* head);

// "HTTP/1.1 <status> <reason>" with Content-Type, Content-Length, Connection: close.
std::string HttpResponse(int status, absl::string_view content_type, absl::string_view body);

}  // namespace weft::webhook

#endif  // WEFT_CONTROL_PLANE_WEBHOOK_HTTP_REQUEST_H_
