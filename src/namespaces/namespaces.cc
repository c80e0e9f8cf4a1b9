// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "namespaces/namespaces.hh"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "process/helpers.hh"

#ifndef NEWUIDMAP
#define NEWUIDMAP "/usr/bin/newuidmap"
#endif
#ifndef NEWGIDMAP
#define NEWGIDMAP "/usr/bin/newgidmap"
#endif

namespace byre::namespaces {

namespace {

struct Name {
  const char* name;
  int flag;
};

const Name kNames[] = {
    {"mnt", CLONE_NEWNS},   {"pid", CLONE_NEWPID}, {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS},  {"user", CLONE_NEWUSER}, {"net", CLONE_NEWNET},
    {"cgroup", CLONE_NEWCGROUP},
};

void write_file(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  bool ok = fd >= 0 && write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int error = errno;
  if (fd >= 0) close(fd);
  if (!ok) throw std::system_error(error, std::generic_category(), "write \"" + path + "\"");
}

}  // namespace

int flag_from_name(const std::string& name) {
  for (const Name& n : kNames)
    if (name == n.name) return n.flag;
  throw std::invalid_argument("unknown namespace '" + name +
                              "' (known: mnt pid ipc uts user net cgroup)");
}

const std::vector<std::string>& names() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    for (const Name& n : kNames) v.emplace_back(n.name);
    return v;
  }();
  return all;
}

std::string map_text(const std::vector<IdRange>& map) {
  std::string text;
  for (const IdRange& r : map)
    text += std::to_string(r.inside) + " " + std::to_string(r.outside) + " " +
            std::to_string(r.count) + "\n";
  return text;
}

std::string identity_map_text(const std::vector<IdRange>& map) {
  std::string text;
  for (const IdRange& r : map)
    text += std::to_string(r.inside) + " " + std::to_string(r.inside) + " " +
            std::to_string(r.count) + "\n";
  return text;
}

void write_id_maps(pid_t pid, const std::vector<IdRange>& uid_map,
                   const std::vector<IdRange>& gid_map, MapWriter writer) {
  if (uid_map.empty()) return;
  if (writer == MapWriter::helpers) {
    auto run = [pid](const char* program, const std::vector<IdRange>& map) {
      std::vector<std::string> args{std::to_string(pid)};
      for (const IdRange& r : map) {
        args.push_back(std::to_string(r.inside));
        args.push_back(std::to_string(r.outside));
        args.push_back(std::to_string(r.count));
      }
      process::run_helper(program, args);
    };
    run(NEWUIDMAP, uid_map);
    run(NEWGIDMAP, gid_map);
    return;
  }
  const std::string proc = "/proc/" + std::to_string(pid);
  // An unprivileged process may map its own ids only once setgroups is
  // denied.
  if (writer == MapWriter::caller_deny_setgroups) write_file(proc + "/setgroups", "deny");
  write_file(proc + "/uid_map", map_text(uid_map));
  write_file(proc + "/gid_map", map_text(gid_map));
}

// ---------------------------------------------------------------------------
// The child's side: system calls only.

