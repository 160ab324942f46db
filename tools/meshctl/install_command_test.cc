#include "tools/meshctl/install_command.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "common/json/yaml_json.h"
#include "gtest/gtest.h"
#include "tools/meshctl/install_manifests.h"
#include "tools/meshctl/test_directory.h"

namespace weft::meshctl {
namespace {

using json::Json;
using testing::CommandResult;
using testing::CompareGolden;
using testing::ReadTestdata;
using testing::RunCommand;

constexpr char kCaCert[] = "--ca_cert=tools/meshctl/testdata/install/root-cert.pem";
constexpr char kCaKey[] = "--ca_key=tools/meshctl/testdata/install/root-key.pem";

std::vector<Json> Parse(const std::string& yaml) {
  absl::StatusOr<std::vector<Json>> docs = json::ParseYamlDocuments(yaml);
  EXPECT_TRUE(docs.ok()) << docs.status();
  return docs.ok() ? *docs : std::vector<Json>{};
}

const Json* Find(const std::vector<Json>& docs, const std::string& kind,
                 const std::string& name = "") {
  for (const Json& doc : docs) {
    if (doc.Text("kind") == kind && (name.empty() || doc["metadata"].Text("name") == name)) {
      return &doc;
    }
  }
  return nullptr;
}

std::string Base64Decode(const std::string& s) {
  std::string out;
  EXPECT_TRUE(absl::Base64Unescape(s, &out)) << s;
  return out;
}

TEST(InstallCommandTest, GoldenWithFixedCa) {
  const CommandResult r = RunCommand(RunInstall, {kCaCert, kCaKey});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(CompareGolden("install.golden", r.out), "");
  EXPECT_TRUE(absl::StartsWith(r.out, kInstallHeader));
  // Deterministic: a second run prints the same bytes.
  EXPECT_EQ(RunCommand(RunInstall, {kCaCert, kCaKey}).out, r.out);
}

TEST(InstallCommandTest, EveryObjectIsWellFormedAndLeastPrivileged) {
  const CommandResult r = RunCommand(RunInstall, {kCaCert, kCaKey, "--namespace=mesh"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  const std::vector<Json> docs = Parse(r.out);
  ASSERT_EQ(docs.size(), 16u);
  std::set<std::string> kinds;
  for (const Json& doc : docs) {
    EXPECT_FALSE(doc.Text("apiVersion").empty()) << doc.DumpCompact();
    EXPECT_FALSE(doc.Text("kind").empty()) << doc.DumpCompact();
    EXPECT_FALSE(doc["metadata"].Text("name").empty()) << doc.DumpCompact();
    kinds.insert(doc.Text("kind"));
  }
  EXPECT_EQ(kinds, (std::set<std::string>{
                       "Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRole",
                       "ClusterRoleBinding", "Role", "RoleBinding", "Secret", "Service",
                       "Deployment", "PodDisruptionBudget", "MutatingWebhookConfiguration"}));

  // RBAC: no wildcards; writes only on status subresources, tokenreviews, leases,
  // the one Secret and the weft-ca-root ConfigMaps (create cannot be named).
  for (const char* kind : {"ClusterRole", "Role"}) {
    const Json* role = Find(docs, kind);
    ASSERT_NE(role, nullptr) << kind;
    for (const Json& rule : (*role)["rules"].items()) {
      for (const char* field : {"apiGroups", "resources", "verbs"}) {
        ASSERT_FALSE(rule[field].items().empty()) << kind << " " << field;
        for (const Json& v : rule[field].items()) EXPECT_NE(v.as_string(), "*") << kind;
      }
      for (const Json& verb : rule["verbs"].items()) {
        if (verb.as_string() == "get" || verb.as_string() == "list" ||
            verb.as_string() == "watch") {
          continue;
        }
        for (const Json& resource : rule["resources"].items()) {
          const std::string& res = resource.as_string();
          EXPECT_TRUE(absl::EndsWith(res, "/status") || res == "tokenreviews" ||
                      res == "leases" || (res == "secrets" && rule.Has("resourceNames")) ||
                      (res == "configmaps" &&
                       (verb.as_string() == "create" || rule.Has("resourceNames"))))
              << kind << " may " << verb.as_string() << " " << res;
        }
      }
    }
  }
  EXPECT_EQ((*Find(docs, "Role"))["metadata"].Text("namespace"), "mesh");
  const Json* cluster_role = Find(docs, "ClusterRole");
  std::vector<std::string> status_rules;
  for (const Json& rule : (*cluster_role)["rules"].items()) {
    if (rule["verbs"].items()[0].as_string() == "patch") {
      status_rules.push_back(rule["apiGroups"].DumpCompact() + rule["resources"].DumpCompact());
    }
  }
  EXPECT_EQ(status_rules,
            (std::vector<std::string>{
                R"(["mesh.weft.dev"]["authorizationpolicies/status","peerauthentications/status",)"
                R"("trafficpolicies/status","workloads/status"])",
                R"(["gateway.networking.k8s.io"]["grpcroutes/status","httproutes/status"])"}));

  // The webhook trusts exactly the root CA in the Secret.
  const std::string root = ReadTestdata("install/root-cert.pem");
  const Json* secret = Find(docs, "Secret", "weft-ca");
  ASSERT_NE(secret, nullptr);
  EXPECT_EQ(Base64Decode((*secret)["data"].Text("root-cert.pem")), root);
  EXPECT_EQ(Base64Decode((*secret)["data"].Text("root-key.pem")),
            ReadTestdata("install/root-key.pem"));
  const Json* webhook = Find(docs, "MutatingWebhookConfiguration");
  ASSERT_NE(webhook, nullptr);
  ASSERT_EQ((*webhook)["webhooks"].items().size(), 2u);
  for (const Json& hook : (*webhook)["webhooks"].items()) {
    EXPECT_EQ(Base64Decode(hook["clientConfig"].Text("caBundle")), root);
    EXPECT_EQ(hook["clientConfig"]["service"].Text("namespace"), "mesh");
    EXPECT_EQ(hook.Text("sideEffects"), "None");
    EXPECT_EQ(hook["admissionReviewVersions"].DumpCompact(), R"(["v1"])");
    EXPECT_EQ(hook["timeoutSeconds"].as_number(), 10);
  }
  EXPECT_EQ((*webhook)["webhooks"].items()[0].Text("failurePolicy"), "Fail");
  EXPECT_EQ((*webhook)["webhooks"].items()[1].Text("failurePolicy"), "Ignore");
  EXPECT_NE((*webhook)["webhooks"].items()[1]["namespaceSelector"].DumpCompact().find(
                R"(["kube-system","mesh"])"),
            std::string::npos);

  // The Deployment: 2 replicas, and the PDB and both Services select its pods.
  const Json* deployment = Find(docs, "Deployment");
  ASSERT_NE(deployment, nullptr);
  EXPECT_EQ((*deployment)["spec"]["replicas"].as_number(), 2);
  const Json& pod_labels = (*deployment)["spec"]["template"]["metadata"]["labels"];
  auto selects_pods = [&pod_labels](const Json& selector) {
    if (selector.fields().empty()) return false;
    for (const auto& [key, value] : selector.fields()) {
      if (pod_labels[key] != value) return false;
    }
    return true;
  };
  EXPECT_TRUE(selects_pods((*deployment)["spec"]["selector"]["matchLabels"]));
  EXPECT_TRUE(selects_pods((*Find(docs, "PodDisruptionBudget"))["spec"]["selector"]["matchLabels"]));
  EXPECT_EQ((*Find(docs, "PodDisruptionBudget"))["spec"]["minAvailable"].as_number(), 1);
  for (const char* svc : {"weft-control-plane", "weft-webhook"}) {
    EXPECT_TRUE(selects_pods((*Find(docs, "Service", svc))["spec"]["selector"])) << svc;
  }
  const Json& container = (*deployment)["spec"]["template"]["spec"]["containers"].items()[0];
  const std::string args = container["args"].DumpCompact();
  for (const char* arg : {"--source=kubernetes", "--ca_dir=/var/lib/weft/ca", "--webhook_port=15017",
                          "--webhook_service=weft-webhook.mesh"}) {
    EXPECT_NE(args.find(arg), std::string::npos) << arg << " not in " << args;
  }
  EXPECT_TRUE(container["securityContext"]["readOnlyRootFilesystem"].as_bool());
  EXPECT_TRUE((*deployment)["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"].as_bool());
}

TEST(InstallCommandTest, GeneratesACaWhenNoneIsGiven) {
  const CommandResult r = RunCommand(RunInstall, {"--trust_domain=example.org"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  const std::vector<Json> docs = Parse(r.out);
  const Json* secret = Find(docs, "Secret", "weft-ca");
  ASSERT_NE(secret, nullptr);
  const std::string cert = Base64Decode((*secret)["data"].Text("root-cert.pem"));
  const std::string key = Base64Decode((*secret)["data"].Text("root-key.pem"));
  EXPECT_TRUE(absl::StartsWith(cert, "-----BEGIN CERTIFICATE-----")) << cert;
  EXPECT_TRUE(absl::StartsWith(key, "-----BEGIN PRIVATE KEY-----"));
  EXPECT_EQ(Base64Decode((*Find(docs, "MutatingWebhookConfiguration"))["webhooks"]
                             .items()[0]["clientConfig"]
                             .Text("caBundle")),
            cert);
  // A new root each run.
  EXPECT_NE(RunCommand(RunInstall, {"--trust_domain=example.org"}).out, r.out);
}

TEST(InstallCommandTest, RejectsBadOptionsAndForeignCa) {
  CommandResult r = RunCommand(RunInstall, {kCaCert, kCaKey, "--namespace=Bad_NS", "--replicas=0",
                                            "--webhook_failure_policy=Maybe"});
  EXPECT_EQ(r.code, kExitInvalid);
  for (const char* problem : {"--namespace \"Bad_NS\"", "--replicas: expected at least 1",
                              "--webhook_failure_policy \"Maybe\""}) {
    EXPECT_NE(r.err.find(problem), std::string::npos) << problem << " not in " << r.err;
  }
  EXPECT_EQ(r.out, "");
  // The test root is for cluster.local.
  r = RunCommand(RunInstall, {kCaCert, kCaKey, "--trust_domain=other.org"});
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_NE(r.err.find("root CA: tools/meshctl/testdata/install/root-cert.pem"), std::string::npos)
      << r.err;
  r = RunCommand(RunInstall, {"--ca_cert=/nonexistent.pem", kCaKey});
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_NE(r.err.find("cannot read /nonexistent.pem"), std::string::npos) << r.err;
  EXPECT_EQ(RunCommand(RunInstall, {kCaCert}).code, kExitUsage);
  EXPECT_EQ(RunCommand(RunInstall, {"--replicas=two"}).code, kExitUsage);
  const CommandResult help = RunCommand(RunInstall, {"--help"});
  EXPECT_EQ(help.code, kExitOk);
  EXPECT_NE(help.out.find("--webhook_failure_policy"), std::string::npos);
}

TEST(UninstallCommandTest, NamesEveryObjectCrdsLast) {
  const CommandResult install = RunCommand(RunInstall, {kCaCert, kCaKey});
  const CommandResult r = RunCommand(RunUninstall, {});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_TRUE(absl::StartsWith(r.out, kUninstallHeader));
  EXPECT_EQ(CompareGolden("uninstall.golden", r.out), "");
  const std::vector<Json> installed = Parse(install.out);
  const std::vector<Json> removed = Parse(r.out);
  ASSERT_EQ(removed.size(), installed.size());
  std::set<std::string> want, got;
  for (const Json& doc : installed) {
    want.insert(doc.Text("kind") + "/" + doc["metadata"].Text("namespace") + "/" +
                doc["metadata"].Text("name"));
  }
  bool crds_started = false;
  for (const Json& doc : removed) {
    got.insert(doc.Text("kind") + "/" + doc["metadata"].Text("namespace") + "/" +
               doc["metadata"].Text("name"));
    EXPECT_FALSE(doc.Has("spec") || doc.Has("data")) << doc.DumpCompact();
    const bool crd = doc.Text("kind") == "CustomResourceDefinition";
    EXPECT_TRUE(crd || !crds_started) << "a CRD before " << doc.DumpCompact();
    crds_started = crds_started || crd;
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(removed[0].Text("kind"), "MutatingWebhookConfiguration");
  EXPECT_EQ(RunCommand(RunUninstall, {"extra"}).code, kExitUsage);
}

}  // namespace
}  // namespace weft::meshctl
