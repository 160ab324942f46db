#include "control-plane/inject/pod_options.h"

#include <arpa/inet.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "control-plane/inject/annotations.h"
#include "re2/re2.h"

namespace weft::inject {
namespace {

using json::Json;

class Reader {
 public:
  explicit Reader(const Json& annotations) : annotations_(annotations) {}

  // The annotation's value, or nullopt when absent; a non-string value is a problem.
  std::optional<std::string> Get(const char* name) {
    const Json& v = annotations_[name];
    if (v.is_null()) return std::nullopt;
    if (v.type() != Json::Type::kString) {
      Problem(name, "must be a string");
      return std::nullopt;
    }
    return std::string(absl::StripAsciiWhitespace(v.as_string()));
  }

  std::optional<bool> Bool(const char* name) {
    std::optional<std::string> v = Get(name);
    if (!v) return std::nullopt;
    if (*v == "true" || *v == "enabled") return true;
    if (*v == "false" || *v == "disabled") return false;
    Problem(name, absl::StrCat("\"", *v, "\" is not true or false"));
    return std::nullopt;
  }

  std::vector<int> Ports(const char* name) {
    std::vector<int> ports;
    std::optional<std::string> v = Get(name);
    if (!v) return ports;
    for (absl::string_view part : absl::StrSplit(*v, ',', absl::SkipWhitespace())) {
      part = absl::StripAsciiWhitespace(part);
      int port = 0;
      if (!absl::SimpleAtoi(part, &port) || port < 1 || port > 65535) {
        Problem(name, absl::StrCat("\"", part, "\" is not a port (1-65535)"));
        continue;
      }
      ports.push_back(port);
    }
    return ports;
  }

  std::vector<std::string> Cidrs(const char* name) {
    std::vector<std::string> cidrs;
    std::optional<std::string> v = Get(name);
    if (!v) return cidrs;
    for (absl::string_view part : absl::StrSplit(*v, ',', absl::SkipWhitespace())) {
      part = absl::StripAsciiWhitespace(part);
      if (!IsCidr(part)) {
        Problem(name, absl::StrCat("\"", part, "\" is not a CIDR (e.g. 10.0.0.0/8)"));
        continue;
      }
      cidrs.emplace_back(part);
    }
    return cidrs;
  }

  std::string Quantity(const char* name, const std::string& fallback) {
    std::optional<std::string> v = Get(name);
    if (!v) return fallback;
    static const LazyRE2 kQuantity = {"[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?"};
    if (!RE2::FullMatch(*v, *kQuantity)) {
      Problem(name, absl::StrCat("\"", *v, "\" is not a resource quantity (e.g. 100m, 128Mi)"));
      return fallback;
    }
    return *v;
  }

  absl::Status Finish() const {
    if (problems_.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("invalid sidecar annotations: ", absl::StrJoin(problems_, "; ")));
  }

 private:
  static bool IsCidr(absl::string_view text) {
    const size_t slash = text.find('/');
    if (slash == absl::string_view::npos) return false;
    const std::string ip(text.substr(0, slash));
    int bits = -1;
    if (!absl::SimpleAtoi(text.substr(slash + 1), &bits)) return false;
    unsigned char buf[16];
    if (inet_pton(AF_INET, ip.c_str(), buf) == 1) return bits >= 0 && bits <= 32;
    if (inet_pton(AF_INET6, ip.c_str(), buf) == 1) return bits >= 0 && bits <= 128;
    return false;
  }
  void Problem(const char* name, const std::string& what) {
    problems_.push_back(absl::StrCat(name, ": ", what));
  }

  const Json& annotations_;
  std::vector<std::string> problems_;
};

}  // namespace

absl::StatusOr<PodOptions> ReadPodOptions(const Json& annotations, const InjectionConfig& config) {
  if (!annotations.is_null() && annotations.type() != Json::Type::kObject) {
    return absl::InvalidArgumentError("metadata.annotations: must be an object");
  }
  Reader r(annotations);
  PodOptions options;
  options.inject = r.Bool(kInjectAnnotation);
  options.exclude_inbound_ports = r.Ports(kExcludeInboundPorts);
  options.exclude_outbound_ports = r.Ports(kExcludeOutboundPorts);
  options.exclude_outbound_cidrs = r.Cidrs(kExcludeOutboundCidrs);
  options.cpu = r.Quantity(kProxyCpu, config.proxy_cpu);
  options.memory = r.Quantity(kProxyMemory, config.proxy_memory);
  options.cpu_limit = r.Quantity(kProxyCpuLimit, config.proxy_cpu_limit);
  options.memory_limit = r.Quantity(kProxyMemoryLimit, config.proxy_memory_limit);
  options.rewrite_app_probes = r.Bool(kRewriteAppProbes).value_or(config.rewrite_app_probes);
  if (absl::Status s = r.Finish(); !s.ok()) return s;
  return options;
}

}  // namespace weft::inject
