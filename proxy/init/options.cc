#include "proxy/init/options.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace weft::mesh_init {
namespace {

// Collects problems so that one run reports all of them.
class Problems {
 public:
  void Add(absl::string_view flag, absl::string_view value,
           absl::string_view why) {
    lines_.push_back(absl::StrCat("--", flag, ": \"", value, "\" ", why));
  }
  void Add(std::string line) { lines_.push_back(std::move(line)); }
  bool empty() const { return lines_.empty(); }
  std::string Text() const { return absl::StrJoin(lines_, "\n"); }

 private:
  std::vector<std::string> lines_;
};

std::optional<uint16_t> ParsePort(absl::string_view text) {
  uint32_t port = 0;
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(),
                   [](char c) { return absl::ascii_isdigit(c); }) ||
      !absl::SimpleAtoi(text, &port) || port == 0 || port > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(port);
}

uint16_t PortFlag(absl::string_view flag, absl::string_view text,
                  uint16_t fallback, Problems& problems) {
  std::optional<uint16_t> port = ParsePort(absl::StripAsciiWhitespace(text));
  if (!port) {
    problems.Add(flag, text, "is not a port (1-65535)");
    return fallback;
  }
  return *port;
}

std::optional<uint32_t> IdFlag(absl::string_view flag, absl::string_view text,
                               Problems& problems) {
  uint32_t id = 0;
  const absl::string_view stripped = absl::StripAsciiWhitespace(text);
  // 4294967295 is (uid_t)-1, "no user", which the owner match cannot mean.
  if (stripped.empty() ||
      !std::all_of(stripped.begin(), stripped.end(),
                   [](char c) { return absl::ascii_isdigit(c); }) ||
      !absl::SimpleAtoi(stripped, &id) || id == 4294967295u) {
    problems.Add(flag, text, "is not a numeric id (0-4294967294)");
    return std::nullopt;
  }
  return id;
}

// Comma-separated items, blanks trimmed and empty items dropped.
std::vector<absl::string_view> Items(absl::string_view list) {
  std::vector<absl::string_view> items;
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// Ports in the order given, duplicates dropped.
std::vector<uint16_t> PortList(absl::string_view flag, absl::string_view list,
                               Problems& problems) {
  std::vector<uint16_t> ports;
  for (absl::string_view item : Items(list)) {
    std::optional<uint16_t> port = ParsePort(item);
    if (!port) {
      problems.Add(flag, item, "is not a port (1-65535)");
    } else if (std::find(ports.begin(), ports.end(), *port) == ports.end()) {
      ports.push_back(*port);
    }
  }
  return ports;
}

}  // namespace

absl::StatusOr<ValidatedFlags> ValidateFlags(const FlagValues& flags) {
  Problems problems;
  ValidatedFlags out;
  CaptureOptions& capture = out.capture;

  std::optional<uint32_t> uid = IdFlag("proxy_uid", flags.proxy_uid, problems);
  if (uid) capture.proxy_uid = *uid;
  if (absl::StripAsciiWhitespace(flags.proxy_gid).empty()) {
    capture.proxy_gid = capture.proxy_uid;
  } else if (std::optional<uint32_t> gid =
                 IdFlag("proxy_gid", flags.proxy_gid, problems)) {
    capture.proxy_gid = *gid;
  }

  capture.outbound_port =
      PortFlag("outbound_port", flags.outbound_port, 15001, problems);
  capture.inbound_port =
      PortFlag("inbound_port", flags.inbound_port, 15006, problems);
  if (ParsePort(absl::StripAsciiWhitespace(flags.outbound_port)) &&
      capture.outbound_port == capture.inbound_port) {
    problems.Add(absl::StrCat(
        "--outbound_port and --inbound_port are both ", capture.inbound_port,
        "; the proxy needs two different ports to tell the directions apart"));
  }

  capture.exclude_inbound_ports =
      PortList("exclude_inbound_ports", flags.exclude_inbound_ports, problems);
  capture.exclude_outbound_ports = PortList(
      "exclude_outbound_ports", flags.exclude_outbound_ports, problems);

  const absl::string_view include =
      absl::StripAsciiWhitespace(flags.include_inbound_ports);
  if (include == "*") {
    capture.capture_all_inbound = true;
  } else {
    capture.capture_all_inbound = false;
    for (absl::string_view item : Items(include)) {
      if (item == "*") {
        problems.Add("include_inbound_ports", include,
                     "mixes \"*\" with ports; use \"*\" alone or a port list");
        break;
      }
    }
    if (include.find('*') == absl::string_view::npos) {
      capture.include_inbound_ports =
          PortList("include_inbound_ports", include, problems);
    }
  }

  capture.ipv6 = flags.ipv6;
  for (absl::string_view item : Items(flags.exclude_outbound_cidrs)) {
    absl::StatusOr<Cidr> cidr = Cidr::Parse(item);
    if (!cidr.ok()) {
      problems.Add(absl::StrCat("--exclude_outbound_cidrs: ",
                                cidr.status().message()));
      continue;
    }
    if (cidr->family() == IpFamily::kIpv6 && !flags.ipv6) {
      problems.Add("exclude_outbound_cidrs", item,
                   "is IPv6 but --ipv6 is off; add --ipv6 or drop it");
      continue;
    }
    capture.exclude_outbound_cidrs.push_back(*cidr);
  }

  absl::StatusOr<std::optional<Backend>> backend =
      ParseBackendFlag(absl::StripAsciiWhitespace(flags.backend));
  if (backend.ok()) {
    out.backend = *backend;
  } else {
    problems.Add(std::string(backend.status().message()));
  }

  if (!problems.empty()) return absl::InvalidArgumentError(problems.Text());
  return out;
}

}  // namespace weft::mesh_init
