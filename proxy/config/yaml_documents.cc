#include "proxy/config/yaml_documents.h"

#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "yaml-cpp/eventhandler.h"

namespace weft::config {
namespace {

// Records where each document starts; ignores everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { last_start_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  const YAML::Mark& last_start() const { return last_start_; }

 private:
  YAML::Mark last_start_ = YAML::Mark::null_mark();
};

}  // namespace

std::vector<YAML::Node> LoadYamlDocuments(const std::string& text, ProblemList& problems,
                                          size_t max_documents) {
  {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    DocumentStarts starts;
    int previous_start = -1;
    size_t count = 0;
    while (parser.HandleNextDocument(starts)) {
      const YAML::Mark& start = starts.last_start();
      if (start.pos >= 0 && start.pos == previous_start) {
        const std::string found =
            static_cast<size_t>(start.pos) < text.size()
                ? absl::StrCat("'", absl::CHexEscape(text.substr(start.pos, 1)), "'")
                : "the end of the text";
        problems.Add("",
                     absl::StrCat("YAML syntax error: unexpected ", found,
                                  " (a ',' outside [ ] or { }?)"),
                     start.line + 1, start.column + 1);
        return {};
      }
      previous_start = start.pos;
      if (++count > max_documents) {
        problems.Add("", absl::StrCat("more than ", max_documents, " YAML documents"));
        return {};
      }
    }
  }
  // The walk above ended, so LoadAll (the same parser, same input) ends too.
  return YAML::LoadAll(text);
}

}  // namespace weft::config
