// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// A container's setup as an ordered list of steps, prepared in the parent
// (strings built, sources checked, mount flags computed) and executed in the
// child with system calls only: no allocation, no locks, nothing that could
// wait on a state another thread of the parent left behind.  Each concern's
// system calls live in its own folder: mount/steps.hh, caps/apply.hh,
// namespaces/namespaces.hh; this file orders them.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "caps/apply.hh"
#include "container/spec.hh"
#include "mount/steps.hh"
#include "namespaces/namespaces.hh"
#include "seccomp/filter.hh"

namespace byre::container {

enum class StepKind : uint8_t {
  make_private,      // mount propagation of "/" made private, recursively
  make_nested,       // the nested user namespace and those it owns
  mount_root,        // a tmpfs on the root directory PATH
  open_root,         // keep a descriptor on the new root PATH
  open_init,         // keep a descriptor on byre-init PATH, before pivot_root
  mount_fs,          // MOUNT: a file system beneath the root
  bind_mount,        // MOUNT: a bind of a host path beneath the root
  make_directory,    // a directory PATH beneath the root
  make_symlink,      // a symbolic link PATH beneath the root, to TEXT
  write_file,        // a file PATH beneath the root holding TEXT, unless it exists
  pivot_root,        // PATH, the new root, becomes "/"
  root_read_only,    // "/" remounted read-only
  loopback_up,       // "lo" up in a new network namespace
  enter_nested,      // into the nested user namespace (and lock the mounts)
  set_hostname,      // TEXT
  new_session,
  set_ids,           // setgroups, setresgid, setresuid
  capabilities,      // bounding, permitted, effective, inheritable, ambient
  no_new_privs,
  change_directory,  // PATH, inside the container
  standard_streams,  // the spec's stdio descriptors become 0, 1 and 2
  close_descriptors, // every descriptor above 2 closed or close-on-exec
  reset_signals,     // default dispositions, empty mask
  protect,           // PATH beneath the root bound read-only on itself
  mask,              // PATH hidden under /dev/null or an empty tmpfs
  session_keyring,   // a new, empty session keyring
  seccomp,           // the seccomp filter, last
};

// One step; which fields mean something depends on KIND (above).  Strings
// point into the plan's own storage.
struct Step {
  StepKind kind;
  bool may_fail = false;        // a failure is ignored
  mount::MountOp mount;         // mount_fs, bind_mount
  const char* path = nullptr;   // see StepKind
  const char* text = nullptr;   // see StepKind
  uint32_t mode = 0644;         // write_file
  bool drop_groups = false;     // set_ids: clear supplementary groups
  bool every_signal = false;    // reset_signals: all of them (exec form)
  bool is_file = false;         // protect, mask: PATH is not a directory
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
  // made later with the nested user namespace.
  int clone_namespaces() const { return spec_.namespaces & ~nesting_.namespaces; }
  // The nested user namespace, when there is one (namespaces/namespaces.hh).
  bool nested() const { return nested_; }
  const namespaces::Nesting& nesting() const { return nesting_; }
  const ContainerSpec& spec() const { return spec_; }
  const caps::Masks& capabilities() const { return caps_; }
  // The seccomp program the child installs last, or null.
  const seccomp::Program* filter() const { return filter_; }

  // What the child keeps between steps.
  struct State {
    int root = -1;    // the new root, until the mounts are done
    int init = -1;    // byre-init, to exec as PID 1 (see spec.hh)
    namespaces::NestedFds nested;
  };
  // Run every step from FIRST until a step of kind STOP (not included) or
  // the end; return the index of the step that failed, or -1.  ERROR gets
  // its errno.  Called in the child: system calls only.
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
  void add(Step step) { steps_.push_back(step); }

  ContainerSpec spec_;
  std::deque<std::string> strings_;
  std::vector<Step> steps_;
  caps::Masks caps_;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
  std::vector<char*> init_argv_;
  bool nested_ = false;
  namespaces::Nesting nesting_;
  const seccomp::Program* filter_ = nullptr;
  seccomp::Program custom_filter_;  // the spec's own filter, compiled
};

}  // namespace byre::container
