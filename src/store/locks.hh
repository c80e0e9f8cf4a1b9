// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: lock files.
//
// A `PathLock` is a file locked with flock(2).  The kernel drops the lock
// when its holder dies, however it dies, so a lock that can be taken is a
// lock whose holder is gone: that is how the store tells a writer at work
// from the debris of one that was killed.
//
// Lock files that are removed when released (per-item and temporary-item
// locks) follow one rule, so that removal never lets two processes believe
// they hold the same lock: the holder unlinks the file while it still holds
// the lock, and whoever takes a lock checks afterwards that the file it
// locked is still the one at that name, else tries again.
//
// A lock belongs to the process that took it: in a child forked while it
// was held, destroying the object neither unlinks nor unlocks anything.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "store/fd.hh"

namespace byre::store {

class PathLock {
public:
  enum class Mode { exclusive, shared };

  // Take the lock on FILE, creating it, waiting while another process
  // holds it.  When REMOVE_ON_RELEASE, the file is unlinked when released.
  static PathLock acquire(const std::string& file, bool remove_on_release,
                          Mode mode = Mode::exclusive);
  // Take the lock on FILE if no one holds it; nothing when someone does.
  // With CREATE false, also nothing when FILE does not exist.
  static std::optional<PathLock> try_acquire(const std::string& file,
                                             bool remove_on_release,
                                             bool create = true);

  PathLock(PathLock&&) noexcept = default;
  PathLock& operator=(PathLock&& other) noexcept;
  PathLock(const PathLock&) = delete;
  PathLock& operator=(const PathLock&) = delete;
  ~PathLock() { release(); }

  // Unlink the file (if so asked) and drop the lock now.
  void release() noexcept;
  // Leave the file in place when released (it still means something).
  void keep_file() noexcept { remove_on_release_ = false; }

  const std::string& file() const noexcept { return file_; }
  int fd() const noexcept { return fd_.get(); }

private:
  PathLock(std::string file, Fd fd, bool remove_on_release);

  std::string file_;
  Fd fd_;
  bool remove_on_release_ = false;
  pid_t owner_ = 0;
};

}  // namespace byre::store
