#ifndef WEFT_PROXY_IDENTITY_CONTROL_PLANE_CHANNEL_H_
#define WEFT_PROXY_IDENTITY_CONTROL_PLANE_CHANNEL_H_

// How mesh-proxy reaches the control plane (the ADS stream and the CA): over TLS
// trusting the mesh root(s) in --xds_root_cert, checking that the server's
// certificate names the host it dials (or --xds_server_name); or, without a
// root, in plaintext as in local mode. Client certificates are never sent: the
// CA authenticates the proxy by its token.
//
//   ASSIGN_OR_RETURN(ControlPlaneChannel c, MakeControlPlaneChannel(root_file, ""));
//   ads_options.credentials = c.credentials; ads_options.server_name = c.server_name;
//   ca_options.credentials = c.credentials;  ca_options.server_name = c.server_name;
//
// Thread-safe (pure apart from reading the file).

#include <memory>
#include <string>

#include <grpcpp/security/credentials.h>

#include "absl/status/statusor.h"

namespace weft::identity {

struct ControlPlaneChannel {
  std::shared_ptr<grpc::ChannelCredentials> credentials;  // never null
  std::string server_name;  // name to verify instead of the address's host; empty: the host
  bool tls = false;
};

// root_cert_file empty: insecure (server_name must then be empty too). Otherwise
// kInvalidArgument when the file cannot be read or holds no valid PEM
// certificate (the message names the path, not the flag).
absl::StatusOr<ControlPlaneChannel> MakeControlPlaneChannel(const std::string& root_cert_file,
                                                            const std::string& server_name);

}  // namespace weft::identity

#endif  // WEFT_PROXY_IDENTITY_CONTROL_PLANE_CHANNEL_H_
