// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "container/excursion.hh"
#include "container/spawn.hh"

#include <fcntl.h>
#include <gc/gc.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>

#include "seccomp/filter.hh"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

namespace byre::container {

namespace {

// A descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) ::close(fd_); }
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = other.fd_;
      other.fd_ = -1;
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void release() { fd_ = -1; }
 private:
  int fd_;
};

struct Identity {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const Identity& o) const { return dev == o.dev && ino == o.ino; }
};

Identity identity_of(int fd, const std::string& what) {
  struct stat st;
  if (fstat(fd, &st) != 0)
    throw std::system_error(errno, std::generic_category(), "stat \"" + what + "\"");
  return Identity{st.st_dev, st.st_ino};
}

struct Namespace {
  Fd fd;
  int type;
};

// The namespaces to join, in order, opened and checked in the caller.
//
// The container's user namespace is the one that owns TARGET's pid
// namespace: a process cannot change its own pid namespace, nor the owner
// of one, so a hostile process in the container cannot make us join a
// user namespace of its own making that way.  The target's current user
// namespace is joined as well only when it is a direct child of that one
// (the nested namespace that locks a container's mounts); every other
// namespace joined must be owned by the user namespace joined last.  A
// process that has moved into namespaces of its own making is refused.
class Joining {
 public:
  explicit Joining(pid_t target) : target_(target) {
    const std::string dir = "/proc/" + std::to_string(target) + "/ns/";
    struct stat st;
    if (stat(("/proc/" + std::to_string(target)).c_str(), &st) != 0)
      throw std::system_error(ESRCH, std::generic_category(),
                              "container-excursion: no process " + std::to_string(target));
    auto open_ns = [&](const char* name) {
      int fd = open((dir + name).c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        throw std::system_error(errno, std::generic_category(),
                                "open \"" + dir + name + "\"");
      return Fd(fd);
    };
    auto mine = [&](const char* name, Identity* id) {
      Fd fd(open((std::string("/proc/self/ns/") + name).c_str(), O_RDONLY | O_CLOEXEC));
      if (fd.get() < 0) return false;  // not supported by this kernel
      *id = identity_of(fd.get(), name);
      return true;
    };

    Identity my_user;
    mine("user", &my_user);
    Identity user_joined = my_user;

    // The user namespace owning the pid namespace first.
    Fd pid_ns = open_ns("pid");
    Identity my_pid, their_pid = identity_of(pid_ns.get(), dir + "pid");
    bool same_pid = mine("pid", &my_pid) && my_pid == their_pid;
    Fd owner(ioctl(pid_ns.get(), NS_GET_USERNS));
    if (owner.get() < 0)
      throw std::system_error(errno, std::generic_category(),
                              "find the owner of \"" + dir + "pid\"");
    Identity owner_id = identity_of(owner.get(), dir + "pid's owner");
    if (!(owner_id == my_user)) {
      user_joined = owner_id;
      add(std::move(owner), CLONE_NEWUSER);
    }

    // The target's own user namespace, when it is the nested one of
    // locked mounts.
    Fd user = open_ns("user");
    Identity their_user = identity_of(user.get(), dir + "user");
    bool nested = !(their_user == user_joined);
    if (nested) {
      Fd parent(ioctl(user.get(), NS_GET_PARENT));
      if (parent.get() < 0 || !(identity_of(parent.get(), "parent") == user_joined))
        throw std::system_error(EPERM, std::generic_category(),
                                "container-excursion: process " + std::to_string(target) +
                                    " is in a user namespace its container was not made with");
    }

    // Every other namespace is owned by one of the two: those of the outer
    // one are joined before the nested one is (which gives no capability
    // over them), the mount namespace last of its group.
    struct Candidate {
      Fd fd;
      int type;
      bool inner;
    };
    std::vector<Candidate> others;
    struct { const char* name; int type; } kinds[] = {
        {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET},
        {"cgroup", CLONE_NEWCGROUP}, {"mnt", CLONE_NEWNS}};
    for (auto& k : kinds) {
      Identity m;
      if (!mine(k.name, &m)) continue;
      Fd fd = open_ns(k.name);
      if (identity_of(fd.get(), dir + k.name) == m) continue;
      Fd ns_owner(ioctl(fd.get(), NS_GET_USERNS));
      int owned = 0;  // 1: by the outer namespace, 2: by the nested one
      if (ns_owner.get() >= 0) {
        Identity o = identity_of(ns_owner.get(), "owner");
        if (o == user_joined) owned = 1;
        else if (nested && o == their_user) owned = 2;
      }
      if (owned == 0)
        throw std::system_error(EPERM, std::generic_category(),
                                "container-excursion: the " + std::string(k.name) +
                                    " namespace of process " + std::to_string(target) +
                                    " is not one its container was made with");
      others.push_back(Candidate{std::move(fd), k.type, owned == 2});
    }
    auto group = [&](bool inner) {
      for (Candidate& c : others)
        if (c.inner == inner && c.type != CLONE_NEWNS) add(std::move(c.fd), c.type);
      if (inner == false && !same_pid) {
        add(std::move(pid_ns), CLONE_NEWPID);
        pid_ = true;
      }
      for (Candidate& c : others)
        if (c.inner == inner && c.type == CLONE_NEWNS) add(std::move(c.fd), c.type);
    };
    group(false);
    if (nested) add(std::move(user), CLONE_NEWUSER);
    group(true);
  }
  Joining(const Joining&) = delete;
  Joining& operator=(const Joining&) = delete;

  // In the child: join every namespace; the index that failed or -1.
  int join(int* error) const {
    for (std::size_t i = 0; i < list_.size(); ++i)
      if (setns(list_[i].fd.get(), list_[i].type) != 0) {
        *error = errno;
        return static_cast<int>(i);
      }
    if (chdir("/") != 0) {
      *error = errno;
      return static_cast<int>(list_.size());
    }
    return -1;
  }
  bool pid_namespace() const { return pid_; }
  const char* name(int index) const {
    if (index < 0 || static_cast<std::size_t>(index) >= list_.size()) return "/";
    switch (list_[index].type) {
      case CLONE_NEWUSER: return "user";
      case CLONE_NEWIPC: return "ipc";
      case CLONE_NEWUTS: return "uts";
      case CLONE_NEWNET: return "net";
      case CLONE_NEWCGROUP: return "cgroup";
      case CLONE_NEWPID: return "pid";
      case CLONE_NEWNS: return "mnt";
    }
    return "?";
  }

 private:
  void add(Fd fd, int type) { list_.push_back(Namespace{std::move(fd), type}); }
  pid_t target_;
  std::vector<Namespace> list_;
  bool pid_ = false;
};

// What the target process has, which the joined program gets: its
// capability sets, read from /proc/PID/status when the excursion starts.
struct TargetCredentials {
  uint64_t inheritable = 0, permitted = 0, effective = 0, bounding = 0, ambient = 0;
  bool no_new_privs = true;
  bool seccomp = false;
};

TargetCredentials read_credentials(pid_t target) {
  const std::string file = "/proc/" + std::to_string(target) + "/status";
  std::ifstream in(file);
  if (!in)
    throw std::system_error(errno ? errno : ESRCH, std::generic_category(),
                            "open \"" + file + "\"");
  TargetCredentials c;
  int found = 0;
  std::string line;
  while (std::getline(in, line)) {
    auto value = [&](const char* key, uint64_t* out) {
      std::size_t n = std::strlen(key);
      if (line.compare(0, n, key) != 0) return;
      *out = std::stoull(line.substr(n), nullptr, 16);
      ++found;
    };
    value("CapInh:", &c.inheritable);
    value("CapPrm:", &c.permitted);
    value("CapEff:", &c.effective);
    value("CapBnd:", &c.bounding);
    value("CapAmb:", &c.ambient);
    if (line.compare(0, 11, "NoNewPrivs:") == 0) c.no_new_privs = std::stoi(line.substr(11)) != 0;
    if (line.compare(0, 8, "Seccomp:") == 0) c.seccomp = std::stoi(line.substr(8)) == 2;
  }
  if (found != 5)
    throw std::system_error(EINVAL, std::generic_category(),
                            "read the capabilities of process " + std::to_string(target) +
                                " from \"" + file + "\"");
  return c;
}

struct Report {
  int32_t kind;   // 1: failed, 3: pid
  int32_t where;  // namespace index, or one of the kWhere values below
  int32_t error;
  int32_t pid;
};

constexpr int32_t kWhereExec = -2;
constexpr int32_t kWhereClone = -3;
constexpr int32_t kWhereDirectory = -4;
constexpr int32_t kWhereCredentials = -5;

void send_report(int fd, int32_t kind, int32_t where, int32_t error, int32_t pid) {
  Report r{kind, where, error, pid};
  while (send(fd, &r, sizeof r, MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

void reap(pid_t pid) {
  int status;
  while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
  }
}

std::string join_error(pid_t target, const Joining& j, int where) {
  return "join the " + std::string(j.name(where)) + " namespace of process " +
         std::to_string(target);
}

// A fresh, empty session keyring: the caller's keys stay out of reach.
int new_session_keyring() {
  long rc = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, nullptr);
  // No keyring support in this kernel: nothing to hide.
  return rc < 0 && errno != ENOSYS ? -1 : 0;
}

// Give this process the target's capabilities, never more than it has.
int apply_credentials(const TargetCredentials& c) {
  for (int cap = 0; cap < 64; ++cap)
    if (!(c.bounding & (uint64_t{1} << cap)))
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return -1;
  struct __user_cap_header_struct header;
  struct __user_cap_data_struct data[2];
  std::memset(&header, 0, sizeof header);
  std::memset(data, 0, sizeof data);
  header.version = _LINUX_CAPABILITY_VERSION_3;
  if (syscall(SYS_capget, &header, data) != 0) return -1;
  uint64_t have = data[0].permitted | (uint64_t{data[1].permitted} << 32);
  uint64_t permitted = c.permitted & have;
  uint64_t effective = c.effective & permitted;
  uint64_t inheritable = c.inheritable & permitted;
  for (int i = 0; i < 2; ++i) {
    data[i].permitted = static_cast<uint32_t>(permitted >> (32 * i));
    data[i].effective = static_cast<uint32_t>(effective >> (32 * i));
    data[i].inheritable = static_cast<uint32_t>(inheritable >> (32 * i));
  }
  if (syscall(SYS_capset, &header, data) != 0) return -1;
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    return -1;
  for (int cap = 0; cap < 64; ++cap)
    if ((c.ambient & permitted & inheritable) & (uint64_t{1} << cap))
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) return -1;
  if (c.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
  return 0;
}

struct ExecArgs {
  const Joining* joining;
  const TargetCredentials* credentials;
  const seccomp::Program* filter;  // or null
  char* const* cargv;
  char* const* cenvp;
  const char* directory;
  const char* path;       // PATH from the environment, or a default
  int fd;
  char* stack;            // for the second clone
};

// Try each PATH entry with ARGV[0]; returns only on failure.
void exec_search(const ExecArgs& a) {
  const char* program = a.cargv[0];
  if (std::strchr(program, '/')) {
    execve(program, a.cargv, a.cenvp);
    return;
  }
  char file[4096];
  int first_error = ENOENT;
  const char* p = a.path;
  std::size_t plen = std::strlen(program);
  while (*p) {
    const char* end = std::strchr(p, ':');
    std::size_t n = end ? static_cast<std::size_t>(end - p) : std::strlen(p);
    if (n + 2 + plen + 1 < sizeof file) {
      std::memcpy(file, p, n);
      std::size_t at = n;
      if (n == 0) file[at++] = '.';
      file[at++] = '/';
      std::memcpy(file + at, program, plen + 1);
      execve(file, a.cargv, a.cenvp);
      if (errno != ENOENT && errno != ENOTDIR) first_error = errno;
    }
    if (!end) break;
    p = end + 1;
  }
  errno = first_error;
}

// The program's process: in the container's namespaces, sharing the
// memory of the joining process only (which is not dumpable and waits,
// CLONE_VFORK, until this one has exec'd).
int exec_grandchild(void* p) {
  auto* a = static_cast<ExecArgs*>(p);
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
  // A session of its own: no controlling terminal, so a TIOCSTI from the
  // container cannot push input to the caller's shell.
  if (setsid() < 0 || new_session_keyring() != 0 || apply_credentials(*a->credentials) != 0) {
    send_report(a->fd, 1, kWhereCredentials, errno, 0);
    _exit(127);
  }
  // Only standard input, output and error, and the report channel
  // (close-on-exec) until the exec; then the directory, resolved in the
  // container's root with nothing of the caller's open.
  if (a->fd > 3) syscall(SYS_close_range, 3, a->fd - 1, 0);
  syscall(SYS_close_range, a->fd + 1, ~0U, 0);
  if (chdir(a->directory ? a->directory : "/") != 0) {
    send_report(a->fd, 1, kWhereDirectory, errno, 0);
    _exit(127);
  }
  // The filter last: it may forbid what the set-up above needs.
  if (a->filter && seccomp::install(*a->filter) != 0) {
    send_report(a->fd, 1, kWhereCredentials, errno, 0);
    _exit(127);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  exec_search(*a);
  send_report(a->fd, 1, kWhereExec, errno, 0);
  _exit(127);
}

// The joining process: a copy of the caller (not sharing its memory),
// made non-dumpable before it joins anything, so that nothing in the
// container can ptrace it or open its /proc files.
int exec_child(void* p) {
  auto* a = static_cast<ExecArgs*>(p);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  int error = 0;
  int where = a->joining->join(&error);
  if (where >= 0) {
    send_report(a->fd, 1, where, error, 0);
    _exit(127);
  }
  // The command is a child of the caller (CLONE_PARENT) so that the caller
  // waits for it; CLONE_VFORK keeps this process still until it has exec'd.
  pid_t pid = clone(exec_grandchild, a->stack,
                    CLONE_VM | CLONE_VFORK | CLONE_PARENT | SIGCHLD, a);
  if (pid < 0) {
    send_report(a->fd, 1, kWhereClone, errno, 0);
    _exit(127);
  }
  send_report(a->fd, 3, 0, 0, pid);
  _exit(0);
}

}  // namespace

Forked excursion_fork(pid_t target) {
  Joining joining(target);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::system_error(errno, std::generic_category(), "socketpair");
  Fd caller_end(sv[0]), child_end(sv[1]);
  sigset_t saved;
  pthread_sigmask(SIG_SETMASK, nullptr, &saved);
  lock_fork_guard();
  GC_atfork_prepare();
  pid_t first = fork();
  if (first == 0) {
    // No handler of the caller may run while two processes share memory.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, nullptr);
    GC_atfork_child();
    unlock_fork_guard(true);
    // Before joining: nothing in the container may ptrace this process or
    // read its descriptors and memory through /proc.
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    caller_end = Fd();
    int fd = sv[1];
    child_end.release();  // the thunk's process keeps it
    int error = 0;
    int where = joining.join(&error);
    if (where >= 0) {
      send_report(fd, 1, where, error, 0);
      _exit(127);
    }
    // The caller's descriptors do not reach a program the thunk runs.
    syscall(SYS_close_range, 3, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
    new_session_keyring();
    if (!joining.pid_namespace()) {
      send_report(fd, 3, 0, 0, getpid());
      pthread_sigmask(SIG_SETMASK, &saved, nullptr);
      return Forked{0, fd};
    }
    // Joining a pid namespace moves only children: hand over to a child of
    // the caller, sharing this process's memory, which then exits.
    if (hand_over(CLONE_PARENT | SIGCHLD, report_pid_and_exit, fd) != 0) _exit(127);
    // Wait until the caller has our pid (see spawn_fork).
    char next = 0;
    ssize_t got;
    do got = read(fd, &next, 1);
    while (got < 0 && errno == EINTR);
    if (got != 1) _exit(126);
    pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    return Forked{0, fd};
  }
  int fork_error = errno;
  GC_atfork_parent();
  unlock_fork_guard(false);
  child_end = Fd();
  if (first < 0)
    throw std::system_error(fork_error, std::generic_category(), "fork");
  Report r{};
  ssize_t n;
  do n = recv(caller_end.get(), &r, sizeof r, 0);
  while (n < 0 && errno == EINTR);
  if (n > 0 && r.kind == 3 && r.pid != first) {
    // The joined process waits for this word before it runs anything.
    if (write(caller_end.get(), "p", 1) != 1) {
      r.error = errno;
      kill(r.pid, SIGKILL);
      reap(r.pid);
      n = -1;
    }
  }
  if (n <= 0 || r.kind != 3) {
    reap(first);
    if (n > 0)
      throw std::system_error(r.error, std::generic_category(),
                              join_error(target, joining, r.where));
    throw std::system_error(ECHILD, std::generic_category(),
                            "container-excursion: the joining process died");
  }
  if (r.pid != first) reap(first);  // the intermediate process exits at once
  int fd = caller_end.get();
  caller_end.release();
  return Forked{r.pid, fd};
}

pid_t excursion_exec(pid_t target, const std::vector<std::string>& argv,
                     const std::vector<std::string>& environment,
                     const std::string& directory) {
  if (argv.empty()) throw std::invalid_argument("no command to run");
  Joining joining(target);
  TargetCredentials credentials = read_credentials(target);
  // A target under a seccomp filter: byre's default one, the filter byre
  // gives its containers (the target's own cannot be read back).
  const seccomp::Program* filter = credentials.seccomp ? &seccomp::default_program() : nullptr;
  std::vector<char*> cargv, cenvp;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  const char* path = "/run/current-system/profile/bin:/bin:/usr/bin:/sbin:/usr/sbin";
  for (const std::string& e : environment) {
    cenvp.push_back(const_cast<char*>(e.c_str()));
    if (e.rfind("PATH=", 0) == 0) path = e.c_str() + 5;
  }
  cenvp.push_back(nullptr);

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::system_error(errno, std::generic_category(), "socketpair");
  Fd caller_end(sv[0]), child_end(sv[1]);
  // The stacks are the caller's memory, copied into the joining process
  // by the first clone (which does not share memory).
  constexpr std::size_t half = 128 * 1024;
  char* stacks = static_cast<char*>(mmap(nullptr, 2 * half, PROT_READ | PROT_WRITE,
                                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0));
  if (stacks == MAP_FAILED)
    throw std::system_error(errno, std::generic_category(), "mmap a stack");
  struct Unmap {
    char* p;
    ~Unmap() { munmap(p, 2 * half); }
  } unmap{stacks};
  ExecArgs args{&joining, &credentials, filter, cargv.data(), cenvp.data(),
                directory.empty() ? nullptr : directory.c_str(), path, child_end.get(),
                stacks + 2 * half};
  sigset_t all, saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  // No CLONE_VM: the joining process has a copy of the caller's memory,
  // never the caller's own.
  pid_t first = clone(exec_child, stacks + half, SIGCHLD, &args);
  int clone_error = errno;
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  child_end = Fd();
  if (first < 0) throw std::system_error(clone_error, std::generic_category(), "clone");
  // Reports: the command's own exec failure (from the grandchild) may come
  // before the pid (from the child).
  Report failure{}, r{};
  bool failed = false;
  pid_t pid = -1;
  for (;;) {
    ssize_t n;
    do n = recv(caller_end.get(), &r, sizeof r, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) break;
    if (r.kind == 1 && !failed) {
      failed = true;
      failure = r;
    } else if (r.kind == 3) {
      pid = r.pid;
    }
  }
  reap(first);
  if (failed) {
    if (pid > 0) reap(pid);
    const std::string in = " in process " + std::to_string(target);
    switch (failure.where) {
      case kWhereExec:
        throw std::system_error(failure.error, std::generic_category(),
                                "exec \"" + argv[0] + "\"" + in);
      case kWhereDirectory:
        throw std::system_error(failure.error, std::generic_category(),
                                "chdir \"" + directory + "\"" + in);
      case kWhereClone:
        throw std::system_error(failure.error, std::generic_category(), "clone");
      case kWhereCredentials:
        throw std::system_error(failure.error, std::generic_category(),
                                "take the credentials of process " + std::to_string(target));
    }
    throw std::system_error(failure.error, std::generic_category(),
                            join_error(target, joining, failure.where));
  }
  if (pid < 0)
    throw std::system_error(ECHILD, std::generic_category(),
                            "container exec: the joining process died");
  return pid;
}

}  // namespace byre::container
