#include "control-plane/kube/reflector.h"

#include <exception>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace weft::control_plane::kube {
namespace {

// Parses one JSON document (yaml-cpp reads JSON as YAML); null on garbage.
std::optional<YAML::Node> ParseJson(absl::string_view text) {
  try {
    YAML::Node node = YAML::Load(std::string(text));
    if (!node.IsMap()) return std::nullopt;
    return node;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string Str(const YAML::Node& map, const char* key) {
  if (!map.IsDefined() || !map.IsMap()) return "";
  const YAML::Node value = map[key];
  return value.IsDefined() && value.IsScalar() ? value.Scalar() : "";
}

// "404: the server could not find the requested resource" from a Status body.
std::string DescribeHttpError(int status, const std::string& body) {
  std::string message;
  if (std::optional<YAML::Node> parsed = ParseJson(body)) message = Str(*parsed, "message");
  if (message.empty()) message = absl::CHexEscape(body.substr(0, 200));
  return absl::StrCat("HTTP ", status, ": ", message);
}

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string QueryEscape(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out.append({'%', kHex[c >> 4], kHex[c & 15]});
    }
  }
  return out;
}

}  // namespace

std::string ResourceType::ListPath() const {
  return api_version.find('/') == std::string::npos
             ? absl::StrCat("/api/", api_version, "/", plural)
             : absl::StrCat("/apis/", api_version, "/", plural);
}

Reflector::Reflector(ResourceType type, Options options, ApiTransport& transport, Decoder decoder,
                     Sleeper& sleeper, RandomGenerator& random, std::function<void()> on_change)
    : type_(std::move(type)),
      options_(std::move(options)),
      transport_(transport),
      decoder_(std::move(decoder)),
      sleeper_(sleeper),
      backoff_(*resilience::RetryBackoff::Create(options_.backoff, random)),
      on_change_(std::move(on_change)) {}

void Reflector::Run() {
  while (Step()) {
  }
}

void Reflector::Stop() {
  stopped_ = true;
  transport_.Cancel();
  sleeper_.Wake();
}

bool Reflector::Step() {
  if (stopped_) return false;
  if (!listed_) {
    switch (List()) {
      case Outcome::kOk:
        listed_ = true;
        break;
      case Outcome::kMissing:
        on_change_();
        sleeper_.SleepFor(options_.missing_type_retry);
        break;
      case Outcome::kGone:
      case Outcome::kFailed:
        Backoff();
        break;
    }
    return !stopped_;
  }
  switch (Watch()) {
    case Outcome::kOk:
      break;  // the server ended the stream: watch again at once
    case Outcome::kGone:
      listed_ = false;  // LIST at once
      break;
    case Outcome::kMissing:
    case Outcome::kFailed:
      Backoff();  // then resume from the last resourceVersion
      break;
  }
  return !stopped_;
}

void Reflector::Failed(std::string error) {
  if (stopped_) return;
  WEFT_LOG(kWarning, "kubernetes %s: %s", type_.plural, error);
  weft::MutexLock lock(&mu_);
  last_error_ = std::move(error);
  ++stats_.errors;
}

void Reflector::Backoff() {
  if (!stopped_) sleeper_.SleepFor(backoff_.Next());
}

std::shared_ptr<const KubeObject> Reflector::Decode(YAML::Node object) {
  if (!object["kind"].IsDefined()) object["kind"] = type_.kind;  // LIST items lack them
  if (!object["apiVersion"].IsDefined()) object["apiVersion"] = type_.api_version;
  try {
    return decoder_(object);
  } catch (const std::exception& e) {  // decoders should not throw; yaml-cpp might
    auto failed = std::make_shared<KubeObject>();
    failed->key = ObjectKey{Str(object["metadata"], "namespace"), Str(object["metadata"], "name")};
    failed->problems.push_back({"", absl::StrCat("cannot read: ", e.what())});
    return failed;
  }
}

Reflector::Outcome Reflector::ListPage(const std::string& path, Store& items, std::string& next,
                                       std::string& rv) {
  absl::StatusOr<ApiTransport::Response> response = transport_.Get(path);
  if (!response.ok()) {
    Failed(absl::StrCat("LIST: ", response.status().message()));
    return Outcome::kFailed;
  }
  if (response->status == 410) return Outcome::kGone;
  if (response->status == 404 && type_.optional) return Outcome::kMissing;
  if (response->status != 200) {
    Failed(absl::StrCat("LIST: ", DescribeHttpError(response->status, response->body)));
    return Outcome::kFailed;
  }
  std::optional<YAML::Node> list = ParseJson(response->body);
  if (!list || !(*list)["items"].IsDefined() ||
      !((*list)["items"].IsSequence() || (*list)["items"].IsNull())) {
    Failed("LIST: the response is not a JSON list (no \"items\")");
    return Outcome::kFailed;
  }
  next = Str((*list)["metadata"], "continue");
  rv = Str((*list)["metadata"], "resourceVersion");
  if ((*list)["items"].IsSequence()) {
    for (YAML::Node item : (*list)["items"]) {
      if (!item.IsMap()) continue;
      std::shared_ptr<const KubeObject> object = Decode(item);
      items[object->key] = std::move(object);
    }
  }
  weft::MutexLock lock(&mu_);
  ++stats_.list_pages;
  return Outcome::kOk;
}

