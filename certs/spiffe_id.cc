#include "certs/spiffe_id.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace weft {
namespace certs {
namespace {

constexpr absl::string_view kScheme = "spiffe://";

bool IsTrustDomainChar(char c) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' || c == '-' || c == '_';
}

bool IsPathChar(char c) {
  return absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_';
}

// Printable form of a byte for error messages (never echoes control bytes).
std::string Describe(char c) {
  if (absl::ascii_isgraph(c)) return absl::StrCat("'", std::string(1, c), "'");
  return absl::StrCat("byte 0x", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
}

absl::Status ValidateSegment(absl::string_view what, absl::string_view segment) {
  if (segment.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("SPIFFE ID: ", what, " is empty"));
  }
  if (segment == "." || segment == "..") {
    return absl::InvalidArgumentError(
        absl::StrCat("SPIFFE ID: ", what, " is a dot-segment '", segment, "'"));
  }
  for (char c : segment) {
    if (!IsPathChar(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat("SPIFFE ID: ", what, " contains ", Describe(c),
                       " (allowed: letters, digits, '.', '-', '_')"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateTrustDomain(absl::string_view trust_domain) {
  if (trust_domain.empty()) {
    return absl::InvalidArgumentError("SPIFFE ID: trust domain is empty");
  }
  if (trust_domain.size() > SpiffeId::kMaxTrustDomainLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("SPIFFE ID: trust domain is ", trust_domain.size(),
                     " bytes long, more than ", SpiffeId::kMaxTrustDomainLength));
  }
  for (char c : trust_domain) {
    if (IsTrustDomainChar(c)) continue;
    std::string hint;
    if (absl::ascii_isupper(c)) hint = "; trust domains are lowercase";
    if (c == ':') hint = "; ports are not allowed";
    if (c == '@') hint = "; user info is not allowed";
    return absl::InvalidArgumentError(
        absl::StrCat("SPIFFE ID: trust domain '", absl::CHexEscape(trust_domain),
                     "' contains ", Describe(c),
                     " (allowed: lowercase letters, digits, '.', '-', '_')", hint));
  }
  return absl::OkStatus();
}

std::string TrustDomainUri(absl::string_view trust_domain) {
  return absl::StrCat(kScheme, trust_domain);
}

absl::StatusOr<SpiffeId> SpiffeId::Parse(absl::string_view uri) {
  if (uri.size() > kMaxUriLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SPIFFE ID: URI is ", uri.size(), " bytes long, more than ", kMaxUriLength));
  }
  if (!absl::StartsWith(uri, kScheme)) {
    return absl::InvalidArgumentError(
        absl::StrCat("SPIFFE ID: '", absl::CHexEscape(uri.substr(0, 64)),
                     "' does not start with \"spiffe://\" (the scheme is lowercase)"));
  }
  absl::string_view rest = uri.substr(kScheme.size());
  for (char c : {'?', '#'}) {
    if (absl::StrContains(rest, c)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "SPIFFE ID: ", c == '?' ? "query" : "fragment", " is not allowed"));
    }
  }
  size_t slash = rest.find('/');
  absl::string_view trust_domain = rest.substr(0, slash);
  if (absl::Status s = ValidateTrustDomain(trust_domain); !s.ok()) return s;
  if (slash == absl::string_view::npos || slash + 1 == rest.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SPIFFE ID: '", uri, "' has no path; a workload identity is ",
        "spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>"));
  }
  std::vector<absl::string_view> segments =
      absl::StrSplit(rest.substr(slash + 1), '/');
  for (size_t i = 0; i < segments.size(); ++i) {
    if (absl::Status s = ValidateSegment(absl::StrCat("path segment ", i + 1), segments[i]);
        !s.ok()) {
      return s;
    }
  }
  if (segments.size() != 4 || segments[0] != "ns" || segments[2] != "sa") {
    return absl::InvalidArgumentError(absl::StrCat(
        "SPIFFE ID: path '/", absl::CHexEscape(rest.substr(slash + 1)),
        "' is not of the form /ns/<namespace>/sa/<service-account>"));
  }
  return SpiffeId(std::string(trust_domain), std::string(segments[1]),
                  std::string(segments[3]));
}

absl::StatusOr<SpiffeId> SpiffeId::Create(absl::string_view trust_domain,
                                          absl::string_view namespace_name,
                                          absl::string_view service_account) {
  if (absl::Status s = ValidateTrustDomain(trust_domain); !s.ok()) return s;
  if (absl::Status s = ValidateSegment("namespace", namespace_name); !s.ok()) return s;
  if (absl::Status s = ValidateSegment("service account", service_account); !s.ok()) return s;
  SpiffeId id{std::string(trust_domain), std::string(namespace_name),
              std::string(service_account)};
  if (id.ToString().size() > kMaxUriLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("SPIFFE ID: URI would be longer than ", kMaxUriLength, " bytes"));
  }
  return id;
}

std::string SpiffeId::ToString() const {
  return absl::StrCat(kScheme, trust_domain_, "/ns/", namespace_name_, "/sa/",
                      service_account_);
}

}  // namespace certs
}  // namespace weft
