// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "container/root-directory.hh"

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
pid_t owner = 0;

extern "C" void remove_root_directory() {
  // Only the process that made it: containers and excursions exit too.
  if (owner == getpid() && !directory.empty()) rmdir(directory.c_str());
}
}  // namespace

void release_root_directory() {
  std::lock_guard<std::mutex> lock(directory_mutex);
  if (owner == getpid() && !directory.empty()) rmdir(directory.c_str());
  directory.clear();
}

std::string root_directory() {
  std::lock_guard<std::mutex> lock(directory_mutex);
  if (directory.empty() || owner != getpid()) {
    const char* tmp = getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/byre-root.XXXXXX";
    std::vector<char> buffer(templ.begin(), templ.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr)
      throw std::system_error(errno, std::generic_category(), "mkdtemp \"" + templ + "\"");
    if (owner == 0) atexit(remove_root_directory);
    directory = buffer.data();
    owner = getpid();
  }
  return directory;
}

}  // namespace byre::container
