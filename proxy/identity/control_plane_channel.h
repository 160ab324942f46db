#ifndef WEFT_PROXY_IDENTITY_CONTROL_PLANE_CHANNEL_H_
#define WEFT_PROXY_IDENTITY_CONTROL_PLANE_CHANNEL_H_

// How mesh-proxy reaches the control plane (the ADS stream and the CA): over TLS
// trusting the mesh root(s) in --xds_root_cert, checking that the server's
// certificate names the host it dials (or --xds_server_name); or, without a
// root, in plaintext as in local mode. Client certificates are never sent: the
// CA authenticates the proxy by its token.
//
// The roots can change while the proxy runs: during a root rotation the kubelet
// rewrites the mounted ConfigMap with the new bundle. gRPC reads a checked copy
// of the file (RootFileMirror) every `root_refresh`; once the mirror is started
// it refreshes the copy as often, so the next handshake trusts the new roots
// without a restart, and a file that turns unreadable or invalid keeps the
// roots last accepted.
//
//   ASSIGN_OR_RETURN(ControlPlaneChannel c, MakeControlPlaneChannel(root_file, ""));
//   if (c.roots) c.roots->Start(main_dispatcher, c.root_refresh);
//   ads_options.credentials = c.credentials; ads_options.server_name = c.server_name;
//   ca_options.credentials = c.credentials;  ca_options.server_name = c.server_name;
//
// Thread-safe (MakeControlPlaneChannel reads and writes files only).

#include <memory>
#include <string>

#include <grpcpp/security/credentials.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "proxy/identity/root_file_mirror.h"

namespace weft::identity {

struct ControlPlaneChannel {
  std::shared_ptr<grpc::ChannelCredentials> credentials;  // never null
  std::string server_name;  // name to verify instead of the address's host; empty: the host
  bool tls = false;
  // With TLS: the copy gRPC reads. Null when no copy could be written (no
  // writable $TMPDIR): gRPC then reads --xds_root_cert itself.
  std::shared_ptr<RootFileMirror> roots;
  absl::Duration root_refresh;            // how often gRPC reads it (start `roots` alike)
};

inline constexpr absl::Duration kDefaultRootRefresh = absl::Seconds(10);

// root_cert_file empty: insecure (server_name must then be empty too). Otherwise
// kInvalidArgument when the file cannot be read or holds no valid PEM
// certificate now (the message names the path, not the flag), or when
// root_refresh is under a second. A copy that cannot be written is logged, and
// gRPC then watches the file itself.
absl::StatusOr<ControlPlaneChannel> MakeControlPlaneChannel(
    const std::string& root_cert_file, const std::string& server_name,
    absl::Duration root_refresh = kDefaultRootRefresh);

}  // namespace weft::identity

#endif  // WEFT_PROXY_IDENTITY_CONTROL_PLANE_CHANNEL_H_
