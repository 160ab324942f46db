#ifndef WEFT_CONTROL_PLANE_CA_LEAF_INFO_H_
#define WEFT_CONTROL_PLANE_CA_LEAF_INFO_H_

// What the CA records about a certificate it issued (for /debug/certs and
// `meshctl certs`), read back from the PEM it just produced.
//
// Thread-safe (pure functions).

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace weft::control_plane::ca {

struct LeafInfo {
  std::string serial;  // lowercase hex, no leading zeros stripped
  absl::Time not_before;
  absl::Time not_after;
};

// The first "CERTIFICATE" block of `chain_pem`. kInvalidArgument if it does not decode.
absl::StatusOr<LeafInfo> ReadLeafInfo(absl::string_view chain_pem);

}  // namespace weft::control_plane::ca

#endif  // WEFT_CONTROL_PLANE_CA_LEAF_INFO_H_
