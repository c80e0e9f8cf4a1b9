// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Relaying the signals a process receives to the containers it waits for,
// and waiting for them.
//
// Each container waited on has a slot of its own: its pid, the signals it
// is sent, when the first of them was relayed and how long it then has to
// exit.  Two containers waited on by two threads thus each get the signals
// relayed to them, and the end of one wait leaves the other's relay in
// place.  The handler is C, not Scheme: Guile runs Scheme handlers as
// asyncs, which a thread blocked in a wait never runs.  The handler may run
// in any thread; it wakes the waiting thread through the slot's eventfd.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace byre::process {

// Relay each of SIGNALS received by this process to PID until
// remove_relay(handle); once one was relayed, wait_for(PID) kills PID with
// SIGKILL if it has not exited GRACE_MS milliseconds later (0: never).
// Returns the handle.  Throws std::invalid_argument (a bad signal number),
// std::length_error (more than 64 containers waited on at once) or
// std::system_error (eventfd, sigaction).
int add_relay(pid_t pid, const std::vector<int>& signals, int64_t grace_ms);

// Stop the relay HANDLE; a signal no other relay uses gets back the
// disposition it had before the first relay of it.
void remove_relay(int handle);

// Wait for child PID and return its waitpid status, retrying on EINTR and
// applying the grace period of PID's relay, if any.  Blocks: call it
// outside Guile mode.  Throws std::system_error naming the pid.
int wait_for(pid_t pid);

}  // namespace byre::process
