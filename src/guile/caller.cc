// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Bindings for a container's surroundings in the caller: waiting on it
// while relaying signals to it, and the directory its root is mounted on.
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "cgroup/limits.hh"
#include "guile/bindings.hh"

// ---------------------------------------------------------------------------
// Relaying signals to a container while the caller waits for it.  Guile runs
// Scheme signal handlers as asyncs, which a thread blocked in waitpid never
// runs: the relay is a C handler, and the wait happens outside Guile mode.

namespace byre::guile {

namespace {
volatile sig_atomic_t relay_target = 0;
// When a signal was last relayed (CLOCK_MONOTONIC, ms), 0 for never; and
// how long the container then has to exit before it is killed.
volatile int64_t relayed_at = 0;
volatile int64_t relay_grace_ms = 0;
struct sigaction relay_saved[NSIG];
bool relay_installed[NSIG];

int64_t now_ms() {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);  // async-signal-safe
  return int64_t{t.tv_sec} * 1000 + t.tv_nsec / 1000000;
}

extern "C" void relay_signal(int sig) {
  pid_t target = relay_target;
  if (target > 0) {
    kill(target, sig);
    if (relayed_at == 0) relayed_at = now_ms();
  }
}

struct WaitArgs {
  pid_t pid;
  int status;
  int error;
};

void* wait_without_guile(void* p) {
  auto* w = static_cast<WaitArgs*>(p);
  // A descriptor on the process, so that the wait can have a deadline
  // once a signal was relayed to it: a container that does not stop
  // within the grace period is killed.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, w->pid, 0));
  for (;;) {
    int timeout = -1;
    if (relay_target == w->pid && relayed_at != 0 && relay_grace_ms > 0) {
      int64_t left = relayed_at + relay_grace_ms - now_ms();
      if (left <= 0) {
        kill(w->pid, SIGKILL);
        relayed_at = 0;
        continue;
      }
      timeout = static_cast<int>(left);
    }
    if (pidfd >= 0) {
      struct pollfd pfd = {pidfd, POLLIN, 0};
      int rc = poll(&pfd, 1, timeout);
      if (rc < 0 && errno == EINTR) continue;
      if (rc == 0) continue;  // the deadline: checked above
    }
    pid_t r = waitpid(w->pid, &w->status, 0);
    if (r < 0 && errno == EINTR) continue;
    w->error = r < 0 ? errno : 0;
    break;
  }
  if (pidfd >= 0) close(pidfd);
  return nullptr;
}
}  // namespace

BYRE_DEFINE(install_signal_relay, "%install-signal-relay", 2, 1, 0,
            (SCM pid, SCM signals, SCM grace),
            "Until %remove-signal-relay, relay each of SIGNALS, a list of "
            "signal numbers, received by this process to process PID.  With "
            "GRACE, a number of milliseconds, %wait-process kills PID with "
            "SIGKILL when it has not exited GRACE milliseconds after the "
            "first signal relayed to it.")
