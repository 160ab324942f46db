#include "control-plane/translate/route_resilience.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "control-plane/translate/names.h"
#include "envoy/extensions/filters/http/fault/v3/fault.pb.h"
#include "envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.pb.h"

namespace weft::control_plane {
namespace {

using envoy::config::route::v3::Route;
using envoy::type::v3::FractionalPercent;
using LocalRateLimit = envoy::extensions::filters::http::local_ratelimit::v3::LocalRateLimit;
using HTTPFault = envoy::extensions::filters::http::fault::v3::HTTPFault;

constexpr char kRateLimitFilter[] = "envoy.filters.http.local_ratelimit";
constexpr char kFaultFilter[] = "envoy.filters.http.fault";

// A percentage in millionths (the policy allows fractions such as 0.5%).
void SetPercent(double percent, FractionalPercent* out) {
  out->set_numerator(static_cast<uint32_t>(std::llround(percent * 10'000)));
  out->set_denominator(FractionalPercent::MILLION);
}

void SetHashKey(const HashKey& key, ClientKind kind, Route& route,
                std::vector<std::string>& dropped) {
  auto* hash = route.mutable_route()->add_hash_policy();
  if (!key.header.empty()) {
    hash->mutable_header()->set_header_name(key.header);
    return;
  }
  if (kind == ClientKind::kProxyless) {
    route.mutable_route()->clear_hash_policy();
    dropped.push_back("cookie and sourceIP hash keys");
    return;
  }
  if (!key.cookie.empty()) {
    hash->mutable_cookie()->set_name(key.cookie);
  } else {
    hash->mutable_connection_properties()->set_source_ip(true);
  }
}

void SetRateLimit(const RateLimitPolicy& limit, Route& route) {
  LocalRateLimit config;
  config.set_stat_prefix("http_local_rate_limiter");
  auto* bucket = config.mutable_token_bucket();
  bucket->set_max_tokens(static_cast<uint32_t>(limit.requests_per_unit));
  bucket->mutable_tokens_per_fill()->set_value(static_cast<uint32_t>(limit.requests_per_unit));
  SetProtoDuration(limit.unit, bucket->mutable_fill_interval());
  for (auto* fraction : {config.mutable_filter_enabled(), config.mutable_filter_enforced()}) {
    fraction->mutable_default_value()->set_numerator(100);
    fraction->mutable_default_value()->set_denominator(FractionalPercent::HUNDRED);
  }
  (*route.mutable_typed_per_filter_config())[kRateLimitFilter].PackFrom(config);
  if (limit.per_source) {
    auto& weft = (*route.mutable_metadata()->mutable_filter_metadata())["weft"];
    (*weft.mutable_fields())["rate_limit_per_source"].set_bool_value(true);
  }
}

void SetFault(const FaultInjectionPolicy& fault, Route& route) {
  HTTPFault config;
  if (fault.delay) {
    SetProtoDuration(fault.delay->fixed_delay, config.mutable_delay()->mutable_fixed_delay());
    SetPercent(fault.delay->percent, config.mutable_delay()->mutable_percentage());
  }
  if (fault.abort) {
    auto* abort = config.mutable_abort();
    if (fault.abort->http_status) {
      abort->set_http_status(static_cast<uint32_t>(*fault.abort->http_status));
    } else if (fault.abort->grpc_status) {
      abort->set_grpc_status(static_cast<uint32_t>(*fault.abort->grpc_status));
    }
    SetPercent(fault.abort->percent, abort->mutable_percentage());
  }
  (*route.mutable_typed_per_filter_config())[kFaultFilter].PackFrom(config);
}

}  // namespace

void ApplyRouteResilience(const TrafficPolicy& policy, ClientKind kind,
                          const std::string& route_name, Route& route,
                          std::vector<std::string>* warnings) {
  if (!route.has_route()) return;  // redirects and direct responses do not forward
  std::vector<std::string> dropped;
  if (policy.load_balancer && policy.load_balancer->hash_key) {
    SetHashKey(*policy.load_balancer->hash_key, kind, route, dropped);
  }
  if (policy.rate_limit) {
    if (kind == ClientKind::kProxyless) {
      dropped.push_back("rateLimit");
    } else {
      SetRateLimit(*policy.rate_limit, route);
    }
  }
  if (policy.fault_injection) {
    if (kind == ClientKind::kProxyless) {
      dropped.push_back("faultInjection");
    } else {
      SetFault(*policy.fault_injection, route);
    }
  }
  if (warnings != nullptr && !dropped.empty()) {
    warnings->push_back(absl::StrCat(route_name, ": proxyless gRPC clients get no ",
                                     absl::StrJoin(dropped, " or "),
                                     " from TrafficPolicy ", policy.meta.name,
                                     "; left out for them"));
  }
}

}  // namespace weft::control_plane
