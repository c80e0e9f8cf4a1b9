// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "container/spawn.hh"

#include <dlfcn.h>
#include <fcntl.h>
#include <gc/gc.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <memory>

#include "cgroup/limits.hh"

namespace byre::container {

namespace {

constexpr int32_t kReady = 0;
constexpr int32_t kFailed = 1;
constexpr int32_t kUnshared = 2;
constexpr int32_t kPid = 3;
constexpr int32_t kStepUnshare = -3;
constexpr int32_t kStepExec = -2;

// A descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { int fd = fd_; fd_ = -1; return fd; }
  void reset() { if (fd_ >= 0) ::close(fd_); fd_ = -1; }
 private:
  int fd_;
};

// A stack for a clone that shares the caller's memory.
class Stack {
 public:
  explicit Stack(std::size_t size) : size_(size) {
    base_ = mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (base_ == MAP_FAILED)
      throw std::system_error(errno, std::generic_category(), "mmap a stack");
  }
  ~Stack() { munmap(base_, size_); }
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  void* top() const { return static_cast<char*>(base_) + size_; }
 private:
  void* base_;
  std::size_t size_;
};

// Block every signal in the calling thread for the lifetime of the object,
// so that no handler of the caller runs in a child before it is set up.
class SignalsBlocked {
 public:
  SignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved_);
  }
  ~SignalsBlocked() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
  const sigset_t& saved() const { return saved_; }
 private:
  sigset_t saved_;
};

void send_report(int fd, int32_t status, int32_t step, int32_t error, int32_t pid = 0) {
  ChildReport r;
  r.status = status;
  r.step = step;
  r.error = error;
  r.pid = pid;
  while (send(fd, &r, sizeof r, MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

// Receive one report; 0 at end of file.
ssize_t receive_report(int fd, ChildReport* r) {
  ssize_t n;
  do n = recv(fd, r, sizeof *r, 0);
  while (n < 0 && errno == EINTR);
  return n;
}

int reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
  }
  return status;
}

std::string how_it_ended(int status) {
  if (WIFSIGNALED(status)) return " (killed by signal " + std::to_string(WTERMSIG(status)) + ")";
  if (WIFEXITED(status)) return " (exit status " + std::to_string(WEXITSTATUS(status)) + ")";
  return "";
}

void kill_and_reap(pid_t pid) {
  kill(pid, SIGKILL);
  reap(pid);
}

[[noreturn]] void fail_in_child(int fd, int step, int error) {
  send_report(fd, kFailed, step, error);
  _exit(127);
}

std::string describe(const Plan& plan, int step) {
  if (step == kStepExec)
    return "exec \"" + (plan.spec().argv.empty() ? std::string() : plan.spec().argv[0]) + "\"";
  if (step == kStepUnshare) return "unshare the container's namespaces";
  return plan.describe(step);
}

// ---------------------------------------------------------------------------
// The exec form.

struct ExecArgs {
  const Plan* plan;
  int fd;
};

int exec_child(void* p) {
  // Runs on its own stack in the caller's memory: system calls only.
  auto* args = static_cast<ExecArgs*>(p);
  const Plan& plan = *args->plan;
  int fd = args->fd;
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  char go = 0;
  ssize_t n;
  do n = read(fd, &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1 || go != 'g') _exit(126);
  Plan::State state;
  int error = 0;
  int failed = plan.run(0, StepKind(255), &error, &state);
  if (failed >= 0) fail_in_child(fd, failed, error);
  const ContainerSpec& spec = plan.spec();
  if (state.init >= 0)
    // byre-init is PID 1 and runs ARGV as its child.
    syscall(SYS_execveat, state.init, "", plan.init_argv(), plan.envp(), AT_EMPTY_PATH);
  else
    execve(spec.argv[0].c_str(), plan.argv(), plan.envp());
  fail_in_child(fd, kStepExec, errno);
}

// ---------------------------------------------------------------------------
// The fork form's hand-over: the forked child, single-threaded, unshares the
// pid namespace; its next child would be PID 1 there.  Instead of forking
// again (copying the caller's page tables a second time) it clones a process
// that shares its memory and resumes exactly where it stands, while the
// forked child moves to a small stack of its own, reports the new pid and
// exits without touching the shared memory again.

// glibc keeps the thread id in struct pthread and describes the field for
// libthread_db; a clone must store its own id there, as glibc's fork does.
pid_t* thread_id_field() {
  static const uint32_t* field =
      static_cast<const uint32_t*>(dlsym(RTLD_DEFAULT, "_thread_db_pthread_tid"));
  if (field == nullptr) return nullptr;
  auto* tid = reinterpret_cast<pid_t*>(reinterpret_cast<char*>(pthread_self()) + field[2]);
  return *tid == static_cast<pid_t>(syscall(SYS_gettid)) ? tid : nullptr;
}

struct Handoff {
  ucontext_t resume;     // where the new process continues
  ucontext_t abandoned;  // the old process's state, never resumed
  ucontext_t side;
  // Set by the new process before it resumes: how the two tell themselves
  // apart when getcontext returns the second time.  Not the thread id: the
  // new process's id is counted in the pid namespace it was made in, and
  // can be the very number the old process has in its own (seen once in
  // 40,000 excursions into a container: the new process took itself for
  // the old one, cloned again, and a process was left unwaited).
  volatile int resumed;
  int flags;
  pid_t* tid;
  char* start_stack;
  void (*then)(pid_t, long);
  long arg;
};

int handoff_start(void* p) {
  static_cast<Handoff*>(p)->resumed = 1;
  setcontext(&static_cast<Handoff*>(p)->resume);
  return 127;
}

void handoff_side(unsigned high, unsigned low) {
  auto* h = reinterpret_cast<Handoff*>((static_cast<uintptr_t>(high) << 32) | low);
  // Copied before the clone: afterwards the main stack is the new process's.
  auto then = h->then;
  long arg = h->arg;
  int flags = h->flags | CLONE_VM | (h->tid ? CLONE_CHILD_SETTID : 0);
  pid_t pid = clone(handoff_start, h->start_stack, flags, h, nullptr, nullptr, h->tid);
  then(pid, arg);
  _exit(0);
}

}  // namespace

