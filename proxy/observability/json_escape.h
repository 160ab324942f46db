#ifndef WEFT_PROXY_OBSERVABILITY_JSON_ESCAPE_H_
#define WEFT_PROXY_OBSERVABILITY_JSON_ESCAPE_H_

// JSON string escaping for log lines built from untrusted request data.
// The output is always valid UTF-8 JSON on one line: '"' and '\' are escaped,
// control characters become \b \f \n \r \t or \u00XX (DEL too), U+2028/U+2029
// become \u2028/\u2029 (they break JavaScript line parsing), and every byte of
// invalid UTF-8 becomes \ufffd.
//
//   std::string line = "{\"path\":";
//   AppendJsonString(&line, path);   // adds the quotes
//
// Pure functions; thread-safe.

#include <string>

#include "absl/strings/string_view.h"

namespace weft::observability {

// Appends `value` as a quoted JSON string.
void AppendJsonString(std::string* out, absl::string_view value);

}  // namespace weft::observability

#endif  // WEFT_PROXY_OBSERVABILITY_JSON_ESCAPE_H_
