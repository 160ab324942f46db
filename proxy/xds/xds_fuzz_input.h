#ifndef WEFT_PROXY_XDS_XDS_FUZZ_INPUT_H_
#define WEFT_PROXY_XDS_XDS_FUZZ_INPUT_H_

// The xDS translator fuzz target's input format, shared with its seed
// generator: a serialized DiscoveryResponse whose resources are Listeners,
// RouteConfigurations, Clusters and ClusterLoadAssignments in any mix, as a
// control plane (or an attacker who reached the proxy's xDS stream) would send.

#include "envoy/service/discovery/v3/discovery.pb.h"
#include "proxy/xds/xds_translator.h"

namespace weft::xds {

// Unpacks what it can; resources of other types, or that do not parse, are
// skipped (the ADS client would NACK them before translation).
XdsResources ResourcesFromResponse(const envoy::service::discovery::v3::DiscoveryResponse& r);

}  // namespace weft::xds

#endif  // WEFT_PROXY_XDS_XDS_FUZZ_INPUT_H_
