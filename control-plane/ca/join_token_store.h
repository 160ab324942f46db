#ifndef WEFT_CONTROL_PLANE_CA_JOIN_TOKEN_STORE_H_
#define WEFT_CONTROL_PLANE_CA_JOIN_TOKEN_STORE_H_

// Local mode's proof of identity: one random join token per workload, stored
// only as its SHA-256 in a directory next to the CA's keys (<ca_dir>/join-tokens,
// mode 0700). Whoever can write that directory can mint identities, exactly
// like whoever can read the CA key, so no network admin surface is needed:
// `meshctl certs token <ns>/<workload>` (or the local runtime, when it starts a
// pod) writes the file and hands the token to the pod's sidecar.
//
//   JoinTokenStore store(JoinTokenStore::DirectoryFor("/var/lib/weft/ca"));
//   absl::StatusOr<std::string> token = store.Issue({"shop", "cart-0"});  // secret
//   absl::StatusOr<WorkloadRef> who = store.Lookup(*token);               // shop/cart-0
//
// Layout: one file per token, named by the lowercase hex SHA-256 of the token,
// holding "<namespace>/<workload>\n" (mode 0600). Issuing a token for a workload
// removes its earlier tokens. Tokens look like "weft-jt-" + 64 hex digits
// (256 random bits from BoringSSL's CSPRNG), so an unsalted hash is safe and a
// lookup is one file read.
//
// Thread-safe (every call works on the file system only; Issue for the same
// workload from two processes at once leaves both tokens valid). Never logs;
// tokens never appear in a Status.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft::control_plane::ca {

// A Workload object by namespace and name.
struct WorkloadRef {
  std::string ns;
  std::string name;

  std::string ToString() const { return ns + "/" + name; }
  // "<ns>/<name>"; kInvalidArgument naming the bad part. Both parts must be
  // non-empty, not "." or "..", of letters, digits, '.', '-' and '_'.
  static absl::StatusOr<WorkloadRef> Parse(absl::string_view text);
  friend bool operator==(const WorkloadRef& a, const WorkloadRef& b) {
    return a.ns == b.ns && a.name == b.name;
  }
};

class JoinTokenStore {
 public:
  static constexpr char kTokenPrefix[] = "weft-jt-";
  static constexpr char kDirectoryName[] = "join-tokens";

  // `directory` is created (0700, with its parent) on the first Issue.
  explicit JoinTokenStore(std::string directory) : directory_(std::move(directory)) {}

  // <ca_dir>/join-tokens.
  static std::string DirectoryFor(const std::string& ca_dir);

  // A new token for `workload`; earlier tokens of the workload stop working.
  // kInvalidArgument for a bad name; file errors name the path.
  absl::StatusOr<std::string> Issue(const WorkloadRef& workload) const;

  // Removes every token of `workload`; returns how many there were.
  absl::StatusOr<int> Revoke(const WorkloadRef& workload) const;

  // The workload a token was issued for. kUnauthenticated when the token is
  // empty, malformed or unknown (the message never echoes it).
  absl::StatusOr<WorkloadRef> Lookup(absl::string_view token) const;

  const std::string& directory() const { return directory_; }

 private:
  std::string directory_;
};

// Lowercase hex SHA-256 of `token`: the token's file name.
std::string TokenDigest(absl::string_view token);

}  // namespace weft::control_plane::ca

#endif  // WEFT_CONTROL_PLANE_CA_JOIN_TOKEN_STORE_H_
