#ifndef WEFT_CONTROL_PLANE_KUBE_CA_ROOT_PUBLISHER_H_
#define WEFT_CONTROL_PLANE_KUBE_CA_ROOT_PUBLISHER_H_

// Keeps ConfigMap weft-ca-root (key root-cert.pem: the CA's trust bundle, public
// root certificates only, never a key) in every namespace but the cluster's own
// (kube-system, kube-public, kube-node-lease), like Istio's istio-ca-root-cert:
// injected proxies mount it (--xds_root_cert) to check the control plane's TLS
// port 15012. ConfigMaps cannot be mounted across namespaces, hence one per
// namespace. Every pass lists the namespaces and writes (merge PATCH, or POST
// when missing) where the bundle differs from what this replica last wrote; a
// failed write is retried on the next pass. Only while `is_leader` says so; a
// replica that is not leader forgets what it wrote.
//
//   CaRootPublisher publisher({}, *transport, sleeper, [&] { return authority.TrustBundlePem(); },
//                             [&] { return elector.IsLeader(); });
//   std::thread t([&] { publisher.Run(); });  ...  publisher.Stop(); t.join();
// or, owning the thread and the transport:
//   auto running = CaRootPublisher::StartThread(api.transports, bundle, is_leader);
//
// Threading: Run (and PublishPass) on one thread; Stop and writes() from any.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "common/sync/mutex.h"
#include "control-plane/kube/api_transport.h"
#include "control-plane/kube/kube_source.h"
#include "control-plane/kube/sleeper.h"

namespace weft::control_plane::kube {

class CaRootPublisher {
 public:
  struct Options {
    absl::Duration pass_interval = absl::Seconds(10);
    std::set<std::string> skip_namespaces = {"kube-system", "kube-public", "kube-node-lease"};
  };
  using BundleSource = std::function<std::string()>;  // PEM; empty: nothing to publish yet
  using IsLeader = std::function<bool()>;

  CaRootPublisher(Options options, ApiTransport& transport, Sleeper& sleeper, BundleSource bundle,
                  IsLeader is_leader)
      : options_(std::move(options)),
        transport_(transport),
        sleeper_(sleeper),
        bundle_(std::move(bundle)),
        is_leader_(std::move(is_leader)) {}

  // One pass at once, then one every pass_interval until Stop.
  void Run();
  void PublishPass();
  void Stop();

  uint64_t writes() const {
    weft::MutexLock lock(&mu_);
    return writes_;
  }

  // A publisher on its own thread and API connection; destroying it stops and joins.
  class Running;
  static std::unique_ptr<Running> StartThread(const KubeSource::TransportFactory& transports,
                                              BundleSource bundle, IsLeader is_leader);

 private:
  // true when the namespace now holds `bundle`.
  bool Write(const std::string& ns, const std::string& bundle);

  const Options options_;
  ApiTransport& transport_;
  Sleeper& sleeper_;
  const BundleSource bundle_;
  const IsLeader is_leader_;
  std::map<std::string, std::string> written_;  // namespace -> bundle (Run's thread only)
  mutable weft::Mutex mu_;
  uint64_t writes_ ABSL_GUARDED_BY(mu_) = 0;
};

class CaRootPublisher::Running {
 public:
  ~Running();

 private:
  friend class CaRootPublisher;
  std::unique_ptr<ApiTransport> transport_;
  CondVarSleeper sleeper_;
  std::unique_ptr<CaRootPublisher> publisher_;
  std::thread thread_;
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_CA_ROOT_PUBLISHER_H_