// Continue in a new process that shares this one's memory (CLONE_VM plus
// FLAGS) and return 0 there.  This process runs THEN(pid, ARG) on a stack
// of its own and must exit from it.
pid_t hand_over(int flags, void (*then)(pid_t, long), long arg) {
  // Both stacks stay mapped: the old process may still be on them when the
  // new one runs, and they die with the container's process.
  constexpr std::size_t side_size = 64 * 1024, start_size = 16 * 1024;
  char* memory = static_cast<char*>(mmap(nullptr, side_size + start_size,
                                         PROT_READ | PROT_WRITE,
                                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0));
  if (memory == MAP_FAILED) return -1;
  Handoff h;
  h.resumed = 0;
  h.flags = flags;
  h.tid = thread_id_field();
  h.start_stack = memory + side_size + start_size;
  h.then = then;
  h.arg = arg;
  getcontext(&h.resume);
  if (h.resumed) return 0;
  getcontext(&h.side);
  h.side.uc_stack.ss_sp = memory;
  h.side.uc_stack.ss_size = side_size;
  h.side.uc_link = nullptr;
  auto address = reinterpret_cast<uintptr_t>(&h);
  makecontext(&h.side, reinterpret_cast<void (*)()>(handoff_side), 2,
              static_cast<unsigned>(address >> 32),
              static_cast<unsigned>(address & 0xffffffffu));
  swapcontext(&h.abandoned, &h.side);
  _exit(127);  // not reached
}

