#include "proxy/identity/grpc_ca_client.h"

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <set>

#include "absl/strings/str_cat.h"
#include "weft/ca/v1/ca.grpc.pb.h"

namespace weft::identity {

namespace v1 = weft::ca::v1;

struct GrpcCaClient::Impl {
  Options options;
  std::unique_ptr<v1::CertificateService::Stub> stub;
  weft::Mutex mu;
  std::condition_variable_any idle;
  std::set<grpc::ClientContext*> in_flight ABSL_GUARDED_BY(mu);
};

namespace {

// One call's state; deleted by its completion callback.
struct Call {
  grpc::ClientContext context;
  v1::CreateCertificateRequest request;
  v1::CreateCertificateResponse response;
  CaClient::Callback done;
};

absl::StatusOr<CaResponse> ToResponse(const grpc::Status& status,
                                      const v1::CreateCertificateResponse& r,
                                      const std::string& address) {
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("CA at ", address, ": ", status.error_message()));
  }
  CaResponse out;
  out.chain_pem = r.certificate_chain_pem();
  out.trust_bundle_pem = r.trust_bundle_pem();
  out.expire_time = absl::FromUnixSeconds(r.expire_time().seconds()) +
                    absl::Nanoseconds(r.expire_time().nanos());
  out.spiffe_id = r.spiffe_id();
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcCaClient>> GrpcCaClient::Create(const Options& options) {
  if (options.address.empty()) return absl::InvalidArgumentError("the CA address is empty");
  if (options.time == nullptr) return absl::InvalidArgumentError("no time source");
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the CA request timeout must be positive");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  grpc::ChannelArguments args;
  if (!options.server_name.empty()) args.SetSslTargetNameOverride(options.server_name);
  impl->stub = v1::CertificateService::NewStub(grpc::CreateCustomChannel(
      options.address,
      options.credentials != nullptr ? options.credentials : grpc::InsecureChannelCredentials(),
      args));
  return std::unique_ptr<GrpcCaClient>(new GrpcCaClient(std::move(impl)));
}

GrpcCaClient::GrpcCaClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GrpcCaClient::~GrpcCaClient() {
  std::unique_lock<weft::Mutex> lock(impl_->mu);
  for (grpc::ClientContext* c : impl_->in_flight) c->TryCancel();
  impl_->idle.wait(lock, [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return impl_->in_flight.empty();
  });
}

void GrpcCaClient::Send(const CaRequest& request, Callback done) {
  auto* call = new Call;
  call->request.set_csr_pem(request.csr_pem);
  call->request.set_identity_token(request.token);
  if (request.lifetime > absl::ZeroDuration()) {
    call->request.mutable_requested_lifetime()->set_seconds(
        absl::ToInt64Seconds(request.lifetime));
  }
  call->done = std::move(done);
  // gRPC takes deadlines on the system clock.
  call->context.set_deadline(
      absl::ToChronoTime(impl_->options.time->SystemNow() + impl_->options.timeout));
  {
    weft::MutexLock lock(&impl_->mu);
    impl_->in_flight.insert(&call->context);
  }
  Impl* impl = impl_.get();
  impl->stub->async()->CreateCertificate(
      &call->context, &call->request, &call->response, [impl, call](grpc::Status status) {
        call->done(ToResponse(status, call->response, impl->options.address));
        weft::MutexLock lock(&impl->mu);
        impl->in_flight.erase(&call->context);
        delete call;
        impl->idle.notify_all();
      });
}

}  // namespace weft::identity
