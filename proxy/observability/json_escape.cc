#include "proxy/observability/json_escape.h"

#include "absl/strings/str_format.h"
#include "proxy/stats/utf8.h"

namespace weft::observability {

void AppendJsonString(std::string* out, absl::string_view value) {
  out->push_back('"');
  size_t i = 0;
  while (i < value.size()) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\b':
          out->append("\\b");
          break;
        case '\f':
          out->append("\\f");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            absl::StrAppendFormat(out, "\\u%04x", c);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    const stats::Utf8Char u = stats::DecodeUtf8(value, i);
    if (!u.valid) {
      out->append("\\ufffd");
    } else if (u.code_point == 0x2028 || u.code_point == 0x2029) {
      absl::StrAppendFormat(out, "\\u%04x", u.code_point);
    } else {
      out->append(value.data() + i, u.length);
    }
    i += u.length;
  }
  out->push_back('"');
}

}  // namespace weft::observability
