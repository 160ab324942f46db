#include "control-plane/inject/admission_review.h"

#include <dirent.h>

#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace weft::inject {
namespace {

using json::Json;

constexpr char kPodReview[] = R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
  "request": {"uid": "u-1", "kind": {"group": "", "version": "v1", "kind": "Pod"},
    "namespace": "shop", "operation": "CREATE", "dryRun": true,
    "object": {"metadata": {"name": "web"}, "spec": {"containers": [{"name": "web"}]}}}})";

Json Response(const std::string& reply) { return (*Json::Parse(reply))["response"]; }

TEST(AdmissionReviewTest, ParsesTheRequest) {
  absl::StatusOr<AdmissionRequest> r = ParseAdmissionReview(kPodReview);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->uid, "u-1");
  EXPECT_EQ(r->kind, "Pod");
  EXPECT_EQ(r->ns, "shop");
  EXPECT_TRUE(r->dry_run);
  EXPECT_EQ(r->object["metadata"].Text("name"), "web");
}

TEST(AdmissionReviewTest, MalformedReviewsNameEveryProblem) {
  EXPECT_NE(ParseAdmissionReview("{").status().message().find("malformed AdmissionReview: invalid JSON"),
            std::string::npos);
  EXPECT_NE(ParseAdmissionReview("[]").status().message().find("not a JSON object"), std::string::npos);
  const absl::Status s =
      ParseAdmissionReview(R"({"apiVersion": "admission.k8s.io/v1beta1", "kind": "Review",
                               "request": {"object": 3}})")
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  for (const char* want : {"apiVersion: \"admission.k8s.io/v1beta1\"", "kind: \"Review\"",
                           "request.uid: missing", "request.object: missing or not an object"}) {
    EXPECT_NE(s.message().find(want), std::string::npos) << want << " missing from " << s;
  }
  EXPECT_FALSE(ParseAdmissionReview(R"({"apiVersion": "admission.k8s.io/v1",
      "kind": "AdmissionReview"})").ok());
}

TEST(AdmissionReviewTest, InjectsALabelledNamespacesPod) {
  absl::StatusOr<std::string> reply =
      HandleAdmissionReview(kPodReview, {{"weft.dev/inject", "enabled"}}, InjectionConfig());
  ASSERT_TRUE(reply.ok()) << reply.status();
  const Json r = Response(*reply);
  EXPECT_EQ(r.Text("uid"), "u-1");
  EXPECT_TRUE(r["allowed"].as_bool());
  EXPECT_EQ(r.Text("patchType"), "JSONPatch");
  std::string patch;
  ASSERT_TRUE(absl::Base64Unescape(r.Text("patch"), &patch));
  EXPECT_NE(patch.find(R"("path":"/metadata/annotations")"), std::string::npos) << patch;
  EXPECT_EQ((*Json::Parse(*reply)).Text("apiVersion"), "admission.k8s.io/v1");
}

TEST(AdmissionReviewTest, LeavesOtherPodsAndKindsAlone) {
  // Not opted in: allowed, no patch.
  Json r = Response(*HandleAdmissionReview(kPodReview, {}, InjectionConfig()));
  EXPECT_TRUE(r["allowed"].as_bool());
  EXPECT_FALSE(r.Has("patch"));
  // Not a pod.
  std::string deployment = kPodReview;
  deployment.replace(deployment.find("\"Pod\""), 5, "\"Deployment\"");
  r = Response(*HandleAdmissionReview(deployment, {{"weft.dev/inject", "enabled"}}, InjectionConfig()));
  EXPECT_TRUE(r["allowed"].as_bool());
  EXPECT_FALSE(r.Has("patch"));
}

TEST(AdmissionReviewTest, DeniesAPodThatIsNotAPod) {
  const char* review = R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
    "request": {"uid": "u-2", "kind": {"kind": "Pod"}, "object": {"spec": {}}}})";
  const Json r = Response(*HandleAdmissionReview(review, {{"weft.dev/inject", "enabled"}},
                                                 InjectionConfig()));
  EXPECT_FALSE(r["allowed"].as_bool());
  EXPECT_EQ(r["status"]["code"].as_number(), 400);
  EXPECT_NE(r["status"].Text("message").find("spec.containers"), std::string::npos);
}

// Every fuzz seed is handled without error or is refused with a named problem.
TEST(AdmissionReviewTest, FuzzSeedsAreHandled) {
  constexpr char kDir[] = "control-plane/inject/testdata/admission_review_fuzz_corpus";
  DIR* dir = opendir(kDir);
  ASSERT_NE(dir, nullptr);
  int seeds = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(std::string(kDir) + "/" + e->d_name);
    std::stringstream body;
    body << in.rdbuf();
    absl::StatusOr<std::string> reply =
        HandleAdmissionReview(body.str(), {{"weft.dev/inject", "enabled"}}, InjectionConfig());
    if (reply.ok()) {
      EXPECT_TRUE(Json::Parse(*reply).ok()) << e->d_name;
    } else {
      EXPECT_NE(reply.status().message().find("malformed AdmissionReview"), std::string::npos);
    }
    ++seeds;
  }
  closedir(dir);
  EXPECT_GE(seeds, 3);
}

}  // namespace
}  // namespace weft::inject
