#ifndef WEFT_CONTROL_PLANE_LOCAL_LOCAL_SOURCE_H_
#define WEFT_CONTROL_PLANE_LOCAL_LOCAL_SOURCE_H_

// The local-mode ConfigSource: a directory of manifests (manifest_parser.h),
// watched by polling.
//
// Why polling and not inotify: it is deterministic under a FakeDispatcher, works
// on every file system (bind mounts, ConfigMap symlink swaps, network shares),
// and a directory of manifests is small. Every `poll_interval` the files are
// stat'ed (path, size, mtime); when that listing changes — and every
// `full_check_every`-th poll regardless, since two same-size writes within one
// mtime tick look identical — their contents are read and hashed. Only a content
// change rebuilds the model, so `touch` does nothing.
//
// A rebuild parses every file and runs BuildModel on the whole set. Valid: the
// model becomes current and goes to OnModel (unless it equals the current one,
// e.g. only comments changed). Invalid: OnRejected with every problem, and the
// current model stays in force — nothing invalid ever reaches the proxies.
//
//   LocalSource source({.directory = "/etc/weft/mesh"}, dispatcher);
//   source.Start(&xds_server);
//
// Threading: construct, Start and destroy on the dispatcher's thread; callbacks
// run there. Destroying the source stops the polling.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/event/dispatcher.h"
#include "control-plane/core/config_source.h"
#include "control-plane/core/model.h"
#include "control-plane/local/manifest_directory.h"

namespace weft::control_plane::local {

class LocalSource : public ConfigSource {
 public:
  struct Options {
    std::string directory;
    absl::Duration poll_interval = absl::Seconds(1);
    int full_check_every = 10;  // polls; 1 reads the contents on every poll
    ManifestLimits limits;
  };

  LocalSource(Options options, event::Dispatcher& dispatcher);

  void Start(Callbacks* callbacks) override;

  // Checks the directory now (what the timer does); for tests and for a
  // "reload" command. No-op before Start.
  void Poll();

  // The model in force, or null if no valid model has been read yet.
  const Model* current_model() const { return current_ ? &*current_ : nullptr; }
  // How many rebuilds ended in OnModel / OnRejected.
  uint64_t accepted_count() const { return accepted_; }
  uint64_t rejected_count() const { return rejected_; }

 private:
  void OnTimer();
  // Reads, parses and builds; reports the outcome through the callbacks.
  void Rebuild(const std::vector<ManifestFile>& files, config::ProblemList scan_problems);

  const Options options_;
  Callbacks* callbacks_ = nullptr;
  std::unique_ptr<event::Timer> timer_;
  int polls_since_full_check_ = 0;
  bool last_scan_failed_ = false;
  std::optional<std::vector<ManifestFileStat>> last_listing_;
  std::optional<uint64_t> last_content_hash_;
  std::optional<Model> current_;
  std::string current_version_;
  bool last_rejected_ = false;
  uint64_t accepted_ = 0;
  uint64_t rejected_ = 0;
};

}  // namespace weft::control_plane::local

#endif  // WEFT_CONTROL_PLANE_LOCAL_LOCAL_SOURCE_H_
