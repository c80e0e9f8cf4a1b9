// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: permanent, indirect and temporary roots.
#include "store/roots.hh"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

#include "store/directory.hh"
#include "store/error.hh"
#include "store/fd.hh"
#include "store/store-path.hh"

namespace byre::store {

namespace {


std::optional<std::string> read_link(const std::string& file) {
  std::string target(256, '\0');
  for (;;) {
    ssize_t n = ::readlink(file.c_str(), target.data(), target.size());
    if (n < 0) {
      if (errno == ENOENT || errno == EINVAL) return std::nullopt;
      throw_errno("readlink", file);
    }
    if (static_cast<std::size_t>(n) < target.size()) {
      target.resize(static_cast<std::size_t>(n));
      return target;
    }
    target.resize(target.size() * 2);
  }
}

// TARGET of a link in directory DIR as an absolute name.
std::string absolute(const std::string& dir, const std::string& target) {
  return target.starts_with('/') ? target : dir + "/" + target;
}

std::mutex registry_mutex;
// Per (directory, pid): a child forked from a process with open handles
// gets lists of its own.
std::map<std::pair<std::string, pid_t>, std::weak_ptr<TempRoots>> registry;

}  // namespace

TempRoots::TempRoots(PathLock lock) : lock_(std::move(lock)) {}

TempRoots::~TempRoots() = default;  // the lock unlinks the list

std::shared_ptr<TempRoots> TempRoots::of_process(const std::string& temproots_dir) {
  std::lock_guard<std::mutex> guard(registry_mutex);
  auto key = std::make_pair(temproots_dir, ::getpid());
  if (auto existing = registry[key].lock()) return existing;
  std::string file = temproots_dir + "/" + std::to_string(::getpid());
  // A list left by a dead process that had our pid is stale: start empty.
  PathLock lock = PathLock::acquire(file, true);
  if (::ftruncate(lock.fd(), 0) != 0) throw_errno("ftruncate", file);
  auto roots = std::make_shared<TempRoots>(std::move(lock));
  registry[key] = roots;
  return roots;
}

void TempRoots::add(const std::string& gc_lock_file, std::string_view path) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (paths_.count(path)) return;
  PathLock gc = PathLock::acquire(gc_lock_file, false, PathLock::Mode::shared);
  std::string entry(path);
  entry += '\0';
  const char* p = entry.data();
  std::size_t n = entry.size();
  while (n > 0) {
    ssize_t w = ::pwrite(lock_.fd(), p, n, ::lseek(lock_.fd(), 0, SEEK_END));
    if (w < 0) {
      if (errno == EINTR) continue;
      throw_errno("write", lock_.file());
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  paths_.emplace(path);
}

void TempRoots::forget(std::string_view path) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (auto it = paths_.find(path); it != paths_.end()) paths_.erase(it);
}

bool TempRoots::holds(std::string_view path) {
  std::lock_guard<std::mutex> guard(mutex_);
  return paths_.count(path) != 0;
}

std::vector<std::string> live_temp_roots(const std::string& temproots_dir,
                                         pid_t exclude_pid) {
  std::vector<std::string> roots;
  for (const std::string& name : directory_entries(temproots_dir, true)) {
    if (exclude_pid != 0 && name == std::to_string(exclude_pid)) continue;
    std::string file = temproots_dir + "/" + name;
    // A list we can lock belongs to a dead process: remove it (we hold the
    // lock, so no new owner can have taken it yet).
    if (auto stale = PathLock::try_acquire(file, true, false)) continue;
    Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) {
      if (errno == ENOENT) continue;
      throw_errno("open", file);
    }
    std::string data;
    char buffer[8192];
    for (;;) {
      ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("read", file);
      }
      if (n == 0) break;
      data.append(buffer, static_cast<std::size_t>(n));
    }
    // Entries end with a NUL; an unfinished last one is not an entry yet.
    std::size_t start = 0;
    for (std::size_t end; (end = data.find('\0', start)) != std::string::npos;
         start = end + 1)
      roots.emplace_back(data, start, end - start);
  }
  return roots;
}

namespace {

void scan_roots(const std::string& dir, const std::string& prefix, bool auto_dir,
                bool remove_stale, int depth, std::vector<Root>& out) {
  if (depth > 8) return;
  for (const std::string& name : directory_entries(dir, true)) {
    std::string file = dir + "/" + name;
    struct stat st;
    if (::lstat(file.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;
      throw_errno("lstat", file);
    }
    if (S_ISDIR(st.st_mode)) {
      scan_roots(file, prefix, depth == 0 && name == "auto", remove_stale, depth + 1, out);
      continue;
    }
    if (!S_ISLNK(st.st_mode)) continue;
    auto target = read_link(file);
    if (!target) continue;
    std::string t = absolute(dir, *target);
    if (is_in_store(prefix, t)) {
      if (auto item = store_item_of(prefix, t)) out.push_back({file, std::string(*item)});
      continue;
    }
    // An indirect root: T is the user's file, itself a link into the store.
    struct stat tst;
    if (::lstat(t.c_str(), &tst) != 0) {
      if (errno != ENOENT) throw_errno("lstat", t);
      if (auto_dir && remove_stale) ::unlink(file.c_str());
      continue;
    }
    if (S_ISLNK(tst.st_mode)) {
      if (auto inner = read_link(t)) {
        std::string it = absolute(t.substr(0, t.rfind('/')), *inner);
        if (auto item = store_item_of(prefix, it)) out.push_back({t, std::string(*item)});
      }
    } else if (S_ISDIR(tst.st_mode) && !auto_dir) {
      // A link to a directory of roots (e.g. a profiles directory).
      scan_roots(t, prefix, false, remove_stale, depth + 1, out);
    }
  }
}

}  // namespace

std::vector<Root> find_roots(const std::string& gcroots_dir,
                             const std::string& prefix, bool remove_stale) {
  std::vector<Root> out;
  scan_roots(gcroots_dir, prefix, false, remove_stale, 0, out);
  return out;
}

}  // namespace byre::store
