// Checks the mesh.weft.dev CustomResourceDefinitions in api/crds/ and validates the
// example manifests in api/examples/ against their OpenAPI v3 schemas with a small
// validator covering the schema keywords the CRDs use (type, properties, required,
// items, enum, minimum/maximum, minLength/maxLength, maxProperties, pattern,
// additionalProperties).

#include <regex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace weft {
namespace {

// Appends one message per violation of `schema` by `value` at `path` to `errors`.
void Validate(const YAML::Node& schema, const YAML::Node& value, const std::string& path,
              std::vector<std::string>* errors) {
  const std::string type = schema["type"].as<std::string>();
  auto fail = [&](const std::string& why) { errors->push_back(path + ": " + why); };
  if (type == "object") {
    if (!value.IsMap()) return fail("expected an object");
    const YAML::Node properties = schema["properties"];
    const YAML::Node additional = schema["additionalProperties"];
    for (const auto& entry : value) {
      const std::string key = entry.first.as<std::string>();
      if ((!properties || !properties[key]) && additional) {
        Validate(additional, entry.second, path + "." + key, errors);
        continue;
      }
      if (!properties || !properties[key]) {
        // Kept as they are (the Gateway API subsets we consume).
        if (schema["x-kubernetes-preserve-unknown-fields"].IsDefined() &&
            schema["x-kubernetes-preserve-unknown-fields"].as<bool>()) {
          continue;
        }
        fail("unknown field \"" + key + "\"");
        continue;
      }
      Validate(properties[key], entry.second, path + "." + key, errors);
    }
    if (schema["required"]) {
      for (const auto& key : schema["required"]) {
        if (!value[key.as<std::string>()]) fail("missing \"" + key.as<std::string>() + "\"");
      }
    }
    if (schema["maxProperties"] && value.size() > schema["maxProperties"].as<size_t>()) {
      fail("too many fields");
    }
    return;
  }
  if (type == "array") {
    if (!value.IsSequence()) return fail("expected an array");
    for (size_t i = 0; i < value.size(); ++i) {
      Validate(schema["items"], value[i], path + "[" + std::to_string(i) + "]", errors);
    }
    return;
  }
  if (!value.IsScalar()) return fail("expected a " + type);
  const std::string text = value.Scalar();
  if (type == "integer" || type == "number") {
    double number = 0;
    if (!YAML::convert<double>::decode(value, number)) return fail("not a number: " + text);
    if (type == "integer" && number != static_cast<double>(static_cast<long long>(number))) {
      return fail("not an integer: " + text);
    }
    if (schema["minimum"] && number < schema["minimum"].as<double>()) fail("below minimum");
    if (schema["maximum"] && number > schema["maximum"].as<double>()) fail("above maximum");
  } else if (type == "boolean") {
    bool flag = false;
    if (!YAML::convert<bool>::decode(value, flag)) fail("not a boolean: " + text);
  } else if (type == "string") {
    if (schema["minLength"] && text.size() < schema["minLength"].as<size_t>()) fail("too short");
    if (schema["maxLength"] && text.size() > schema["maxLength"].as<size_t>()) fail("too long");
    if (schema["pattern"] &&
        !std::regex_search(text, std::regex(schema["pattern"].as<std::string>()))) {
      fail("\"" + text + "\" does not match " + schema["pattern"].as<std::string>());
    }
  } else {
    fail("schema uses unsupported type " + type);
  }
  if (schema["enum"]) {
    bool found = false;
    for (const auto& allowed : schema["enum"]) found = found || allowed.as<std::string>() == text;
    if (!found) fail("\"" + text + "\" is not an allowed value");
  }
}

// Structural-schema rule: every node declares a type.
void ExpectStructural(const YAML::Node& schema, const std::string& path) {
  ASSERT_TRUE(schema.IsMap()) << path;
  ASSERT_TRUE(schema["type"]) << path << " has no type";
  if (schema["properties"]) {
    for (const auto& entry : schema["properties"]) {
      ExpectStructural(entry.second, path + "." + entry.first.as<std::string>());
    }
  }
  if (schema["items"]) ExpectStructural(schema["items"], path + "[]");
  if (schema["additionalProperties"]) ExpectStructural(schema["additionalProperties"], path + ".*");
}

struct Case {
  const char* crd;
  const char* example;
  const char* kind;
  const char* plural;
  const char* group = "mesh.weft.dev";
  const char* version = "v1alpha1";
};

const Case kCases[] = {
    {"api/crds/trafficpolicy.yaml", "api/examples/trafficpolicy.yaml", "TrafficPolicy",
     "trafficpolicies"},
    {"api/crds/workload.yaml", "api/examples/workload.yaml", "Workload", "workloads"},
    {"api/crds/peerauthentication.yaml", "api/examples/peerauthentication.yaml",
     "PeerAuthentication", "peerauthentications"},
    {"api/crds/authorizationpolicy.yaml", "api/examples/authorizationpolicy.yaml",
     "AuthorizationPolicy", "authorizationpolicies"},
    // The Gateway API routes, as far as Weft reads them.
    {"api/crds/gateway-api/httproute.yaml", "api/examples/httproute.yaml", "HTTPRoute",
     "httproutes", "gateway.networking.k8s.io", "v1"},
    {"api/crds/gateway-api/grpcroute.yaml", "api/examples/grpcroute.yaml", "GRPCRoute",
     "grpcroutes", "gateway.networking.k8s.io", "v1"},
};

YAML::Node SchemaOf(const YAML::Node& crd) {
  return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
}

TEST(CrdSchemaTest, DefinitionsAreWellFormed) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.crd);
    const YAML::Node crd = YAML::LoadFile(c.crd);
    EXPECT_EQ(crd["apiVersion"].as<std::string>(), "apiextensions.k8s.io/v1");
    EXPECT_EQ(crd["kind"].as<std::string>(), "CustomResourceDefinition");
    EXPECT_EQ(crd["spec"]["group"].as<std::string>(), c.group);
    EXPECT_EQ(crd["metadata"]["name"].as<std::string>(), std::string(c.plural) + "." + c.group);
    EXPECT_EQ(crd["spec"]["names"]["kind"].as<std::string>(), c.kind);
    EXPECT_EQ(crd["spec"]["names"]["plural"].as<std::string>(), c.plural);
    const YAML::Node version = crd["spec"]["versions"][0];
    EXPECT_EQ(version["name"].as<std::string>(), c.version);
    EXPECT_TRUE(version["served"].as<bool>());
    EXPECT_TRUE(version["storage"].as<bool>());
    ASSERT_TRUE(version["additionalPrinterColumns"].IsSequence());
    EXPECT_GE(version["additionalPrinterColumns"].size(), 2u);
    for (const auto& column : version["additionalPrinterColumns"]) {
      EXPECT_TRUE(column["name"] && column["type"] && column["jsonPath"]);
    }
    ExpectStructural(SchemaOf(crd), "openAPIV3Schema");
  }
}

