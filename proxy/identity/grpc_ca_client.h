#ifndef WEFT_PROXY_IDENTITY_GRPC_CA_CLIENT_H_
#define WEFT_PROXY_IDENTITY_GRPC_CA_CLIENT_H_

// CaClient over gRPC (weft.ca.v1.CertificateService/CreateCertificate) with
// gRPC's callback API: Send() returns at once and the answer arrives on a gRPC
// thread, so no proxy loop ever waits for the CA.
//
//   auto ca = GrpcCaClient::Create({"10.77.0.2:15010", absl::Seconds(10), &time});
//   (*ca)->Send(request, [](absl::StatusOr<CaResponse> r) { ... any thread ... });
//
// Plaintext by default (local mode, port 15010); TLS with options.credentials
// (control_plane_channel.h, port 15012). Thread-safe;
// the destructor cancels calls in flight and waits for their callbacks.

#include <memory>
#include <string>

#include <grpcpp/security/credentials.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "proxy/identity/ca_client.h"

namespace weft::identity {

class GrpcCaClient final : public CaClient {
 public:
  struct Options {
    std::string address;                     // host:port of the CA
    absl::Duration timeout = absl::Seconds(10);  // per request
    const TimeSource* time = nullptr;  // required; for deadlines; must outlive the client
    // Null: plaintext. server_name: the TLS name to check instead of the host.
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    std::string server_name;
  };

  // kInvalidArgument for an empty address or a non-positive timeout.
  static absl::StatusOr<std::unique_ptr<GrpcCaClient>> Create(const Options& options);
  ~GrpcCaClient() override;

  void Send(const CaRequest& request, Callback done) override;

 private:
  struct Impl;
  explicit GrpcCaClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace weft::identity

#endif  // WEFT_PROXY_IDENTITY_GRPC_CA_CLIENT_H_
