#ifndef WEFT_PROXY_CONFIG_RESILIENCE_YAML_H_
#define WEFT_PROXY_CONFIG_RESILIENCE_YAML_H_

// The bootstrap file's resilience keys (issue 6): a cluster's http_protocol,
// load_balancing, circuit_breakers, outlier_detection and health_check, and a
// route's retry, hash_policy, rate_limit and fault. Kept apart from
// bootstrap_loader.cc so that the loader reads as the file's outline.
//
// The readers check types and syntax only; ranges and cross-field rules are the
// validator's (validate_resilience.h), so that xDS gets the same checks.
// The returned Fields point into `cluster` / `route` and `reader`: both must
// outlive them.

#include <vector>

#include "proxy/config/model.h"
#include "proxy/config/yaml_reader.h"

namespace weft::config {

std::vector<YamlReader::Field> ClusterResilienceFields(YamlReader& reader, Cluster& cluster);
std::vector<YamlReader::Field> RouteResilienceFields(YamlReader& reader, Route& route);

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_RESILIENCE_YAML_H_
