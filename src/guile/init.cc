// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Bindings of the init's primitives (src/process/spawn and signals), in an
// extension of their own, libguile-byre-init, so that the init loads
// nothing else of byre's C++ core: (byre init-core) loads it.
#include <libguile.h>

#include <cerrno>
#include <climits>
#include <string>
#include <vector>

#include "guile/bindings.hh"
#include "process/signals.hh"
#include "process/spawn.hh"

namespace byre::guile {

namespace {

bool given(SCM value) { return !SCM_UNBNDP(value) && scm_is_true(value); }

unsigned long to_id(SCM value, int pos, const char* subr) {
  SCM_ASSERT_TYPE(scm_is_unsigned_integer(value, 0, UINT32_MAX - 1), value, pos, subr,
                  "user or group id");
  return scm_to_ulong(value);
}

rlim_t to_limit(SCM value, SCM limit, int pos, const char* subr) {
  if (scm_is_false(value)) return RLIM_INFINITY;
  SCM_ASSERT_TYPE(scm_is_unsigned_integer(value, 0, RLIM_INFINITY - 1), limit, pos, subr,
                  "resource limit (RESOURCE SOFT HARD)");
  return static_cast<rlim_t>(scm_to_uint64(value));
}

}  // namespace

BYRE_DEFINE(spawn_process, "%spawn-process", 2, 0, 1,
            (SCM program, SCM arguments, SCM rest),
            "Start PROGRAM with ARGUMENTS (its argv, first element included) "
            "and return its pid.  Keywords: #:environment (list of "
            "\"NAME=VALUE\"; PROGRAM without a slash is looked for in its "
            "PATH), #:directory, #:user and #:group (numeric ids), "
            "#:supplementary-groups (list of gids), #:file-creation-mask, "
            "#:resource-limits (list of (RESOURCE SOFT HARD), RESOURCE a "
            "symbol as for setrlimit, #f for no limit), #:input-file "
            "(default /dev/null), #:output-file (appended to, created 0640) "
            "or #:output-fd for standard output and error, #:new-session? "
            "(default #t).  The child runs only prepared system calls until "
            "it execs; a failure before the exec raises a system-error "
            "naming the step.")
#define FUNC_NAME "%spawn-process"
{
  SCM environment = SCM_UNDEFINED, directory = SCM_UNDEFINED, user = SCM_UNDEFINED,
      group = SCM_UNDEFINED, groups = SCM_UNDEFINED, mask = SCM_UNDEFINED,
      limits = SCM_UNDEFINED, input = SCM_UNDEFINED, output = SCM_UNDEFINED,
      output_fd = SCM_UNDEFINED, session = SCM_UNDEFINED;
  scm_c_bind_keyword_arguments(
      FUNC_NAME, rest, static_cast<scm_t_keyword_arguments_flags>(0),
      scm_from_utf8_keyword("environment"), &environment,
      scm_from_utf8_keyword("directory"), &directory, scm_from_utf8_keyword("user"), &user,
      scm_from_utf8_keyword("group"), &group,
      scm_from_utf8_keyword("supplementary-groups"), &groups,
      scm_from_utf8_keyword("file-creation-mask"), &mask,
      scm_from_utf8_keyword("resource-limits"), &limits,
      scm_from_utf8_keyword("input-file"), &input,
      scm_from_utf8_keyword("output-file"), &output,
      scm_from_utf8_keyword("output-fd"), &output_fd,
      scm_from_utf8_keyword("new-session?"), &session, SCM_UNDEFINED);

  // Every argument is checked and converted before any C++ object exists.
  byre::process::SpawnRequest request;
  request.program = to_string(program, 1, FUNC_NAME);
  request.arguments = to_strings(arguments, 2, FUNC_NAME);
  if (request.arguments.empty())
    scm_misc_error(FUNC_NAME, "empty argument list for ~S", scm_list_1(program));
  if (!SCM_UNBNDP(environment)) request.environment = to_strings(environment, 3, FUNC_NAME);
  if (given(directory)) request.directory = to_string(directory, 3, FUNC_NAME);
  if (given(user)) request.user = to_id(user, 3, FUNC_NAME);
  if (given(group)) request.group = to_id(group, 3, FUNC_NAME);
  if (given(groups)) {
    SCM_ASSERT_TYPE(scm_is_true(scm_list_p(groups)), groups, 3, FUNC_NAME, "list of gids");
    std::vector<gid_t> gids;
    for (SCM l = groups; scm_is_pair(l); l = scm_cdr(l))
      gids.push_back(to_id(scm_car(l), 3, FUNC_NAME));
    request.supplementary_groups = gids;
  }
  if (given(mask)) {
    SCM_ASSERT_TYPE(scm_is_unsigned_integer(mask, 0, 07777), mask, 3, FUNC_NAME, "file mode mask");
    request.file_creation_mask = scm_to_uint(mask);
  }
  if (given(limits)) {
    SCM_ASSERT_TYPE(scm_is_true(scm_list_p(limits)), limits, 3, FUNC_NAME,
                    "list of (RESOURCE SOFT HARD)");
    for (SCM l = limits; scm_is_pair(l); l = scm_cdr(l)) {
      SCM entry = scm_car(l);
      SCM_ASSERT_TYPE(scm_is_true(scm_list_p(entry)) && scm_ilength(entry) == 3 &&
                          scm_is_symbol(scm_car(entry)),
                      entry, 3, FUNC_NAME, "resource limit (RESOURCE SOFT HARD)");
      byre::process::ResourceLimit limit;
      SCM name = scm_symbol_to_string(scm_car(entry));
      limit.resource = byre::process::resource_by_name(to_string(name, 3, FUNC_NAME));
      if (limit.resource < 0)
        scm_misc_error(FUNC_NAME, "unknown resource ~S in ~S (known: as core cpu data fsize "
                       "locks memlock msgqueue nice nofile nproc rss rtprio rttime "
                       "sigpending stack)",
                       scm_list_2(scm_car(entry), entry));
      limit.soft = to_limit(scm_cadr(entry), entry, 3, FUNC_NAME);
      limit.hard = to_limit(scm_caddr(entry), entry, 3, FUNC_NAME);
      request.resource_limits.push_back(limit);
    }
  }
  if (given(input)) request.input_file = to_string(input, 3, FUNC_NAME);
  if (given(output)) request.output_file = to_string(output, 3, FUNC_NAME);
  if (given(output_fd)) {
    SCM_ASSERT_TYPE(scm_is_signed_integer(output_fd, 0, INT_MAX), output_fd, 3, FUNC_NAME,
                    "file descriptor");
    request.output_fd = scm_to_int(output_fd);
  }
  if (!SCM_UNBNDP(session)) request.new_session = scm_is_true(session);

  pid_t pid = -1;
  BYRE_GUARD(FUNC_NAME, { pid = byre::process::spawn(request); });
  return scm_from_int(pid);
}
#undef FUNC_NAME

BYRE_DEFINE(open_signal_descriptor, "%open-signal-descriptor", 1, 0, 0, (SCM signals),
            "Block SIGNALS, a list of signal numbers, in the calling thread and "
            "return a file descriptor (close-on-exec, non-blocking) from which "
            "%read-signals reads them.  Other threads forward them to this one.")
#define FUNC_NAME "%open-signal-descriptor"
{
  SCM_ASSERT_TYPE(scm_is_true(scm_list_p(signals)), signals, 1, FUNC_NAME, "list of signals");
  std::vector<int> numbers;
  for (SCM l = signals; scm_is_pair(l); l = scm_cdr(l)) {
    SCM_ASSERT_TYPE(scm_is_signed_integer(scm_car(l), 1, NSIG - 1), signals, 1, FUNC_NAME,
                    "list of signals");
    numbers.push_back(scm_to_int(scm_car(l)));
  }
  int fd = -1;
  BYRE_GUARD(FUNC_NAME, { fd = byre::process::open_signal_descriptor(numbers); });
  return scm_from_int(fd);
}
#undef FUNC_NAME

BYRE_DEFINE(read_signals, "%read-signals", 1, 0, 0, (SCM fd),
            "Return the list of signal numbers pending on FD, a descriptor of "
            "%open-signal-descriptor, in the order received; '() if none.")
#define FUNC_NAME "%read-signals"
{
  SCM_ASSERT_TYPE(scm_is_signed_integer(fd, 0, INT_MAX), fd, 1, FUNC_NAME, "file descriptor");
  int descriptor = scm_to_int(fd);
  std::vector<int> signals;
  BYRE_GUARD(FUNC_NAME, { signals = byre::process::read_signals(descriptor); });
  SCM out = SCM_EOL;
  for (auto it = signals.rbegin(); it != signals.rend(); ++it)
    out = scm_cons(scm_from_int(*it), out);
  return out;
}
#undef FUNC_NAME

BYRE_DEFINE(become_subreaper, "%become-subreaper!", 0, 0, 0, (),
            "Make this process adopt its orphaned descendants "
            "(PR_SET_CHILD_SUBREAPER).")
#define FUNC_NAME "%become-subreaper!"
{
  BYRE_GUARD(FUNC_NAME, { byre::process::become_subreaper(); });
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

void init_init() {
#include "guile/init.x"
}

}  // namespace byre::guile

extern "C" void init_byre_init() { byre::guile::init_init(); }