void report_pid_and_exit(pid_t pid, long fd) {
  // (declared in spawn.hh for excursions)
  // The forked child's last words.  Its thread id field and robust list
  // live in memory the new process now owns: the kernel must not clear
  // them when this one exits.
  syscall(SYS_set_tid_address, nullptr);
  syscall(SYS_set_robust_list, nullptr, sizeof(struct robust_list_head));
  if (pid < 0)
    send_report(static_cast<int>(fd), kFailed, kStepUnshare, errno);
  else
    send_report(static_cast<int>(fd), kPid, 0, 0, pid);
  _exit(0);
}

namespace {

[[noreturn]] void init_loop(pid_t main_pid, long) {
  // PID 1 of the container when the child is not: reap every child and
  // relay every other signal to the main process.
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&all, &info);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      int status;
      pid_t pid;
      while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        if (pid == main_pid)
          _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    } else {
      kill(main_pid, sig);
    }
  }
}

void init_then(pid_t pid, long) {
  if (pid < 0) _exit(127);
  init_loop(pid, 0);
}

extern "C" void exit_on_signal(int sig) { _exit(128 + sig); }

// The set-up state a child paused for populate-file-system resumes with
// (one per process: only the container's process uses it).
Plan::State paused_state;

void (*fork_guard_lock)() = nullptr;
void (*fork_guard_unlock)(bool) = nullptr;

}  // namespace

// Write the id maps of the waiting child PID, then tell it to go on through
// CHANNEL.  On failure the child is killed and reaped before the error is
// thrown.
static void let_child_go(int channel, pid_t pid, const ContainerSpec& spec,
                         cgroup::Group* group) {
  try {
    // Into its cgroup before it runs anything: its children are born there.
    if (group) group->add(pid);
    if (spec.namespaces & CLONE_NEWUSER)
      namespaces::write_id_maps(pid, spec.uid_map, spec.gid_map, spec.map_writer);
  } catch (...) {
    kill_and_reap(pid);
    throw;
  }
  if (write(channel, "g", 1) != 1) {
    int error = errno;
    kill_and_reap(pid);
    throw std::system_error(error, std::generic_category(), "start the container's process");
  }
}

// ---------------------------------------------------------------------------

void set_fork_guard(void (*lock)(), void (*unlock)(bool)) {
  fork_guard_lock = lock;
  fork_guard_unlock = unlock;
}

void lock_fork_guard() {
  if (fork_guard_lock) fork_guard_lock();
}

void unlock_fork_guard(bool in_child) {
  if (fork_guard_unlock) fork_guard_unlock(in_child);
}

// The cgroup of a container with limits, or null.
std::unique_ptr<cgroup::Group> make_group(const ContainerSpec& spec) {
  if (!spec.limits.any()) return nullptr;
  cgroup::Limits l;
  l.pids = spec.limits.pids;
  l.memory = spec.limits.memory;
  if (spec.limits.cpu > 0) {
    l.cpu_quota_us = static_cast<int64_t>(spec.limits.cpu * l.cpu_period_us);
    if (l.cpu_quota_us < 1000) l.cpu_quota_us = 1000;  // the kernel's minimum
  }
  return std::make_unique<cgroup::Group>(l);
}

pid_t spawn_exec(const Plan& plan) {
  const ContainerSpec& spec = plan.spec();
  if (spec.argv.empty()) throw std::invalid_argument("no program to run");
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::system_error(errno, std::generic_category(), "socketpair");
  Fd caller(sv[0]), child(sv[1]);
  std::unique_ptr<cgroup::Group> group;
  group = make_group(spec);
  Stack stack(256 * 1024);
  ExecArgs args{&plan, child.get()};
  pid_t pid;
  ChildReport report;
  ssize_t n = -1;
  int error = 0;
  {
    // The child shares this thread's memory and thread-local storage
    // (errno) until it execs.  So that the two never run code that uses
    // them at the same time, this thread only waits, signals blocked (no
    // handler, no EINTR), from the moment it lets the child go until the
    // child has exec'd (the channel closes) or failed: vfork's semantics,
    // with the id maps written first.  Called outside Guile mode, so that
    // the collector need not stop this thread meanwhile.
    SignalsBlocked blocked;
    pid = clone(exec_child, stack.top(), CLONE_VM | plan.clone_namespaces() | SIGCHLD, &args);
    error = errno;
    if (pid >= 0) {
      child.reset();
      let_child_go(caller.get(), pid, spec, group.get());
      n = receive_report(caller.get(), &report);
      error = errno;
    }
  }
  if (pid < 0)
    throw std::system_error(error, std::generic_category(), "clone the container's process");
  if (n < 0) {
    kill_and_reap(pid);
    throw std::system_error(error, std::generic_category(), "read the container's report");
  }
  if (n > 0 && report.status == kFailed) {
    reap(pid);  // before the stack goes: the child may still be on it
    throw SetupError(report.error, describe(plan, report.step));
  }
  if (group) group->release_to(pid);
  return pid;
}

