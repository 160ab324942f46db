#ifndef WEFT_TOOLS_MESHCTL_HTTP_FETCHER_H_
#define WEFT_TOOLS_MESHCTL_HTTP_FETCHER_H_

// How meshctl reads the proxies' and the control plane's HTTP endpoints
// (/metrics, /config_dump, /debug/proxies). Commands take an HttpFetcher so that
// tests substitute canned responses (FakeHttpFetcher) and run without a network.
//
//   SocketHttpFetcher fetcher(absl::Seconds(5));
//   absl::StatusOr<std::string> body = fetcher.Get("10.77.0.12:15020", "/config_dump");
//
// kUnavailable: cannot connect / timed out; kFailedPrecondition: non-200 status
// (the message carries it). Thread-compatible.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/time_source.h"

namespace weft::meshctl {

class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  // GET http://<host_port><path>; the body of a 200 response.
  virtual absl::StatusOr<std::string> Get(const std::string& host_port,
                                          const std::string& path) = 0;
  // POST http://<host_port><path> with an empty body (admin actions such as
  // /debug/certs/rotate-root); kFailedPrecondition carries the non-200 status
  // and the first line of the response body.
  virtual absl::StatusOr<std::string> Post(const std::string& host_port,
                                           const std::string& path) = 0;
};

// Plain HTTP/1.1 over a blocking socket with an overall deadline per request,
// measured on `time` (which must outlive the fetcher).
class SocketHttpFetcher : public HttpFetcher {
 public:
  SocketHttpFetcher(absl::Duration timeout, const TimeSource& time)
      : timeout_(timeout), time_(time) {}
  absl::StatusOr<std::string> Get(const std::string& host_port, const std::string& path) override;
  absl::StatusOr<std::string> Post(const std::string& host_port, const std::string& path) override;

 private:
  absl::StatusOr<std::string> Request(const std::string& method, const std::string& host_port,
                                      const std::string& path);
  const absl::Duration timeout_;
  const TimeSource& time_;
};

// Canned bodies keyed by "host_port path"; a missing key is kUnavailable. Each
// key may hold a queue of bodies (successive scrapes); the last one repeats.
class FakeHttpFetcher : public HttpFetcher {
 public:
  void Add(const std::string& host_port, const std::string& path, std::string body);
  // Get() of this key fails with `error` (e.g. kFailedPrecondition for a 404).
  void AddError(const std::string& host_port, const std::string& path, absl::Status error);
  absl::StatusOr<std::string> Get(const std::string& host_port, const std::string& path) override;
  // Post() answers with `result` (once set; else kUnavailable) and records the call.
  void SetPost(const std::string& host_port, const std::string& path,
               absl::StatusOr<std::string> result);
  absl::StatusOr<std::string> Post(const std::string& host_port, const std::string& path) override;
  int calls() const { return calls_; }
  const std::vector<std::string>& posts() const { return posts_; }

 private:
  std::map<std::string, absl::StatusOr<std::string>> post_results_;
  std::vector<std::string> posts_;
  std::map<std::string, std::vector<std::string>> bodies_;
  std::map<std::string, absl::Status> errors_;
  std::map<std::string, size_t> next_;
  int calls_ = 0;
};

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_HTTP_FETCHER_H_
