// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Mount work done in the parent, through libmount: option strings turned
// into mount(2) flags and data, the flags a bind's read-only remount must
// keep, and the mount table.
#pragma once

#include <string>
#include <vector>

namespace byre::mount {

struct ParsedOptions {
  unsigned long flags = 0;   // MS_* flags named in the string
  std::string data;          // what is left for the file system
};

// Split a comma-separated option string such as "ro,nosuid,size=10m" into
// mount(2) flags and file-system data.  Throws std::invalid_argument when
// libmount cannot parse it.
ParsedOptions parse_options(const std::string& options);

// The flags of the file system holding PATH that the kernel locks on a bind
// mount (nosuid, nodev, noexec, noatime, nodiratime, relatime): a read-only
// remount of the bind fails with EPERM unless it keeps them (NOTES.md).
// Throws std::system_error (statvfs) naming PATH.
unsigned long locked_flags(const std::string& path);

// The mount points of the calling process's mount namespace, from
// /proc/self/mountinfo, in mount order.
std::vector<std::string> mount_points();

}  // namespace byre::mount
