// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "container/excursion.hh"
#include "container/spawn.hh"

#include <fcntl.h>
#include <gc/gc.h>
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
#include <cstring>
#include <system_error>

namespace byre::container {

namespace {

struct Namespace {
  int fd;
  int type;
};

// The descriptors to join, in order, opened in the caller.
class Joining {
 public:
  explicit Joining(pid_t target) {
    const std::string proc = "/proc/" + std::to_string(target) + "/ns/";
    struct stat st;
    if (stat(("/proc/" + std::to_string(target)).c_str(), &st) != 0)
      throw std::system_error(ESRCH, std::generic_category(),
                              "container-excursion: no process " + std::to_string(target));
    auto open_ns = [&](const char* name) {
      int fd = open((proc + name).c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        throw std::system_error(errno, std::generic_category(),
                                "open \"" + proc + name + "\"");
      return fd;
    };
    auto same = [&](const char* name) {
      struct stat mine, theirs;
      std::string self = std::string("/proc/self/ns/") + name;
      if (stat(self.c_str(), &mine) != 0) return true;  // not supported here
      if (stat((proc + name).c_str(), &theirs) != 0)
        throw std::system_error(errno, std::generic_category(),
                                "stat \"" + proc + name + "\"");
      return mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev;
    };
    // The user namespace owning the pid namespace first.
    if (!same("pid")) {
      int pid_ns = open_ns("pid");
      int owner = ioctl(pid_ns, NS_GET_USERNS);
      close(pid_ns);
      if (owner >= 0) {
        struct stat o, mine;
        if (fstat(owner, &o) == 0 && stat("/proc/self/ns/user", &mine) == 0 &&
            (o.st_ino != mine.st_ino || o.st_dev != mine.st_dev))
          add(owner, CLONE_NEWUSER);
        else
          close(owner);
      }
    }
    struct { const char* name; int type; } kinds[] = {
        {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET},
        {"cgroup", CLONE_NEWCGROUP}, {"pid", CLONE_NEWPID}};
    for (auto& k : kinds)
      if (!same(k.name)) add(open_ns(k.name), k.type);
    // The target's own user namespace, when nested (locked mounts).
    if (!same("user")) {
      int user = open_ns("user");
      struct stat theirs;
      fstat(user, &theirs);
      bool joined = false;
      for (const Namespace& n : list_)
        if (n.type == CLONE_NEWUSER) {
          struct stat s;
          if (fstat(n.fd, &s) == 0 && s.st_ino == theirs.st_ino) joined = true;
        }
      if (joined) close(user); else add(user, CLONE_NEWUSER);
    }
    if (!same("mnt")) add(open_ns("mnt"), CLONE_NEWNS);
    for (const Namespace& n : list_)
      if (n.type == CLONE_NEWPID) pid_ = true;
  }
  ~Joining() {
    for (const Namespace& n : list_) close(n.fd);
  }
  Joining(const Joining&) = delete;
  Joining& operator=(const Joining&) = delete;

  // In the child: join every namespace; the index that failed or -1.
  int join(int* error) const {
    for (std::size_t i = 0; i < list_.size(); ++i)
      if (setns(list_[i].fd, list_[i].type) != 0) {
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
  void add(int fd, int type) { list_.push_back(Namespace{fd, type}); }
  std::vector<Namespace> list_;
  bool pid_ = false;
};

struct Report {
  int32_t kind;   // 1: failed, 3: pid
  int32_t where;  // namespace index, or -2 for exec
  int32_t error;
  int32_t pid;
};

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

struct ExecArgs {
  const Joining* joining;
  const std::vector<std::string>* argv;
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
    if (n + 1 + plen + 1 < sizeof file) {
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

int exec_grandchild(void* p) {
  auto* a = static_cast<ExecArgs*>(p);
  sigset_t none;
  sigemptyset(&none);
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (a->directory && chdir(a->directory) != 0) {
    send_report(a->fd, 1, -4, errno, 0);
    _exit(127);
  }
  exec_search(*a);
  send_report(a->fd, 1, -2, errno, 0);
  _exit(127);
}

int exec_child(void* p) {
  auto* a = static_cast<ExecArgs*>(p);
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
    send_report(a->fd, 1, -3, errno, 0);
    _exit(127);
  }
  send_report(a->fd, 3, 0, 0, pid);
  _exit(0);
}

}  // namespace

pid_t excursion_fork(pid_t target) {
  Joining joining(target);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::system_error(errno, std::generic_category(), "socketpair");
  sigset_t saved;
  pthread_sigmask(SIG_SETMASK, nullptr, &saved);
  GC_atfork_prepare();
  pid_t first = fork();
  if (first == 0) {
    // No handler of the caller may run while two processes share memory.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, nullptr);
    GC_atfork_child();
    close(sv[0]);
    int error = 0;
    int where = joining.join(&error);
    if (where >= 0) {
      send_report(sv[1], 1, where, error, 0);
      _exit(127);
    }
    if (!joining.pid_namespace()) {
      send_report(sv[1], 3, 0, 0, getpid());
      close(sv[1]);
      pthread_sigmask(SIG_SETMASK, &saved, nullptr);
      return 0;
    }
    // Joining a pid namespace moves only children: hand over to a child of
    // the caller, sharing this process's memory, which then exits.
    if (hand_over(CLONE_PARENT | SIGCHLD, report_pid_and_exit, sv[1]) != 0) _exit(127);
    // Wait until the caller has our pid (see spawn_fork).
    char next = 0;
    ssize_t got;
    do got = read(sv[1], &next, 1);
    while (got < 0 && errno == EINTR);
    if (got != 1) _exit(126);
    close(sv[1]);
    pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    return 0;
  }
  GC_atfork_parent();
  int fork_error = errno;
  close(sv[1]);
  if (first < 0) {
    close(sv[0]);
    throw std::system_error(fork_error, std::generic_category(), "fork");
  }
  Report r{};
  ssize_t n;
  do n = recv(sv[0], &r, sizeof r, 0);
  while (n < 0 && errno == EINTR);
  if (n > 0 && r.kind == 3 && r.pid != first) {
    // The joined process waits for this word before it runs anything.
    if (write(sv[0], "p", 1) != 1) {
      kill(r.pid, SIGKILL);
      reap(r.pid);
      n = -1;
      r.error = errno;
    }
  }
  close(sv[0]);
  if (n <= 0 || r.kind != 3) {
    reap(first);
    if (n > 0)
      throw std::system_error(r.error, std::generic_category(),
                              join_error(target, joining, r.where));
    throw std::system_error(ECHILD, std::generic_category(),
                            "container-excursion: the joining process died");
  }
  if (r.pid != first) reap(first);  // the intermediate process exits at once
  return r.pid;
}

pid_t excursion_exec(pid_t target, const std::vector<std::string>& argv,
                     const std::vector<std::string>& environment,
                     const std::string& directory) {
  if (argv.empty()) throw std::invalid_argument("no command to run");
  Joining joining(target);
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
  constexpr std::size_t half = 128 * 1024;
  char* stacks = static_cast<char*>(mmap(nullptr, 2 * half, PROT_READ | PROT_WRITE,
                                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0));
  if (stacks == MAP_FAILED) {
    int e = errno;
    close(sv[0]);
    close(sv[1]);
    throw std::system_error(e, std::generic_category(), "mmap a stack");
  }
  ExecArgs args{&joining, &argv, cargv.data(), cenvp.data(),
                directory.empty() ? nullptr : directory.c_str(), path, sv[1],
                stacks + 2 * half};
  sigset_t all, saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  pid_t first = clone(exec_child, stacks + half, CLONE_VM | SIGCHLD, &args);
  int clone_error = errno;
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  close(sv[1]);
  if (first < 0) {
    close(sv[0]);
    munmap(stacks, 2 * half);
    throw std::system_error(clone_error, std::generic_category(), "clone");
  }
  // Reports: the command's own exec failure (from the grandchild) may come
  // before the pid (from the child).
  Report failure{}, r{};
  bool failed = false;
  pid_t pid = -1;
  for (;;) {
    ssize_t n;
    do n = recv(sv[0], &r, sizeof r, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) break;
    if (r.kind == 1 && !failed) {
      failed = true;
      failure = r;
    } else if (r.kind == 3) {
      pid = r.pid;
    }
  }
  close(sv[0]);
  reap(first);
  if (failed) {
    if (pid > 0) reap(pid);
    munmap(stacks, 2 * half);
    if (failure.where == -2)
      throw std::system_error(failure.error, std::generic_category(),
                              "exec \"" + argv[0] + "\" in process " + std::to_string(target));
    if (failure.where == -4)
      throw std::system_error(failure.error, std::generic_category(),
                              "chdir \"" + directory + "\" in process " + std::to_string(target));
    if (failure.where == -3)
      throw std::system_error(failure.error, std::generic_category(), "clone");
    throw std::system_error(failure.error, std::generic_category(),
                            join_error(target, joining, failure.where));
  }
  munmap(stacks, 2 * half);
  if (pid < 0)
    throw std::system_error(ECHILD, std::generic_category(),
                            "container exec: the joining process died");
  return pid;
}

}  // namespace byre::container
