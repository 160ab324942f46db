#include "proxy/health/app_probes.h"

#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/json/json_value.h"

namespace weft::health {
namespace {

using json::Json;

bool IsWholeNumberIn(const Json& v, double lo, double hi) {
  return v.type() == Json::Type::kNumber && v.as_number() == std::floor(v.as_number()) &&
         v.as_number() >= lo && v.as_number() <= hi;
}

// "/app-health/<container>/<livez|readyz|startupz>", the container non-empty.
bool IsHealthPath(absl::string_view key) {
  if (!absl::ConsumePrefix(&key, kAppHealthPrefix)) return false;
  std::vector<absl::string_view> parts = absl::StrSplit(key, '/');
  return parts.size() == 2 && !parts[0].empty() &&
         (parts[1] == "livez" || parts[1] == "readyz" || parts[1] == "startupz");
}

void ReadPort(const Json& handler, const std::string& where, AppProbe& probe,
              std::vector<std::string>& problems) {
  const Json& port = handler["port"];
  if (!IsWholeNumberIn(port, 1, 65535)) {
    problems.push_back(absl::StrCat(where, ".port: ",
                                    port.is_null() ? "missing" : port.DumpCompact(),
                                    " is not a port number (1-65535)"));
    return;
  }
  probe.port = static_cast<uint16_t>(port.as_number());
}

void ReadHttpGet(const Json& handler, const std::string& where, AppProbe& probe,
                 std::vector<std::string>& problems) {
  probe.action = AppProbe::Action::kHttpGet;
  ReadPort(handler, where, probe, problems);
  if (handler.Has("path")) {
    const Json& path = handler["path"];
    if (path.type() != Json::Type::kString || !absl::StartsWith(path.as_string(), "/")) {
      problems.push_back(absl::StrCat(where, ".path: ", path.DumpCompact(),
                                      " is not a path starting with '/'"));
    } else {
      probe.path = path.as_string();
    }
  }
  if (handler.Has("scheme")) {
    const std::string scheme = absl::AsciiStrToUpper(handler.Text("scheme"));
    if (scheme != "HTTP" && scheme != "HTTPS") {
      problems.push_back(absl::StrCat(where, ".scheme: ", handler["scheme"].DumpCompact(),
                                      " is not HTTP or HTTPS"));
    }
    probe.https = scheme == "HTTPS";
  }
  const Json& headers = handler["httpHeaders"];
  if (!headers.is_null() && headers.type() != Json::Type::kArray) {
    problems.push_back(absl::StrCat(where, ".httpHeaders: not a list"));
    return;
  }
  for (size_t i = 0; i < headers.items().size(); ++i) {
    const Json& h = headers.items()[i];
    if (h["name"].type() != Json::Type::kString || h["name"].as_string().empty() ||
        (!h["value"].is_null() && h["value"].type() != Json::Type::kString)) {
      problems.push_back(absl::StrCat(where, ".httpHeaders[", i,
                                      "]: needs a string name and value, got ", h.DumpCompact()));
      continue;
    }
    const std::string& name = h["name"].as_string();
    const std::string value = h.Text("value");
    // Header injection into the request line would be on us, not the app.
    if (absl::StrContains(name, "\r") || absl::StrContains(name, "\n") ||
        absl::StrContains(name, ":") || absl::StrContains(value, "\r") ||
        absl::StrContains(value, "\n")) {
      problems.push_back(absl::StrCat(where, ".httpHeaders[", i, "]: ", name,
                                      " has a character not allowed in a header"));
      continue;
    }
    probe.headers.emplace_back(name, value);
  }
}

void ReadGrpc(const Json& handler, const std::string& where, AppProbe& probe,
              std::vector<std::string>& problems) {
  probe.action = AppProbe::Action::kGrpc;
  ReadPort(handler, where, probe, problems);
  if (!handler.Has("service")) return;
  const Json& service = handler["service"];
  if (service.type() != Json::Type::kString) {
    problems.push_back(absl::StrCat(where, ".service: ", service.DumpCompact(),
                                    " is not a string"));
    return;
  }
  probe.service = service.as_string();
}

}  // namespace

absl::StatusOr<AppProbes> ParseAppProbes(absl::string_view json_text) {
  AppProbes probes;
  if (absl::StripAsciiWhitespace(json_text).empty()) return probes;
  absl::StatusOr<Json> doc = Json::Parse(json_text);
  if (!doc.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid ", kAppProbesEnv, ": not JSON: ", doc.status().message()));
  }
  if (doc->type() != Json::Type::kObject) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid ", kAppProbesEnv, ": expected an object of /app-health/<container>/<probe> "
        "keys, got ", doc->DumpCompact().substr(0, 80)));
  }
  std::vector<std::string> problems;
  for (const auto& [key, entry] : doc->fields()) {
    if (!IsHealthPath(key)) {
      problems.push_back(absl::StrCat(
          key, ": not a path of the form /app-health/<container>/<livez|readyz|startupz>"));
      continue;
    }
    AppProbe probe;
    if (entry.Has("httpGet")) {
      ReadHttpGet(entry["httpGet"], absl::StrCat(key, ".httpGet"), probe, problems);
    } else if (entry.Has("tcpSocket")) {
      ReadPort(entry["tcpSocket"], absl::StrCat(key, ".tcpSocket"), probe, problems);
    } else if (entry.Has("grpc")) {
      ReadGrpc(entry["grpc"], absl::StrCat(key, ".grpc"), probe, problems);
    } else {
      problems.push_back(absl::StrCat(key, ": needs httpGet, tcpSocket or grpc"));
      continue;
    }
    if (entry.Has("timeoutSeconds")) {
      if (!IsWholeNumberIn(entry["timeoutSeconds"], 1, 3600)) {
        problems.push_back(absl::StrCat(key, ".timeoutSeconds: ",
                                        entry["timeoutSeconds"].DumpCompact(),
                                        " is not a whole number of seconds (1-3600)"));
      } else {
        probe.timeout = absl::Seconds(entry["timeoutSeconds"].as_number());
      }
    }
    probes.emplace(key, std::move(probe));
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid ", kAppProbesEnv, ":\n  ",
                                                   absl::StrJoin(problems, "\n  ")));
  }
  return probes;
}

}  // namespace weft::health
