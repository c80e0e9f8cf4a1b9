// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Resource limits of a container: a cgroup of its own, made in the parent
// before the container's first process runs anything, removed once the
// container is gone.
//
// cgroup v2 is used for each controller it has (the unified hierarchy, at
// /sys/fs/cgroup or, in a hybrid layout, /sys/fs/cgroup/unified); a
// controller still bound to a v1 hierarchy (a hybrid layout keeps pids,
// memory and cpu there) is used through it.  The caller must be allowed to
// make a cgroup below its own (root, or a delegated subtree).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace byre::cgroup {

struct Limits {
  int64_t pids = 0;          // at most this many processes; 0: no limit
  int64_t memory = 0;        // bytes; 0: no limit
  int64_t cpu_quota_us = 0;  // CPU time per period; 0: no limit
  int64_t cpu_period_us = 100000;
  bool any() const { return pids > 0 || memory > 0 || cpu_quota_us > 0; }
};

// The cgroup directories of one container (one per hierarchy used).
class Group {
 public:
  // Make the directories and write LIMITS.  Throws std::system_error with
  // a message saying what to do when the caller may not.
  explicit Group(const Limits& limits);
  ~Group();  // removes the directories if no process was ever added
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  // Move process PID (still waiting to run) into every directory.
  void add(pid_t pid);
  // Hand the directories over to the process registry: they are removed
  // once PID has exited and been reaped (remove_reaped), or at exit.
  void release_to(pid_t pid);

  const std::vector<std::string>& directories() const { return directories_; }

 private:
  std::vector<std::string> directories_;
  bool released_ = false;
};

// Remove the directories of containers that are gone (their first process
// reaped): called after each wait, and at exit.  Directories still holding
// processes are kept for later.
void remove_reaped();
// The same for the container whose first process was PID, once reaped.
void reaped(pid_t pid);

}  // namespace byre::cgroup
