#include "control-plane/inject/probe_rewrite.h"

#include <algorithm>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "control-plane/inject/injection_config.h"

namespace weft::inject {
namespace {

using json::Json;

struct ProbeKind {
  const char* field;
  const char* suffix;
};
constexpr ProbeKind kProbeKinds[] = {
    {"livenessProbe", "livez"}, {"readinessProbe", "readyz"}, {"startupProbe", "startupz"}};

// A JSON number that is a port (a whole number in 1-65535); compared as a
// double first, since converting an out-of-range double to int is undefined.
std::optional<int> PortNumber(const Json& value) {
  if (value.type() != Json::Type::kNumber) return std::nullopt;
  const double d = value.as_number();
  if (!(d >= 1 && d <= 65535) || d != static_cast<double>(static_cast<int>(d))) {
    return std::nullopt;
  }
  return static_cast<int>(d);
}

// A probe's port: a number, a numeric string, or the name of a container port.
// Anything else, or a number that is not a port, leaves the probe as it is (the
// API server's validation, after admission, names the problem).
std::optional<int> ResolvePort(const Json& port, const Json& container) {
  if (port.type() == Json::Type::kNumber) return PortNumber(port);
  if (port.type() != Json::Type::kString) return std::nullopt;
  int number = 0;
  if (absl::SimpleAtoi(port.as_string(), &number)) {
    return number >= 1 && number <= 65535 ? std::optional<int>(number) : std::nullopt;
  }
  for (const Json& p : container["ports"].items()) {
    if (p.Text("name") == port.as_string()) return PortNumber(p["containerPort"]);
  }
  return std::nullopt;
}

// The original probe action with its port as a number, and its timeout, for
// the proxy (proxy/health/app_probes.h reads this).
Json Original(const char* action, const Json& probe, int port) {
  Json copy = Json::Object();
  for (const auto& [key, value] : probe[action].fields()) {
    copy.Set(key, key == "port" ? Json::Number(port) : value);
  }
  Json out = Json::Object();
  out.Set(action, std::move(copy));
  if (probe.Has("timeoutSeconds")) out.Set("timeoutSeconds", probe["timeoutSeconds"]);
  return out;
}

}  // namespace

void RewriteProbes(const Json& containers, absl::string_view path_prefix,
                   const std::vector<int>& excluded_inbound_ports, ProbeRewrites* out) {
  for (size_t i = 0; i < containers.items().size(); ++i) {
    const Json& container = containers.items()[i];
    const std::string name = container.Text("name");
    for (const ProbeKind& kind : kProbeKinds) {
      const Json& probe = container[kind.field];
      // exec probes run in the app's container and need nothing from the proxy.
      const char* action = probe.Has("httpGet")     ? "httpGet"
                           : probe.Has("tcpSocket") ? "tcpSocket"
                           : probe.Has("grpc")      ? "grpc"
                                                    : nullptr;
      if (action == nullptr) continue;
      const std::optional<int> port = ResolvePort(probe[action]["port"], container);
      if (!port || std::find(excluded_inbound_ports.begin(), excluded_inbound_ports.end(),
                             *port) != excluded_inbound_ports.end()) {
        continue;
      }
      const std::string health_path = absl::StrCat("/app-health/", name, "/", kind.suffix);
      Json http = Json::Object();
      http.Set("path", Json::String(health_path));
      http.Set("port", Json::Number(kProxyHealthPort));
      http.Set("scheme", Json::String("HTTP"));
      // Same fields in the same order, the action replaced in place.
      Json rewritten = Json::Object();
      for (const auto& [key, value] : probe.fields()) {
        rewritten.Set(key == action ? "httpGet" : key, key == action ? http : value);
      }
      out->originals.Set(health_path, Original(action, probe, *port));
      out->ops.push_back(
          PatchOp::Replace(absl::StrCat(path_prefix, "/", i, "/", kind.field), std::move(rewritten)));
    }
  }
}

}  // namespace weft::inject
