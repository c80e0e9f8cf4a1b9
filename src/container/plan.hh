// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// A container's setup as an ordered list of steps, prepared in the parent
// (strings built, sources checked, mount flags computed) and executed in the
// child with system calls only: no allocation, no locks, nothing that could
// wait on a state another thread of the parent left behind.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "container/spec.hh"

namespace byre::container {

enum class StepKind : uint8_t {
  make_private,      // mount propagation of "/" made private, recursively
  mount_root,        // a tmpfs on the root directory
  open_root,         // keep a descriptor on the new root
  open_init,         // keep a descriptor on byre-init, before pivot_root
  mount,             // a file system or bind on a path beneath the root
  make_directory,    // a directory beneath the root
  make_symlink,      // a symbolic link beneath the root
  write_file,        // a small file beneath the root, unless it exists
  pivot_root,        // the new root becomes "/"
  root_read_only,    // "/" remounted read-only
  set_hostname,
  loopback_up,       // "lo" up in a new network namespace
  lock_mounts,       // a nested user and mount namespace lock the mounts
  new_session,
  set_ids,           // setgroups, setresgid, setresuid
  capabilities,      // bounding, permitted, effective, inheritable, ambient
  no_new_privs,
  change_directory,
  close_descriptors, // every descriptor above 2 closed or close-on-exec
  reset_signals,     // default dispositions, empty mask
};

// One step.  Strings point into the plan's own storage.
struct Step {
  StepKind kind;
  const char* a = nullptr;    // source, content, name
  const char* b = nullptr;    // target (beneath the root, relative)
  const char* c = nullptr;    // file system type
  const char* d = nullptr;    // mount data
  unsigned long flags = 0;    // mount flags
  unsigned long extra = 0;    // flags a read-only remount must keep
  uint32_t mode = 0755;
  bool bind = false;
  bool read_only = false;
  bool may_fail = false;
  bool is_file = false;       // the mount point is a file, not a directory
  bool create = true;
};

// Capability sets, computed in the parent with libcap-ng.
struct CapabilityMasks {
  uint64_t keep = 0;          // permitted and effective (and bounding)
  uint64_t ambient = 0;       // inheritable and ambient
  int last_cap = 40;
};

// What the child sends back when a step fails.
struct ChildReport {
  int32_t status = 0;         // 0: ready, 1: a step failed
  int32_t step = -1;
  int32_t error = 0;          // errno
  int32_t pid = 0;            // the container's pid, as the parent sees it
};

class Plan {
 public:
  explicit Plan(const ContainerSpec& spec);
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  const std::vector<Step>& steps() const { return steps_; }
  // The namespaces the clone (or unshare) creates: the spec's, less those
  // made later with the nested user namespace of locked mounts.
  int clone_namespaces() const { return spec_.namespaces & ~deferred_; }
  const ContainerSpec& spec() const { return spec_; }
  const CapabilityMasks& capabilities() const { return caps_; }

  // Run every step from FIRST until a step of kind STOP (not included) or
  // the end; return the index of the step that failed, or -1.  ERROR gets
  // its errno.  Called in the child: system calls only.
  // What the child keeps between steps: descriptors of the new root and of
  // its own /proc/self directory (the latter still usable after pivot_root,
  // when the host's /proc is gone).
  struct State {
    int root = -1;
    int proc_self = -1;
    int init = -1;    // byre-init, to exec as PID 1 (see spec.hh)
  };
  int run(std::size_t first, StepKind stop, int* error, State* state) const;
  // The index of the first step of KIND, or the number of steps.
  std::size_t find(StepKind kind) const;

  // For the exec form: argv and envp as C arrays.
  char* const* argv() const { return argv_.data(); }
  char* const* envp() const { return envp_.data(); }
  // With byre-init: its argv ("byre-init" ARGV…), or null without.
  char* const* init_argv() const { return init_argv_.empty() ? nullptr : init_argv_.data(); }

  // A message naming the operation of step INDEX and its paths, e.g.
  // mount "/src" on "/dst".
  std::string describe(int index) const;

 private:
  const char* keep(std::string s);
  void add_mount(const MountRequest& m);
  void add_standard_file_systems();

  ContainerSpec spec_;
  std::deque<std::string> strings_;
  std::vector<Step> steps_;
  CapabilityMasks caps_;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
  std::vector<char*> init_argv_;
  // Uid and gid maps for the nested namespace of lock_mounts.
  std::string inner_uid_map_;
  std::string inner_gid_map_;
  std::vector<gid_t> no_groups_;
  int deferred_ = 0;
};

// Check a mount point: absolute, no "." or ".." component.  Throws
// std::invalid_argument naming it otherwise.
void check_mount_point(const std::string& target);

}  // namespace byre::container
