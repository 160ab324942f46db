#include "control-plane/local/manifest_parser.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "control-plane/local/manifest_fields.h"
#include "control-plane/local/object_readers.h"
#include "proxy/config/yaml_documents.h"
#include "proxy/config/yaml_reader.h"

namespace weft::control_plane::local {
namespace {

using config::YamlReader;

constexpr char kMeshApi[] = "mesh.weft.dev/v1alpha1";

// Kinds local mode skips with a warning (see the header).
const std::set<std::string>& IgnoredKinds() {
  static const auto* const kinds = new std::set<std::string>{"ClusterRole",
                                                             "ClusterRoleBinding",
                                                             "ConfigMap",
                                                             "CronJob",
                                                             "CustomResourceDefinition",
                                                             "DaemonSet",
                                                             "Deployment",
                                                             "HorizontalPodAutoscaler",
                                                             "Ingress",
                                                             "Job",
                                                             "Namespace",
                                                             "NetworkPolicy",
                                                             "PersistentVolumeClaim",
                                                             "Pod",
                                                             "PodDisruptionBudget",
                                                             "ReplicaSet",
                                                             "Role",
                                                             "RoleBinding",
                                                             "Secret",
                                                             "ServiceAccount",
                                                             "StatefulSet"};
  return *kinds;
}

// The apiVersions each supported kind may have.
std::vector<std::string> ApiVersionsOf(const std::string& kind) {
  if (kind == "Service") return {"v1"};
  if (kind == "EndpointSlice") return {"discovery.k8s.io/v1"};
  if (kind == "Workload" || kind == "TrafficPolicy" || kind == "PeerAuthentication" ||
      kind == "AuthorizationPolicy") {
    return {kMeshApi};
  }
  if (kind == "HTTPRoute") {
    return {"gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1"};
  }
  if (kind == "GRPCRoute") {
    return {"gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1alpha2"};
  }
  return {};
}

// Everything one document's reading needs; shared with the resource made from it
// so that BuildModel can look up line numbers later.
struct DocumentState {
  config::ProblemList problems;
  YamlReader reader{problems};
};

std::string ScalarOr(const YAML::Node& node, const char* key) {
  if (!node.IsMap()) return "";
  const YAML::Node value = node[key];
  return value.IsDefined() && value.IsScalar() ? value.Scalar() : std::string();
}

// Reads one document; returns false if it holds no resource (empty, skipped, or
// not even its kind and name could be read).
bool ReadDocument(const YAML::Node& doc, DocumentState& state, const std::string& where,
                  ResourceObject& object, std::vector<std::string>& warnings) {
  YamlReader& reader = state.reader;
  if (doc.Type() == YAML::NodeType::Null || !doc.IsDefined()) return false;  // "---\n---"
  if (doc.Type() != YAML::NodeType::Map) {
    reader.Problem(doc, "", "expected an object (apiVersion, kind, metadata, spec)");
    return false;
  }
  const std::string kind = ScalarOr(doc, "kind");
  const std::string api_version = ScalarOr(doc, "apiVersion");
  if (kind.empty()) {
    reader.Problem(doc, "kind",
                   "required (Service, EndpointSlice, Workload, HTTPRoute, GRPCRoute, "
                   "TrafficPolicy, PeerAuthentication or AuthorizationPolicy)");
    return false;
  }
  if (IgnoredKinds().count(kind) > 0) {
    warnings.push_back(absl::StrCat(where, ": skipped ", kind, " \"",
                                    ScalarOr(doc["metadata"], "name"),
                                    "\": local mode reads only Services, EndpointSlices, "
                                    "Workloads, HTTPRoutes, GRPCRoutes, TrafficPolicies, "
                                    "PeerAuthentications and AuthorizationPolicies"));
    return false;
  }
  const std::vector<std::string> versions = ApiVersionsOf(kind);
  if (versions.empty()) {
    reader.Problem(doc["kind"], "kind",
                   absl::StrCat("\"", kind,
                                "\" is not a kind local mode supports (Service, "
                                "EndpointSlice, Workload, HTTPRoute, GRPCRoute, "
                                "TrafficPolicy, PeerAuthentication, AuthorizationPolicy)"));
    return false;
  }
  if (std::find(versions.begin(), versions.end(), api_version) == versions.end()) {
    reader.Problem(doc["apiVersion"].IsDefined() ? doc["apiVersion"] : doc, "apiVersion",
                   absl::StrCat(api_version.empty() ? "missing" : "\"" + api_version + "\"", ": ",
                                kind, " needs apiVersion ", absl::StrJoin(versions, " or ")));
    return false;
  }

  ObjectMeta meta;
  std::function<void(const YAML::Node&, const std::string&)> read_spec;
  std::vector<YamlReader::Field> top_level;  // kinds without a spec
  if (kind == "EndpointSlice") {
    object = EndpointSlice();
    top_level = EndpointSliceFields(reader, std::get<EndpointSlice>(object));
  } else if (kind == "Service") {
    object = Service();
    read_spec = [&](const YAML::Node& n, const std::string& p) {
      ReadServiceSpec(reader, n, p, std::get<Service>(object));
    };
  } else if (kind == "Workload") {
    object = Workload();
    read_spec = [&](const YAML::Node& n, const std::string& p) {
      ReadWorkloadSpec(reader, n, p, std::get<Workload>(object));
    };
  } else if (kind == "HTTPRoute") {
    object = HttpRoute();
    read_spec = [&](const YAML::Node& n, const std::string& p) {
      ReadHttpRouteSpec(reader, n, p, std::get<HttpRoute>(object));
    };
  } else if (kind == "GRPCRoute") {
    object = GrpcRoute();
    read_spec = [&](const YAML::Node& n, const std::string& p) {
      ReadGrpcRouteSpec(reader, n, p, std::get<GrpcRoute>(object));
    };
  } else if (kind == "PeerAuthentication") {
    object = PeerAuthentication();
    read_spec = [&](const YAML::Node& n, const std::string& p) {
      ReadPeerAuthenticationSpec(reader, n, p, std::get<PeerAuthentication>(object));
    };
  } else if (kind == "AuthorizationPolicy") {
    object = AuthorizationPolicy();
    read_spec = [&](const YAML::Node& n, const std::string& p) {
      ReadAuthorizationPolicySpec(reader, n, p, std::get<AuthorizationPolicy>(object));
    };
  } else {
    object = TrafficPolicy();
    read_spec = [&](const YAML::Node& n, const std::string& p) {
      ReadTrafficPolicySpec(reader, n, p, std::get<TrafficPolicy>(object));
    };
  }
  std::string ignored_kind, ignored_version;
  bool has_spec = false;
  std::vector<YamlReader::Field> fields = {
      reader.StringField("apiVersion", ignored_version), reader.StringField("kind", ignored_kind),
      YamlReader::Field{"metadata", [&](const YAML::Node& n, const std::string& p) {
                          ReadMetadata(reader, n, p, meta);
                        }}};
  if (read_spec) {
    fields.push_back(YamlReader::Field{"spec", [&](const YAML::Node& n, const std::string& p) {
                                         has_spec = true;
                                         read_spec(n, p);
                                       }});
    fields.push_back(IgnoredField("status"));
  }
  fields.insert(fields.end(), top_level.begin(), top_level.end());
  reader.ReadMapping(doc, "", fields);
  if (!has_spec && read_spec && kind != "Service") reader.Problem(doc, "spec", "required");
  if (meta.name.empty()) reader.Problem(doc, "metadata.name", "required");
  std::visit([&meta](auto& o) { o.meta = meta; }, object);
  // Service-level switch carried in an annotation, as Kubernetes users expect.
  if (auto* service = std::get_if<Service>(&object)) {
    auto it = meta.annotations.find("mesh.weft.dev/opaque");
    service->opaque = it != meta.annotations.end() && it->second == "true";
  }
  return !meta.name.empty();
}

// Copies a document's problems into `out`, prefixed with "<file>[<doc>]".
void AddProblems(const config::ProblemList& from, const std::string& where,
                 config::ProblemList& out) {
  for (const config::ConfigProblem& problem : from.problems()) {
    out.Add(problem.path.empty() ? where : absl::StrCat(where, " ", problem.path), problem.message,
            problem.line, problem.column);
  }
}

// Reads one document into `parsed` (its problems prefixed with the origin).
void ParseDocument(const YAML::Node& document, ResourceOrigin origin, ParsedManifests& parsed,
                   config::ProblemList& problems) {
  const std::string where = origin.ToString();
  auto state = std::make_shared<DocumentState>();
  ResourceObject object;
  bool ok = false;
  try {
    ok = ReadDocument(document, *state, where, object, parsed.warnings);
  } catch (const std::exception& e) {  // yaml-cpp throws on some malformed trees
    state->problems.Add("", absl::StrCat("cannot read this document: ", e.what()));
    ok = false;
  }
  AddProblems(state->problems, where, problems);
  if (!ok) return;
  origin.position_of = [state](absl::string_view path) { return state->reader.PositionOf(path); };
  parsed.resources.push_back(Resource{std::move(origin), std::move(object)});
}

}  // namespace

ParsedManifests ParseManifests(const std::string& text, const std::string& file,
                               config::ProblemList& problems) {
  ParsedManifests parsed;
  std::vector<YAML::Node> documents;
  try {
    config::ProblemList split_problems;
    documents = config::LoadYamlDocuments(text, split_problems);
    AddProblems(split_problems, file, problems);
  } catch (const YAML::Exception& e) {
    problems.Add(file, absl::StrCat("YAML syntax error: ", e.msg),
                 e.mark.line >= 0 ? e.mark.line + 1 : 0,
                 e.mark.column >= 0 ? e.mark.column + 1 : 0);
    return parsed;
  } catch (const std::exception& e) {
    problems.Add(file, absl::StrCat("cannot read YAML: ", e.what()));
    return parsed;
  }
  for (size_t i = 0; i < documents.size(); ++i) {
    ResourceOrigin origin;
    origin.file = file;
    origin.document = static_cast<int>(i);
    ParseDocument(documents[i], std::move(origin), parsed, problems);
  }
  return parsed;
}

ParsedManifests ParseManifestObject(const YAML::Node& object, const std::string& file,
                                    config::ProblemList& problems) {
  ParsedManifests parsed;
  ResourceOrigin origin;
  origin.file = file;
  ParseDocument(object, std::move(origin), parsed, problems);
  return parsed;
}

}  // namespace weft::control_plane::local
