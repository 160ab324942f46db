#ifndef WEFT_CONTROL_PLANE_CORE_VALIDATION_CONTEXT_H_
#define WEFT_CONTROL_PLANE_CORE_VALIDATION_CONTEXT_H_

// Internal to build_model: what the per-kind validators share — where to report
// problems for the resource being checked, and the services references resolve to.
// Not part of the core's public API.
//
// Thread-compatible; lives for one BuildModel call.

#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "control-plane/core/model.h"
#include "control-plane/core/resource.h"
#include "proxy/config/problem_list.h"

namespace weft::control_plane::internal {

class ValidationContext {
 public:
  ValidationContext(config::ProblemList& problems,
                    const std::map<ObjectKey, const Service*>& services)
      : problems_(problems), services_(services) {}

  // The resource the following problems are about.
  void set_resource(const Resource* resource) { resource_ = resource; }

  void Problem(absl::string_view path, std::string message);

  // Checks `value` in [min, max]; "-5 is negative" / "70000 is not <what> (1-65535)".
  bool CheckRange(absl::string_view path, int64_t value, int64_t min, int64_t max,
                  absl::string_view what);
  // Checks a regex compiles with RE2 (the proxy's regex engine).
  bool CheckRegex(absl::string_view path, const std::string& regex);
  // Checks a Kubernetes-style name: DNS-1123 label (max 63) or subdomain (253).
  bool CheckName(absl::string_view path, const std::string& name, bool subdomain);

  // The service `ns/name`, or null after reporting "unknown Service".
  const Service* ResolveService(absl::string_view path, const ObjectKey& key);
  // Checks kind Service / group "" or "core"; `what` is e.g. "a backendRef".
  bool CheckServiceKind(absl::string_view path, const std::string& group, const std::string& kind,
                        absl::string_view what);
  // Checks that `port` is a port of `service`.
  bool CheckServicePort(absl::string_view path, const Service& service, int32_t port);

 private:
  config::ProblemList& problems_;
  const std::map<ObjectKey, const Service*>& services_;
  const Resource* resource_ = nullptr;
};

void ValidateService(const Service& service, ValidationContext& context);
void ValidateWorkload(const Workload& workload, ValidationContext& context);
void ValidateEndpointSlice(const EndpointSlice& slice, ValidationContext& context);
void ValidateHttpRoute(const HttpRoute& route, ValidationContext& context);
void ValidateGrpcRoute(const GrpcRoute& route, ValidationContext& context);
void ValidateTrafficPolicy(const TrafficPolicy& policy, ValidationContext& context);
void ValidatePeerAuthentication(const PeerAuthentication& policy, ValidationContext& context);
void ValidateAuthorizationPolicy(const AuthorizationPolicy& policy, ValidationContext& context);

}  // namespace weft::control_plane::internal

#endif  // WEFT_CONTROL_PLANE_CORE_VALIDATION_CONTEXT_H_
