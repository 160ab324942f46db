#include "proxy/identity/certificate_client.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "certs/atomic_file.h"
#include "certs/trust_bundle.h"
#include "common/log/log.h"
#include "openssl/bio.h"
#include "openssl/pem.h"
#include "openssl/x509.h"

namespace weft::identity {
namespace {

constexpr size_t kMaxTokenFile = 8 * 1024;

// True when the chain's first certificate carries the public half of `key`.
bool LeafHoldsKey(const std::string& chain_pem, const certs::KeyPair& key) {
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(chain_pem.data(), chain_pem.size()));
  if (bio == nullptr) return false;
  bssl::UniquePtr<X509> leaf(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  return leaf != nullptr && X509_check_private_key(leaf.get(), key.key()) == 1;
}

}  // namespace

absl::Status CertificateClient::ValidateOptions(const Options& o) {
  std::vector<std::string> problems;
  if (absl::StatusOr<certs::SpiffeId> id =
          certs::SpiffeId::Create(o.trust_domain, o.namespace_name, o.service_account);
      !id.ok()) {
    problems.push_back(absl::StrCat("identity: ", id.status().message()));
  }
  if (o.token_file.empty()) problems.push_back("token_file: empty (the proof of identity)");
  if (o.requested_lifetime < absl::ZeroDuration()) problems.push_back("requested_lifetime: negative");
  if (!(o.renew_fraction > 0 && o.renew_fraction < 1)) {
    problems.push_back("renew_fraction: must be in (0, 1)");
  }
  if (!(o.jitter_fraction >= 0 && o.jitter_fraction < 1)) {
    problems.push_back("jitter_fraction: must be in [0, 1)");
  }
  if (o.initial_backoff <= absl::ZeroDuration()) problems.push_back("initial_backoff: must be positive");
  if (o.max_backoff < o.initial_backoff) problems.push_back("max_backoff: below initial_backoff");
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("certificate client options: ", absl::StrJoin(problems, "; ")));
}

absl::StatusOr<std::unique_ptr<CertificateClient>> CertificateClient::Create(
    const Options& options, event::Dispatcher& dispatcher, CaClient& ca, RandomGenerator& random) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  certs::SpiffeId id =
      *certs::SpiffeId::Create(options.trust_domain, options.namespace_name, options.service_account);
  return std::unique_ptr<CertificateClient>(
      new CertificateClient(options, std::move(id), dispatcher, ca, random));
}

CertificateClient::CertificateClient(const Options& options, certs::SpiffeId identity,
                                     event::Dispatcher& dispatcher, CaClient& ca,
                                     RandomGenerator& random)
    : options_(options),
      identity_(std::move(identity)),
      dispatcher_(dispatcher),
      ca_(ca),
      random_(random),
      self_(std::make_shared<CertificateClient*>(this)) {
  timer_ = dispatcher_.CreateTimer([this] { Attempt(); });
}

CertificateClient::~CertificateClient() = default;

void CertificateClient::AddListener(Listener listener) {
  if (std::shared_ptr<const WorkloadCertificate> cert = current(); cert != nullptr) listener(cert);
  listeners_.push_back(std::move(listener));
}

void CertificateClient::Start() { Attempt(); }

double CertificateClient::Jitter() {
  constexpr uint64_t kSteps = 1u << 20;
  return 2.0 * static_cast<double>(random_.Uniform(kSteps + 1)) / kSteps - 1.0;
}

void CertificateClient::ScheduleIn(absl::Duration delay) {
  delay = std::max(delay, absl::ZeroDuration());
  {
    weft::MutexLock lock(&mu_);
    next_attempt_ = dispatcher_.time_source().SystemNow() + delay;
  }
  timer_->Enable(delay);
}

void CertificateClient::Attempt() {
  if (pending_key_ != nullptr) return;  // one request at a time
  absl::StatusOr<std::string> token = certs::ReadSmallFile(options_.token_file, kMaxTokenFile);
  if (!token.ok()) {
    OnFailure(absl::Status(token.status().code(),
                           absl::StrCat("identity token file: ", token.status().message())));
    return;
  }
  absl::StatusOr<certs::KeyPair> key = certs::KeyPair::GenerateP256();
  if (!key.ok()) return OnFailure(key.status());
  absl::StatusOr<std::string> csr = certs::CreateCsrPem(*key, identity_);
  if (!csr.ok()) return OnFailure(csr.status());
  pending_key_ = std::make_unique<certs::KeyPair>(*std::move(key));
  {
    weft::MutexLock lock(&mu_);
    next_attempt_ = absl::InfiniteFuture();
  }
  CaRequest request{*std::move(csr), options_.requested_lifetime,
                    std::string(absl::StripAsciiWhitespace(*token))};
  std::weak_ptr<CertificateClient*> weak = self_;
  event::Dispatcher* dispatcher = &dispatcher_;
  ca_.Send(request, [weak, dispatcher](absl::StatusOr<CaResponse> response) {
    dispatcher->Post([weak, response = std::move(response)]() mutable {
      if (std::shared_ptr<CertificateClient*> self = weak.lock()) {
        (*self)->OnResponse(std::move(response));
      }
    });
  });
}

