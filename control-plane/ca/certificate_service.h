#ifndef WEFT_CONTROL_PLANE_CA_CERTIFICATE_SERVICE_H_
#define WEFT_CONTROL_PLANE_CA_CERTIFICATE_SERVICE_H_

// weft.ca.v1.CertificateService over gRPC's callback API: converts the proto to
// a CertificateRequest, runs CertificateIssuer (a few hundred microseconds of
// ECDSA on the callback thread, no I/O besides one small token-file read) and
// maps absl status codes 1:1 to gRPC's.
//
//   CertificateService service(issuer);
//   XdsServer::Options options; options.extra_services.push_back(&service);
//
// Thread-safe. `issuer` must outlive the service.

#include "control-plane/ca/certificate_issuer.h"
#include "weft/ca/v1/ca.grpc.pb.h"

namespace weft::control_plane::ca {

class CertificateService final : public weft::ca::v1::CertificateService::CallbackService {
 public:
  explicit CertificateService(CertificateIssuer& issuer) : issuer_(issuer) {}

  grpc::ServerUnaryReactor* CreateCertificate(
      grpc::CallbackServerContext* context,
      const weft::ca::v1::CreateCertificateRequest* request,
      weft::ca::v1::CreateCertificateResponse* response) override;

 private:
  CertificateIssuer& issuer_;
};

}  // namespace weft::control_plane::ca

#endif  // WEFT_CONTROL_PLANE_CA_CERTIFICATE_SERVICE_H_
