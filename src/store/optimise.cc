// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: deduplication of identical files (optimise.hh).
#include "store/optimise.hh"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "store/base32.hh"
#include "store/directory.hh"
#include "store/error.hh"
#include "store/hash.hh"
#include "store/nar.hh"

namespace byre::store {

namespace {

std::string file_key(const std::string& file) {
  // The NAR of the file alone: its contents and whether it is executable.
  Hasher hasher("sha256");
  dump_path(file, hasher);
  return to_nix_base32(hasher.finish());
}

// While it lives, DIR is writable by its owner; then it has its mode and
// times back (a store directory's mtime is 1).
class WritableDirectory {
public:
  explicit WritableDirectory(const std::string& dir) : dir_(dir) {
    if (::lstat(dir.c_str(), &st_) != 0) throw_errno("lstat", dir);
    if ((st_.st_mode & S_IWUSR) == 0 && ::chmod(dir.c_str(), st_.st_mode | S_IWUSR) != 0)
      throw_errno("chmod", dir);
  }
  ~WritableDirectory() {
    // Best effort: a failure here leaves a writable directory, which
    // verify-store's canonical check and the next optimisation see.
    ::chmod(dir_.c_str(), st_.st_mode & 07777);
    struct timespec times[2] = {st_.st_atim, st_.st_mtim};
    ::utimensat(AT_FDCWD, dir_.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
  WritableDirectory(const WritableDirectory&) = delete;
  WritableDirectory& operator=(const WritableDirectory&) = delete;

private:
  std::string dir_;
  struct stat st_;
};

void optimise_file(const std::string& links_dir, const std::string& file,
                   const struct stat& st, Optimised& result) {
  const std::string link = links_dir + "/" + file_key(file);
  if (::link(file.c_str(), link.c_str()) == 0) return;  // the first copy
  if (errno == EMLINK) return;
  if (errno != EEXIST) throw_errno("link", link);

  struct stat link_st;
  if (::lstat(link.c_str(), &link_st) != 0) {
    if (errno == ENOENT) return;  // just pruned by a collection: next time
    throw_errno("lstat", link);
  }
  if (link_st.st_ino == st.st_ino && link_st.st_dev == st.st_dev) return;  // done already
  if (!S_ISREG(link_st.st_mode) || link_st.st_size != st.st_size) return;  // not ours

  // A new name for the copy, renamed over FILE: readers see one or the
  // other, both with the same bytes.
  const std::string dir = file.substr(0, file.rfind('/'));
  const std::string temporary = dir + "/.byre-link-" + std::to_string(::getpid());
  WritableDirectory writable(dir);
  if (::link(link.c_str(), temporary.c_str()) != 0) {
    if (errno == EMLINK || errno == ENOENT) return;
    throw_errno("link", temporary);
  }
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    errno = saved;
    throw_errno("rename", file);
  }
  result.files_linked += 1;
  result.bytes_saved += static_cast<std::uint64_t>(st.st_size);
}

void optimise_at(const std::string& links_dir, const std::string& path, Optimised& result) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) throw_errno("lstat", path);
  if (S_ISDIR(st.st_mode)) {
    for (const std::string& entry : directory_entries(path))
      optimise_at(links_dir, path + "/" + entry, result);
  } else if (S_ISREG(st.st_mode)) {
    optimise_file(links_dir, path, st, result);
  }
}

}  // namespace

Optimised optimise_tree(const std::string& links_dir, const std::string& path) {
  if (::mkdir(links_dir.c_str(), 0755) != 0 && errno != EEXIST) throw_errno("mkdir", links_dir);
  Optimised result;
  optimise_at(links_dir, path, result);
  return result;
}

std::uint64_t remove_unused_links(const std::string& links_dir) {
  std::uint64_t freed = 0;
  for (const std::string& name : directory_entries(links_dir, true)) {
    const std::string link = links_dir + "/" + name;
    struct stat st;
    if (::lstat(link.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;
      throw_errno("lstat", link);
    }
    if (st.st_nlink != 1) continue;
    if (::unlink(link.c_str()) != 0) {
      if (errno == ENOENT) continue;
      throw_errno("unlink", link);
    }
    freed += static_cast<std::uint64_t>(st.st_size);
  }
  return freed;
}

}  // namespace byre::store
