// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Namespaces and ids: the names of the namespaces, the writing of a new
// user namespace's id maps from the caller, and the nested user
// namespace a container's process ends in (see doc/hacking.md, "The
// container's own namespaces").
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace byre::namespaces {

// One id range of a user namespace map: INSIDE..INSIDE+COUNT-1 in the
// namespace are OUTSIDE..OUTSIDE+COUNT-1 in its parent.
struct IdRange {
  uint32_t inside = 0;
  uint32_t outside = 0;
  uint32_t count = 1;
};

// How the caller writes a new user namespace's maps.
enum class MapWriter {
  caller,                 // /proc/PID/{uid,gid}_map, setgroups left allowed
  caller_deny_setgroups,  // "deny" to /proc/PID/setgroups first (one id)
  helpers,                // newuidmap and newgidmap (a subordinate range)
};

// The CLONE_NEW* flag of NAME ("mnt", "pid", "ipc", "uts", "user", "net",
// "cgroup").  Throws std::invalid_argument listing the known names.
int flag_from_name(const std::string& name);
// Every namespace name, in the order above.
const std::vector<std::string>& names();

// The text of a map file for MAP.
std::string map_text(const std::vector<IdRange>& map);
// The same ranges, each mapped to itself: the map of a user namespace
// nested in one whose map is MAP, keeping every id it has.
std::string identity_map_text(const std::vector<IdRange>& map);

// In the caller: write the maps of the new user namespace of process PID.
// Throws std::system_error (or std::runtime_error from the helpers).
void write_id_maps(pid_t pid, const std::vector<IdRange>& uid_map,
                   const std::vector<IdRange>& gid_map, MapWriter writer);

// The nested user namespace, prepared in the parent and made in the child.
//
// The child, in the container's first user namespace (which owns its mount
// namespace), clones a short-lived helper into a new user namespace that
// also gets the uts, ipc and network namespaces of the container; the
// child writes the helper's maps (it may: it holds CAP_SETUID over the
// parent namespace), keeps descriptors on the new namespaces, joins the
// network one at once (so that sysfs, mounted next, is that network's),
// and joins the rest once its mounts are done (enter_nested).  With
// LOCK_MOUNTS it then unshares its mount namespace, whose copies of the
// mounts the kernel locks.  So the container's root holds capabilities
// over its hostname, its ipc and its network, and none over its mounts.
struct Nesting {
  int namespaces = 0;            // CLONE_NEW* made with the user namespace
  const char* uid_map = nullptr; // map texts (identity_map_text)
  const char* gid_map = nullptr;
  bool lock_mounts = false;
  // The child is PID 1 of a new pid namespace: the helper's pid is handed
  // back (/proc/sys/kernel/ns_last_pid) once it has exited.
  bool reset_last_pid = false;
};

// Descriptors the child keeps between make_nested and enter_nested.
struct NestedFds {
  int user = -1, uts = -1, ipc = -1, net = -1;
};

// In the child: make the namespaces; 0, or -1 and errno.
int make_nested(const Nesting& nesting, NestedFds* fds);
// In the child: join them (network already joined); 0, or -1 and errno.
int enter_nested(const Nesting& nesting, NestedFds* fds);

}  // namespace byre::namespaces
