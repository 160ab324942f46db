// PeerAuthentication and AuthorizationPolicy readers. Field names and enum values
// are those of api/crds/peerauthentication.yaml and
// api/crds/authorizationpolicy.yaml (see docs/authorization.md); keep them in step.

#include "absl/strings/numbers.h"
#include "control-plane/local/manifest_fields.h"
#include "control-plane/local/object_readers.h"

namespace weft::control_plane::local {
namespace {

// spec.selector: {matchLabels: {...}}.
YamlReader::Field SelectorField(YamlReader& reader, Labels& out) {
  return YamlReader::Field{"selector", [&reader, &out](const YAML::Node& n, const std::string& p) {
                             reader.ReadMapping(n, p, {LabelsField(reader, "matchLabels", out)});
                           }};
}

YamlReader::Field MtlsModeField(YamlReader& reader, MtlsMode& out) {
  return reader.EnumField<MtlsMode>("mode", "an mTLS mode", MtlsModeNames(), out);
}

// spec.portLevelMtls: {<port>: {mode: ...}}.
YamlReader::Field PortModesField(YamlReader& reader, std::map<int32_t, MtlsMode>& out) {
  return YamlReader::Field{
      "portLevelMtls", [&reader, &out](const YAML::Node& node, const std::string& path) {
        if (node.Type() == YAML::NodeType::Null) return;
        if (node.Type() != YAML::NodeType::Map) {
          reader.Problem(node, path, "expected a mapping of ports to {mode: ...}");
          return;
        }
        for (auto it = node.begin(); it != node.end(); ++it) {
          const YAML::Node key = it->first;
          int32_t port = 0;
          if (key.Type() != YAML::NodeType::Scalar || !absl::SimpleAtoi(key.Scalar(), &port)) {
            reader.Problem(key, path, "keys must be port numbers");
            continue;
          }
          const std::string item_path = config::ChildPath(path, key.Scalar());
          if (out.count(port) > 0) {
            reader.Problem(key, item_path, "duplicate port");
            continue;
          }
          MtlsMode mode = MtlsMode::kUnset;
          reader.ReadMapping(it->second, item_path, {MtlsModeField(reader, mode)});
          out[port] = mode;
        }
      }};
}

// A list of int32 ports (ranges are BuildModel's business).
YamlReader::Field Int32ListField(YamlReader& reader, absl::string_view key,
                                 std::vector<int32_t>& out) {
  return YamlReader::Field{std::string(key), [&reader, &out](const YAML::Node& node,
                                                             const std::string& path) {
                             reader.ReadList(node, path, [&](const YAML::Node& n,
                                                             const std::string& p) {
                               int32_t value = 0;
                               if (ReadInt32(reader, n, p, value)) out.push_back(value);
                             });
                           }};
}

}  // namespace

void ReadPeerAuthenticationSpec(YamlReader& reader, const YAML::Node& node,
                                const std::string& path, PeerAuthentication& policy) {
  auto read_mtls = [&reader](const YAML::Node& n, const std::string& p, MtlsMode& mode) {
    reader.ReadMapping(n, p, {MtlsModeField(reader, mode)});
  };
  reader.ReadMapping(node, path,
                     {SelectorField(reader, policy.selector),
                      StructField<MtlsMode>("mtls", policy.mode, read_mtls),
                      PortModesField(reader, policy.port_modes)});
}

void ReadAuthorizationPolicySpec(YamlReader& reader, const YAML::Node& node,
                                 const std::string& path, AuthorizationPolicy& policy) {
  auto read_source = [&reader](const YAML::Node& n, const std::string& p,
                               AuthorizationSource& s) {
    reader.ReadMapping(n, p,
                       {reader.StringListField("principals", s.principals),
                        reader.StringListField("notPrincipals", s.not_principals),
                        reader.StringListField("namespaces", s.namespaces),
                        reader.StringListField("notNamespaces", s.not_namespaces)});
  };
  auto read_from = [&reader, read_source](const YAML::Node& n, const std::string& p,
                                          AuthorizationSource& s) {
    reader.ReadMapping(n, p, {StructField<AuthorizationSource>("source", s, read_source)});
  };
  auto read_operation = [&reader](const YAML::Node& n, const std::string& p,
                                  AuthorizationOperation& o) {
    reader.ReadMapping(n, p,
                       {Int32ListField(reader, "ports", o.ports),
                        reader.StringListField("methods", o.methods),
                        reader.StringListField("notMethods", o.not_methods),
                        reader.StringListField("paths", o.paths),
                        reader.StringListField("notPaths", o.not_paths)});
  };
  auto read_to = [&reader, read_operation](const YAML::Node& n, const std::string& p,
                                           AuthorizationOperation& o) {
    reader.ReadMapping(n, p,
                       {StructField<AuthorizationOperation>("operation", o, read_operation)});
  };
  auto read_when = [&reader](const YAML::Node& n, const std::string& p,
                             AuthorizationCondition& c) {
    reader.ReadMapping(n, p,
                       {reader.StringField("key", c.key),
                        reader.StringListField("values", c.values),
                        reader.StringListField("notValues", c.not_values)});
  };
  auto read_rule = [&](const YAML::Node& n, const std::string& p, AuthorizationRule& r) {
    reader.ReadMapping(n, p,
                       {reader.ListField<AuthorizationSource>("from", r.from, read_from),
                        reader.ListField<AuthorizationOperation>("to", r.to, read_to),
                        reader.ListField<AuthorizationCondition>("when", r.when, read_when)});
  };
  reader.ReadMapping(
      node, path,
      {SelectorField(reader, policy.selector),
       reader.EnumField<AuthorizationAction>(
           "action", "an action",
           {{"ALLOW", AuthorizationAction::kAllow}, {"DENY", AuthorizationAction::kDeny}},
           policy.action),
       reader.ListField<AuthorizationRule>("rules", policy.rules, read_rule)});
}

}  // namespace weft::control_plane::local
