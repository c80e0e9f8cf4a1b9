// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Joining the namespaces of a running process.
//
// Order matters: first the user namespace that owns the target's pid
// namespace (it grants the capabilities the others need), then ipc, uts,
// net, cgroup and pid, then the target's own user namespace when it is a
// nested one (a container with locked mounts), and the mount namespace
// last, since it changes the root.  Namespaces the caller already shares
// are skipped.  Joining a pid namespace only affects children, so the
// process that runs in the container is a child of the one that joined.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace byre::container {

// The fork form, guarded as spawn_fork is (set_fork_guard).  In the
// caller: the pid of a process that has joined the namespaces of TARGET
// (wait for it) and the descriptor on which it says it is ready
// (wait_ready, with a null plan).  In that process: pid 0 and the
// descriptor for report_ready.  The process is not dumpable (nothing in
// the container can ptrace it or open its /proc files), has a session
// keyring of its own, and every descriptor above 2 is close-on-exec.
// Throws std::system_error naming TARGET when it cannot be joined.
struct Forked;
Forked excursion_fork(pid_t target);

// The exec form: the pid of ARGV running in the namespaces of TARGET, with
// ENVIRONMENT, in DIRECTORY (resolved in the container once every
// descriptor but 0-2 is closed); ARGV[0] is searched in the PATH of
// ENVIRONMENT when it has no slash.  The joining process is a copy of the
// caller, never sharing its memory, made non-dumpable before it joins;
// the program gets the target's capability sets (bounding, permitted,
// effective, inheritable, ambient, never more than the caller has),
// no_new_privs, byre's default seccomp filter when the target has a
// filter, a new session and a new session keyring.  Throws
// std::system_error.
pid_t excursion_exec(pid_t target, const std::vector<std::string>& argv,
                     const std::vector<std::string>& environment,
                     const std::string& directory);

}  // namespace byre::container
