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

#include "namespaces/namespaces.hh"
#include "seccomp/filter.hh"

namespace byre::container {

using namespaces::IdRange;
using namespaces::MapWriter;

// The fields of the one description byre's Scheme layer hands over
// (scheme/byre/container-spec.scm, `container-spec->plan-data'): a vector
// whose slots are these, in this order, each read by its name here
// (src/guile/container.cc).  Scheme checks when it is loaded that its
// order is this one (the primitive %container-plan-fields returns it).
#define BYRE_SPEC_FIELDS(X)                       \
  X(namespaces, "namespaces")                     \
  X(uid_map, "uid-map")                           \
  X(gid_map, "gid-map")                           \
  X(map_writer, "map-writer")                     \
  X(uid, "uid")                                   \
  X(gid, "gid")                                   \
  X(root, "root")                                 \
  X(mounts, "mounts")                             \
  X(symlinks, "symlinks")                         \
  X(console, "console")                           \
  X(hostname, "hostname")                         \
  X(capabilities, "capabilities")                 \
  X(ambient_capabilities, "ambient-capabilities") \
  X(init_program, "init-program")                 \
  X(program, "program")                           \
  X(environment, "environment")                   \
  X(directory, "directory")                       \
  X(stdio, "stdio")                               \
  X(limits, "limits")                             \
  X(seccomp, "seccomp")                           \
  X(lock_mounts, "lock-mounts?")                  \
  X(loopback_network, "loopback-network?")        \
  X(writable_root, "writable-root?")              \
  X(child_is_pid1, "child-is-pid1?")

// The fields of each mount of the description, likewise.
#define BYRE_MOUNT_FIELDS(X)                      \
  X(source, "source")                             \
  X(target, "target")                             \
  X(type, "type")                                 \
  X(flags, "flags")                               \
  X(options, "options")                           \
  X(may_fail, "may-fail?")                        \
  X(create_mount_point, "create-mount-point?")

// The fields of the limits of the description, likewise.
#define BYRE_LIMIT_FIELDS(X)                      \
  X(pids, "pids")                                 \
  X(memory, "memory")                             \
  X(cpu, "cpu")

// The fields of a seccomp filter of the container's own, likewise.
#define BYRE_SECCOMP_FIELDS(X)                    \
  X(from_default, "from-default?")                \
  X(deny, "deny")                                 \
  X(allow, "allow")                               \
  X(error, "errno")

enum class SpecField : int {
#define BYRE_X(id, name) id,
  BYRE_SPEC_FIELDS(BYRE_X)
#undef BYRE_X
  count
};
enum class MountField : int {
#define BYRE_X(id, name) id,
  BYRE_MOUNT_FIELDS(BYRE_X)
#undef BYRE_X
  count
};
enum class LimitField : int {
#define BYRE_X(id, name) id,
  BYRE_LIMIT_FIELDS(BYRE_X)
#undef BYRE_X
  count
};
enum class SeccompField : int {
#define BYRE_X(id, name) id,
  BYRE_SECCOMP_FIELDS(BYRE_X)
#undef BYRE_X
  count
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
  MapWriter map_writer = MapWriter::caller_deny_setgroups;
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
  // The capabilities the container's root keeps (bounding, permitted,
  // effective), and those a program running as another user keeps across
  // exec (inheritable, ambient; a subset of CAPABILITIES).
  std::vector<int> capabilities;
  std::vector<int> ambient_capabilities;
  bool child_is_pid1 = true;
  // The exec form with a pid namespace and !child_is_pid1: byre-init, a
  // static program exec'd as PID 1 (from a descriptor opened before
  // pivot_root), which runs ARGV as its child.
  std::string init_program;

  Finish finish = Finish::exec;
  std::vector<std::string> argv;
  std::vector<std::string> environment;  // NAME=VALUE
  std::string directory = "/";
  // Descriptors of the caller that become the container's standard input,
  // output and error; -1 leaves the caller's own.
  int stdio[3] = {-1, -1, -1};

  // Resource limits (cgroup v2); 0 means no limit.
  struct Limits {
    int64_t pids = 0;          // processes and threads
    int64_t memory = 0;        // bytes
    double cpu = 0;            // CPUs' worth of time, e.g. 0.5
    bool any() const { return pids > 0 || memory > 0 || cpu > 0; }
  } limits;
  // A system call filter: byre's default one, or RULES when CUSTOM.
  bool seccomp = false;
  bool seccomp_custom = false;
  seccomp::Rules seccomp_rules;
};

}  // namespace byre::container