Reflector::Outcome Reflector::List() {
  const std::string base = type_.ListPath();
  for (bool paginate : {true, false}) {
    Store items;
    std::string token, rv;
    Outcome outcome = Outcome::kOk;
    int pages = 0;
    do {
      std::string path = base;
      if (paginate) absl::StrAppend(&path, "?limit=", options_.page_size);
      if (!token.empty()) absl::StrAppend(&path, "&continue=", QueryEscape(token));
      outcome = ListPage(path, items, token, rv);
      ++pages;
    } while (outcome == Outcome::kOk && !token.empty() && !stopped_ && pages < 100000);
    if (stopped_) return Outcome::kFailed;
    if (outcome == Outcome::kGone && pages > 1) {
      // The continue token expired between pages: once more, in one piece.
      WEFT_LOG(kInfo, "kubernetes %s: LIST continue token expired; listing without pages",
               type_.plural);
      weft::MutexLock lock(&mu_);
      ++stats_.relists_gone;
      continue;
    }
    if (outcome == Outcome::kGone) Failed("LIST: 410 Gone");
    if (outcome == Outcome::kMissing) {
      WEFT_LOG(kWarning, "kubernetes %s: not served by the API server (is the CRD installed?); "
                         "retrying in %s", type_.plural,
               absl::FormatDuration(options_.missing_type_retry));
      weft::MutexLock lock(&mu_);
      missing_ = true;
      synced_ = true;
      last_error_ = "404: not served (CRD not installed?)";
      return outcome;
    }
    if (outcome != Outcome::kOk) return outcome;
    {
      weft::MutexLock lock(&mu_);
      store_ = std::move(items);
      resource_version_ = rv;
      synced_ = true;
      missing_ = false;
      ++stats_.lists;
    }
    backoff_.Reset();
    on_change_();
    return Outcome::kOk;
  }
  return Outcome::kFailed;
}

Reflector::Outcome Reflector::Watch() {
  std::string path;
  {
    weft::MutexLock lock(&mu_);
    path = absl::StrCat(type_.ListPath(), "?watch=true&allowWatchBookmarks=true&resourceVersion=",
                        resource_version_, "&timeoutSeconds=", options_.watch_timeout_seconds);
    ++stats_.watches;
  }
  Outcome outcome = Outcome::kOk;
  uint64_t applied = 0;
  absl::StatusOr<ApiTransport::Response> response =
      transport_.Watch(path, [&](absl::string_view line) {
        outcome = ApplyEvent(line);
        if (outcome == Outcome::kOk) ++applied;
        return outcome == Outcome::kOk && !stopped_;
      });
  if (applied > 0) backoff_.Reset();  // the stream worked: a later drop starts small
  if (outcome != Outcome::kOk) return outcome;
  if (!response.ok()) {
    Failed(absl::StrCat("WATCH: ", response.status().message()));
    return Outcome::kFailed;
  }
  if (response->status == 410) return Outcome::kGone;
  if (response->status == 404) return Outcome::kGone;  // the type went away: LIST tells
  if (response->status != 200) {
    Failed(absl::StrCat("WATCH: ", DescribeHttpError(response->status, response->body)));
    return Outcome::kFailed;
  }
  return Outcome::kOk;
}

Reflector::Outcome Reflector::ApplyEvent(absl::string_view line) {
  std::optional<YAML::Node> event = ParseJson(line);
  const std::string type = event ? Str(*event, "type") : "";
  YAML::Node object = event ? (*event)["object"] : YAML::Node();
  if (type.empty() || !object.IsDefined() || !object.IsMap()) {
    Failed(absl::StrCat("WATCH: not a watch event: \"", absl::CHexEscape(line.substr(0, 120)),
                        "\""));
    return Outcome::kFailed;
  }
  const std::string rv = Str(object["metadata"], "resourceVersion");
  if (type == "ERROR") {
    int code = 0;
    (void)absl::SimpleAtoi(Str(object, "code"), &code);
    if (code == 410) {
      WEFT_LOG(kInfo, "kubernetes %s: resourceVersion too old (410): listing again",
               type_.plural);
      weft::MutexLock lock(&mu_);
      ++stats_.relists_gone;
      return Outcome::kGone;
    }
    Failed(absl::StrCat("WATCH: error event ", code, ": ", Str(object, "message")));
    return Outcome::kFailed;
  }
  if (type == "BOOKMARK") {
    weft::MutexLock lock(&mu_);
    if (!rv.empty()) resource_version_ = rv;
    ++stats_.bookmarks;
    return Outcome::kOk;
  }
  if (type != "ADDED" && type != "MODIFIED" && type != "DELETED") {
    Failed(absl::StrCat("WATCH: unknown event type \"", absl::CHexEscape(type), "\""));
    return Outcome::kFailed;
  }
  std::shared_ptr<const KubeObject> decoded = Decode(object);
  bool changed = true;
  {
    weft::MutexLock lock(&mu_);
    if (type == "DELETED") {
      store_.erase(decoded->key);
    } else {
      auto it = store_.find(decoded->key);
      changed = it == store_.end() || !SameForTheModel(*it->second, *decoded);
      store_[decoded->key] = decoded;
    }
    if (!rv.empty()) resource_version_ = rv;
    ++stats_.events;
    if (!changed) ++stats_.unchanged_events;
  }
  // A Node's status heartbeat and the like rebuild nothing.
  if (changed) on_change_();
  return Outcome::kOk;
}

Reflector::Store Reflector::store() const {
  weft::MutexLock lock(&mu_);
  return store_;
}
bool Reflector::synced() const {
  weft::MutexLock lock(&mu_);
  return synced_;
}
bool Reflector::missing() const {
  weft::MutexLock lock(&mu_);
  return missing_;
}
std::string Reflector::resource_version() const {
  weft::MutexLock lock(&mu_);
  return resource_version_;
}
std::string Reflector::last_error() const {
  weft::MutexLock lock(&mu_);
  return last_error_;
}
Reflector::Stats Reflector::stats() const {
  weft::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace weft::control_plane::kube
