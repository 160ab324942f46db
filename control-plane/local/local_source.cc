#include "control-plane/local/local_source.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "control-plane/core/build_model.h"
#include "control-plane/core/model_diff.h"
#include "control-plane/core/stable_hash.h"
#include "control-plane/local/manifest_parser.h"

namespace weft::control_plane::local {

LocalSource::LocalSource(Options options, event::Dispatcher& dispatcher)
    : options_(std::move(options)), timer_(dispatcher.CreateTimer([this] { OnTimer(); })) {}

void LocalSource::Start(Callbacks* callbacks) {
  callbacks_ = callbacks;
  polls_since_full_check_ = options_.full_check_every;  // the first poll reads everything
  Poll();
  timer_->Enable(options_.poll_interval);
}

void LocalSource::OnTimer() {
  Poll();
  timer_->Enable(options_.poll_interval);
}

void LocalSource::Poll() {
  if (callbacks_ == nullptr) return;
  config::ProblemList problems;
  std::vector<ManifestFileStat> listing =
      ScanManifestDirectory(options_.directory, problems, options_.limits);
  // A listing that could not be made is rechecked on every poll (it says nothing
  // about what is there).
  const bool listing_changed =
      !last_listing_ || *last_listing_ != listing || !problems.empty() || last_scan_failed_;
  last_scan_failed_ = !problems.empty();
  if (!listing_changed && ++polls_since_full_check_ < options_.full_check_every) return;
  polls_since_full_check_ = 0;
  last_listing_ = listing;

  std::vector<ManifestFile> files =
      ReadManifestFiles(options_.directory, listing, problems, options_.limits);
  std::string digest;
  for (const ManifestFile& file : files) {
    absl::StrAppend(&digest, file.path.size(), ":", file.path, StableHash(file.content), ";");
  }
  for (const config::ConfigProblem& problem : problems.problems()) {
    absl::StrAppend(&digest, "!", problem.ToString(), ";");
  }
  const uint64_t content_hash = StableHash(digest);
  if (last_content_hash_ && *last_content_hash_ == content_hash) return;
  last_content_hash_ = content_hash;
  Rebuild(files, std::move(problems));
}

void LocalSource::Rebuild(const std::vector<ManifestFile>& files, config::ProblemList problems) {
  std::vector<Resource> resources;
  std::vector<std::string> warnings;
  for (const ManifestFile& file : files) {
    ParsedManifests parsed = ParseManifests(file.content, file.path, problems);
    for (Resource& resource : parsed.resources) resources.push_back(std::move(resource));
    for (std::string& warning : parsed.warnings) warnings.push_back(std::move(warning));
  }
  // Built even when parsing found problems, to report everything in one pass.
  absl::StatusOr<Model> model = BuildModel(resources, problems);
  if (!model.ok() && problems.empty()) {
    problems.Add(options_.directory, std::string(model.status().message()));
  }
  if (!problems.empty()) {
    ++rejected_;
    last_rejected_ = true;
    callbacks_->OnRejected(problems.problems());
    return;
  }
  for (std::string& warning : warnings) model->warnings.push_back(std::move(warning));
  const std::string version = ModelVersion(*model);
  if (current_ && version == current_version_ && !last_rejected_) return;
  last_rejected_ = false;
  current_ = std::move(*model);
  current_version_ = version;
  ++accepted_;
  callbacks_->OnModel(*current_);
}

}  // namespace weft::control_plane::local
