// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: canonicalising and removing trees, descriptor-relative so
// that no link is ever followed.
#include "store/canonicalise.hh"

#include "store/directory.hh"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "store/error.hh"
#include "store/fd.hh"

namespace byre::store {

namespace {

constexpr struct timespec canonical_times[2] = {{1, 0}, {1, 0}};

struct DirCloser {
  void operator()(DIR* d) const noexcept { ::closedir(d); }
};
using Dir = std::unique_ptr<DIR, DirCloser>;

Dir open_dir(int dirfd, const char* name, const std::string& path) {
  Fd fd(::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) throw_errno("open", path);
  Dir dir(::fdopendir(fd.get()));
  if (!dir) throw_errno("fdopendir", path);
  fd.release();
  return dir;
}

void canonicalise_at(int dirfd, const char* name, const std::string& path) {
  struct stat st;
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) throw_errno("lstat", path);
  if (S_ISDIR(st.st_mode)) {
    Dir dir = open_dir(dirfd, name, path);
    int fd = ::dirfd(dir.get());
    for (const std::string& entry : directory_entries(dir.get(), path))
      canonicalise_at(fd, entry.c_str(), path + "/" + entry);
    // Children first: changing them does not touch the directory's mtime.
    if ((st.st_mode & 07777) != 0555 && ::fchmod(fd, 0555) != 0) throw_errno("chmod", path);
    if (::futimens(fd, canonical_times) != 0) throw_errno("utimensat", path);
    return;
  }
  if (S_ISREG(st.st_mode)) {
    mode_t mode = (st.st_mode & S_IXUSR) ? 0555 : 0444;
    if ((st.st_mode & 07777) != mode && ::fchmodat(dirfd, name, mode, 0) != 0)
      throw_errno("chmod", path);
  } else if (!S_ISLNK(st.st_mode)) {
    throw invalid_input("a store item may hold only regular files, directories "
                        "and symbolic links",
                        path);
  }
  if (::utimensat(dirfd, name, canonical_times, AT_SYMLINK_NOFOLLOW) != 0)
    throw_errno("utimensat", path);
}

std::uint64_t remove_at(int dirfd, const char* name, const std::string& path) {
  struct stat st;
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return 0;
    throw_errno("lstat", path);
  }
  std::uint64_t freed = 0;
  if (S_ISDIR(st.st_mode) || st.st_nlink == 1)
    freed = static_cast<std::uint64_t>(st.st_blocks) * 512;
  if (S_ISDIR(st.st_mode)) {
    // Store directories are read-only: their entries cannot be removed
    // until they are writable again.
    if ((st.st_mode & 0700) != 0700 &&
        ::fchmodat(dirfd, name, (st.st_mode & 07777) | 0700, 0) != 0)
      throw_errno("chmod", path);
    {
      Dir dir = open_dir(dirfd, name, path);
      int fd = ::dirfd(dir.get());
      for (const std::string& entry : directory_entries(dir.get(), path))
        freed += remove_at(fd, entry.c_str(), path + "/" + entry);
    }
    if (::unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
      throw_errno("rmdir", path);
  } else if (::unlinkat(dirfd, name, 0) != 0 && errno != ENOENT) {
    throw_errno("unlink", path);
  }
  return freed;
}

}  // namespace

void canonicalise(const std::string& path) { canonicalise_at(AT_FDCWD, path.c_str(), path); }

std::uint64_t remove_tree(const std::string& path) {
  return remove_at(AT_FDCWD, path.c_str(), path);
}

}  // namespace byre::store
