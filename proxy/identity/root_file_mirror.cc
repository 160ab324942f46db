#include "proxy/identity/root_file_mirror.h"

#include <stdlib.h>
#include <unistd.h>

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "certs/atomic_file.h"
#include "certs/x509_util.h"
#include "common/log/log.h"

namespace weft::identity {
namespace {

// The file's contents when they are PEM root certificates, else why not.
absl::StatusOr<std::string> ReadRoots(const std::string& path) {
  absl::StatusOr<std::string> pem = certs::ReadSmallFile(path, certs::kMaxPemBytes);
  if (!pem.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read: ", pem.status().message()));
  }
  absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> roots = certs::ParseCertificatesPem(*pem);
  if (!roots.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not PEM root certificates: ", roots.status().message()));
  }
  return pem;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RootFileMirror>> RootFileMirror::Create(
    const std::string& source, const std::string& directory) {
  absl::StatusOr<std::string> pem = ReadRoots(source);
  if (!pem.ok()) return pem.status();
  std::string dir = directory;
  const bool owns = dir.empty();
  if (owns) {
    const char* tmp = getenv("TMPDIR");
    dir = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/weft-xds-root-XXXXXX");
    if (mkdtemp(dir.data()) == nullptr) {
      return absl::InternalError(absl::StrCat("cannot create a directory like ", dir,
                                              " for the copy of ", source));
    }
  } else if (absl::Status s = certs::EnsureDirectory(dir, 0700); !s.ok()) {
    return s;
  }
  std::unique_ptr<RootFileMirror> mirror(new RootFileMirror(source, dir, owns));
  if (absl::Status s = certs::WriteFileAtomically(mirror->copy_path_, *pem, 0644); !s.ok()) {
    return s;
  }
  mirror->copied_ = *std::move(pem);
  return mirror;
}

RootFileMirror::RootFileMirror(std::string source, std::string directory, bool owns_directory)
    : source_(std::move(source)),
      directory_(std::move(directory)),
      owns_directory_(owns_directory),
      copy_path_(absl::StrCat(directory_, "/root-cert.pem")) {}

RootFileMirror::~RootFileMirror() {
  timer_.reset();
  ::unlink(copy_path_.c_str());
  if (owns_directory_) ::rmdir(directory_.c_str());
}

absl::Status RootFileMirror::Refresh() {
  absl::StatusOr<std::string> pem = ReadRoots(source_);
  if (!pem.ok()) return pem.status();
  if (*pem == copied_) return absl::OkStatus();
  if (absl::Status s = certs::WriteFileAtomically(copy_path_, *pem, 0644); !s.ok()) return s;
  copied_ = *std::move(pem);
  ++updates_;
  return absl::OkStatus();
}

void RootFileMirror::Start(event::Dispatcher& dispatcher, absl::Duration interval) {
  interval_ = interval;
  timer_ = dispatcher.CreateTimer([this] { OnTimer(); });
  timer_->Enable(interval_);
}

void RootFileMirror::OnTimer() {
  const int before = updates_;
  absl::Status s = Refresh();
  if (s.ok()) {
    if (updates_ != before) {
      WEFT_LOG(kInfo, "--xds_root_cert %s changed: the control plane is now checked against "
               "the new roots", source_);
    }
    last_error_.clear();
  } else if (s.ToString() != last_error_) {
    last_error_ = s.ToString();
    WEFT_LOG(kError, "--xds_root_cert: %s; keeping the roots read before", s.message());
  }
  timer_->Enable(interval_);
}

}  // namespace weft::identity
