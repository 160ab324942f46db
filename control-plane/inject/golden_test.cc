// Golden files for the injector: testdata/<case>.pod.yaml is a pod with its
// namespace's labels and the cluster mode; testdata/<case>.patch.json is the
// webhook's decoded answer (allowed, patch ops). testdata/<case>.manifest.yaml
// goes through ApplyToManifest into testdata/<case>.injected.yaml.
//
//   bazel test //control-plane/inject:golden_test
//   bazel run //control-plane/inject:golden_test -- --update   # rewrites testdata/
//
// A case file:
//   # why this case exists
//   namespaceLabels: {weft.dev/inject: enabled}   # optional
//   nativeSidecar: false                          # optional, default true
//   pod: {...}

#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/json/json_value.h"
#include "common/json/yaml_json.h"
#include "control-plane/inject/admission_review.h"
#include "control-plane/inject/json_patch.h"
#include "control-plane/inject/manifest_injection.h"
#include "gtest/gtest.h"

namespace weft::inject {
namespace {

using json::Json;

constexpr char kTestdata[] = "control-plane/inject/testdata";
bool update = false;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> CaseNames(const std::string& suffix) {
  std::vector<std::string> names;
  if (DIR* dir = opendir(kTestdata); dir != nullptr) {
    while (dirent* e = readdir(dir)) {
      const std::string name = e->d_name;
      if (absl::EndsWith(name, suffix)) names.push_back(name.substr(0, name.size() - suffix.size()));
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Compares with the golden file, or rewrites it in the source tree with --update.
void CheckGolden(const std::string& file, const std::string& actual) {
  if (update) {
    const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    ASSERT_NE(workspace, nullptr) << "--update needs `bazel run`";
    std::ofstream(absl::StrCat(workspace, "/", kTestdata, "/", file)) << actual;
    return;
  }
  EXPECT_EQ(Read(absl::StrCat(kTestdata, "/", file)), actual)
      << file << " differs; if the change is intended: "
      << "bazel run //control-plane/inject:golden_test -- --update";
}

// What the webhook answers for a case, decoded: {"allowed", "status"?, "patch"?}.
Json WebhookAnswer(const Json& c, Json* patched_pod) {
  std::map<std::string, std::string> labels;
  for (const auto& [k, v] : c["namespaceLabels"].fields()) labels[k] = v.as_string();
  InjectionConfig config;
  config.proxy_image = "weft/mesh-proxy:test";
  config.init_image = "weft/mesh-init:test";
  if (c["nativeSidecar"].type() == Json::Type::kBool) config.native_sidecar = c["nativeSidecar"].as_bool();
  Json review = Json::Object();
  review.Set("apiVersion", Json::String("admission.k8s.io/v1"));
  review.Set("kind", Json::String("AdmissionReview"));
  Json request = Json::Object();
  request.Set("uid", Json::String("705ab4f5-6393-11e8-b7cc-42010a800002"));
  Json kind = Json::Object();
  kind.Set("kind", Json::String("Pod"));
  request.Set("kind", kind);
  request.Set("namespace", Json::String("shop"));
  request.Set("operation", Json::String("CREATE"));
  request.Set("object", c["pod"]);
  review.Set("request", request);
  absl::StatusOr<std::string> reply = HandleAdmissionReview(review.DumpCompact(), labels, config);
  EXPECT_TRUE(reply.ok()) << reply.status();
  if (!reply.ok()) return Json();
  absl::StatusOr<Json> parsed = Json::Parse(*reply);
  EXPECT_TRUE(parsed.ok());
  Json response = (*parsed)["response"];
  EXPECT_EQ(response.Text("uid"), "705ab4f5-6393-11e8-b7cc-42010a800002");
  Json answer = Json::Object();
  answer.Set("allowed", response["allowed"]);
  if (response.Has("status")) answer.Set("status", response["status"]);
  *patched_pod = c["pod"];
  if (response.Has("patch")) {
    EXPECT_EQ(response.Text("patchType"), "JSONPatch");
    std::string text;
    EXPECT_TRUE(absl::Base64Unescape(response.Text("patch"), &text));
    absl::StatusOr<Json> patch = Json::Parse(text);
    EXPECT_TRUE(patch.ok());
    absl::StatusOr<std::vector<PatchOp>> ops = PatchFromJson(*patch);
    EXPECT_TRUE(ops.ok()) << ops.status();
    // The patch must apply to the pod it was made for.
    EXPECT_TRUE(ApplyPatch(*ops, patched_pod).ok());
    answer.Set("patch", *patch);
  }
  return answer;
}

TEST(GoldenTest, WebhookPatches) {
  const std::vector<std::string> cases = CaseNames(".pod.yaml");
  ASSERT_GE(cases.size(), 10u) << "no cases found under " << kTestdata;
  for (const std::string& name : cases) {
    SCOPED_TRACE(name);
    absl::StatusOr<Json> c = json::ParseYamlDocument(Read(absl::StrCat(kTestdata, "/", name, ".pod.yaml")));
    ASSERT_TRUE(c.ok()) << c.status();
    Json patched;
    const Json answer = WebhookAnswer(*c, &patched);
    CheckGolden(name + ".patch.json", answer.Dump());
    // Injecting the injected pod changes nothing.
    if (answer.Has("patch")) {
      Json again = *c;
      again.Set("pod", patched);
      Json unused;
      const Json second = WebhookAnswer(again, &unused);
      EXPECT_FALSE(second.Has("patch")) << "a second injection patched the pod again";
    }
  }
}

TEST(GoldenTest, ManifestInjection) {
  const std::vector<std::string> cases = CaseNames(".manifest.yaml");
  ASSERT_FALSE(cases.empty());
  for (const std::string& name : cases) {
    SCOPED_TRACE(name);
    InjectionConfig config;
    config.proxy_image = "weft/mesh-proxy:test";
    config.init_image = "weft/mesh-init:test";
    absl::StatusOr<ManifestInjection> out =
        ApplyToManifest(Read(absl::StrCat(kTestdata, "/", name, ".manifest.yaml")), config);
    ASSERT_TRUE(out.ok()) << out.status();
    std::string report;
    for (const std::string& line : out->report) absl::StrAppend(&report, "# ", line, "\n");
    CheckGolden(name + ".injected.yaml", report + out->yaml);
    // The output reads back as YAML.
    EXPECT_TRUE(json::ParseYamlDocuments(out->yaml).ok());
  }
}

}  // namespace
}  // namespace weft::inject

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--update") weft::inject::update = true;
  }
  return RUN_ALL_TESTS();
}