TEST(CrdSchemaTest, ExamplesValidateAgainstTheirSchemas) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.example);
    const YAML::Node crd = YAML::LoadFile(c.crd);
    const YAML::Node example = YAML::LoadFile(c.example);
    EXPECT_EQ(example["apiVersion"].as<std::string>(), std::string(c.group) + "/" + c.version);
    EXPECT_EQ(example["kind"].as<std::string>(), c.kind);
    ASSERT_TRUE(example["metadata"]["name"]);
    std::vector<std::string> errors;
    Validate(SchemaOf(crd)["properties"]["spec"], example["spec"], "spec", &errors);
    EXPECT_TRUE(errors.empty()) << ::testing::PrintToString(errors);
  }
}

TEST(CrdSchemaTest, InvalidManifestsAreRejected) {
  const YAML::Node crd = YAML::LoadFile("api/crds/trafficpolicy.yaml");
  const YAML::Node spec_schema = SchemaOf(crd)["properties"]["spec"];
  const YAML::Node bad = YAML::Load(R"(
targetRef: {kind: Deployment, name: reviews}
loadBalancer: {type: FASTEST}
retries: {attempts: 20, perTryTimeout: soon}
outlierDetection: {maxEjectionPercent: 150}
colour: blue
)");
  std::vector<std::string> errors;
  Validate(spec_schema, bad, "spec", &errors);
  const std::string all = ::testing::PrintToString(errors);
  EXPECT_EQ(errors.size(), 6u) << all;
  EXPECT_NE(all.find("spec.targetRef.kind"), std::string::npos) << all;
  EXPECT_NE(all.find("spec.loadBalancer.type"), std::string::npos) << all;
  EXPECT_NE(all.find("spec.retries.attempts: above maximum"), std::string::npos) << all;
  EXPECT_NE(all.find("spec.retries.perTryTimeout"), std::string::npos) << all;
  EXPECT_NE(all.find("maxEjectionPercent: above maximum"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown field \\\"colour\\\""), std::string::npos) << all;

  std::vector<std::string> missing;
  Validate(SchemaOf(YAML::LoadFile("api/crds/workload.yaml"))["properties"]["spec"],
           YAML::Load("{address: 10.0.0.1}"), "spec", &missing);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0], "spec: missing \"serviceAccount\"");
}

TEST(CrdSchemaTest, InvalidSecurityPoliciesAreRejected) {
  std::vector<std::string> errors;
  Validate(SchemaOf(YAML::LoadFile("api/crds/peerauthentication.yaml"))["properties"]["spec"],
           YAML::Load("{mtls: {mode: OFF}, portLevelMtls: {9090: {mode: LOOSE}}}"), "spec",
           &errors);
  std::string all = ::testing::PrintToString(errors);
  EXPECT_EQ(errors.size(), 2u) << all;
  EXPECT_NE(all.find("spec.mtls.mode"), std::string::npos) << all;
  EXPECT_NE(all.find("spec.portLevelMtls.9090.mode"), std::string::npos) << all;

  errors.clear();
  Validate(SchemaOf(YAML::LoadFile("api/crds/authorizationpolicy.yaml"))["properties"]["spec"],
           YAML::Load(R"(
action: AUDIT
rules:
- from: [{source: {principals: ["frontend"]}}]
  to: [{operation: {ports: [70000]}}]
  when: [{key: source.ip, values: ["10.0.0.1"]}]
)"),
           "spec", &errors);
  all = ::testing::PrintToString(errors);
  EXPECT_EQ(errors.size(), 4u) << all;
  EXPECT_NE(all.find("spec.action"), std::string::npos) << all;
  EXPECT_NE(all.find("spec.rules[0].from[0].source.principals[0]"), std::string::npos) << all;
  EXPECT_NE(all.find("spec.rules[0].to[0].operation.ports[0]: above maximum"), std::string::npos)
      << all;
  EXPECT_NE(all.find("spec.rules[0].when[0].key"), std::string::npos) << all;
}

}  // namespace
}  // namespace weft
