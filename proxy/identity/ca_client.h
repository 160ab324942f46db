#ifndef WEFT_PROXY_IDENTITY_CA_CLIENT_H_
#define WEFT_PROXY_IDENTITY_CA_CLIENT_H_

// How the proxy reaches the control plane's certificate authority: one
// asynchronous request at a time, so that CertificateClient can be tested
// against an in-memory CA on simulated time, and the real transport
// (GrpcCaClient, over weft.ca.v1.CertificateService) never blocks a dispatcher.
//
// Thread-safety: Send() may be called from any thread; `done` runs exactly
// once, on a thread of the implementation's choosing (gRPC's callback thread
// for GrpcCaClient), possibly before Send() returns. Destroying the client
// cancels outstanding requests and waits until their callbacks have run.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace weft::identity {

struct CaRequest {
  std::string csr_pem;
  absl::Duration lifetime;  // zero: the CA's default
  std::string token;        // secret: never log
};

struct CaResponse {
  std::string chain_pem;         // leaf first
  std::string trust_bundle_pem;  // every root to trust
  absl::Time expire_time;
  std::string spiffe_id;
};

class CaClient {
 public:
  using Callback = std::function<void(absl::StatusOr<CaResponse>)>;
  virtual ~CaClient() = default;
  virtual void Send(const CaRequest& request, Callback done) = 0;
};

}  // namespace weft::identity

#endif  // WEFT_PROXY_IDENTITY_CA_CLIENT_H_
