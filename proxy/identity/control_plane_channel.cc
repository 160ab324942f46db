#include "proxy/identity/control_plane_channel.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "certs/atomic_file.h"
#include "certs/x509_util.h"

namespace weft::identity {
namespace {
constexpr size_t kMaxRootFileBytes = 1 << 20;
}  // namespace

absl::StatusOr<ControlPlaneChannel> MakeControlPlaneChannel(const std::string& root_cert_file,
                                                            const std::string& server_name) {
  ControlPlaneChannel channel;
  if (root_cert_file.empty()) {
    if (!server_name.empty()) {
      return absl::InvalidArgumentError(
          "a server name to verify needs a root certificate (plaintext has nothing to verify)");
    }
    channel.credentials = grpc::InsecureChannelCredentials();
    return channel;
  }
  absl::StatusOr<std::string> pem = certs::ReadSmallFile(root_cert_file, kMaxRootFileBytes);
  if (!pem.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(root_cert_file, ": cannot read: ", pem.status().message()));
  }
  absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> roots = certs::ParseCertificatesPem(*pem);
  if (!roots.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(root_cert_file, ": not PEM root certificates: ", roots.status().message()));
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = *std::move(pem);
  channel.credentials = grpc::SslCredentials(ssl);
  channel.server_name = server_name;
  channel.tls = true;
  return channel;
}

}  // namespace weft::identity
