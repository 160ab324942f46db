#include "proxy/identity/control_plane_channel.h"

#include <memory>
#include <utility>

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include "common/log/log.h"

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
  std::string watched = root_cert_file;
  if (roots.ok()) {
    channel.roots = *std::move(roots);
    watched = channel.roots->copy_path();
  } else if (absl::IsInvalidArgument(roots.status())) {
    return roots.status();  // the file itself is unreadable or not PEM
  } else {
    // No writable $TMPDIR (a read-only root filesystem without a /tmp volume):
    // still follow the file, without the check of every new version.
    WEFT_LOG(kWarning,
             "--xds_root_cert: no checked copy (%s); gRPC reads %s itself, so an invalid "
             "version of it would fail new connections to the control plane",
             roots.status().message(), root_cert_file);
  }
  channel.root_refresh = root_refresh;
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      watched, static_cast<unsigned int>(absl::ToInt64Seconds(root_refresh)));
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
