#include "control-plane/kube/model_assembler.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "control-plane/core/build_model.h"

namespace weft::control_plane::kube {
namespace {

std::vector<Resource> ResourcesOf(const std::vector<std::pair<std::pair<std::string, ObjectKey>,
                                                              Resource>>& set) {
  std::vector<Resource> out;
  out.reserve(set.size());
  for (const auto& [id, resource] : set) out.push_back(resource);
  return out;
}

void Append(const config::ProblemList& from, std::vector<config::ConfigProblem>& to) {
  to.insert(to.end(), from.problems().begin(), from.problems().end());
}

// True when `problem` is about the resource from `origin` ("<origin> <field>: ...").
bool About(const config::ConfigProblem& problem, const std::string& origin) {
  return absl::StartsWith(problem.path, origin) &&
         (problem.path.size() == origin.size() || problem.path[origin.size()] == ' ');
}

}  // namespace

std::vector<std::pair<ModelAssembler::Id, Resource>> ModelAssembler::Collect(
    const std::vector<Input>& inputs, const std::map<Id, bool>& bad,
    config::ProblemList& problems) const {
  std::set<ObjectKey> not_ready;
  std::set<ObjectKey> not_serving;
  std::map<std::string, Locality> node_localities;
  for (const Input& input : inputs) {
    for (const auto& [key, object] : input.store) {
      not_ready.insert(object->not_ready_pods.begin(), object->not_ready_pods.end());
      not_serving.insert(object->not_serving_pods.begin(), object->not_serving_pods.end());
      if (object->node_locality) node_localities[key.name] = *object->node_locality;
    }
  }
  std::vector<std::pair<Id, Resource>> out;
  for (const Input& input : inputs) {
    for (const auto& [key, object] : input.store) {
      Id id{input.kind, key};
      const bool unreadable = !object->problems.empty();
      for (const config::ConfigProblem& p : object->problems) problems.Add(p);
      if (unreadable || bad.count(id) > 0) {
        auto it = last_good_.find(id);
        if (it != last_good_.end()) out.emplace_back(id, it->second);
        continue;
      }
      if (!object->resource) continue;
      Resource resource = *object->resource;
      if (auto* workload = std::get_if<Workload>(&resource.object)) {
        if (not_ready.count(key) > 0) workload->ready = false;
        if (not_serving.count(key) > 0) workload->serving_while_terminating = false;
        auto node = node_localities.find(object->node_name);
        if (!object->node_name.empty() && node != node_localities.end()) {
          workload->locality = node->second;
        }
      }
      out.emplace_back(std::move(id), std::move(resource));
    }
  }
  return out;
}

ModelAssembler::Result ModelAssembler::Assemble(const std::vector<Input>& inputs) {
  Result result;
  for (const Input& input : inputs) {
    for (const auto& [key, object] : input.store) {
      for (const config::ConfigProblem& p : object->problems) {
        result.object_problems[{input.kind, key}].push_back(p.ToString());
      }
    }
  }
  config::ProblemList read_problems;
  std::vector<std::pair<Id, Resource>> set = Collect(inputs, {}, read_problems);
  config::ProblemList build_problems;
  absl::StatusOr<Model> model = BuildModel(ResourcesOf(set), build_problems);
  if (!model.ok() && build_problems.empty()) {
    build_problems.Add("kubernetes", std::string(model.status().message()));
  }
  if (!model.ok()) {
    // Hold back the objects the problems name, and try once more.
    std::map<Id, bool> bad;
    for (const auto& [id, resource] : set) {
      const std::string origin = resource.origin.ToString();
      for (const config::ConfigProblem& p : build_problems.problems()) {
        if (About(p, origin)) {
          bad[id] = true;
          result.object_problems[id].push_back(p.ToString());
        }
      }
    }
    if (!bad.empty()) {
      config::ProblemList ignored;  // the same read problems again
      set = Collect(inputs, bad, ignored);
      model = BuildModel(ResourcesOf(set));
    }
  }
  Append(read_problems, result.problems);
  Append(build_problems, result.problems);
  if (!model.ok()) return result;
  last_good_.clear();
  for (auto& [id, resource] : set) last_good_.emplace(id, std::move(resource));
  result.model = std::move(*model);
  return result;
}

}  // namespace weft::control_plane::kube
