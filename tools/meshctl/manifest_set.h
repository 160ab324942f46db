#ifndef WEFT_TOOLS_MESHCTL_MANIFEST_SET_H_
#define WEFT_TOOLS_MESHCTL_MANIFEST_SET_H_

// A set of manifests as meshctl sees them: each object with the file it came
// from and the exact text of its YAML document, so that `apply` can write an
// object without reformatting it (comments, quoting and key order survive) and
// `get -o yaml` shows what is stored.
//
// Parsing is the control plane's own (control-plane/local/manifest_parser.h,
// manifest_directory.h): meshctl reads a directory exactly as mesh-control-plane
// does. The only thing added here is the split of a file's text into documents,
// checked against the parser's own document indices (a file whose split does not
// line up is a problem, never a wrong write).
//
// Thread-compatible (functions of their inputs and the file system).

#include <istream>
#include <string>
#include <vector>

#include "control-plane/core/resource.h"
#include "proxy/config/problem_list.h"
#include "tools/meshctl/kinds.h"

namespace weft::meshctl {

struct StoredObject {
  control_plane::Resource resource;
  ObjectId id;
  std::string file;  // as in resource.origin.file
  std::string text;  // the document's text, ending in a newline
  // True when the object's document is the only non-empty document of its file,
  // so that the file can be replaced or removed without touching anything else.
  bool sole_in_file = false;
};

struct ManifestSet {
  std::vector<StoredObject> objects;
  std::vector<std::string> warnings;  // skipped kinds

  const StoredObject* Find(const ObjectId& id) const;
  std::vector<control_plane::Resource> Resources() const;
};

// Splits YAML text into document texts at "---" lines ("..." lines end a
// document), numbered as yaml-cpp numbers documents: comments or blank lines
// before the first "---" are not a document of their own.
std::vector<std::string> SplitDocuments(const std::string& text);

// True when `document` holds nothing but blank lines and comments.
bool IsBlankDocument(const std::string& document);

// Parses `text`, the contents of a file called `file` (used in messages and as
// StoredObject::file), adding every problem to `problems`.
void ParseIntoSet(const std::string& text, const std::string& file, ManifestSet& set,
                  config::ProblemList& problems);

// Every manifest under `directory`, read as the control plane reads it; paths are
// relative to it. A missing directory is an empty set when `missing_ok`.
ManifestSet LoadDirectory(const std::string& directory, bool missing_ok,
                          config::ProblemList& problems);

// What `-f` names: a file, a directory (read like the manifest directory, paths
// prefixed with it) or "-" (`in`, named "<stdin>").
ManifestSet LoadInput(const std::string& path, std::istream& in, config::ProblemList& problems);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_MANIFEST_SET_H_
