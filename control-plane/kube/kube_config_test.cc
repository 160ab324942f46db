#include "control-plane/kube/kube_config.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace weft::control_plane::kube {
namespace {

constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

std::string Kubeconfig(const std::string& cluster, const std::string& user) {
  return absl::StrCat(R"(apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: {cluster: c1, user: u1, namespace: mesh}
clusters:
- name: c1
  cluster: )", cluster, R"(
users:
- name: u1
  user: )", user, "\n");
}

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = absl::StrCat(testing::TempDir(), "/", name);
  std::ofstream(path) << text;
  return path;
}

TEST(KubeconfigTest, InlineDataAndToken) {
  absl::StatusOr<KubeConfig> config = ParseKubeconfig(
      Kubeconfig(absl::StrCat("{server: 'https://10.0.0.1:6443', certificate-authority-data: ",
                              absl::Base64Escape(kPem), "}"),
                 "{token: abc}"),
      "/nowhere", {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->host, "10.0.0.1");
  EXPECT_EQ(config->port, 6443);
  EXPECT_EQ(config->ca_pem, kPem);
  EXPECT_EQ(config->token, "abc");
  EXPECT_EQ(config->ns, "mesh");
}

TEST(KubeconfigTest, FilesRelativeToTheKubeconfigAndClientCertificate) {
  Write("ca.pem", kPem);
  Write("client.pem", "CERT");
  Write("client-key.pem", "KEY");
  const std::string path = Write(
      "kubeconfig", Kubeconfig("{server: 'https://[fd00::1]', certificate-authority: ca.pem}",
                               "{client-certificate: client.pem, client-key: client-key.pem}"));
  absl::StatusOr<KubeConfig> config = LoadKubeconfigFile(path, {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->host, "fd00::1");
  EXPECT_EQ(config->port, 443);
  EXPECT_EQ(config->ca_pem, kPem);
  EXPECT_EQ(config->client_cert_pem, "CERT");
  EXPECT_EQ(config->client_key_pem, "KEY");
}

TEST(KubeconfigTest, ErrorsNameTheField) {
  const std::string ca = absl::StrCat("certificate-authority-data: ", absl::Base64Escape(kPem));
  struct Case {
    std::string text;
    std::string error;
  } cases[] = {
      {"current-context: ''", "current-context: required"},
      {Kubeconfig("{server: 'http://x', " + ca + "}", "{}"),
       "clusters[name=c1].cluster.server: \"http://x\" is not an https:// URL"},
      {Kubeconfig("{server: 'https://x:99999', " + ca + "}", "{}"), "bad port \"99999\""},
      {Kubeconfig("{server: 'https://x'}", "{}"),
       "clusters[name=c1].cluster: certificate-authority or certificate-authority-data required"},
      {Kubeconfig("{server: 'https://x', certificate-authority-data: '!!'}", "{}"),
       "certificate-authority-data: not base64"},
      {Kubeconfig("{server: 'https://x', insecure-skip-tls-verify: true}", "{}"),
       "insecure-skip-tls-verify: refused"},
      {Kubeconfig("{server: 'https://x', certificate-authority: /no/such}", "{}"),
       "certificate-authority: cannot read /no/such"},
      {Kubeconfig("{server: 'https://x', " + ca + "}", "{client-key-data: S0VZ}"),
       "users[name=u1].user: client-certificate and client-key go together"},
      {Kubeconfig("{server: 'https://x', " + ca + "}", "{exec: {command: aws}}"),
       "exec and auth-provider plugins are not supported"},
      {"current-context: dev\ncontexts: []", "contexts: no entry named \"dev\""},
      {"a: [", "YAML syntax error"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<KubeConfig> config = ParseKubeconfig(c.text, "/", {});
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_NE(config.status().message().find(c.error), absl::string_view::npos)
        << config.status() << "\nwanted: " << c.error;
  }
}

TEST(KubeconfigTest, InsecureOnlyWhenAllowed) {
  absl::StatusOr<KubeConfig> config = ParseKubeconfig(
      Kubeconfig("{server: 'https://x', insecure-skip-tls-verify: true}", "{token: t}"), "/",
      {.allow_insecure = true});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->insecure_skip_tls_verify);
}

TEST(InClusterConfigTest, ReadsTheServiceAccount) {
  InClusterPaths paths;
  paths.ca = Write("sa-ca.crt", kPem);
  paths.token = Write("sa-token", "tok\n");
  paths.ns = Write("sa-namespace", "weft-system\n");
  std::map<std::string, std::string> env = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                            {"KUBERNETES_SERVICE_PORT", "443"}};
  auto lookup = [&env](const std::string& name) { return env[name]; };
  absl::StatusOr<KubeConfig> config = LoadInClusterConfig(paths, lookup);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->host, "10.96.0.1");
  EXPECT_EQ(config->token_file, paths.token);  // re-read on every connection
  EXPECT_EQ(config->ns, "weft-system");

  env["KUBERNETES_SERVICE_HOST"] = "";
  EXPECT_EQ(LoadInClusterConfig(paths, lookup).status().code(),
            absl::StatusCode::kFailedPrecondition);
  env["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
  paths.ca = "/no/such/ca.crt";
  absl::Status missing = LoadInClusterConfig(paths, lookup).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("/no/such/ca.crt"), absl::string_view::npos);
}

}  // namespace
}  // namespace weft::control_plane::kube
