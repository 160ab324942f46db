#ifndef WEFT_CONTROL_PLANE_KUBE_MODEL_ASSEMBLER_H_
#define WEFT_CONTROL_PLANE_KUBE_MODEL_ASSEMBLER_H_

// Builds the core model from the reflectors' stores, so that one bad object
// does not hold the whole mesh hostage:
//
//   1. An object that could not be read (a typo'd field, a wrong type) is
//      replaced by the last version of it that went into a model, or left out
//      if there is none; its problems are reported.
//   2. BuildModel checks the set. If it fails, the objects its problems name
//      (a backendRef to a missing Service...) are replaced the same way and
//      BuildModel runs once more.
//   3. Still invalid: the result is a rejection listing every problem, and the
//      caller keeps its last model.
//
// Pods marked not ready (not serving) by an EndpointSlice are made so; a pod's
// workload gets the locality of its Node.
//
//   ModelAssembler assembler;
//   ModelAssembler::Result r = assembler.Assemble({{"Pod", pods.store()}, ...});
//   if (r.model) { use *r.model; report r.quarantined as warnings; }
//
// Thread-compatible.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "control-plane/core/model.h"
#include "control-plane/core/resource.h"
#include "control-plane/kube/reflector.h"
#include "proxy/config/problem_list.h"

namespace weft::control_plane::kube {

class ModelAssembler {
 public:
  struct Input {
    std::string kind;  // the reflector's kind, part of each object's identity
    Reflector::Store store;
  };
  struct Result {
    std::optional<Model> model;  // absent: rejected
    // With a model: the problems of objects left out or held at an older
    // version. Without one: every problem.
    std::vector<config::ConfigProblem> problems;
    // The same problems by the object they are about (kind, namespace/name),
    // for status conditions; problems that name no object are only above.
    std::map<std::pair<std::string, ObjectKey>, std::vector<std::string>> object_problems;
  };

  Result Assemble(const std::vector<Input>& inputs);

 private:
  using Id = std::pair<std::string, ObjectKey>;  // kind, namespace/name

  // Every readable resource, with bad objects replaced by their last good
  // version (or dropped): `bad` names objects to treat as unreadable.
  std::vector<std::pair<Id, Resource>> Collect(const std::vector<Input>& inputs,
                                               const std::map<Id, bool>& bad,
                                               config::ProblemList& problems) const;

  std::map<Id, Resource> last_good_;
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_MODEL_ASSEMBLER_H_
