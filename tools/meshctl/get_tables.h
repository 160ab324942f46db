#ifndef WEFT_TOOLS_MESHCTL_GET_TABLES_H_
#define WEFT_TOOLS_MESHCTL_GET_TABLES_H_

// The table `meshctl get` prints for each kind, from the validated model (so that
// derived facts — VIPs, endpoints, resolved protocols — are shown, not just what
// the manifests say).
//
// Thread-compatible (pure functions).

#include <string>
#include <vector>

#include "control-plane/core/model.h"
#include "control-plane/core/object_meta.h"

namespace weft::meshctl {

// `keys` are objects of `kind` present in `model`, in the order to print.
std::string FormatObjectTable(const std::string& kind, const control_plane::Model& model,
                              const std::vector<control_plane::ObjectKey>& keys);

// The keys of `kind` in `model`, sorted by namespace then name.
std::vector<control_plane::ObjectKey> KeysOfKind(const std::string& kind,
                                                 const control_plane::Model& model);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_GET_TABLES_H_
