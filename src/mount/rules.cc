// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "mount/rules.hh"

#include <sys/mount.h>

#include <cstring>
#include <stdexcept>

namespace byre::mount {

const std::vector<FlagName>& flag_table() {
  static const std::vector<FlagName> table = {
      {"read-only", MS_RDONLY},     {"bind-mount", MS_BIND},
      {"no-suid", MS_NOSUID},       {"no-dev", MS_NODEV},
      {"no-exec", MS_NOEXEC},       {"no-atime", MS_NOATIME},
      {"no-diratime", MS_NODIRATIME}, {"strict-atime", MS_STRICTATIME},
      {"lazy-time", MS_LAZYTIME},
  };
  return table;
}

unsigned long flag_from_name(const std::string& name) {
  std::string known;
  for (const FlagName& f : flag_table()) {
    if (name == f.name) return f.flag;
    known += known.empty() ? "" : ", ";
    known += f.name;
  }
  throw std::invalid_argument("unknown file system flag '" + name +
                              "' (known: " + known + ")");
}

const char* mount_point_problem(const std::string& target) {
  if (target.empty() || target[0] != '/') return "not-absolute";
  if (target.find('\0') != std::string::npos) return "not-absolute";
  std::size_t start = 1;
  while (start <= target.size()) {
    std::size_t end = target.find('/', start);
    if (end == std::string::npos) end = target.size();
    const std::size_t n = end - start;
    if (n == 1 && target[start] == '.') return "dot-component";
    if (n == 2 && target.compare(start, 2, "..") == 0) return "dot-dot-component";
    start = end + 1;
  }
  return nullptr;
}

void check_mount_point(const std::string& target) {
  const char* problem = mount_point_problem(target);
  if (problem == nullptr) return;
  if (std::strcmp(problem, "not-absolute") == 0)
    throw std::invalid_argument("mount point \"" + target +
                                "\" is not an absolute file name");
  throw std::invalid_argument("mount point \"" + target + "\" has a \"" +
                              (std::strcmp(problem, "dot-component") == 0 ? "." : "..") +
                              "\" component");
}

}  // namespace byre::mount
