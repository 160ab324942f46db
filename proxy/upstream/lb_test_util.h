#ifndef WEFT_PROXY_UPSTREAM_LB_TEST_UTIL_H_
#define WEFT_PROXY_UPSTREAM_LB_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "proxy/upstream/endpoint_set.h"

namespace weft::upstream {

// Endpoints "e0".."e<n-1>", weight 1 unless given, zone "z1". Tests only.
inline std::vector<EndpointInfo> MakeEndpoints(int n, std::vector<uint32_t> weights = {}) {
  std::vector<EndpointInfo> out;
  for (int i = 0; i < n; ++i) {
    out.push_back({absl::StrCat("e", i), "z1",
                   weights.empty() ? 1u : weights[static_cast<size_t>(i)]});
  }
  return out;
}

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_LB_TEST_UTIL_H_
