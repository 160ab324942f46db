#ifndef WEFT_CONTROL_PLANE_MONITORING_SOURCE_STATE_H_
#define WEFT_CONTROL_PLANE_MONITORING_SOURCE_STATE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "control-plane/core/model.h"

namespace weft::control_plane {

// The config source's state, for /metrics and /debug/model.
struct SourceState {
  std::shared_ptr<const Model> model;  // null until a valid one was read
  std::string model_version;
  uint64_t models_accepted = 0;
  uint64_t models_rejected = 0;
  bool last_rejected = false;     // the input is currently invalid
  std::string last_error;         // problems of the last rejection, one per line
  absl::Time last_accepted_time = absl::InfinitePast();
};

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_MONITORING_SOURCE_STATE_H_
