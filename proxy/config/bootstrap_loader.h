#ifndef WEFT_PROXY_CONFIG_BOOTSTRAP_LOADER_H_
#define WEFT_PROXY_CONFIG_BOOTSTRAP_LOADER_H_

// Loads the proxy's static bootstrap file (YAML, documented in
// docs/bootstrap-config.md) into the internal config model, validated as a whole.
//
// Usage (mesh-proxy's main):
//   absl::StatusOr<ProxyConfig> config = LoadBootstrapFile(flag_path);
//   if (!config.ok()) { std::cerr << config.status().message() << "\n"; return 2; }
//
// Never throws: yaml-cpp's exceptions stop at this boundary and become statuses.
// Stateless and thread-safe.

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proxy/config/model.h"
#include "proxy/config/validate.h"  // ValidateProxyConfig, for other config sources

namespace weft::config {

// Larger bootstrap documents are refused before parsing.
inline constexpr size_t kMaxBootstrapBytes = 4 * 1024 * 1024;

// Parses and validates a whole bootstrap document; `source_name` names it in
// messages and becomes ProxyConfig::source. On failure the status is
// kInvalidArgument and its message lists every problem found, one per line after a
// header line, each naming the field path and, when known, the position:
//   listeners[1].port: 70000 is not a port (1-65535) (line 8, column 11)
absl::StatusOr<ProxyConfig> ParseBootstrapYaml(absl::string_view yaml_text,
                                               absl::string_view source_name);

// Reads and parses the file at `path`; ProxyConfig::source is "file:<path>".
// Errors name the path: kNotFound / kPermissionDenied / ... when it cannot be read,
// kInvalidArgument when its content is wrong.
absl::StatusOr<ProxyConfig> LoadBootstrapFile(const std::string& path);

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_BOOTSTRAP_LOADER_H_
