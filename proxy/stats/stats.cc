#include "proxy/stats/stats.h"

namespace weft::stats {

Counter& Scope::counter(const std::string& name) {
  weft::MutexLock lock(&mu_);
  return counters_[name];
}

Gauge& Scope::gauge(const std::string& name) {
  weft::MutexLock lock(&mu_);
  return gauges_[name];
}

Scope& Store::CreateScope() {
  weft::MutexLock lock(&mu_);
  scopes_.push_back(std::make_unique<Scope>());
  return *scopes_.back();
}

std::map<std::string, Store::Value> Store::Snapshot() const {
  std::map<std::string, Value> out;
  weft::MutexLock lock(&mu_);
  for (const auto& scope : scopes_) {
    weft::MutexLock scope_lock(&scope->mu_);
    for (const auto& [name, c] : scope->counters_) {
      Value& v = out.try_emplace(name, Value{false, 0}).first->second;
      v.value += static_cast<int64_t>(c.value());
    }
    for (const auto& [name, g] : scope->gauges_) {
      Value& v = out.try_emplace(name, Value{true, 0}).first->second;
      v.value += g.value();
    }
  }
  return out;
}

}  // namespace weft::stats
