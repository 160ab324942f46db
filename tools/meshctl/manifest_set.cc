#include "tools/meshctl/manifest_set.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "control-plane/local/manifest_directory.h"
#include "control-plane/local/manifest_parser.h"

namespace weft::meshctl {
namespace {

using control_plane::Resource;

bool IsSeparator(absl::string_view line) {
  return absl::StartsWith(line, "---") &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

bool IsDocumentEnd(absl::string_view line) {
  return absl::StartsWith(line, "...") &&
         absl::StripTrailingAsciiWhitespace(line.substr(3)).empty();
}

std::string WithNewline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text + "\n";
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

const StoredObject* ManifestSet::Find(const ObjectId& id) const {
  for (const StoredObject& object : objects) {
    if (object.id == id) return &object;
  }
  return nullptr;
}

std::vector<Resource> ManifestSet::Resources() const {
  std::vector<Resource> resources;
  resources.reserve(objects.size());
  for (const StoredObject& object : objects) resources.push_back(object.resource);
  return resources;
}

std::vector<std::string> SplitDocuments(const std::string& text) {
  std::vector<std::string> documents;
  std::string current;
  bool explicit_start = false;  // the current document began with "---"
  bool ended = false;           // a "..." closed the current document
  auto flush = [&]() {
    // Text before the first "---" is a document only if it has content.
    if (explicit_start || !IsBlankDocument(current)) documents.push_back(current);
    current.clear();
  };
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline
  for (absl::string_view line : lines) {
    if (IsSeparator(line)) {
      if (!ended) flush();
      ended = false;
      explicit_start = true;
      absl::string_view rest = absl::StripLeadingAsciiWhitespace(line.substr(3));
      if (!rest.empty()) absl::StrAppend(&current, rest, "\n");
      continue;
    }
    if (IsDocumentEnd(line)) {
      if (!ended) flush();
      ended = true;
      explicit_start = false;
      continue;
    }
    absl::StrAppend(&current, line, "\n");
  }
  if (!ended) flush();
  return documents;
}

bool IsBlankDocument(const std::string& document) {
  for (absl::string_view line : absl::StrSplit(document, '\n')) {
    absl::string_view stripped = absl::StripLeadingAsciiWhitespace(line);
    if (!stripped.empty() && !absl::StartsWith(stripped, "#")) return false;
  }
  return true;
}

void ParseIntoSet(const std::string& text, const std::string& file, ManifestSet& set,
                  config::ProblemList& problems) {
  const size_t problems_before = problems.size();
  control_plane::local::ParsedManifests parsed =
      control_plane::local::ParseManifests(text, file, problems);
  for (std::string& warning : parsed.warnings) set.warnings.push_back(std::move(warning));
  if (parsed.resources.empty()) return;
  const std::vector<std::string> documents = SplitDocuments(text);
  int non_blank = 0;
  for (const std::string& document : documents) non_blank += IsBlankDocument(document) ? 0 : 1;
  const bool file_has_problems = problems.size() > problems_before;
  for (Resource& resource : parsed.resources) {
    StoredObject object;
    object.id = IdOf(resource);
    object.file = file;
    const size_t index = static_cast<size_t>(resource.origin.document);
    bool aligned = index < documents.size();
    if (aligned && !file_has_problems) {
      // The document text must parse to this very object on its own.
      config::ProblemList scratch;
      control_plane::local::ParsedManifests alone =
          control_plane::local::ParseManifests(documents[index], file, scratch);
      aligned = scratch.empty() && alone.resources.size() == 1 &&
                IdOf(alone.resources[0]) == object.id;
    }
    if (!aligned && !file_has_problems) {
      problems.Add(resource.origin.ToString(),
                   absl::StrCat("meshctl cannot find where this document starts in the file "
                                "(unusual \"---\" or \"...\" markers); put ",
                                object.id.ToString(), " in a file of its own"));
    }
    if (aligned) object.text = WithNewline(documents[index]);
    object.sole_in_file = aligned && non_blank == 1;
    object.resource = std::move(resource);
    set.objects.push_back(std::move(object));
  }
}

ManifestSet LoadDirectory(const std::string& directory, bool missing_ok,
                          config::ProblemList& problems) {
  ManifestSet set;
  if (missing_ok && !IsDirectory(directory)) {
    struct stat st;
    if (::stat(directory.c_str(), &st) != 0) return set;  // does not exist (yet)
  }
  std::vector<control_plane::local::ManifestFileStat> listing =
      control_plane::local::ScanManifestDirectory(directory, problems);
  for (const control_plane::local::ManifestFile& file :
       control_plane::local::ReadManifestFiles(directory, listing, problems)) {
    ParseIntoSet(file.content, file.path, set, problems);
  }
  return set;
}

ManifestSet LoadInput(const std::string& path, std::istream& in, config::ProblemList& problems) {
  if (path == "-") {
    ManifestSet set;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ParseIntoSet(text, "<stdin>", set, problems);
    return set;
  }
  if (IsDirectory(path)) {
    config::ProblemList dir_problems;
    ManifestSet set = LoadDirectory(path, /*missing_ok=*/false, dir_problems);
    const std::string prefix = absl::StrCat(absl::StripSuffix(path, "/"), "/");
    for (StoredObject& object : set.objects) {
      object.file = prefix + object.file;
      object.resource.origin.file = object.file;
    }
    for (std::string& warning : set.warnings) warning = prefix + warning;
    for (const config::ConfigProblem& problem : dir_problems.problems()) {
      problems.Add(absl::StrCat(prefix, problem.path), problem.message, problem.line,
                   problem.column);
    }
    return set;
  }
  ManifestSet set;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    problems.Add(path, "cannot read the file (does it exist?)");
    return set;
  }
  std::stringstream buffer;
  buffer << file.rdbuf();
  ParseIntoSet(buffer.str(), path, set, problems);
  return set;
}

}  // namespace weft::meshctl
