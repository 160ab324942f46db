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

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace weft::observability {

// Appends `value` as a quoted JSON string.
void AppendJsonString(std::string* out, absl::string_view value);

// The most bytes WriteJsonString() writes for an `n`-byte value: every input
// byte becomes at most 6 output bytes (\u00XX, or \ufffd for an invalid
// byte; a 3-byte U+2028 becomes 6), plus the quotes.
constexpr size_t JsonStringMaxSize(size_t n) { return 6 * n + 2; }
// Writes `value` as a quoted JSON string at `out`, which has room for
// JsonStringMaxSize(value.size()) bytes; returns the end of what it wrote.
// For formatters that size their buffer once per line.
char* WriteJsonString(absl::string_view value, char* out);

}  // namespace weft::observability

#endif  // WEFT_PROXY_OBSERVABILITY_JSON_ESCAPE_H_
