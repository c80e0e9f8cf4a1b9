// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: an owned file descriptor.
//
// `Fd` closes its descriptor when it goes out of scope; it can be moved but
// not copied.  The store opens every descriptor with O_CLOEXEC.
#pragma once

#include <utility>

namespace byre::store {

class Fd {
public:
  Fd() noexcept = default;
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept { return std::exchange(fd_, -1); }
  // Close the descriptor now (errors from close are ignored: the
  // descriptor is gone either way and the store only closes files it read).
  void reset() noexcept;

private:
  int fd_ = -1;
};

}  // namespace byre::store
