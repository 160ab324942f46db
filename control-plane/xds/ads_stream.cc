#include "control-plane/xds/ads_stream.h"

namespace weft::xds {

int TypeOrder(absl::string_view type_url) {
  if (type_url == kSecretType) return 0;
  if (type_url == kClusterType) return 1;
  if (type_url == kClusterLoadAssignmentType) return 2;
  if (type_url == kListenerType) return 3;
  if (type_url == kRouteConfigurationType) return 4;
  return 5;
}

}  // namespace weft::xds
