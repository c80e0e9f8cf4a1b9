// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// What byre's Scheme layer and its C++ core agree on about mounts: the one
// table of file system flags (the symbols of a <file-system>'s `flags'
// field and the mount(2) flags they stand for) and the one rule for mount
// points.  Scheme reads both through primitives (src/guile/mount.cc):
// %mount-flags, %mount-point-problem.
#pragma once

#include <string>
#include <vector>

namespace byre::mount {

struct FlagName {
  const char* name;      // as written in Scheme, e.g. "read-only"
  unsigned long flag;    // MS_* flag
};

// Every file system flag byre knows, in the order the manual lists them.
const std::vector<FlagName>& flag_table();

// The MS_* flag of NAME.  Throws std::invalid_argument naming NAME and
// listing the known flags when NAME is not in the table.
unsigned long flag_from_name(const std::string& name);

// What is wrong with TARGET as a mount point inside a container, or
// nullptr when nothing is: a mount point is an absolute file name with no
// empty name, no "." and no ".." component (which could lead a mount out
// of the container's root), and no NUL byte.  The answer is one of
// "not-absolute", "dot-component", "dot-dot-component".
const char* mount_point_problem(const std::string& target);

// Throws std::invalid_argument with a sentence naming TARGET and its
// problem, when mount_point_problem finds one.
void check_mount_point(const std::string& target);

}  // namespace byre::mount
