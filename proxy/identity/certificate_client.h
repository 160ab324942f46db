#ifndef WEFT_PROXY_IDENTITY_CERTIFICATE_CLIENT_H_
#define WEFT_PROXY_IDENTITY_CERTIFICATE_CLIENT_H_

// Keeps the proxy's workload certificate: makes a fresh ECDSA P-256 key (it
// never leaves the proxy), sends a CSR for the proxy's SPIFFE ID with its join
// token to the CA, checks the answer (the chain verifies against the returned
// bundle, names our identity and holds our key), publishes it, and renews it at
// half its remaining lifetime, with jitter. When the CA is unreachable or
// refuses, the current certificate stays in use and the request is retried with
// exponential backoff (jittered) until it succeeds.
//
//   CertificateClient::Options options;
//   options.identity = *certs::SpiffeId::Create("cluster.local", "shop", "cart");
//   options.token_file = "/var/run/weft/join-token";
//   auto client = CertificateClient::Create(options, dispatcher, ca_client, random);
//   (*client)->AddListener([&](std::shared_ptr<const WorkloadCertificate> cert) {
//     tls_context_manager.Swap(cert);  // the TLS layer swaps its context here
//   });
//   (*client)->Start();
//
// Why a dispatcher and not a thread: renewal is a timer and a callback, a few
// times a day; the proxy's main dispatcher already owns timers, tests drive it
// on simulated time (FakeDispatcher), and listeners run on a known thread. The
// CA call is asynchronous (CaClient; gRPC's callback API) and its answer is
// posted back to the dispatcher, so the loop never waits for the network. The
// only blocking work on the loop is reading the small token file and ~100 us of
// key generation per renewal.
//
// Threading: Create/Start/AddListener, listeners and the destructor run on the
// dispatcher's thread. current(), expiry() and the counters are thread-safe
// (TLS workers and the stats thread read them). `dispatcher`, `ca` and `random`
// are borrowed and must outlive the client; `ca` must also outlive it so its
// callbacks find the dispatcher (destroy the client first, then the CaClient).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certs/key_pair.h"
#include "certs/spiffe_id.h"
#include "common/event/dispatcher.h"
#include "common/random/random.h"
#include "common/sync/mutex.h"
#include "proxy/identity/ca_client.h"

namespace weft::identity {

// One certificate with its key and the roots to trust. Immutable once published.
struct WorkloadCertificate {
  certs::SpiffeId identity;
  std::string chain_pem;         // leaf first
  certs::KeyPair key;            // secret: never log
  std::string trust_bundle_pem;  // every root the mesh trusts now
  absl::Time not_after;
  absl::Time received_at;
};

class CertificateClient {
 public:
  struct Options {
    // The identity to ask for. Required (the CA refuses any other).
    std::string trust_domain = "cluster.local";
    std::string namespace_name;
    std::string service_account;
    // A file holding the proof of identity (local mode: the join token; read
    // afresh before every request, so the runtime may replace it).
    std::string token_file;
    absl::Duration requested_lifetime = absl::ZeroDuration();  // zero: the CA's default
    // Renew after this fraction of the remaining lifetime ...
    double renew_fraction = 0.5;
    // ... times (1 + u), u uniform in [-jitter_fraction, +jitter_fraction].
    double jitter_fraction = 0.1;
    // Retry delays: initial_backoff * 2^(failures-1), capped at max_backoff,
    // each shortened by up to jitter_fraction at random.
    absl::Duration initial_backoff = absl::Seconds(1);
    absl::Duration max_backoff = absl::Seconds(60);
  };

  using Listener = std::function<void(std::shared_ptr<const WorkloadCertificate>)>;

  // kInvalidArgument naming every bad option at once.
  static absl::Status ValidateOptions(const Options& options);
  static absl::StatusOr<std::unique_ptr<CertificateClient>> Create(
      const Options& options, event::Dispatcher& dispatcher, CaClient& ca,
      RandomGenerator& random);
  ~CertificateClient();

  CertificateClient(const CertificateClient&) = delete;
  CertificateClient& operator=(const CertificateClient&) = delete;

  // Called with every new certificate (on the dispatcher thread), and at once
  // with the current one if there is one.
  void AddListener(Listener listener);

  // Requests the first certificate now.
  void Start();

  // Null until the first certificate arrives.
  std::shared_ptr<const WorkloadCertificate> current() const;
  // notAfter of the current certificate; InfinitePast when there is none.
  absl::Time expiry() const;
  uint64_t certificates_received() const;
  uint64_t consecutive_failures() const;
  uint64_t total_failures() const;
  absl::Status last_error() const;
  // When the next request is due (renewal or retry); InfiniteFuture while one is in flight.
  absl::Time next_attempt() const;

  const certs::SpiffeId& identity() const { return identity_; }

 private:
  CertificateClient(const Options& options, certs::SpiffeId identity,
                    event::Dispatcher& dispatcher, CaClient& ca, RandomGenerator& random);

  void Attempt();
  void OnResponse(absl::StatusOr<CaResponse> response);
  void OnFailure(absl::Status status);
  absl::StatusOr<std::shared_ptr<const WorkloadCertificate>> Accept(const CaResponse& response);
  void ScheduleIn(absl::Duration delay);
  double Jitter();  // uniform in [-1, 1]

  const Options options_;
  const certs::SpiffeId identity_;
  event::Dispatcher& dispatcher_;
  CaClient& ca_;
  RandomGenerator& random_;
  std::unique_ptr<event::Timer> timer_;
  std::vector<Listener> listeners_;
  std::unique_ptr<certs::KeyPair> pending_key_;  // the key of the request in flight
  // Posted callbacks hold a weak reference: a late CA answer after destruction is dropped.
  std::shared_ptr<CertificateClient*> self_;

  mutable weft::Mutex mu_;
  std::shared_ptr<const WorkloadCertificate> current_ ABSL_GUARDED_BY(mu_);
  uint64_t received_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t total_failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  absl::Time next_attempt_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
};

}  // namespace weft::identity

#endif  // WEFT_PROXY_IDENTITY_CERTIFICATE_CLIENT_H_
