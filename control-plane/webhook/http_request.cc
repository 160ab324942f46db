#include "control-plane/webhook/http_request.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace weft::webhook {
namespace {

HeadResult Fail(RequestHead* head, int status, std::string why) {
  head->error_status = status;
  head->error = std::move(why);
  return HeadResult::kError;
}

absl::string_view Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

constexpr size_t kMaxHeadBytes = 16 * 1024;

}  // namespace

HeadResult ParseRequestHead(absl::string_view data, size_t max_body_bytes, RequestHead* head) {
  const size_t end = data.find("\r\n\r\n");
  if (end == absl::string_view::npos) {
    if (data.size() > kMaxHeadBytes) return Fail(head, 431, "request head too large");
    return HeadResult::kIncomplete;
  }
  if (end > kMaxHeadBytes) return Fail(head, 431, "request head too large");
  head->head_bytes = end + 4;
  std::vector<absl::string_view> lines = absl::StrSplit(data.substr(0, end), "\r\n");
  std::vector<absl::string_view> request_line = absl::StrSplit(lines[0], ' ');
  if (request_line.size() != 3 || !absl::StartsWith(request_line[2], "HTTP/1.")) {
    return Fail(head, 400, "malformed request line");
  }
  head->method = std::string(request_line[0]);
  const absl::string_view target = request_line[1];
  head->path = std::string(target.substr(0, target.find('?')));
  bool has_length = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) return Fail(head, 400, "malformed header line");
    const std::string name = absl::AsciiStrToLower(lines[i].substr(0, colon));
    const absl::string_view value = absl::StripAsciiWhitespace(lines[i].substr(colon + 1));
    if (name == "transfer-encoding") {
      return Fail(head, 411, "chunked bodies are not supported; send Content-Length");
    }
    if (name == "content-length") {
      if (has_length || !absl::SimpleAtoi(value, &head->content_length)) {
        return Fail(head, 400, "bad Content-Length");
      }
      has_length = true;
    }
  }
  if (head->method == "POST" && !has_length) return Fail(head, 411, "Content-Length required");
  if (head->content_length > max_body_bytes) {
    return Fail(head, 413, absl::StrCat("body larger than ", max_body_bytes, " bytes"));
  }
  return HeadResult::kComplete;
}

std::string HttpResponse(int status, absl::string_view content_type, absl::string_view body) {
  return absl::StrCat("HTTP/1.1 ", status, " ", Reason(status), "\r\nContent-Type: ", content_type,
                      "\r\nContent-Length: ", body.size(), "\r\nConnection: close\r\n\r\n", body);
}

}  // namespace weft::webhook
