#include "proxy/identity/control_plane_channel.h"

#include <memory>
#include <utility>

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

namespace weft::identity {

absl::StatusOr<ControlPlaneChannel> MakeControlPlaneChannel(const std::string& root_cert_file,
                                                            const std::string& server_name,
                                                            absl::Duration root_refresh) {
  ControlPlaneChannel channel;
  if (root_cert_file.empty()) {
    if (!server_name.empty()) {
      return absl::InvalidArgumentError(
          "a server name to verify needs a root certificate (plaintext has nothing to verify)");
    }
    channel.credentials = grpc::InsecureChannelCredentials();
    return channel;
  }
  if (root_refresh < absl::Seconds(1)) {
    return absl::InvalidArgumentError("the root file refresh interval must be at least 1s");
  }
  absl::StatusOr<std::unique_ptr<RootFileMirror>> roots =
      RootFileMirror::Create(root_cert_file, /*directory=*/"");
  if (!roots.ok()) return roots.status();
  channel.roots = *std::move(roots);
  channel.root_refresh = root_refresh;
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      channel.roots->copy_path(), static_cast<unsigned int>(absl::ToInt64Seconds(root_refresh)));
  grpc::experimental::TlsChannelCredentialsOptions tls;
  tls.set_certificate_provider(std::move(provider));
  tls.watch_root_certs();
  tls.set_verify_server_certs(true);  // the chain, and the dialled (or overridden) name
  channel.credentials = grpc::experimental::TlsCredentials(tls);
  channel.server_name = server_name;
  channel.tls = true;
  return channel;
}

}  // namespace weft::identity
