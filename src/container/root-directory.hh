// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The directory a container's tmpfs root is mounted on, in the container's
// own mount namespace.  The host only ever sees it empty, and any number of
// containers, of any number of processes, can use it at once: it is one
// per user, TMPDIR/byre-root-UID (TMPDIR or /tmp), made once and kept, as
// bubblewrap keeps its own, so that no process leaves one behind whatever
// way it ends.  Where that name is taken by something that is not this
// user's private directory, a process makes one of its own with mkdtemp
// and removes it when it exits.
#pragma once

#include <string>

namespace byre::container {

// The directory, chosen (and made if missing) on first use in this process
// (a child of a fork chooses again).  Throws std::system_error (mkdtemp).
std::string root_directory();

// Remove this process's directory if it made one of its own (a process
// about to exec, whose exit handlers will not run); the shared one stays.
// Later calls of root_directory() choose again.
void release_root_directory();

}  // namespace byre::container
