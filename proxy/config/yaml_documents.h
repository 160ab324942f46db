#ifndef WEFT_PROXY_CONFIG_YAML_DOCUMENTS_H_
#define WEFT_PROXY_CONFIG_YAML_DOCUMENTS_H_

// Splits YAML text into its documents with yaml-cpp, safely.
//
// Why not just YAML::LoadAll: in yaml-cpp 0.7 (Debian 12), a stray ',' outside
// [ ] or { } makes the parser return the same empty document forever without
// consuming input, so LoadAll never returns and allocates until the process dies
// (found by bootstrap_fuzz; the input ",a" is enough). This first walks the
// documents with an event handler, stopping with a problem as soon as one starts
// where the previous one did, and only then builds the nodes.
//
// Thread-compatible. yaml-cpp exceptions (syntax errors) propagate to the caller.

#include <cstddef>
#include <string>
#include <vector>

#include "proxy/config/problem_list.h"
#include "yaml-cpp/yaml.h"

namespace weft::config {

// Returns every document of `text` (empty ones included), or nothing after adding
// a problem to `problems` when the parser stops making progress or there are more
// than `max_documents`.
std::vector<YAML::Node> LoadYamlDocuments(const std::string& text, ProblemList& problems,
                                          size_t max_documents = 1000);

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_YAML_DOCUMENTS_H_
