#include "control-plane/kube/http_response_decoder.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace weft::control_plane::kube {
namespace {

constexpr size_t kMaxLineBytes = 4096;  // a chunk-size or trailer line

bool ParseHex(absl::string_view text, uint64_t& out) {
  if (text.empty() || text.size() > 15) return false;  // < 2^60: no overflow
  out = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return false;
    }
    out = out * 16 + static_cast<uint64_t>(digit);
  }
  return true;
}

}  // namespace

absl::Status HttpResponseDecoder::Fail(std::string message) {
  state_ = State::kFailed;
  return absl::InvalidArgumentError(absl::StrCat("bad HTTP response: ", message));
}

absl::Status HttpResponseDecoder::ParseHead(absl::string_view head) {
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  // "HTTP/1.1 200 OK"
  absl::string_view status_line = lines[0];
  if (!absl::StartsWith(status_line, "HTTP/1.") || status_line.size() < 12 ||
      status_line[8] != ' ' ||
      !absl::SimpleAtoi(status_line.substr(9, 3), &status_code_) || status_code_ < 100 ||
      status_code_ > 599) {
    return Fail(absl::StrCat("bad status line \"", absl::CHexEscape(status_line.substr(0, 80)),
                             "\""));
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos || colon == 0) {
      return Fail(absl::StrCat("bad header line \"", absl::CHexEscape(lines[i].substr(0, 80)),
                               "\""));
    }
    headers_[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  auto te = headers_.find("transfer-encoding");
  auto cl = headers_.find("content-length");
  if (status_code_ == 204 || status_code_ == 304 || status_code_ < 200) {
    if (status_code_ < 200) return Fail("1xx responses are not expected");
    state_ = State::kDone;
  } else if (te != headers_.end()) {
    if (absl::AsciiStrToLower(te->second) != "chunked") {
      return Fail(absl::StrCat("unsupported Transfer-Encoding \"", te->second, "\""));
    }
    state_ = State::kChunkSize;
  } else if (cl != headers_.end()) {
    if (!absl::SimpleAtoi(cl->second, &remaining_)) {
      return Fail(absl::StrCat("bad Content-Length \"", cl->second, "\""));
    }
    state_ = remaining_ == 0 ? State::kDone : State::kLength;
  } else {
    state_ = State::kUntilClose;
  }
  return absl::OkStatus();
}

absl::Status HttpResponseDecoder::Feed(absl::string_view data, const BodySink& on_body) {
  while (!data.empty()) {
    switch (state_) {
      case State::kFailed:
        return absl::InvalidArgumentError("bad HTTP response (decoder already failed)");
      case State::kDone:
        return Fail("data after the end of the response");
      case State::kHead: {
        const size_t old = pending_.size();
        pending_.append(data.data(), std::min(data.size(), max_head_bytes_ + 4 - old));
        const size_t end = pending_.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
        if (end == std::string::npos) {
          if (pending_.size() > max_head_bytes_) {
            return Fail(absl::StrCat("head larger than ", max_head_bytes_, " bytes"));
          }
          return absl::OkStatus();
        }
        const size_t used = end + 4 - old;
        const std::string head = pending_.substr(0, end);
        pending_.clear();
        if (absl::Status s = ParseHead(head); !s.ok()) return s;
        data.remove_prefix(used);
        break;
      }
      case State::kChunkSize:
      case State::kTrailers:
      case State::kChunkDataEnd: {
        const size_t nl = data.find('\n');
        const size_t take = nl == absl::string_view::npos ? data.size() : nl + 1;
        pending_.append(data.data(), take);
        data.remove_prefix(take);
        if (pending_.size() > kMaxLineBytes) return Fail("chunk line too long");
        if (nl == absl::string_view::npos) break;
        absl::string_view line = pending_;
        if (!absl::EndsWith(line, "\r\n")) return Fail("chunk line not ended by CRLF");
        line.remove_suffix(2);
        if (state_ == State::kChunkDataEnd) {
          if (!line.empty()) return Fail("chunk data longer than its size");
          state_ = State::kChunkSize;
        } else if (state_ == State::kTrailers) {
          if (line.empty()) state_ = State::kDone;  // trailers themselves are ignored
        } else {
          absl::string_view size_text = line.substr(0, line.find(';'));  // extensions
          size_text = absl::StripAsciiWhitespace(size_text);
          if (!ParseHex(size_text, remaining_)) {
            return Fail(absl::StrCat("bad chunk size \"", absl::CHexEscape(size_text.substr(0, 20)),
                                     "\""));
          }
          state_ = remaining_ == 0 ? State::kTrailers : State::kChunkData;
        }
        pending_.clear();
        break;
      }
      case State::kChunkData:
      case State::kLength: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
        on_body(data.substr(0, take));
        data.remove_prefix(take);
        remaining_ -= take;
        if (remaining_ == 0) state_ = state_ == State::kLength ? State::kDone : State::kChunkDataEnd;
        break;
      }
      case State::kUntilClose:
        on_body(data);
        data = {};
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status HttpResponseDecoder::OnEof() {
  if (state_ == State::kUntilClose) state_ = State::kDone;
  if (state_ == State::kDone) return absl::OkStatus();
  if (state_ == State::kFailed) return absl::InvalidArgumentError("bad HTTP response");
  return absl::UnavailableError(state_ == State::kHead
                                    ? "the API server closed the connection before responding"
                                    : "the API server closed the connection mid-response");
}

}  // namespace weft::control_plane::kube
