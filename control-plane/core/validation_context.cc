#include "control-plane/core/validation_context.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace weft::control_plane::internal {

void ValidationContext::Problem(absl::string_view path, std::string message) {
  std::pair<int, int> position{0, 0};
  std::string where;
  if (resource_ != nullptr) {
    where = resource_->origin.ToString();
    if (resource_->origin.position_of) position = resource_->origin.position_of(path);
  }
  if (!path.empty()) where = where.empty() ? std::string(path) : absl::StrCat(where, " ", path);
  problems_.Add(std::move(where), std::move(message), position.first, position.second);
}

bool ValidationContext::CheckRange(absl::string_view path, int64_t value, int64_t min, int64_t max,
                                   absl::string_view what) {
  if (value >= min && value <= max) return true;
  if (value < 0 && min == 0) {
    Problem(path, absl::StrCat(value, " is negative"));
  } else {
    Problem(path, absl::StrCat(value, " is not ", what, " (", min, "-", max, ")"));
  }
  return false;
}

bool ValidationContext::CheckRegex(absl::string_view path, const std::string& regex) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(regex, options);
  if (re.ok()) return true;
  Problem(path, absl::StrCat("\"", absl::CHexEscape(regex),
                             "\" is not a valid regular expression (", re.error(), ")"));
  return false;
}

bool ValidationContext::CheckName(absl::string_view path, const std::string& name, bool subdomain) {
  const size_t max = subdomain ? 253 : 63;
  if (name.empty()) {
    Problem(path, "must not be empty");
    return false;
  }
  bool ok =
      name.size() <= max && absl::ascii_isalnum(name.front()) && absl::ascii_isalnum(name.back());
  for (char c : name) {
    const bool allowed =
        absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' || (subdomain && c == '.');
    ok = ok && allowed;
  }
  if (!ok) {
    Problem(path, absl::StrCat("\"", absl::CHexEscape(name.substr(0, 80)),
                               "\" is not a valid name (lowercase letters, digits and '-'",
                               subdomain ? " or '.'" : "",
                               ", starting and ending with a "
                               "letter or digit, at most ",
                               max, " characters)"));
  }
  return ok;
}

const Service* ValidationContext::ResolveService(absl::string_view path, const ObjectKey& key) {
  auto it = services_.find(key);
  if (it != services_.end()) return it->second;
  Problem(path, absl::StrCat("unknown Service ", key.ToString()));
  return nullptr;
}

bool ValidationContext::CheckServiceKind(absl::string_view path, const std::string& group,
                                         const std::string& kind, absl::string_view what) {
  if ((group.empty() || group == "core") && kind == "Service") return true;
  Problem(path, absl::StrCat(what, " of kind ", group.empty() ? "" : group + "/", kind,
                             " is not supported: only Services (the mesh's GAMMA mode)"));
  return false;
}

bool ValidationContext::CheckServicePort(absl::string_view path, const Service& service,
                                         int32_t port) {
  for (const ServicePort& p : service.ports) {
    if (p.port == port) return true;
  }
  std::string ports;
  for (const ServicePort& p : service.ports) {
    absl::StrAppend(&ports, ports.empty() ? "" : ", ", p.port);
  }
  Problem(path, absl::StrCat("Service ", service.meta.ns, "/", service.meta.name, " has no port ",
                             port, " (its ports: ", ports, ")"));
  return false;
}

}  // namespace weft::control_plane::internal
