// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Starting a service's process from a threaded Guile process: everything
// the child must do (session, limits, directory, descriptors, ids, umask,
// signals) is prepared in the parent as plain data, and the child, a
// vfork-style clone sharing the parent's memory, runs only those system
// calls and execve, with no allocation and no lock between the clone and
// the exec (doc/hacking.md, "The init").
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace byre::process {

struct ResourceLimit {
  int resource = 0;   // RLIMIT_…
  rlim_t soft = RLIM_INFINITY;
  rlim_t hard = RLIM_INFINITY;
};

// The resource named NAME as Guile's setrlimit spells it ("nofile",
// "nproc", "core", …), or -1.
int resource_by_name(const std::string& name);

struct SpawnRequest {
  // PROGRAM is run with ARGUMENTS (argv, its first element included).  A
  // PROGRAM without a slash is looked for in the PATH of ENVIRONMENT, as
  // execlp does after Shepherd's exec-command has set the environment.
  std::string program;
  std::vector<std::string> arguments;
  std::vector<std::string> environment;  // "NAME=VALUE"
  std::string directory;                 // empty: the caller's
  std::optional<uid_t> user;
  std::optional<gid_t> group;
  std::optional<std::vector<gid_t>> supplementary_groups;
  std::optional<mode_t> file_creation_mask;
  std::vector<ResourceLimit> resource_limits;
  std::string input_file = "/dev/null";  // standard input
  // Standard output and error: OUTPUT_FILE (created 0640, appended to) if
  // not empty, else descriptor OUTPUT_FD if >= 0, else the caller's own.
  std::string output_file;
  int output_fd = -1;
  bool new_session = true;  // setsid, as Shepherd's #:create-session?
};

// Start the process REQUEST describes and return its pid.  Every
// descriptor but 0, 1 and 2 is closed in the child; its signal mask is
// empty and every signal has its default disposition.  Throws
// std::system_error naming the step and the path when the parent cannot
// prepare it or the child fails before execve (the child is then reaped).
pid_t spawn(const SpawnRequest& request);

// The absolute file name of PROGRAM looked up in SEARCH_PATH (a
// colon-separated list), or PROGRAM itself when it has a slash; throws
// std::system_error (ENOENT, EACCES) when there is none.
std::string find_program(const std::string& program, const std::string& search_path);

}  // namespace byre::process
