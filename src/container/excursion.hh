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

// The fork form: in the caller, the pid of a process that has joined the
// namespaces of TARGET (wait for it); in that process, 0.  Throws
// std::system_error naming TARGET when it cannot be joined.
pid_t excursion_fork(pid_t target);

// The exec form: the pid of ARGV running in the namespaces of TARGET, with
// ENVIRONMENT, in DIRECTORY; ARGV[0] is searched in the PATH of
// ENVIRONMENT when it has no slash.  Throws std::system_error.
pid_t excursion_exec(pid_t target, const std::vector<std::string>& argv,
                     const std::vector<std::string>& environment,
                     const std::string& directory);

}  // namespace byre::container
