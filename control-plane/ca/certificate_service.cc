#include "control-plane/ca/certificate_service.h"

#include <string>

namespace weft::control_plane::ca {

grpc::ServerUnaryReactor* CertificateService::CreateCertificate(
    grpc::CallbackServerContext* context, const weft::ca::v1::CreateCertificateRequest* request,
    weft::ca::v1::CreateCertificateResponse* response) {
  CertificateRequest req;
  req.csr_pem = request->csr_pem();
  req.token = request->identity_token();
  req.peer = context->peer();
  if (request->has_requested_lifetime()) {
    req.lifetime = absl::Seconds(request->requested_lifetime().seconds()) +
                   absl::Nanoseconds(request->requested_lifetime().nanos());
  }
  absl::StatusOr<IssuedResponse> issued = issuer_.Issue(req);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!issued.ok()) {
    reactor->Finish(grpc::Status(static_cast<grpc::StatusCode>(issued.status().code()),
                                 std::string(issued.status().message())));
    return reactor;
  }
  response->set_certificate_chain_pem(issued->chain_pem);
  response->set_trust_bundle_pem(issued->trust_bundle_pem);
  response->set_spiffe_id(issued->spiffe_id);
  const int64_t nanos = absl::ToUnixNanos(issued->not_after);
  response->mutable_expire_time()->set_seconds(nanos / 1000000000);
  response->mutable_expire_time()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace weft::control_plane::ca
