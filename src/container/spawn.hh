// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Creating a container's process from a prepared Plan.
//
// Two ways in (DESIGN.md):
//
// - The exec form: a clone that shares the caller's memory on a stack of
//   its own, as posix_spawn does (no page tables copied), runs the plan's
//   system calls and execs.  It never runs the caller's code, so it cannot
//   wait on a lock another thread of the caller held.
//
// - The fork form (call-with-container's THUNK): glibc's fork, so that
//   every pthread_atfork handler runs (malloc's arenas, libgc's lock and
//   thread table); the single-threaded child unshares the namespaces; when
//   there is a pid namespace it hands its memory over to a clone that
//   shares it (CLONE_VM|CLONE_PARENT) and becomes PID 1 there, so the
//   caller's memory is copied once.  The new process then runs the plan
//   and returns to the caller's code.
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>
#include <system_error>

#include "container/plan.hh"

namespace byre::container {

// A step of the plan failed in the child: errno and a message naming the
// operation and its paths.
class SetupError : public std::system_error {
 public:
  SetupError(int error, const std::string& what)
      : std::system_error(error, std::generic_category(), what) {}
};

// The exec form: return the pid of the container's first process (as the
// caller sees it) once it has exec'd PLAN's argv.  Throws SetupError.
pid_t spawn_exec(const Plan& plan);

// The fork form.  In the caller: PID > 0 and FD, the caller's end of the
// channel on which the child says it is ready (wait_ready).  In the
// container: PID == 0 and FD, the child's end (continue_setup,
// report_ready).  When STOP_BEFORE_PIVOT, the child returns before
// pivot_root, in the new root, to populate it.
struct Forked {
  pid_t pid;
  int fd;
};
Forked spawn_fork(const Plan& plan, bool stop_before_pivot);

// Locks that the host language's runtime wants held across the fork form's
// fork (e.g. so that no thread of Guile is vacuuming its weak tables, whose
// locks the child would otherwise inherit taken).  LOCK is called before
// the fork; UNLOCK after it, in both processes, with IN_CHILD saying which.
void set_fork_guard(void (*lock)(), void (*unlock)(bool in_child));
// Take and release those locks (no-ops when none were set): every fork of
// the caller's process goes between the two.
void lock_fork_guard();
void unlock_fork_guard(bool in_child);

// In the container, after populating the root: the rest of the plan.  On
// failure, reports to the caller and exits.
void continue_setup(const Plan& plan, int fd);

// In the container: tell the caller that the process is ready to run
// Scheme; close FD when CLOSE.
void report_ready(int fd, bool close);

// In the caller: wait up to TIMEOUT_MS for the child's word.  Returns true
// when it is ready, false when it said nothing in time (the caller kills
// it).  Throws SetupError when a step failed (after reaping the child).
// A negative TIMEOUT_MS waits for the end of the set-up (FD's end of file)
// without limit.  Closes FD when CLOSE.
// PLAN may be null (an excursion): failures are then described as such.
bool wait_ready(const Plan* plan, pid_t pid, int fd, int timeout_ms, bool close);

// The hand-over (spawn.cc): continue in a new process sharing this one's
// memory (CLONE_VM plus FLAGS), returning 0 there, while this process runs
// THEN(pid, ARG) on a stack of its own and exits.  REPORT_PID_AND_EXIT is
// such a THEN: it sends the new pid through descriptor ARG.
pid_t hand_over(int flags, void (*then)(pid_t, long), long arg);
void report_pid_and_exit(pid_t pid, long fd);

}  // namespace byre::container