namespace {

// What the helper and the child share (the helper runs in the child's
// memory and descriptor table, on a stack of its own).
struct Shared {
  int ready[2];     // helper -> child: its descriptors are open
  int done[2];      // child -> helper: the maps are written, exit
  int dir;          // the helper's /proc/PID directory
  NestedFds* fds;
  int namespaces;
};

int open_ns(int dir, const char* name) {
  return openat(dir, name, O_RDONLY | O_CLOEXEC);
}

int helper(void* p) {
  auto* s = static_cast<Shared*>(p);
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  // "/proc/self" is resolved by the host's proc, whatever the pid
  // namespace: this is our own directory there.
  s->dir = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (s->dir >= 0) {
    s->fds->user = open_ns(s->dir, "ns/user");
    if (s->namespaces & CLONE_NEWUTS) s->fds->uts = open_ns(s->dir, "ns/uts");
    if (s->namespaces & CLONE_NEWIPC) s->fds->ipc = open_ns(s->dir, "ns/ipc");
    if (s->namespaces & CLONE_NEWNET) s->fds->net = open_ns(s->dir, "ns/net");
  }
  char c = 1;
  if (write(s->ready[1], &c, 1) != 1) _exit(1);
  while (read(s->done[0], &c, 1) < 0 && errno == EINTR) {
  }
  _exit(0);
}

bool write_at(int dir, const char* name, const char* text) {
  int fd = openat(dir, name, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::size_t len = std::strlen(text);
  bool ok = write(fd, text, len) == static_cast<ssize_t>(len);
  int saved = errno;
  close(fd);
  errno = saved;
  return ok;
}

void close_fd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

}  // namespace

int make_nested(const Nesting& nesting, NestedFds* fds) {
  constexpr std::size_t stack_size = 64 * 1024;
  Shared s;
  s.dir = -1;
  s.fds = fds;
  s.namespaces = nesting.namespaces;
  if (pipe2(s.ready, O_CLOEXEC) != 0) return -1;
  if (pipe2(s.done, O_CLOEXEC) != 0) {
    close(s.ready[0]);
    close(s.ready[1]);
    return -1;
  }
  int rc = -1, error = 0;
  void* stack = mmap(nullptr, stack_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  pid_t pid = -1;
  if (stack != MAP_FAILED)
    pid = clone(helper, static_cast<char*>(stack) + stack_size,
                CLONE_VM | CLONE_FILES | CLONE_NEWUSER | nesting.namespaces | SIGCHLD, &s);
  if (pid < 0) {
    error = errno;
  } else {
    char c = 0;
    ssize_t n;
    do n = read(s.ready[0], &c, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1 || s.dir < 0 || fds->user < 0) {
      error = n < 0 ? errno : (s.dir < 0 || fds->user < 0 ? ENOENT : ECHILD);
    } else if (!write_at(s.dir, "uid_map", nesting.uid_map) ||
               !write_at(s.dir, "gid_map", nesting.gid_map)) {
      error = errno;
    } else {
      rc = 0;
    }
    // The helper's descriptors are ours (a shared table): they outlive it.
    if (write(s.done[1], &c, 1) != 1) kill(pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
    }
  }
  if (stack != MAP_FAILED) munmap(stack, stack_size);
  close_fd(&s.dir);
  // The helper took the pid after ours in a new pid namespace: hand it
  // back, so that the container's first child is PID 2 there, as without
  // the helper.  ns_last_pid is that of the writer's pid namespace.
  if (rc == 0 && nesting.reset_last_pid &&
      !write_at(AT_FDCWD, "/proc/sys/kernel/ns_last_pid", "1")) {
    error = errno;
    rc = -1;
  }
  for (int* fd : {&s.ready[0], &s.ready[1], &s.done[0], &s.done[1]}) close_fd(fd);
  // The network namespace at once: sysfs, mounted next, must be that of a
  // network namespace whose owner we hold capabilities over.
  if (rc == 0 && fds->net >= 0 && setns(fds->net, CLONE_NEWNET) != 0) {
    error = errno;
    rc = -1;
  }
  if (rc != 0) {
    for (int* fd : {&fds->user, &fds->uts, &fds->ipc, &fds->net}) close_fd(fd);
    errno = error;
  }
  return rc;
}

int enter_nested(const Nesting& nesting, NestedFds* fds) {
  // uts and ipc first, while we hold CAP_SYS_ADMIN over their owner from
  // its parent, then the user namespace, then (locking) a mount namespace
  // of its own.
  int rc = 0;
  if (fds->uts >= 0 && setns(fds->uts, CLONE_NEWUTS) != 0) rc = -1;
  if (rc == 0 && fds->ipc >= 0 && setns(fds->ipc, CLONE_NEWIPC) != 0) rc = -1;
  if (rc == 0 && setns(fds->user, CLONE_NEWUSER) != 0) rc = -1;
  // Mounts inherited by a mount namespace owned by a less privileged user
  // namespace are locked: they cannot be unmounted or made writable there.
  if (rc == 0 && nesting.lock_mounts && unshare(CLONE_NEWNS) != 0) rc = -1;
  int saved = errno;
  for (int* fd : {&fds->user, &fds->uts, &fds->ipc, &fds->net}) close_fd(fd);
  errno = saved;
  return rc;
}

}  // namespace byre::namespaces