Forked spawn_fork(const Plan& plan, bool stop_before_pivot) {
  const ContainerSpec& spec = plan.spec();
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::system_error(errno, std::generic_category(), "socketpair");
  Fd caller(sv[0]), child(sv[1]);
  const int pid_ns = spec.namespaces & CLONE_NEWPID;
  std::unique_ptr<cgroup::Group> group;
  group = make_group(spec);

  pid_t first;
  sigset_t saved;
  pthread_sigmask(SIG_SETMASK, nullptr, &saved);
  {
    // Signals stay unblocked in the caller across the fork: libgc stops the
    // world with signals, and a thread blocking them while it waits for
    // the collector's lock (in the fork hooks) would deadlock the process.
    // A no-op when libgc handles fork itself; otherwise the same work.
    if (fork_guard_lock) fork_guard_lock();
    GC_atfork_prepare();
    first = fork();
    if (first == 0) {
      sigset_t all;
      sigfillset(&all);
      pthread_sigmask(SIG_SETMASK, &all, nullptr);
      GC_atfork_child();
      if (fork_guard_unlock) fork_guard_unlock(true);
      caller.reset();
      group.release();  // the caller's to remove, not this process's
      int fd = child.get();
      prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
      // Single-threaded now: a user namespace can be unshared.
      if (unshare(plan.clone_namespaces()) != 0) fail_in_child(fd, kStepUnshare, errno);
      send_report(fd, kUnshared, 0, 0);
      char go = 0;
      ssize_t n;
      do n = read(fd, &go, 1);
      while (n < 0 && errno == EINTR);
      if (n != 1 || go != 'g') _exit(126);
      if (pid_ns) {
        if (hand_over(CLONE_PARENT | SIGCHLD, report_pid_and_exit, fd) != 0)
          _exit(127);
        // The new process: PID 1 of the container, child of the caller.
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        // Nothing of ours may reach the caller before the forked child's
        // report of our pid: wait for the caller's word that it has it.
        char next = 0;
        do n = read(fd, &next, 1);
        while (n < 0 && errno == EINTR);
        if (n != 1 || next != 'p') _exit(126);
      } else {
        send_report(fd, kPid, 0, 0, getpid());
      }
      int error = 0;
      StepKind stop = stop_before_pivot ? StepKind::pivot_root : StepKind(255);
      int failed = plan.run(0, stop, &error, &paused_state);
      if (failed >= 0) fail_in_child(fd, failed, error);
      if (stop_before_pivot) {
        // populate-file-system runs in the new root.
        if (paused_state.root >= 0) {
          if (fchdir(paused_state.root) != 0) fail_in_child(fd, static_cast<int>(plan.find(StepKind::pivot_root)), errno);
          close(paused_state.root);
          paused_state.root = -1;
        }
        pthread_sigmask(SIG_SETMASK, &saved, nullptr);
        child.release();
        return Forked{0, fd};
      }
      if (!spec.child_is_pid1 && pid_ns) {
        if (hand_over(SIGCHLD, init_then, 0) != 0) _exit(127);
      }
      if (spec.child_is_pid1 && pid_ns) {
        // PID 1 ignores signals it has no handler for: the default action
        // of the signals a container is sent is emulated.
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) signal(sig, exit_on_signal);
      }
      pthread_sigmask(SIG_SETMASK, &saved, nullptr);
      child.release();
      return Forked{0, fd};
    }
    int fork_error = errno;
    GC_atfork_parent();
    if (fork_guard_unlock) fork_guard_unlock(false);
    errno = fork_error;
  }
  if (first < 0)
    throw std::system_error(errno, std::generic_category(), "fork the container's process");
  child.reset();

  ChildReport report;
  ssize_t n = receive_report(caller.get(), &report);
  if (n <= 0 || report.status != kUnshared) {
    int status = reap(first);
    if (n > 0 && report.status == kFailed)
      throw SetupError(report.error, describe(plan, report.step));
    throw SetupError(ECHILD, "the container's process exited before its set-up" +
                                 how_it_ended(status));
  }
  let_child_go(caller.get(), first, spec, group.get());
  n = receive_report(caller.get(), &report);
  int status = 0;
  if (pid_ns) status = reap(first);
  if (n <= 0 || report.status != kPid) {
    if (!pid_ns) status = reap(first);
    if (n > 0 && report.status == kFailed)
      throw SetupError(report.error, describe(plan, report.step));
    throw SetupError(ECHILD, "the container's process exited before its set-up" +
                                 how_it_ended(status));
  }
  if (pid_ns && write(caller.get(), "p", 1) != 1) {
    int error = errno;
    kill_and_reap(report.pid);
    throw std::system_error(error, std::generic_category(), "start the container's process");
  }
  if (group) group->release_to(report.pid);
  return Forked{report.pid, caller.release()};
}

