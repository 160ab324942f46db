#include "control-plane/kube/kube_config.h"

#include <exception>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "yaml-cpp/yaml.h"

namespace weft::control_plane::kube {
namespace {

absl::StatusOr<std::string> ReadWholeFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(what, ": cannot read ", path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return absl::StrCat(base_dir, "/", path);
}

std::string Scalar(const YAML::Node& map, const char* key) {
  if (!map.IsMap()) return "";
  const YAML::Node value = map[key];
  return value.IsDefined() && value.IsScalar() ? value.Scalar() : "";
}

// The entry of list `list_key` (clusters, users, contexts) called `name`, or an
// error naming what is missing.
absl::StatusOr<YAML::Node> NamedEntry(const YAML::Node& root, const char* list_key,
                                      const char* inner_key, const std::string& name) {
  const YAML::Node list = root[list_key];
  if (list.IsDefined() && list.IsSequence()) {
    for (const YAML::Node& entry : list) {
      if (Scalar(entry, "name") == name) {
        const YAML::Node inner = entry[inner_key];
        if (!inner.IsDefined() || !inner.IsMap()) {
          return absl::InvalidArgumentError(
              absl::StrCat(list_key, "[name=", name, "].", inner_key, ": required"));
        }
        return inner;
      }
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(list_key, ": no entry named \"", name, "\""));
}

// A PEM given inline (`<key>-data`, base64) or as a file (`<key>`).
absl::StatusOr<std::string> PemField(const YAML::Node& map, const std::string& key,
                                     const std::string& where, const std::string& base_dir) {
  const std::string data = Scalar(map, (key + "-data").c_str());
  if (!data.empty()) {
    std::string decoded;
    if (!absl::Base64Unescape(data, &decoded)) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".", key, "-data: not base64"));
    }
    return decoded;
  }
  const std::string file = Scalar(map, key.c_str());
  if (file.empty()) return std::string();
  return ReadWholeFile(Resolve(base_dir, file), absl::StrCat(where, ".", key));
}

absl::StatusOr<KubeConfig> ParseKubeconfigNode(const YAML::Node& root, const std::string& base_dir,
                                               const KubeconfigOptions& options) {
  if (!root.IsMap()) return absl::InvalidArgumentError("not a kubeconfig (expected a mapping)");
  const std::string context_name = Scalar(root, "current-context");
  if (context_name.empty()) return absl::InvalidArgumentError("current-context: required");
  absl::StatusOr<YAML::Node> context = NamedEntry(root, "contexts", "context", context_name);
  if (!context.ok()) return context.status();
  const std::string cluster_name = Scalar(*context, "cluster");
  const std::string user_name = Scalar(*context, "user");
  if (cluster_name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("contexts[name=", context_name, "].context.cluster: required"));
  }
  KubeConfig config;
  if (std::string ns = Scalar(*context, "namespace"); !ns.empty()) config.ns = ns;

  absl::StatusOr<YAML::Node> cluster = NamedEntry(root, "clusters", "cluster", cluster_name);
  if (!cluster.ok()) return cluster.status();
  const std::string cluster_where = absl::StrCat("clusters[name=", cluster_name, "].cluster");
  if (absl::Status s = ParseServerUrl(Scalar(*cluster, "server"), config); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(cluster_where, ".server: ", s.message()));
  }
  absl::StatusOr<std::string> ca = PemField(*cluster, "certificate-authority", cluster_where,
                                            base_dir);
  if (!ca.ok()) return ca.status();
  config.ca_pem = std::move(*ca);
  config.insecure_skip_tls_verify = Scalar(*cluster, "insecure-skip-tls-verify") == "true";
  if (config.insecure_skip_tls_verify && !options.allow_insecure) {
    return absl::InvalidArgumentError(absl::StrCat(
        cluster_where,
        ".insecure-skip-tls-verify: refused (the API server would not be authenticated); "
        "give the cluster's CA, or pass --kube_allow_insecure for a throwaway cluster"));
  }
  if (config.ca_pem.empty() && !config.insecure_skip_tls_verify) {
    return absl::InvalidArgumentError(
        absl::StrCat(cluster_where, ": certificate-authority or certificate-authority-data "
                                    "required (the API server is verified against it)"));
  }

  if (!user_name.empty()) {
    absl::StatusOr<YAML::Node> user = NamedEntry(root, "users", "user", user_name);
    if (!user.ok()) return user.status();
    const std::string user_where = absl::StrCat("users[name=", user_name, "].user");
    config.token = Scalar(*user, "token");
    if (std::string file = Scalar(*user, "tokenFile"); !file.empty()) {
      config.token_file = Resolve(base_dir, file);
    }
    absl::StatusOr<std::string> cert = PemField(*user, "client-certificate", user_where, base_dir);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = PemField(*user, "client-key", user_where, base_dir);
    if (!key.ok()) return key.status();
    if (cert->empty() != key->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          user_where, ": client-certificate and client-key go together (one is missing)"));
    }
    config.client_cert_pem = std::move(*cert);
    config.client_key_pem = std::move(*key);
    if ((*user)["exec"].IsDefined() || (*user)["auth-provider"].IsDefined()) {
      if (config.token.empty() && config.token_file.empty() && config.client_cert_pem.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            user_where, ": exec and auth-provider plugins are not supported; use a token, "
                        "tokenFile or a client certificate"));
      }
    }
  }
  return config;
}

}  // namespace

