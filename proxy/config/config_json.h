#ifndef WEFT_PROXY_CONFIG_CONFIG_JSON_H_
#define WEFT_PROXY_CONFIG_CONFIG_JSON_H_

#include <string>

#include "proxy/config/model.h"

namespace weft::config {

// The whole config as indented JSON, for /config_dump and meshctl.
std::string ToJson(const ProxyConfig& config);

// Quotes and escapes `s` as a JSON string.
std::string JsonQuote(absl::string_view s);

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_CONFIG_JSON_H_
