// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: lock files with flock(2).
#include "store/locks.hh"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "store/error.hh"

namespace byre::store {

namespace {

// Lock FD; false when NONBLOCK and another process holds it.
bool lock(int fd, int operation, const std::string& file) {
  for (;;) {
    if (::flock(fd, operation) == 0) return true;
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK && (operation & LOCK_NB)) return false;
    throw_errno("flock", file);
  }
}

// True when FD is still the file named FILE (a holder that released it
// may have unlinked it after we opened it).
bool still_there(int fd, const std::string& file) {
  struct stat a, b;
  if (::fstat(fd, &a) != 0) throw_errno("fstat", file);
  if (::stat(file.c_str(), &b) != 0) {
    if (errno == ENOENT) return false;
    throw_errno("stat", file);
  }
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

PathLock::PathLock(std::string file, Fd fd, bool remove_on_release)
    : file_(std::move(file)),
      fd_(std::move(fd)),
      remove_on_release_(remove_on_release),
      owner_(::getpid()) {}

PathLock& PathLock::operator=(PathLock&& other) noexcept {
  if (this != &other) {
    release();
    file_ = std::move(other.file_);
    fd_ = std::move(other.fd_);
    remove_on_release_ = other.remove_on_release_;
    owner_ = other.owner_;
  }
  return *this;
}

PathLock PathLock::acquire(const std::string& file, bool remove_on_release,
                           Mode mode) {
  for (;;) {
    Fd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) throw_errno("open", file);
    lock(fd.get(), mode == Mode::shared ? LOCK_SH : LOCK_EX, file);
    if (still_there(fd.get(), file)) return PathLock(file, std::move(fd), remove_on_release);
  }
}

std::optional<PathLock> PathLock::try_acquire(const std::string& file,
                                              bool remove_on_release,
                                              bool create) {
  for (;;) {
    Fd fd(::open(file.c_str(),
                 O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600));
    if (!fd) {
      if (!create && errno == ENOENT) return std::nullopt;
      throw_errno("open", file);
    }
    if (!lock(fd.get(), LOCK_EX | LOCK_NB, file)) return std::nullopt;
    if (still_there(fd.get(), file)) return PathLock(file, std::move(fd), remove_on_release);
    if (!create) return std::nullopt;
  }
}

void PathLock::release() noexcept {
  if (!fd_) return;
  if (owner_ != ::getpid()) {
    // A forked child's copy: the lock is the parent's.  Closing our copy of
    // the descriptor does not drop a flock lock the parent still holds.
    fd_.reset();
    return;
  }
  if (remove_on_release_) ::unlink(file_.c_str());
  fd_.reset();
}

}  // namespace byre::store