absl::Status ParseServerUrl(const std::string& url, KubeConfig& config) {
  if (url.empty()) return absl::InvalidArgumentError("required");
  if (!absl::StartsWith(url, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url, "\" is not an https:// URL (plain HTTP is not supported)"));
  }
  std::string rest = url.substr(8);
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    if (rest.substr(slash) != "/") {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", url, "\": a path after the host is not supported"));
    }
    rest.resize(slash);
  }
  std::string host = rest;
  std::string port_text;
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("\"", url, "\": unclosed '['"));
    }
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') {
        return absl::InvalidArgumentError(absl::StrCat("\"", url, "\": junk after ']'"));
      }
      port_text = rest.substr(close + 2);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
  }
  int port = 443;
  if (!port_text.empty() && (!absl::SimpleAtoi(port_text, &port) || port < 1 || port > 65535)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", url, "\": bad port \"", port_text, "\""));
  }
  if (host.empty()) return absl::InvalidArgumentError(absl::StrCat("\"", url, "\": no host"));
  config.host = host;
  config.port = static_cast<uint16_t>(port);
  return absl::OkStatus();
}

absl::StatusOr<KubeConfig> LoadInClusterConfig(const InClusterPaths& paths, const EnvLookup& env) {
  const std::string host = env("KUBERNETES_SERVICE_HOST");
  const std::string port = env("KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    return absl::FailedPreconditionError(
        "not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST/PORT unset); "
        "pass --kubeconfig=PATH");
  }
  KubeConfig config;
  const bool v6 = host.find(':') != std::string::npos;
  if (absl::Status s = ParseServerUrl(
          absl::StrCat("https://", v6 ? "[" : "", host, v6 ? "]" : "", ":", port), config);
      !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT: ", s.message()));
  }
  absl::StatusOr<std::string> ca = ReadWholeFile(paths.ca, "service-account CA");
  if (!ca.ok()) return ca.status();
  config.ca_pem = std::move(*ca);
  absl::StatusOr<std::string> token = ReadWholeFile(paths.token, "service-account token");
  if (!token.ok()) return token.status();
  config.token_file = paths.token;
  if (absl::StatusOr<std::string> ns = ReadWholeFile(paths.ns, "namespace"); ns.ok()) {
    std::string trimmed(absl::StripAsciiWhitespace(*ns));
    if (!trimmed.empty()) config.ns = trimmed;
  }
  return config;
}

absl::StatusOr<KubeConfig> ParseKubeconfig(const std::string& text, const std::string& base_dir,
                                           const KubeconfigOptions& options) {
  try {
    return ParseKubeconfigNode(YAML::Load(text), base_dir, options);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("YAML syntax error: ", e.msg, " (line ", e.mark.line + 1, ")"));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read: ", e.what()));
  }
}

absl::StatusOr<KubeConfig> LoadKubeconfigFile(const std::string& path,
                                              const KubeconfigOptions& options) {
  absl::StatusOr<std::string> text = ReadWholeFile(path, "kubeconfig");
  if (!text.ok()) return text.status();
  const size_t slash = path.rfind('/');
  absl::StatusOr<KubeConfig> config =
      ParseKubeconfig(*text, slash == std::string::npos ? "." : path.substr(0, slash), options);
  if (!config.ok()) {
    return absl::Status(config.status().code(),
                        absl::StrCat("kubeconfig ", path, ": ", config.status().message()));
  }
  return config;
}

}  // namespace weft::control_plane::kube
