#ifndef WEFT_CONTROL_PLANE_XDS_ADS_TEST_CLIENT_H_
#define WEFT_CONTROL_PLANE_XDS_ADS_TEST_CLIENT_H_

// Test-only ADS client over real gRPC: a reader thread queues responses and Next()
// waits for one with a timeout, so tests never block unboundedly. Every call also
// carries an overall deadline.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "common/time/real_time_source.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/service/discovery/v3/ads.grpc.pb.h"

namespace weft::xds::testing {

inline constexpr absl::Duration kCallDeadline = absl::Seconds(30);

template <typename Request, typename Response>
class AdsTestStream {
 public:
  using Opener = std::function<std::unique_ptr<grpc::ClientReaderWriter<Request, Response>>(
      envoy::service::discovery::v3::AggregatedDiscoveryService::Stub*, grpc::ClientContext*)>;

  AdsTestStream(const std::string& target, Opener open) {
    channel_ = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
    stub_ = envoy::service::discovery::v3::AggregatedDiscoveryService::NewStub(channel_);
    context_.set_deadline(
        absl::ToChronoTime(RealTimeSource::Instance().SystemNow() + kCallDeadline));
    stream_ = open(stub_.get(), &context_);
    reader_ = std::thread([this] {
      Response r;
      while (stream_->Read(&r)) {
        std::lock_guard<std::mutex> lock(mu_);
        queue_.push_back(r);
        cv_.notify_all();
      }
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
      cv_.notify_all();
    });
  }
  ~AdsTestStream() {
    context_.TryCancel();
    reader_.join();
  }

  bool Send(const Request& request) { return stream_->Write(request); }

  // The next response, or nullopt if none arrives within `timeout`.
  std::optional<Response> Next(absl::Duration timeout = absl::Seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                 [this] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return std::nullopt;
    Response r = std::move(queue_.front());
    queue_.pop_front();
    return r;
  }

  // Half-closes and returns the call's final status (bounded by the deadline).
  grpc::Status Close() {
    stream_->WritesDone();
    reader_.join();
    reader_ = std::thread([] {});
    return stream_->Finish();
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<envoy::service::discovery::v3::AggregatedDiscoveryService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<Request, Response>> stream_;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Response> queue_;
  bool closed_ = false;
};

using SotwTestStream = AdsTestStream<envoy::service::discovery::v3::DiscoveryRequest,
                                     envoy::service::discovery::v3::DiscoveryResponse>;
using DeltaTestStream = AdsTestStream<envoy::service::discovery::v3::DeltaDiscoveryRequest,
                                      envoy::service::discovery::v3::DeltaDiscoveryResponse>;

std::unique_ptr<SotwTestStream> OpenSotw(const std::string& target);
std::unique_ptr<DeltaTestStream> OpenDelta(const std::string& target);

// A ClusterLoadAssignment for `cluster` with `endpoints` endpoints 10.0.x.y:8080.
envoy::config::endpoint::v3::ClusterLoadAssignment MakeAssignment(const std::string& cluster,
                                                                  int endpoints, int seed = 0);
// A listener named `name` on 0.0.0.0:`port`.
envoy::config::listener::v3::Listener MakeListener(const std::string& name, int port);

}  // namespace weft::xds::testing

#endif  // WEFT_CONTROL_PLANE_XDS_ADS_TEST_CLIENT_H_
