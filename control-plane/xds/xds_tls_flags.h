#ifndef WEFT_CONTROL_PLANE_XDS_XDS_TLS_FLAGS_H_
#define WEFT_CONTROL_PLANE_XDS_XDS_TLS_FLAGS_H_

// mesh-control-plane's --xds_tls_* flags: the TLS port (15012) that serves ADS,
// MeshStatus and the CA like the plaintext --xds_address, with a server
// certificate from our CA for --xds_tls_dns_names, renewed by TlsServingFiles.
//
//   ASSIGN_OR_RETURN(XdsTls tls, XdsTlsFromFlags(authority.get(), dispatcher));
//   server_options.tls_address = tls.address;
//   if (tls.files) server_options.tls_credentials = tls.files->ServerCredentials();
//
// Call from main only, before `dispatcher` runs; `authority` and `dispatcher`
// must outlive the result.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/event/dispatcher.h"
#include "control-plane/ca/rotating_authority.h"
#include "control-plane/xds/tls_serving_files.h"

namespace weft::xds {

struct XdsTls {
  std::string address;                     // empty: the TLS port is off
  std::unique_ptr<TlsServingFiles> files;  // null when off
};

// Off (empty address) when --xds_tls_address is empty. kInvalidArgument naming
// the flag when it is set without a CA (authority null) or with no DNS names;
// the issuer's or the file writer's error otherwise.
absl::StatusOr<XdsTls> XdsTlsFromFlags(control_plane::ca::RotatingAuthority* authority,
                                       event::Dispatcher& dispatcher);

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_XDS_TLS_FLAGS_H_
