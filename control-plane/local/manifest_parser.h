#ifndef WEFT_CONTROL_PLANE_LOCAL_MANIFEST_PARSER_H_
#define WEFT_CONTROL_PLANE_LOCAL_MANIFEST_PARSER_H_

// Reads local-mode manifests: YAML text with any number of documents, each a
// Kubernetes-shaped object (apiVersion, kind, metadata, spec). Supported:
//
//   v1                                     Service
//   discovery.k8s.io/v1                    EndpointSlice (no spec: addressType,
//                                          endpoints and ports at the top)
//   mesh.weft.dev/v1alpha1                 Workload, TrafficPolicy,
//                                          PeerAuthentication, AuthorizationPolicy
//   gateway.networking.k8s.io/v1, v1beta1  HTTPRoute
//   gateway.networking.k8s.io/v1, v1alpha2 GRPCRoute
//
// Common Kubernetes kinds that local mode has no use for (Deployment, ConfigMap,
// Namespace, ...) are skipped with a warning, so a directory shared with a cluster
// still loads. Any other kind is a problem: a typo (kind: HttpRoute) or a policy
// the mesh does not implement here must not be silently dropped.
//
// The reader is strict about keys the mesh knows (a misspelt "weigth" is a
// problem) and skips standard Kubernetes fields it does not use (status,
// metadata.uid, spec.type, ...). Problems carry "<file>[<doc>] <field path>" and
// the line and column. Values are checked for type only; ranges and references
// are BuildModel's (control-plane/core/build_model.h), which reports them with
// the same file, document and position.
//
// Never throws: yaml-cpp exceptions become problems.
// Thread-compatible (a pure function of its input).

#include <string>
#include <vector>

#include "control-plane/core/resource.h"
#include "proxy/config/problem_list.h"
#include "yaml-cpp/yaml.h"

namespace weft::control_plane::local {

struct ParsedManifests {
  std::vector<Resource> resources;
  std::vector<std::string> warnings;  // e.g. skipped Deployments
};

// Parses `text`, the contents of `file` (a name used only in messages and in each
// resource's origin). Adds every problem to `problems`. A document whose kind and
// name could be read yields a resource even if some fields could not (they keep
// their defaults), so that BuildModel can report the remaining problems —
// references, ranges — in the same pass; when `problems` is not empty, use the
// resources only for that.
ParsedManifests ParseManifests(const std::string& text, const std::string& file,
                               config::ProblemList& problems);

// The same for one object that is already parsed (an API server's JSON object,
// which yaml-cpp reads as YAML); `file` names it in messages and in the
// resource's origin (document 0).
ParsedManifests ParseManifestObject(const YAML::Node& object, const std::string& file,
                                    config::ProblemList& problems);

}  // namespace weft::control_plane::local

#endif  // WEFT_CONTROL_PLANE_LOCAL_MANIFEST_PARSER_H_
