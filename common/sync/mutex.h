#ifndef WEFT_COMMON_SYNC_MUTEX_H_
#define WEFT_COMMON_SYNC_MUTEX_H_

// A mutex for Weft's own code: std::mutex (pthreads, which ThreadSanitizer
// intercepts) with clang's thread-safety annotations, so that both tsan and
// -Wthread-safety see our locking. Debian's absl::Mutex lives in an uninstrumented
// shared library, which makes everything it guards look racy to tsan.
//
//   weft::Mutex mu_;
//   int count_ ABSL_GUARDED_BY(mu_);
//   { weft::MutexLock lock(&mu_); ++count_; }

#include <mutex>

#include "absl/base/thread_annotations.h"

namespace weft {

class ABSL_LOCKABLE Mutex {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }
  // BasicLockable, for std::condition_variable_any.
  void lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

}  // namespace weft

#endif  // WEFT_COMMON_SYNC_MUTEX_H_
