#ifndef WEFT_CONTROL_PLANE_CORE_CONFIG_SOURCE_H_
#define WEFT_CONTROL_PLANE_CORE_CONFIG_SOURCE_H_

// Where the service model comes from: a directory of manifests in local mode
// (control-plane/local/local_source.h), the Kubernetes API later. The xDS server
// only sees this interface.
//
// The contract every source keeps: only models that passed BuildModel reach
// OnModel, so nothing invalid is ever pushed to proxies. When the input becomes
// invalid the source reports OnRejected and the last good model stays in force.
//
//   class Server : public ConfigSource::Callbacks { ... };
//   source->Start(&server);  // OnModel/OnRejected follow on the dispatcher's thread
//
// Threading: a source calls its callbacks on the dispatcher thread it was created
// with; Start is called on that thread too.

#include <vector>

#include "control-plane/core/model.h"
#include "proxy/config/problem_list.h"

namespace weft::control_plane {

class ConfigSource {
 public:
  class Callbacks {
   public:
    virtual ~Callbacks() = default;
    // A new valid model: the first one, one that differs from the last one
    // delivered, or the first valid one after a rejection (even if equal to the
    // last one delivered, so that "fixed" is visible).
    virtual void OnModel(const Model& model) = 0;
    // The input changed but is invalid; `problems` lists everything wrong with it.
    // The last model delivered by OnModel (if any) remains the current one.
    virtual void OnRejected(const std::vector<config::ConfigProblem>& problems) = 0;
  };

  virtual ~ConfigSource() = default;

  // Reads the input once, delivers the first OnModel or OnRejected (before
  // returning), then keeps watching. `callbacks` must outlive the source.
  virtual void Start(Callbacks* callbacks) = 0;
};

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_CONFIG_SOURCE_H_
