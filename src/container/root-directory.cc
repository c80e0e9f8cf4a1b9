// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "container/root-directory.hh"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <system_error>
#include <vector>

namespace byre::container {

namespace {

std::mutex directory_mutex;
std::string directory;
// The process that chose DIRECTORY (a child of a fork chooses again), and
// whether it made it with mkdtemp, in which case it removes it.
pid_t owner = 0;
bool temporary = false;

extern "C" void remove_root_directory() {
  // Only the process that made it: containers and excursions exit too.
  if (owner == getpid() && temporary && !directory.empty()) rmdir(directory.c_str());
}

std::string temporary_directory_base() {
  const char* tmp = getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

// BASE/byre-root-UID, made if missing, when it is a directory of this user
// that no one else may write (not a symbolic link: lstat, then the check
// again on the opened directory); "" when the name is taken otherwise, for
// example planted by another user in a shared /tmp.
std::string shared_directory(const std::string& base) {
  std::string name = base + "/byre-root-" + std::to_string(geteuid());
  if (mkdir(name.c_str(), 0700) != 0 && errno != EEXIST) return "";
  int fd = open(name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return "";
  struct stat st;
  bool mine = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
              (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
  close(fd);
  return mine ? name : "";
}

}  // namespace

void release_root_directory() {
  std::lock_guard<std::mutex> lock(directory_mutex);
  if (owner == getpid() && temporary && !directory.empty()) rmdir(directory.c_str());
  directory.clear();
}

std::string root_directory() {
  std::lock_guard<std::mutex> lock(directory_mutex);
  if (directory.empty() || owner != getpid()) {
    std::string base = temporary_directory_base();
    std::string shared = shared_directory(base);
    if (!shared.empty()) {
      directory = shared;
      temporary = false;
    } else {
      std::string templ = base + "/byre-root.XXXXXX";
      std::vector<char> buffer(templ.begin(), templ.end());
      buffer.push_back('\0');
      if (mkdtemp(buffer.data()) == nullptr)
        throw std::system_error(errno, std::generic_category(), "mkdtemp \"" + templ + "\"");
      if (owner == 0) atexit(remove_root_directory);
      directory = buffer.data();
      temporary = true;
    }
    owner = getpid();
  }
  return directory;
}

}  // namespace byre::container
