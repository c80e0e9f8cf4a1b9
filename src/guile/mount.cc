// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Bindings of src/mount: option strings and the mount table.
#include <cstring>

#include "guile/bindings.hh"
#include "mount/options.hh"
#include "mount/rules.hh"

namespace byre::guile {

BYRE_DEFINE(parse_mount_options, "%parse-mount-options", 1, 0, 0, (SCM options),
            "Split OPTIONS, a comma-separated mount option string such as "
            "\"ro,nosuid,size=10m\", into a pair (FLAGS . DATA): the mount(2) "
            "flags it names, as an integer, and the rest for the file system.")
#define FUNC_NAME "%parse-mount-options"
{
  SCM_VALIDATE_STRING(1, options);
  unsigned long flags = 0;
  std::string data;
  BYRE_GUARD(FUNC_NAME, {
    mount::ParsedOptions parsed = mount::parse_options(to_string(options, 1, FUNC_NAME));
    flags = parsed.flags;
    data = parsed.data;
  });
  SCM result = scm_cons(scm_from_ulong(flags), scm_from_utf8_string(data.c_str()));
  return result;
}
#undef FUNC_NAME

BYRE_DEFINE(mount_points, "%mount-points", 0, 0, 0, (),
            "Return the mount points of the calling process's mount namespace, "
            "in mount order, read from /proc/self/mountinfo with libmount.")
#define FUNC_NAME "%mount-points"
{
  std::vector<std::string> points;
  BYRE_GUARD(FUNC_NAME, { points = mount::mount_points(); });
  return from_strings(points);
}
#undef FUNC_NAME

BYRE_DEFINE(mount_flags, "%mount-flags", 0, 0, 0, (),
            "Return the file system flags byre knows, the symbols a "
            "<file-system>'s flags field may hold (read-only, bind-mount, "
            "no-suid …), as a list of pairs (SYMBOL . MS-FLAG): the one table "
            "Scheme and the C++ core share.")
{
  SCM out = SCM_EOL;
  const auto& table = mount::flag_table();
  for (auto it = table.rbegin(); it != table.rend(); ++it)
    out = scm_cons(scm_cons(scm_from_utf8_symbol(it->name), scm_from_ulong(it->flag)), out);
  return out;
}

BYRE_DEFINE(mount_point_problem, "%mount-point-problem", 1, 0, 0, (SCM target),
            "Return #f when TARGET, a string, is a valid mount point inside a "
            "container (an absolute file name with no \".\" or \"..\" "
            "component), else a symbol naming what is wrong: not-absolute, "
            "dot-component or dot-dot-component.  The one rule Scheme and the "
            "C++ core share.")
#define FUNC_NAME "%mount-point-problem"
{
  SCM_VALIDATE_STRING(1, target);
  const char* problem = nullptr;
  BYRE_GUARD(FUNC_NAME, { problem = mount::mount_point_problem(to_string(target, 1, FUNC_NAME)); });
  return problem == nullptr ? SCM_BOOL_F : scm_from_utf8_symbol(problem);
}
#undef FUNC_NAME

void init_mount() {
#include "guile/mount.x"
}

}  // namespace byre::guile
