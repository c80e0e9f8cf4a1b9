// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The directory a container's tmpfs root is mounted on, in the container's
// own mount namespace.  The host only ever sees it empty, and any number of
// containers can use it at once, so one per process is enough: made on
// first use, removed when the process that made it exits.
#pragma once

#include <string>

namespace byre::container {

// The directory, made under TMPDIR (or /tmp) on first use in this process
// (a child of a fork makes its own).  Throws std::system_error (mkdtemp).
std::string root_directory();

// Remove this process's directory if it made one (a process about to
// exec, whose exit handlers will not run).  Later calls of
// root_directory() make a new one.
void release_root_directory();

}  // namespace byre::container
