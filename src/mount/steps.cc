// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Runs in a container's child: system calls only (see steps.hh).
#include "mount/steps.hh"

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace byre::mount {

namespace {

// "/proc/self/fd/FD" in BUF.
const char* fd_path(char (&buf)[40], int fd) {
  static const char prefix[] = "/proc/self/fd/";
  std::memcpy(buf, prefix, sizeof prefix - 1);
  char digits[16];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + fd % 10);
    fd /= 10;
  } while (fd > 0);
  std::size_t at = sizeof prefix - 1;
  while (n > 0) buf[at++] = digits[--n];
  buf[at] = '\0';
  return buf;
}

// Close FD keeping errno, and return RC.
int close_keeping_errno(int fd, int rc) {
  int saved = errno;
  close(fd);
  errno = saved;
  return rc;
}

bool write_all(int fd, const char* data) {
  std::size_t left = std::strlen(data);
  while (left > 0) {
    ssize_t n = write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

long open_beneath(int dirfd, const char* path, uint64_t flags, uint64_t mode) {
  struct open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = flags | O_CLOEXEC;
  how.mode = mode;
  // Absolute links and ".." that would leave the new root are refused
  // (EXDEV); so are magic links such as /proc/self/root.
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

namespace {

// NAME in the verified directory PARENT, created when missing (a file when
// IS_FILE, else a directory): a descriptor on it, or -1 and errno.  A file
// made here is returned as the descriptor that created it (a mount target
// needs no O_PATH), saving an open and a close.
// With MISSING, NAME was just found missing: no look-up first.
int open_or_create(int parent, const char* name, bool is_file, bool missing) {
  long fd = -1;
  if (!missing) {
    fd = open_beneath(parent, name, O_PATH, 0);
    if (fd >= 0 || errno != ENOENT) return static_cast<int>(fd);
  }
  if (is_file) {
    fd = open_beneath(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0644);
    if (fd >= 0 || errno != EEXIST) return static_cast<int>(fd);
  } else if (mkdirat(parent, name, 0755) != 0 && errno != EEXIST) {
    return -1;
  }
  return static_cast<int>(open_beneath(parent, name, O_PATH, 0));
}

}  // namespace

int open_mount_point(int root, const char* rel, bool is_file, bool create) {
  char path[4096];
  std::size_t len = std::strlen(rel);
  if (len == 0) return static_cast<int>(open_beneath(root, ".", O_PATH, 0));
  if (len >= sizeof path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(path, rel, len + 1);
  long fd = open_beneath(root, path, O_PATH, 0);
  if (fd >= 0 || errno != ENOENT || !create) return static_cast<int>(fd);

  // Most mount points are new in a directory that exists (the plan's
  // earlier steps made it): open the parent once and create the last
  // component in it.
  char* slash = std::strrchr(path, '/');
  if (slash == nullptr) return open_or_create(root, path, is_file, true);
  {
    *slash = '\0';
    int parent = static_cast<int>(open_beneath(root, path, O_PATH | O_DIRECTORY, 0));
    *slash = '/';
    if (parent >= 0) {
      int rc = open_or_create(parent, slash + 1, is_file, true);
      return close_keeping_errno(parent, rc);
    }
    if (errno != ENOENT) return -1;
  }

  // Walk the components, creating each missing one in its verified parent.
  int parent = static_cast<int>(open_beneath(root, ".", O_PATH | O_DIRECTORY, 0));
  if (parent < 0) return -1;
  std::size_t start = 0;
  while (start < len) {
    std::size_t end = start;
    while (end < len && path[end] != '/') ++end;
    bool last = end == len;
    path[end] = '\0';
    int next = open_or_create(parent, path + start, last && is_file, false);
    if (next < 0) return close_keeping_errno(parent, -1);
    close(parent);
    parent = next;
    if (!last) path[end] = '/';
    start = end + 1;
  }
  return parent;
}

int mount_file_system(int root, const MountOp& op) {
  int fd = open_mount_point(root, op.dest, false, op.create_dest);
  if (fd < 0) return -1;
  char target[40];
  int rc = ::mount(op.source, fd_path(target, fd), op.fs_type,
                   op.flags | (op.read_only ? MS_RDONLY : 0), op.data);
  return close_keeping_errno(fd, rc);
}

// MOUNT_ATTR_* of a bind: nosuid always, nodev unless it is a device
// given on purpose, read-only when asked, and the bind's own flags.
uint64_t bind_attributes(const MountOp& op) {
  uint64_t a = MOUNT_ATTR_NOSUID;
  if (!op.device) a |= MOUNT_ATTR_NODEV;
  if (op.read_only) a |= MOUNT_ATTR_RDONLY;
  if (op.flags & MS_NOEXEC) a |= MOUNT_ATTR_NOEXEC;
  if (op.flags & MS_NOATIME) a |= MOUNT_ATTR_NOATIME;
  else if (op.flags & MS_STRICTATIME) a |= MOUNT_ATTR_STRICTATIME;
  if (op.flags & MS_NODIRATIME) a |= MOUNT_ATTR_NODIRATIME;
  return a;
}

int set_attributes(int fd, uint64_t attributes) {
  struct mount_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.attr_set = attributes;
  if (attributes & (MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME))
    attr.attr_clr = MOUNT_ATTR__ATIME;
  return static_cast<int>(syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE,
                                  &attr, sizeof attr));
}

namespace {

int open_tree_clone(int dirfd, const char* path, unsigned flags) {
  return static_cast<int>(syscall(SYS_open_tree, dirfd, path,
                                  flags | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
}

// Attach the detached TREE on the mount point FD.
int move_tree(int tree, int fd) {
  return static_cast<int>(syscall(SYS_move_mount, tree, "", fd, "",
                                  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH));
}

// Before Linux 5.12 (no mount_setattr) or 5.2 (no open_tree): a recursive
// bind, then a remount of the top mount that keeps the source's locked
// flags.  Submounts keep their own flags there.
int bind_mount_by_remount(int root, const MountOp& op) {
  int fd = open_mount_point(root, op.dest, op.dest_is_file, op.create_dest);
  if (fd < 0) return -1;
  char target[40];
  int rc = ::mount(op.source, fd_path(target, fd), nullptr, MS_BIND | MS_REC, nullptr);
  close(fd);
  if (rc != 0) return -1;
  fd = open_mount_point(root, op.dest, op.dest_is_file, false);
  if (fd < 0) return -1;
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_NOSUID | op.flags | op.keep_flags;
  if (!op.device) flags |= MS_NODEV;
  if (op.read_only) flags |= MS_RDONLY;
  rc = ::mount(nullptr, fd_path(target, fd), nullptr, flags, nullptr);
  return close_keeping_errno(fd, rc);
}

}  // namespace

int bind_mount(int root, const MountOp& op) {
  // The source's tree is cloned detached (open_tree), every mount of it,
  // submounts included, gets the attributes while nothing can reach it
  // (mount_setattr with AT_RECURSIVE), and only then is it attached on the
  // mount point (move_mount): never a moment where the bind is writable
  // or allows set-user-ID, and no path through /proc/self/fd.
  int tree = open_tree_clone(AT_FDCWD, op.source, 0);
  if (tree < 0) return errno == ENOSYS ? bind_mount_by_remount(root, op) : -1;
  if (set_attributes(tree, bind_attributes(op)) != 0) {
    if (errno == ENOSYS) {
      close(tree);
      return bind_mount_by_remount(root, op);
    }
    return close_keeping_errno(tree, -1);
  }
  int fd = open_mount_point(root, op.dest, op.dest_is_file, op.create_dest);
  if (fd < 0) return close_keeping_errno(tree, -1);
  int rc = move_tree(tree, fd);
  close_keeping_errno(fd, rc);
  return close_keeping_errno(tree, rc);
}

int protect(int root, const char* rel, bool is_file) {
  int fd = open_mount_point(root, rel, is_file, false);
  if (fd < 0) return errno == ENOENT ? 0 : -1;
  const uint64_t attributes =
      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  int tree = open_tree_clone(fd, "", AT_EMPTY_PATH);
  if (tree >= 0) {
    int rc = set_attributes(tree, attributes);
    if (rc == 0) rc = move_tree(tree, fd);
    close_keeping_errno(tree, rc);
    return close_keeping_errno(fd, rc);
  }
  if (errno != ENOSYS) return close_keeping_errno(fd, -1);
  char target[40];
  fd_path(target, fd);
  int rc = ::mount(target, target, nullptr, MS_BIND | MS_REC, nullptr);
  close(fd);
  if (rc != 0) return -1;
  fd = open_mount_point(root, rel, is_file, false);
  if (fd < 0) return -1;
  rc = set_attributes(fd, attributes);
  return close_keeping_errno(fd, rc);
}

int mask(int root, const char* rel, bool is_file) {
  int fd = open_mount_point(root, rel, is_file, false);
  if (fd < 0) return errno == ENOENT ? 0 : -1;
  char target[40];
  fd_path(target, fd);
  int rc = is_file ? ::mount("/dev/null", target, nullptr, MS_BIND, nullptr)
                   : ::mount("tmpfs", target, "tmpfs",
                             MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0555");
  return close_keeping_errno(fd, rc);
}

int make_directory(int root, const char* rel) {
  int fd = open_mount_point(root, rel, false, true);
  return fd < 0 ? -1 : close(fd);
}

int make_symlink(int root, const char* rel, const char* target) {
  // The link's parent is verified beneath the root first.
  const char* slash = std::strrchr(rel, '/');
  const char* name = rel;
  int parent;
  if (slash) {
    char parent_path[4096];
    std::size_t n = static_cast<std::size_t>(slash - rel);
    if (n >= sizeof parent_path) {
      errno = ENAMETOOLONG;
      return -1;
    }
    std::memcpy(parent_path, rel, n);
    parent_path[n] = '\0';
    parent = open_mount_point(root, parent_path, false, true);
    name = slash + 1;
  } else {
    parent = static_cast<int>(open_beneath(root, ".", O_PATH | O_DIRECTORY, 0));
  }
  if (parent < 0) return -1;
  int rc = symlinkat(target, parent, name);
  if (rc != 0 && errno == EEXIST) rc = 0;
  return close_keeping_errno(parent, rc);
}

int write_new_file(int root, const char* rel, const char* content, uint32_t mode) {
  long fd = open_beneath(root, rel, O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) return errno == EEXIST ? 0 : -1;
  int rc = write_all(static_cast<int>(fd), content) ? 0 : -1;
  return close_keeping_errno(static_cast<int>(fd), rc);
}

int pivot_root_to(const char* directory) {
  // pivot_root(".", ".") stacks the old root under the new one; the lazy
  // unmount then drops it without a put_old directory.
  if (chdir(directory) != 0) return -1;
  if (syscall(SYS_pivot_root, ".", ".") != 0) return -1;
  if (umount2(".", MNT_DETACH) != 0) return -1;
  return chdir("/");
}

int remount_root_read_only() {
  return ::mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr);
}

}  // namespace byre::mount
