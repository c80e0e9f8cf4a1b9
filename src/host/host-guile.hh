// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The file closure of the host's guile: what a container needs, bound
// read-only at the same places, to run the guile installed on the host
// rather than one copied into the store (DESIGN.md, "Gexps and
// evaluation").
//
// That is the program and everything the loader maps for it (closure.hh),
// libguile's extension directory (Guile dlopens guile-readline and other
// extensions from it) and glibc's gconv directory next to libc (without it
// guile aborts at start-up, NOTES.md), plus the directories of Guile's
// load paths, which only the running Guile knows: the Scheme side passes
// them in.
#pragma once

#include <string>
#include <vector>

#include "host/closure.hh"

namespace byre::host {

// The first executable file named NAME in SEARCH_PATH, a colon-separated
// list of directories as PATH is.  NAME is returned as is when it has a
// slash.  Throws std::system_error (ENOENT) when there is none.
std::string find_program(const std::string& name, const std::string& search_path);

// The directories a guile whose libguile resolved to LIBGUILE (a canonical
// file name such as /usr/lib/x86_64-linux-gnu/libguile-3.0.so.1.5.0) loads
// extensions from: LIBDIR/guile/EFFECTIVE-VERSION/extensions, when it
// exists.
std::vector<std::string> guile_extension_directories(const std::string& libguile);

// The closure of PROGRAM (a file name, or a name searched in $PATH; empty
// means "guile") with its libguile's extension directory, glibc's gconv
// directory, the C.UTF-8 locale (/usr/lib/locale/C.utf8) and DIRECTORIES (Guile's load paths); directories that do not
// exist are left out.
std::vector<Entry> host_guile_closure(const std::string& program,
                                      const std::vector<std::string>& directories);

}  // namespace byre::host
