// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The mount steps a container's child runs (container/plan.cc lists them):
// system calls on memory prepared in the parent, no allocation, no lock.
// Every path beneath the new root is resolved with openat2(RESOLVE_BENEATH),
// so that neither a symbolic link nor ".." leads a mount out of it.
#pragma once

#include <cstdint>

namespace byre::mount {

// One mount of a file system or bind, with its paths and flags named.
struct MountOp {
  const char* source = nullptr;   // host path (bind) or file system source
  const char* dest = nullptr;     // beneath the new root, relative
  const char* fs_type = nullptr;  // file system type; null for a bind
  const char* data = nullptr;     // file system options, or null
  unsigned long flags = 0;        // MS_* flags (nosuid, nodev…), not MS_BIND
  unsigned long keep_flags = 0;   // the source's locked flags, kept on remount
  bool read_only = false;
  bool device = false;            // a bind of a device node: keeps "dev"
  bool dest_is_file = false;      // the mount point is a file
  bool create_dest = true;        // create a missing mount point
};

// openat2 beneath DIRFD, O_CLOEXEC added; the descriptor or -1 and errno.
long open_beneath(int dirfd, const char* path, uint64_t flags, uint64_t mode);

// REL beneath ROOT as an O_PATH descriptor; with CREATE, the missing
// directories on the way are made and the last component too, as a file
// (IS_FILE) or a directory.  The descriptor, or -1 and errno.
int open_mount_point(int root, const char* rel, bool is_file, bool create);

// The mounts themselves; 0, or -1 and errno.
int mount_file_system(int root, const MountOp& op);
int bind_mount(int root, const MountOp& op);
int make_directory(int root, const char* rel);
// REL, beneath ROOT, bound read-only on itself, submounts included; a
// missing REL is left alone.
int protect(int root, const char* rel, bool is_file);
// REL hidden: /dev/null over a file, an empty read-only tmpfs over a
// directory; a missing REL is left alone.
int mask(int root, const char* rel, bool is_file);
// A symbolic link REL -> TARGET, its parent made beneath ROOT first.
int make_symlink(int root, const char* rel, const char* target);
// CONTENT in a new file REL of MODE; an existing file is left alone.
int write_new_file(int root, const char* rel, const char* content, uint32_t mode);
// DIRECTORY (absolute, on the host) becomes "/"; the old root is detached.
int pivot_root_to(const char* directory);
int remount_root_read_only();

}  // namespace byre::mount