#define FUNC_NAME "%install-signal-relay"
{
  SCM_ASSERT_TYPE(scm_is_signed_integer(pid, 1, INT32_MAX), pid, 1, FUNC_NAME, "process id");
  SCM_ASSERT_TYPE(scm_is_true(scm_list_p(signals)), signals, 2, FUNC_NAME, "list of signals");
  for (SCM l = signals; scm_is_pair(l); l = scm_cdr(l))
    SCM_ASSERT_TYPE(scm_is_signed_integer(scm_car(l), 1, NSIG - 1), signals, 2, FUNC_NAME,
                    "list of signals");
  int64_t grace_ms = 0;
  if (!SCM_UNBNDP(grace) && scm_is_true(grace)) {
    SCM_ASSERT_TYPE(scm_is_signed_integer(grace, 0, INT32_MAX), grace, 3, FUNC_NAME,
                    "milliseconds");
    grace_ms = scm_to_int(grace);
  }
  relayed_at = 0;
  relay_grace_ms = grace_ms;
  relay_target = scm_to_int(pid);
  for (SCM l = signals; scm_is_pair(l); l = scm_cdr(l)) {
    int sig = scm_to_int(scm_car(l));
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = relay_signal;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: the wait must see the relay and start its deadline.
    action.sa_flags = 0;
    if (!relay_installed[sig] && sigaction(sig, &action, &relay_saved[sig]) == 0)
      relay_installed[sig] = true;
  }
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

BYRE_DEFINE(remove_signal_relay, "%remove-signal-relay", 0, 0, 0, (),
            "Restore the signal dispositions %install-signal-relay replaced.")
#define FUNC_NAME "%remove-signal-relay"
{
  for (int sig = 1; sig < NSIG; ++sig)
    if (relay_installed[sig]) {
      sigaction(sig, &relay_saved[sig], nullptr);
      relay_installed[sig] = false;
    }
  relay_target = 0;
  relayed_at = 0;
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

BYRE_DEFINE(wait_process, "%wait-process", 1, 0, 0, (SCM pid),
            "Wait for child process PID outside Guile mode (the collector "
            "need not stop this thread) and return its waitpid status.")
#define FUNC_NAME "%wait-process"
{
  SCM_ASSERT_TYPE(scm_is_signed_integer(pid, 1, INT32_MAX), pid, 1, FUNC_NAME, "process id");
  WaitArgs w{scm_to_int(pid), 0, 0};
  scm_without_guile(wait_without_guile, &w);
  // A container's cgroup goes with it.
  if (w.error == 0) byre::cgroup::reaped(w.pid);
  if (w.error != 0) {
    errno = w.error;
    scm_syserror(FUNC_NAME);
  }
  return scm_from_int(w.status);
}
#undef FUNC_NAME

}  // namespace byre::guile

// ---------------------------------------------------------------------------
// The directory a container's tmpfs root is mounted on, in the container's
// own mount namespace.  The host only ever sees it empty, and any number of
// containers can use it at once, so one per process is enough: made on first
// use, removed when the process that made it exits.

namespace byre::guile {

namespace {
std::mutex root_directory_mutex;
std::string root_directory;
pid_t root_directory_owner = 0;

extern "C" void remove_root_directory() {
  // Only the process that made it: containers and excursions exit too.
  if (root_directory_owner == getpid() && !root_directory.empty())
    rmdir(root_directory.c_str());
}
}  // namespace

BYRE_DEFINE(container_root_directory, "%container-root-directory", 0, 0, 0, (),
            "Return the empty directory on which containers mount their root, "
            "made under TMPDIR (or /tmp) on first use and removed when this "
            "process exits.")
#define FUNC_NAME "%container-root-directory"
{
  // The name is copied to a plain buffer: scm_syserror and the allocation
  // of the result must not longjmp past a live std::string.
  char path[4096] = "";
  int error = 0;
  {
    std::lock_guard<std::mutex> lock(root_directory_mutex);
    if (root_directory.empty() || root_directory_owner != getpid()) {
      const char* tmp = getenv("TMPDIR");
      std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/byre-root.XXXXXX";
      std::vector<char> buffer(templ.begin(), templ.end());
      buffer.push_back('\0');
      if (buffer.size() > sizeof path) {
        error = ENAMETOOLONG;
      } else if (mkdtemp(buffer.data()) == nullptr) {
        error = errno;
      } else {
        if (root_directory_owner == 0) atexit(remove_root_directory);
        root_directory = buffer.data();
        root_directory_owner = getpid();
      }
    }
    if (error == 0) std::snprintf(path, sizeof path, "%s", root_directory.c_str());
  }
  if (error != 0) {
    errno = error;
    scm_syserror(FUNC_NAME);
  }
  return scm_from_utf8_string(path);
}
#undef FUNC_NAME

}  // namespace byre::guile

namespace byre::guile {

void init_caller() {
#include "guile/caller.x"
}

}  // namespace byre::guile
