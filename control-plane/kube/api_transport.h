#ifndef WEFT_CONTROL_PLANE_KUBE_API_TRANSPORT_H_
#define WEFT_CONTROL_PLANE_KUBE_API_TRANSPORT_H_

// How a Reflector (reflector.h) talks to the Kubernetes API server: one GET for
// a LIST page, one streaming GET for a WATCH; writers (the Lease, status
// patches, TokenReviews) Send a request with a JSON body. HttpsApiTransport
// (https_api_transport.h) is the real one; tests script responses.
//
//   absl::StatusOr<ApiTransport::Response> page = transport.Get("/api/v1/pods?limit=500");
//   transport.Watch("/api/v1/pods?watch=true&resourceVersion=42",
//                   [](absl::string_view line) { Handle(line); return true; });
//   transport.Send("POST", "/apis/authentication.k8s.io/v1/tokenreviews",
//                  "application/json", body);
//
// Threading: Get, Watch and Send block and are called from one thread (the
// reflector's); Cancel may be called from any thread.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft::control_plane::kube {

class ApiTransport {
 public:
  struct Response {
    int status = 0;
    std::string body;  // a WATCH's 200 body goes to the line callback instead
  };
  // Returns false to stop reading the stream.
  using LineCallback = std::function<bool(absl::string_view line)>;

  virtual ~ApiTransport() = default;

  // GETs `path_and_query`. An HTTP error status is a Response, not an error;
  // errors are kUnavailable (cannot connect, connection lost), kDeadlineExceeded
  // (no progress within the timeout), kCancelled (Cancel) or kInvalidArgument
  // (the server's bytes are not HTTP).
  virtual absl::StatusOr<Response> Get(const std::string& path_and_query) = 0;

  // GETs a stream: for a 200, calls `on_line` with each newline-terminated line
  // (without the newline) until the server ends the response cleanly (then
  // returns {200, ""}) or `on_line` returns false (then returns kCancelled). Any
  // other status returns the whole response as Get does. A stream cut short is
  // kUnavailable.
  virtual absl::StatusOr<Response> Watch(const std::string& path_and_query,
                                         const LineCallback& on_line) = 0;

  // Sends `method` (POST, PUT, PATCH) with `body` of `content_type`; the reply
  // as Get returns it.
  virtual absl::StatusOr<Response> Send(const std::string& method,
                                        const std::string& path_and_query,
                                        const std::string& content_type,
                                        const std::string& body) = 0;

  // Makes the current (and every later) Get/Watch/Send return kCancelled promptly.
  virtual void Cancel() = 0;
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_API_TRANSPORT_H_
