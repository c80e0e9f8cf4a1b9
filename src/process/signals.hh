// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Signals taken synchronously, through a descriptor, by a process that has
// threads it did not create (Guile's collector markers, its finalizer).
#pragma once

#include <vector>

namespace byre::process {

// Block SIGNALS in the calling thread and return a signalfd (close-on-exec,
// non-blocking) that reads them.  Threads that do not block them get a
// handler that only forwards the signal to the calling thread, where it
// stays pending until read: a signal sent to the process is never lost to
// another thread, nor acted on there.  Throws std::system_error.
int open_signal_descriptor(const std::vector<int>& signals);

// The signals pending on FD, in the order read; empty when there is none.
std::vector<int> read_signals(int fd);

// Make the calling process a subreaper: orphaned descendants become its
// children (PR_SET_CHILD_SUBREAPER).  Throws std::system_error.
void become_subreaper();

}  // namespace byre::process