void continue_setup(const Plan& plan, int fd) {
  int error = 0;
  std::size_t from = plan.find(StepKind::pivot_root);
  int failed = plan.run(from, StepKind(255), &error, &paused_state);
  if (failed >= 0) fail_in_child(fd, failed, error);
  const ContainerSpec& spec = plan.spec();
  if (!spec.child_is_pid1 && (spec.namespaces & CLONE_NEWPID)) {
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    if (hand_over(SIGCHLD, init_then, 0) != 0) _exit(127);
    pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  } else if (spec.namespaces & CLONE_NEWPID) {
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) signal(sig, exit_on_signal);
  }
}

void report_ready(int fd, bool close_fd) {
  send_report(fd, kReady, 0, 0);
  if (close_fd) close(fd);
}

bool wait_ready(const Plan* plan, pid_t pid, int fd, int timeout_ms, bool close_fd) {
  Fd channel(close_fd ? fd : -1);
  struct pollfd p = {fd, POLLIN, 0};
  // poll is interrupted by every stop-the-world signal of the collector
  // (another thread allocating): wait for what is left, not the whole time.
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  const int64_t deadline = now.tv_sec * 1000 + now.tv_nsec / 1000000 + timeout_ms;
  int rc;
  for (;;) {
    int left = timeout_ms;
    if (timeout_ms >= 0) {
      clock_gettime(CLOCK_MONOTONIC, &now);
      int64_t remaining = deadline - (now.tv_sec * 1000 + now.tv_nsec / 1000000);
      left = remaining < 0 ? 0 : static_cast<int>(remaining);
    }
    rc = poll(&p, 1, left);
    if (rc >= 0 || errno != EINTR) break;
  }
  if (rc == 0) return false;
  if (rc < 0) {
    // Not "ready": the child is in an unknown state; stop it.
    int error = errno;
    kill_and_reap(pid);
    throw std::system_error(error, std::generic_category(), "poll the container's channel");
  }
  ChildReport report;
  ssize_t n = receive_report(fd, &report);
  if (n > 0 && report.status == kReady) return true;
  if (n > 0 && report.status == kFailed) {
    reap(pid);
    throw SetupError(report.error, plan ? describe(*plan, report.step)
                                        : std::string("container-excursion set-up"));
  }
  // The child exited (or was killed) before it was ready: the caller's
  // waitpid gives its status.
  return true;
}

}  // namespace byre::container
