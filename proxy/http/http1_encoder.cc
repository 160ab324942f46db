#include "proxy/http/http1_encoder.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "proxy/http/ascii_case.h"

namespace weft::http {
namespace {

// Appends the decimal or hex digits of `v` (no allocation, no printf).
void AppendUnsigned(uint64_t v, int base, network::Buffer& out) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v != 0);
  char* p = out.Reserve(n);
  for (int i = 0; i < n; ++i) p[i] = digits[n - 1 - i];
  out.Commit(n);
}

// The tokens of a Connection field that name other fields ("keep-alive" and
// "close" name none), appended to `named`.
void AddNamedFields(absl::string_view connection,
                    absl::InlinedVector<absl::string_view, 4>& named) {
  for (absl::string_view token : absl::StrSplit(connection, ',')) {
    token = absl::StripAsciiWhitespace(token);
    if (!token.empty() && !EqualsIgnoreCaseAscii(token, "keep-alive") &&
        !EqualsIgnoreCaseAscii(token, "close")) {
      named.push_back(token);
    }
  }
}

bool IsConnectionField(absl::string_view name) {
  return name.size() == 10 && EqualsIgnoreCaseAscii(name, "connection");
}

void EncodeFields(const HeaderMap& headers, network::Buffer& out) {
  // Fields named by Connection are hop-by-hop too. Codecs remove hop-by-hop
  // fields when they parse a head (RemoveHopByHopFields), so most heads have
  // no Connection field here; when there is one, collect its tokens first.
  absl::InlinedVector<absl::string_view, 4> named;
  headers.ForEach([&](absl::string_view name, absl::string_view value) {
    if (IsConnectionField(name)) AddNamedFields(value, named);
  });
  headers.ForEach([&](absl::string_view name, absl::string_view value) {
    if (IsHopByHopField(name)) return;
    for (absl::string_view n : named) {
      if (EqualsIgnoreCaseAscii(n, name)) return;
    }
    char* p = out.Reserve(name.size() + value.size() + 4);
    std::memcpy(p, name.data(), name.size());
    p += name.size();
    *p++ = ':';
    *p++ = ' ';
    std::memcpy(p, value.data(), value.size());
    p += value.size();
    *p++ = '\r';
    *p++ = '\n';
    out.Commit(name.size() + value.size() + 4);
  });
}

void EncodeFraming(BodyFraming framing, network::Buffer& out) {
  if (framing == BodyFraming::kChunked) {
    out.Append("transfer-encoding: chunked\r\n");
  } else if (framing == BodyFraming::kEmpty) {
    out.Append("content-length: 0\r\n");
  }
}

}  // namespace

void EncodeRequestHead(const MessageHead& head, BodyFraming framing, network::Buffer& out) {
  out.Append(head.method);
  out.Append(" ", 1);
  out.Append(head.target);
  out.Append(" HTTP/1.1\r\n");
  EncodeFields(head.headers, out);
  EncodeFraming(framing, out);
  out.Append("\r\n", 2);
}

void EncodeResponseHead(const MessageHead& head, BodyFraming framing, bool close,
                        network::Buffer& out) {
  out.Append("HTTP/1.1 ", 9);
  AppendUnsigned(static_cast<uint64_t>(head.status), 10, out);
  out.Append(" ", 1);
  out.Append(head.reason.empty() ? StatusReason(head.status) : head.reason);
  out.Append("\r\n", 2);
  EncodeFields(head.headers, out);
  EncodeFraming(framing, out);
  if (close) out.Append("connection: close\r\n");
  out.Append("\r\n", 2);
}

void EncodeRequestHeaders(const RequestHeaders& h, BodyFraming framing, network::Buffer& out) {
  out.Append(h.method);
  out.Append(" ", 1);
  out.Append(h.path);
  out.Append(" HTTP/1.1\r\n");
  if (!h.authority.empty()) {
    out.Append("host: ");
    out.Append(h.authority);
    out.Append("\r\n", 2);
  }
  EncodeFields(h.headers, out);
  EncodeFraming(framing, out);
  if (!h.upgrade.empty()) {
    out.Append("connection: upgrade\r\nupgrade: ");
    out.Append(h.upgrade);
    out.Append("\r\n", 2);
  }
  out.Append("\r\n", 2);
}

void EncodeResponseHeaders(const ResponseHeaders& h, BodyFraming framing, bool close,
                           network::Buffer& out) {
  out.Append("HTTP/1.1 ", 9);
  AppendUnsigned(static_cast<uint64_t>(h.status), 10, out);
  out.Append(" ", 1);
  out.Append(StatusReason(h.status));
  out.Append("\r\n", 2);
  EncodeFields(h.headers, out);
  EncodeFraming(framing, out);
  if (h.status == 101) {
    out.Append("connection: upgrade\r\nupgrade: ");
    out.Append(h.headers.Get("upgrade").value_or("websocket"));
    out.Append("\r\n", 2);
  } else if (close) {
    out.Append("connection: close\r\n");
  }
  out.Append("\r\n", 2);
}

void EncodeLastChunkWithTrailers(const HeaderMap& trailers, network::Buffer& out) {
  out.Append("0\r\n", 3);
  EncodeFields(trailers, out);
  out.Append("\r\n", 2);
}

void RemoveHopByHopFields(HeaderMap& headers) {
  // One pass finds whether there is anything to remove, the fields that
  // Connection fields name (this hop's too) and the first te.
  bool any = false;
  absl::InlinedVector<absl::string_view, 4> named;
  absl::optional<absl::string_view> te;
  headers.ForEach([&](absl::string_view name, absl::string_view value) {
    if (!IsHopByHopField(name)) return;
    any = true;
    if (name.size() == 2) {
      if (!te.has_value()) te = value;
    } else if (IsConnectionField(name)) {
      AddNamedFields(value, named);
    }
  });
  if (!any) return;
  // te: only "trailers" may cross a hop (HTTP/2 allows nothing else).
  const bool drop_te = te.has_value() && !EqualsIgnoreCaseAscii(*te, "trailers");
  // One pass; the views above point into the arena, which removal leaves alone.
  headers.RemoveIf([&](absl::string_view name) {
    if (IsHopByHopField(name)) return name.size() != 2 || drop_te;  // size 2: "te"
    for (absl::string_view n : named) {
      if (EqualsIgnoreCaseAscii(n, name)) return true;
    }
    return false;
  });
}

void EncodeChunk(absl::string_view data, network::Buffer& out) {
  if (data.empty()) return;  // an empty chunk would end the body
  AppendUnsigned(data.size(), 16, out);
  out.Append("\r\n", 2);
  out.Append(data);
  out.Append("\r\n", 2);
}

void EncodeLastChunk(network::Buffer& out) { out.Append("0\r\n\r\n"); }

void EncodeLocalReply(int status, absl::string_view error_reason, bool close,
                      network::Buffer& out) {
  const std::string body = absl::StrCat(StatusReason(status), ": ", error_reason, "\n");
  out.Append(absl::StrCat("HTTP/1.1 ", status, " ", StatusReason(status),
                          "\r\ncontent-type: text/plain\r\nx-weft-error: ", error_reason,
                          "\r\ncontent-length: ", body.size(), "\r\n",
                          close ? "connection: close\r\n" : "", "\r\n", body));
}

absl::string_view StatusReason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

}  // namespace weft::http
