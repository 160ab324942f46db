#ifndef WEFT_PROXY_IDENTITY_ROOT_FILE_MIRROR_H_
#define WEFT_PROXY_IDENTITY_ROOT_FILE_MIRROR_H_

// A checked copy of the --xds_root_cert file, for gRPC to read.
//
// gRPC's file-watching certificate provider re-reads a root file while the
// proxy runs, which is what a root rotation needs (the kubelet rewrites the
// mounted ConfigMap with the new bundle), but it takes whatever the file holds:
// one bad write and every new handshake to the control plane fails. So gRPC
// watches this copy instead, and the copy only ever holds a bundle that parsed:
// Refresh() re-reads the source and replaces the copy when the source is valid
// and different; a missing, unreadable or non-PEM source is reported and the
// copy keeps the roots last accepted.
//
//   ASSIGN_OR_RETURN(auto mirror, RootFileMirror::Create("/var/run/.../root-cert.pem", ""));
//   mirror->Start(dispatcher, absl::Seconds(5));   // gRPC reads mirror->copy_path()
//
// Thread-compatible: Create on any thread, then the dispatcher's thread only.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/event/dispatcher.h"

namespace weft::identity {

class RootFileMirror {
 public:
  // Reads and checks `source` and writes the copy into `directory` (created
  // 0700 when missing; empty: a new directory under $TMPDIR). kInvalidArgument
  // naming the path when the source cannot be read or holds no valid PEM
  // certificate; kInternal when the copy cannot be written.
  static absl::StatusOr<std::unique_ptr<RootFileMirror>> Create(const std::string& source,
                                                                const std::string& directory);
  ~RootFileMirror();  // removes the copy (and the directory it made)
  RootFileMirror(const RootFileMirror&) = delete;
  RootFileMirror& operator=(const RootFileMirror&) = delete;

  // Re-reads the source now. OK when it is valid (copied if it changed);
  // otherwise the reason, and the copy is left as it was.
  absl::Status Refresh();

  // Refresh() every `interval` on `dispatcher` (which must outlive this), each
  // change and each new kind of failure logged once.
  void Start(event::Dispatcher& dispatcher, absl::Duration interval);

  const std::string& source() const { return source_; }
  const std::string& copy_path() const { return copy_path_; }
  // How often the copy was replaced after Create.
  int updates() const { return updates_; }

 private:
  RootFileMirror(std::string source, std::string directory, bool owns_directory);
  void OnTimer();

  const std::string source_;
  const std::string directory_;
  const bool owns_directory_;
  const std::string copy_path_;
  std::string copied_;  // what the copy holds
  int updates_ = 0;
  std::string last_error_;  // the failure logged last; empty after a success
  absl::Duration interval_;
  std::unique_ptr<event::Timer> timer_;
};

}  // namespace weft::identity

#endif  // WEFT_PROXY_IDENTITY_ROOT_FILE_MIRROR_H_
