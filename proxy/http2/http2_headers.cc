#include "proxy/http2/http2_headers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"

namespace weft::http2 {

bool IsConnectionSpecificField(absl::string_view name, absl::string_view value) {
  if (absl::EqualsIgnoreCase(name, "te")) {
    return !absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(value), "trailers");
  }
  return absl::EqualsIgnoreCase(name, "connection") ||
         absl::EqualsIgnoreCase(name, "keep-alive") ||
         absl::EqualsIgnoreCase(name, "proxy-connection") ||
         absl::EqualsIgnoreCase(name, "transfer-encoding") ||
         absl::EqualsIgnoreCase(name, "upgrade");
}

void HeaderList::Add(absl::string_view name, absl::string_view value) {
  fields_.emplace_back(absl::AsciiStrToLower(name), std::string(value));
}

void HeaderList::AddRegular(const http::HeaderMap& headers, bool drop_host) {
  headers.ForEach([&](absl::string_view name, absl::string_view value) {
    if (name.empty() || name[0] == ':') return;
    if (drop_host && absl::EqualsIgnoreCase(name, "host")) return;
    if (IsConnectionSpecificField(name, value)) return;
    Add(name, value);
  });
}

const std::vector<nghttp2_nv>& HeaderList::nv() {
  nv_.clear();
  nv_.reserve(fields_.size());
  for (auto& [name, value] : fields_) {
    nv_.push_back(nghttp2_nv{reinterpret_cast<uint8_t*>(name.data()),
                             reinterpret_cast<uint8_t*>(value.data()), name.size(),
                             value.size(), NGHTTP2_NV_FLAG_NONE});
  }
  return nv_;
}

HeaderList RequestHeaderList(const http::RequestHeaders& headers) {
  HeaderList list;
  std::string authority = headers.authority;
  if (authority.empty()) {
    if (auto host = headers.headers.Get("host")) authority = std::string(*host);
  }
  list.Add(":method", headers.method);
  if (headers.method == "CONNECT") {
    list.Add(":authority", authority);
  } else {
    list.Add(":scheme", headers.scheme.empty() ? "http" : headers.scheme);
    if (!authority.empty()) list.Add(":authority", authority);
    list.Add(":path", headers.path.empty() ? "/" : headers.path);
  }
  list.AddRegular(headers.headers, /*drop_host=*/true);
  return list;
}

HeaderList ResponseHeaderList(const http::ResponseHeaders& headers) {
  HeaderList list;
  list.Add(":status", std::to_string(headers.status));
  list.AddRegular(headers.headers, /*drop_host=*/false);
  return list;
}

HeaderList TrailerHeaderList(const http::HeaderMap& trailers) {
  HeaderList list;
  list.AddRegular(trailers, /*drop_host=*/false);
  return list;
}

void AddDecodedRequestField(absl::string_view name, absl::string_view value,
                            http::RequestHeaders& out) {
  if (!name.empty() && name[0] == ':') {
    if (name == ":method") {
      out.method = std::string(value);
    } else if (name == ":scheme") {
      out.scheme = std::string(value);
    } else if (name == ":authority") {
      out.authority = std::string(value);
    } else if (name == ":path") {
      out.path = std::string(value);
    }
    return;  // Other pseudo-header fields (:protocol) are not carried.
  }
  if (absl::EqualsIgnoreCase(name, "host")) {
    if (out.authority.empty()) out.authority = std::string(value);
    return;
  }
  if (IsConnectionSpecificField(name, value)) return;
  out.headers.Add(name, value);
}

void AddDecodedResponseField(absl::string_view name, absl::string_view value,
                             http::ResponseHeaders& out) {
  if (!name.empty() && name[0] == ':') {
    if (name == ":status") {
      int status = 0;
      out.status = absl::SimpleAtoi(value, &status) ? status : 0;
    }
    return;
  }
  if (IsConnectionSpecificField(name, value)) return;
  out.headers.Add(name, value);
}

}  // namespace weft::http2
