// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The description of a container: what byre's Scheme layer asks for, as
// plain data.  container/plan.hh turns it into the ordered list of system
// calls the child runs; container/spawn.hh creates the process.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace byre::container {

// One id range of a user namespace map: INSIDE..INSIDE+COUNT-1 in the
// container are OUTSIDE..OUTSIDE+COUNT-1 on the host.
struct IdRange {
  uint32_t inside = 0;
  uint32_t outside = 0;
  uint32_t count = 1;
};

// One mount, in the order it is made.  TARGET is absolute inside the
// container; it is resolved beneath the new root and never through a
// symbolic link that leaves it.
struct MountRequest {
  std::string source;          // host path (bind) or the file system's source
  std::string target;          // absolute path inside the container
  std::string type;            // file system type; empty for a bind mount
  std::string data;            // options passed to mount(2)
  unsigned long flags = 0;     // MS_* flags, without MS_BIND/MS_RDONLY
  bool bind = false;           // bind mount of SOURCE (recursive)
  bool read_only = false;
  bool may_fail = false;       // a failure is ignored
  bool create_mount_point = true;
};

// How the child ends its setup.
enum class Finish {
  exec,            // execve ARGV with ENVIRONMENT in DIRECTORY
  return_to_caller // the child continues in the caller's code (thunk form)
};

struct ContainerSpec {
  int namespaces = 0;                 // CLONE_NEW* flags
  std::vector<IdRange> uid_map;       // empty: no user namespace maps
  std::vector<IdRange> gid_map;
  bool deny_setgroups = true;         // write "deny" to setgroups first
  bool use_id_helpers = false;        // newuidmap/newgidmap instead of writing
  uint32_t uid = 0;                   // ids the child switches to (inside)
  uint32_t gid = 0;

  std::string root;                   // host directory for the new root
  bool writable_root = true;
  bool lock_mounts = true;
  bool loopback_network = true;
  std::vector<MountRequest> mounts;   // the caller's mounts, in order
  // Symbolic links made in the new root after the mounts: (PATH, TARGET),
  // PATH absolute inside the container.
  std::vector<std::pair<std::string, std::string>> symlinks;
  std::string console;                // terminal bound to /dev/console

  std::string hostname;
  std::vector<int> capabilities;      // kept in addition to the default set
  bool default_capabilities = true;
  bool child_is_pid1 = true;
  // The exec form with a pid namespace and !child_is_pid1: byre-init, a
  // static program exec'd as PID 1 (from a descriptor opened before
  // pivot_root), which runs ARGV as its child.
  std::string init_program;

  Finish finish = Finish::exec;
  std::vector<std::string> argv;
  std::vector<std::string> environment;  // NAME=VALUE
  std::string directory = "/";
};

}  // namespace byre::container
