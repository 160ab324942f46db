#include "control-plane/ca/join_token_store.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "certs/atomic_file.h"
#include "openssl/rand.h"
#include "openssl/sha.h"

namespace weft::control_plane::ca {
namespace {

constexpr size_t kTokenRandomBytes = 32;
constexpr size_t kMaxTokenFile = 1024;

absl::Status ValidateNamePart(absl::string_view what, absl::string_view part) {
  if (part.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " is empty"));
  if (part == "." || part == "..") {
    return absl::InvalidArgumentError(absl::StrCat(what, " \"", part, "\" is not allowed"));
  }
  if (part.size() > 253) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is longer than 253 characters"));
  }
  for (char c : part) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " \"", part, "\" has a character other than letters, digits, "
                       "'.', '-' and '_'"));
    }
  }
  return absl::OkStatus();
}

bool IsWellFormedToken(absl::string_view token) {
  if (!absl::ConsumePrefix(&token, JoinTokenStore::kTokenPrefix)) return false;
  if (token.size() != 2 * kTokenRandomBytes) return false;
  for (char c : token) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)) || absl::ascii_isupper(c)) {
      return false;
    }
  }
  return true;
}

// Names of the token files in `dir` (64 hex digits); empty when it does not exist.
std::vector<std::string> TokenFiles(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (struct dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string::npos) {
      names.push_back(name);
    }
  }
  closedir(d);
  return names;
}

}  // namespace

absl::StatusOr<WorkloadRef> WorkloadRef::Parse(absl::string_view text) {
  const size_t slash = text.find('/');
  if (slash == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not <namespace>/<workload>"));
  }
  WorkloadRef ref{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
  if (absl::Status s = ValidateNamePart("namespace", ref.ns); !s.ok()) return s;
  if (absl::Status s = ValidateNamePart("workload name", ref.name); !s.ok()) return s;
  return ref;
}

std::string JoinTokenStore::DirectoryFor(const std::string& ca_dir) {
  return absl::StrCat(ca_dir, "/", kDirectoryName);
}

std::string TokenDigest(absl::string_view token) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(token.data()), token.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

absl::StatusOr<std::string> JoinTokenStore::Issue(const WorkloadRef& workload) const {
  if (absl::Status s = ValidateNamePart("namespace", workload.ns); !s.ok()) return s;
  if (absl::Status s = ValidateNamePart("workload name", workload.name); !s.ok()) return s;
  const size_t slash = directory_.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    if (absl::Status s = certs::EnsureDirectory(directory_.substr(0, slash), 0700); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = certs::EnsureDirectory(directory_, 0700); !s.ok()) return s;
  if (absl::StatusOr<int> revoked = Revoke(workload); !revoked.ok()) return revoked.status();

  uint8_t random[kTokenRandomBytes];
  RAND_bytes(random, sizeof(random));
  const std::string token = absl::StrCat(
      kTokenPrefix,
      absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(random),
                                               sizeof(random))));
  if (absl::Status s = certs::WriteFileAtomically(
          absl::StrCat(directory_, "/", TokenDigest(token)),
          absl::StrCat(workload.ToString(), "\n"), 0600);
      !s.ok()) {
    return s;
  }
  return token;
}

absl::StatusOr<int> JoinTokenStore::Revoke(const WorkloadRef& workload) const {
  const std::string wanted = workload.ToString();
  int removed = 0;
  for (const std::string& name : TokenFiles(directory_)) {
    const std::string path = absl::StrCat(directory_, "/", name);
    absl::StatusOr<std::string> content = certs::ReadSmallFile(path, kMaxTokenFile);
    if (!content.ok()) continue;  // raced with another writer, or not ours
    if (absl::StripAsciiWhitespace(*content) != wanted) continue;
    if (unlink(path.c_str()) != 0) {
      return absl::InternalError(absl::StrCat("cannot remove ", path));
    }
    ++removed;
  }
  return removed;
}

absl::StatusOr<WorkloadRef> JoinTokenStore::Lookup(absl::string_view token) const {
  if (token.empty()) return absl::UnauthenticatedError("no identity token was presented");
  if (!IsWellFormedToken(token)) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the identity token is not a join token (", kTokenPrefix, " and 64 hex digits)"));
  }
  absl::StatusOr<std::string> content =
      certs::ReadSmallFile(absl::StrCat(directory_, "/", TokenDigest(token)), kMaxTokenFile);
  if (absl::IsNotFound(content.status())) {
    return absl::UnauthenticatedError("unknown or revoked join token");
  }
  if (!content.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot read the join token store: ", content.status().message()));
  }
  absl::StatusOr<WorkloadRef> ref = WorkloadRef::Parse(absl::StripAsciiWhitespace(*content));
  if (!ref.ok()) {
    return absl::InternalError(absl::StrCat("corrupt join token file in ", directory_, ": ",
                                            ref.status().message()));
  }
  return ref;
}

}  // namespace weft::control_plane::ca
