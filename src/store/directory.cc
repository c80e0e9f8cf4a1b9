// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "store/directory.hh"

#include <dirent.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "store/error.hh"

namespace byre::store {

std::vector<std::string> directory_entries(const std::string& dir, bool missing_ok) {
  DIR* d = ::opendir(dir.c_str());  // glibc opens it O_CLOEXEC
  if (!d) {
    if (missing_ok && errno == ENOENT) return {};
    throw_errno("opendir", dir);
  }
  std::unique_ptr<DIR, int (*)(DIR*)> guard(d, ::closedir);
  return directory_entries(d, dir);
}

std::vector<std::string> directory_entries(DIR* dir, const std::string& path) {
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    struct dirent* e = ::readdir(dir);
    if (!e) {
      if (errno != 0) throw_errno("readdir", path);
      return names;
    }
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
      names.emplace_back(e->d_name);
  }
}

}  // namespace byre::store
