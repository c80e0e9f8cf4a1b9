// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Bindings of a container's surroundings in the caller: waiting for it
// while relaying signals to it (src/process/relay), and the directory its
// root is mounted on (src/container/root-directory).
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <system_error>
#include <vector>

#include "cgroup/limits.hh"
#include "container/root-directory.hh"
#include "guile/bindings.hh"
#include "process/relay.hh"

namespace byre::guile {

namespace {
struct WaitArgs {
  pid_t pid;
  int status;
  int error;
};

void* wait_without_guile(void* p) {
  auto* w = static_cast<WaitArgs*>(p);
  try {
    w->status = process::wait_for(w->pid);
    // A container's cgroup goes with it.
    cgroup::reaped(w->pid);
  } catch (const std::system_error& e) {
    w->error = e.code().value();
  }
  return nullptr;
}
}  // namespace

BYRE_DEFINE(add_signal_relay, "%add-signal-relay", 2, 1, 0,
            (SCM pid, SCM signals, SCM grace),
            "Relay each of SIGNALS, a list of signal numbers, received by this "
            "process to process PID, until %remove-signal-relay is called with "
            "the handle this returns.  With GRACE, a number of milliseconds, "
            "%wait-process kills PID with SIGKILL when it has not exited GRACE "
            "milliseconds after the first signal relayed to it.  The relays of "
            "several containers, waited on by several threads, coexist.")
#define FUNC_NAME "%add-signal-relay"
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
  // Plain data first: no C++ object is alive while Guile may throw.
  int numbers[NSIG];
  int count = 0;
  for (SCM l = signals; scm_is_pair(l) && count < NSIG; l = scm_cdr(l))
    numbers[count++] = scm_to_int(scm_car(l));
  pid_t target = scm_to_int(pid);
  int handle = -1;
  BYRE_GUARD(FUNC_NAME, {
    handle = process::add_relay(target, std::vector<int>(numbers, numbers + count), grace_ms);
  });
  return scm_from_int(handle);
}
#undef FUNC_NAME

BYRE_DEFINE(remove_signal_relay, "%remove-signal-relay", 1, 0, 0, (SCM handle),
            "Stop the relay HANDLE, as %add-signal-relay returned it; a signal "
            "no other relay uses gets back its disposition from before.")
#define FUNC_NAME "%remove-signal-relay"
{
  SCM_ASSERT_TYPE(scm_is_signed_integer(handle, 0, 63), handle, 1, FUNC_NAME, "relay handle");
  process::remove_relay(scm_to_int(handle));
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

BYRE_DEFINE(wait_process, "%wait-process", 1, 0, 0, (SCM pid),
            "Wait for child process PID outside Guile mode (the collector "
            "need not stop this thread), applying the grace period of its "
            "signal relay, and return its waitpid status.")
#define FUNC_NAME "%wait-process"
{
  SCM_ASSERT_TYPE(scm_is_signed_integer(pid, 1, INT32_MAX), pid, 1, FUNC_NAME, "process id");
  WaitArgs w{scm_to_int(pid), 0, 0};
  scm_without_guile(wait_without_guile, &w);
  if (w.error != 0) {
    errno = w.error;
    scm_syserror(FUNC_NAME);
  }
  return scm_from_int(w.status);
}
#undef FUNC_NAME

BYRE_DEFINE(container_root_directory, "%container-root-directory", 0, 0, 0, (),
            "Return the empty directory on which containers mount their root: "
            "TMPDIR/byre-root-UID (TMPDIR or /tmp), one per user, made on first "
            "use and kept; where that name is not the user's private directory, "
            "one of this process's own, removed when it exits.")
#define FUNC_NAME "%container-root-directory"
{
  // Copied to a plain buffer: the allocation of the result must not
  // longjmp past a live std::string.
  char path[4096] = "";
  BYRE_GUARD(FUNC_NAME, {
    std::string directory = container::root_directory();
    if (directory.size() >= sizeof path)
      throw std::system_error(ENAMETOOLONG, std::generic_category(), "mkdtemp \"" + directory + "\"");
    std::snprintf(path, sizeof path, "%s", directory.c_str());
  });
  return scm_from_utf8_string(path);
}
#undef FUNC_NAME

BYRE_DEFINE(release_container_root_directory, "%release-container-root-directory", 0, 0,
            0, (),
            "Remove the directory of %container-root-directory if this process "
            "made one of its own, as a process about to exec must: its exit "
            "handlers will not run.  Return unspecified.")
#define FUNC_NAME "%release-container-root-directory"
{
  container::release_root_directory();
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

void init_process() {
#include "guile/process.x"
}

}  // namespace byre::guile