absl::StatusOr<std::shared_ptr<const WorkloadCertificate>> CertificateClient::Accept(
    const CaResponse& r) {
  const absl::Time now = dispatcher_.time_source().SystemNow();
  absl::StatusOr<certs::TrustBundle> bundle =
      certs::TrustBundle::FromPem(identity_.trust_domain(), r.trust_bundle_pem);
  if (!bundle.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the CA's trust bundle is unusable: ", bundle.status().message()));
  }
  if (bundle->empty()) return absl::InvalidArgumentError("the CA sent an empty trust bundle");
  absl::StatusOr<certs::SpiffeId> id = certs::VerifyWorkloadChain(r.chain_pem, *bundle, now);
  if (!id.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the CA's certificate does not verify: ", id.status().message()));
  }
  if (*id != identity_) {
    return absl::InvalidArgumentError(absl::StrCat("the CA issued ", id->ToString(),
                                                   ", not ", identity_.ToString()));
  }
  if (!LeafHoldsKey(r.chain_pem, *pending_key_)) {
    return absl::InvalidArgumentError("the CA's certificate is not for our key");
  }
  if (r.expire_time <= now) return absl::InvalidArgumentError("the CA's certificate has expired");
  auto cert = std::make_shared<WorkloadCertificate>(WorkloadCertificate{
      identity_, r.chain_pem, std::move(*pending_key_), r.trust_bundle_pem, r.expire_time, now});
  return std::shared_ptr<const WorkloadCertificate>(std::move(cert));
}

void CertificateClient::OnResponse(absl::StatusOr<CaResponse> response) {
  if (!response.ok()) {
    pending_key_.reset();
    return OnFailure(response.status());
  }
  absl::StatusOr<std::shared_ptr<const WorkloadCertificate>> cert = Accept(*response);
  pending_key_.reset();
  if (!cert.ok()) return OnFailure(cert.status());
  {
    weft::MutexLock lock(&mu_);
    current_ = *cert;
    ++received_;
    consecutive_failures_ = 0;
    last_error_ = absl::OkStatus();
  }
  const absl::Duration remaining = (*cert)->not_after - (*cert)->received_at;
  const absl::Duration delay =
      remaining * options_.renew_fraction * (1.0 + options_.jitter_fraction * Jitter());
  WEFT_LOG(kInfo, "identity: certificate for %s valid until %s; renewing in %s",
           identity_.ToString(),
           absl::FormatTime(absl::RFC3339_sec, (*cert)->not_after, absl::UTCTimeZone()),
           absl::FormatDuration(absl::Trunc(delay, absl::Seconds(1))));
  ScheduleIn(delay);
  for (const Listener& listener : listeners_) listener(*cert);
}

void CertificateClient::OnFailure(absl::Status status) {
  uint64_t failures;
  bool have_cert;
  {
    weft::MutexLock lock(&mu_);
    failures = ++consecutive_failures_;
    ++total_failures_;
    last_error_ = status;
    have_cert = current_ != nullptr;
  }
  absl::Duration backoff = options_.initial_backoff;
  for (uint64_t i = 1; i < failures && backoff < options_.max_backoff; ++i) backoff *= 2;
  backoff = std::min(backoff, options_.max_backoff);
  // Shorten by up to jitter_fraction so that proxies restarted together spread out.
  backoff *= 1.0 - options_.jitter_fraction * (Jitter() + 1.0) / 2.0;
  WEFT_LOG(kWarning, "identity: certificate request for %s failed (%s); %s; retrying in %s",
           identity_.ToString(), status.ToString(),
           have_cert ? "keeping the current certificate" : "no certificate yet",
           absl::FormatDuration(absl::Trunc(backoff, absl::Milliseconds(1))));
  ScheduleIn(backoff);
}

std::shared_ptr<const WorkloadCertificate> CertificateClient::current() const {
  weft::MutexLock lock(&mu_);
  return current_;
}
absl::Time CertificateClient::expiry() const {
  weft::MutexLock lock(&mu_);
  return current_ == nullptr ? absl::InfinitePast() : current_->not_after;
}
uint64_t CertificateClient::certificates_received() const {
  weft::MutexLock lock(&mu_);
  return received_;
}
uint64_t CertificateClient::consecutive_failures() const {
  weft::MutexLock lock(&mu_);
  return consecutive_failures_;
}
uint64_t CertificateClient::total_failures() const {
  weft::MutexLock lock(&mu_);
  return total_failures_;
}
absl::Status CertificateClient::last_error() const {
  weft::MutexLock lock(&mu_);
  return last_error_;
}
absl::Time CertificateClient::next_attempt() const {
  weft::MutexLock lock(&mu_);
  return next_attempt_;
}

}  // namespace weft::identity
