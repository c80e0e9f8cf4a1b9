// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: temporary items.
#include "store/temp-item.hh"

#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>

#include "store/canonicalise.hh"
#include "store/error.hh"

namespace byre::store {

namespace {

std::string random_hex() {
  unsigned char bytes[8];
  std::size_t have = 0;
  while (have < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + have, sizeof bytes - have, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("getrandom", "");
    }
    have += static_cast<std::size_t>(n);
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 0xf];
  }
  return out;
}

PathLock reserve(const std::string& store_dir, const std::string& locks_dir,
                 std::string_view name, std::string& path) {
  std::string base = std::string(TempItem::prefix) + random_hex() + "-" + std::string(name);
  path = store_dir + "/" + base;
  return PathLock::acquire(locks_dir + "/" + base + std::string(TempItem::lock_suffix), true);
}

}  // namespace

TempItem::TempItem(const std::string& store_dir, const std::string& locks_dir,
                   std::string_view name)
    : lock_(reserve(store_dir, locks_dir, name, path_)) {}

TempItem::~TempItem() {
  try {
    remove_tree(path_);
  } catch (...) {
    // Leave the lock file: it is how the next open finds what is left.
    lock_.keep_file();
  }
}

void TempItem::set_targets(std::span<const std::string> basenames) {
  std::string data;
  for (const std::string& b : basenames) data.append(b).append("\n");
  if (::ftruncate(lock_.fd(), 0) != 0) throw_errno("ftruncate", lock_.file());
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(lock_.fd(), data.data() + done, data.size() - done,
                         static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("write", lock_.file());
    }
    done += static_cast<std::size_t>(n);
  }
}

void TempItem::rename_to(const std::string& target) {
  if (::rename(path_.c_str(), target.c_str()) != 0) throw_errno("rename", path_);
}

}  // namespace byre::store
