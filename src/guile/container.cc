// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Bindings of src/container: plans, the two spawn forms, excursions.
#include <gc/gc.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iterator>
#include <stdexcept>

#include "caps/caps.hh"
#include "container/excursion.hh"
#include "container/plan.hh"
#include "container/spawn.hh"
#include "guile/bindings.hh"
#include "mount/options.hh"
#include "mount/rules.hh"
#include "namespaces/namespaces.hh"
#include "process/helpers.hh"
#include "seccomp/filter.hh"

namespace byre::guile {

namespace {

using container::ContainerSpec;
using container::MountRequest;
using container::Plan;

// A plan is a small object that owns its C++ Plan (a smob: a foreign
// object type would load GOOPS, 10 ms of every start-up).
scm_t_bits plan_tag;

size_t free_plan(SCM plan) {
  delete reinterpret_cast<Plan*>(SCM_SMOB_DATA(plan));
  SCM_SET_SMOB_DATA(plan, 0);
  return 0;
}

int print_plan(SCM plan, SCM port, scm_print_state*) {
  scm_puts("#<container-plan ", port);
  scm_display(scm_number_to_string(scm_from_uintptr_t(SCM_UNPACK(plan)),
                                   scm_from_int(16)),
              port);
  scm_puts(">", port);
  return 1;
}

Plan& plan_of(SCM obj, int pos, const char* subr) {
  SCM_ASSERT_TYPE(SCM_SMOB_PREDICATE(plan_tag, obj), obj, pos, subr, "container plan");
  auto* plan = reinterpret_cast<Plan*>(SCM_SMOB_DATA(obj));
  if (plan == nullptr) scm_wrong_type_arg(subr, pos, obj);
  return *plan;
}

// Conversions that throw C++ exceptions (inside BYRE_GUARD), so that a bad
// value never longjmps past a half-built spec.
[[noreturn]] void bad(const std::string& what, SCM value) {
  char* text = scm_to_utf8_stringn(
      scm_simple_format(SCM_BOOL_F, scm_from_utf8_string("~s"), scm_list_1(value)),
      nullptr);
  std::string shown(text);
  std::free(text);
  throw std::invalid_argument(what + ": " + shown);
}

std::string str(SCM v, const char* what) {
  if (!scm_is_string(v)) bad(std::string(what) + " must be a string", v);
  char* c = scm_to_utf8_stringn(v, nullptr);
  std::string s(c);
  std::free(c);
  return s;
}

std::string sym(SCM v, const char* what) {
  if (!scm_is_symbol(v)) bad(std::string(what) + " must be a symbol", v);
  return str(scm_symbol_to_string(v), what);
}

uint32_t id(SCM v, const char* what) {
  if (!scm_is_unsigned_integer(v, 0, 0xfffffffeu))
    bad(std::string(what) + " must be an integer between 0 and 4294967294", v);
  return scm_to_uint32(v);
}

std::vector<std::string> strs(SCM list, const char* what) {
  std::vector<std::string> out;
  if (scm_is_false(scm_list_p(list))) bad(std::string(what) + " must be a list of strings", list);
  for (SCM l = list; scm_is_pair(l); l = scm_cdr(l)) out.push_back(str(scm_car(l), what));
  return out;
}

std::vector<container::IdRange> id_map(SCM list, const char* what) {
  std::vector<container::IdRange> map;
  if (scm_is_false(scm_list_p(list))) bad(std::string(what) + " must be a list", list);
  for (SCM l = list; scm_is_pair(l); l = scm_cdr(l)) {
    SCM r = scm_car(l);
    if (scm_ilength(r) != 3) bad(std::string(what) + " entries are (INSIDE OUTSIDE COUNT)", r);
    map.push_back({id(scm_car(r), what), id(scm_cadr(r), what), id(scm_caddr(r), what)});
    if (map.back().count == 0) bad(std::string(what) + " count must be positive", r);
  }
  return map;
}

// The slots of the description's vectors, by name (container/spec.hh).
constexpr const char* kSpecFieldNames[] = {
#define BYRE_X(id, name) name,
    BYRE_SPEC_FIELDS(BYRE_X)
#undef BYRE_X
};
constexpr const char* kMountFieldNames[] = {
#define BYRE_X(id, name) name,
    BYRE_MOUNT_FIELDS(BYRE_X)
#undef BYRE_X
};
constexpr const char* kLimitFieldNames[] = {
#define BYRE_X(id, name) name,
    BYRE_LIMIT_FIELDS(BYRE_X)
#undef BYRE_X
};
constexpr const char* kSeccompFieldNames[] = {
#define BYRE_X(id, name) name,
    BYRE_SECCOMP_FIELDS(BYRE_X)
#undef BYRE_X
};

// A vector of the description, checked for its length, read by field.
template <typename Field>
class Slots {
 public:
  Slots(SCM v, const char* what) : v_(v) {
    if (!scm_is_vector(v) || scm_c_vector_length(v) != static_cast<size_t>(Field::count))
      bad(std::string(what) + " must be a vector of " +
              std::to_string(static_cast<int>(Field::count)) + " fields",
          v);
  }
  SCM operator[](Field f) const { return scm_c_vector_ref(v_, static_cast<size_t>(f)); }
 private:
  SCM v_;
};

bool boolean(SCM v) { return scm_is_true(v); }

std::string string_or_empty(SCM v, const char* what) {
  return scm_is_false(v) ? std::string() : str(v, what);
}

std::vector<int> capability_list(SCM v, const char* what) {
  std::vector<int> out;
  if (scm_is_false(scm_list_p(v))) bad(std::string(what) + " must be a list of symbols", v);
  for (SCM c = v; scm_is_pair(c); c = scm_cdr(c))
    out.push_back(caps::from_name(sym(scm_car(c), "capability")));
  return out;
}

MountRequest mount_request(SCM v) {
  using F = container::MountField;
  Slots<F> m(v, "a mount");
  MountRequest r;
  r.source = str(m[F::source], "mount source");
  r.target = str(m[F::target], "mount point");
  mount::check_mount_point(r.target);
  r.may_fail = boolean(m[F::may_fail]);
  r.create_mount_point = boolean(m[F::create_mount_point]);
  unsigned long bits = 0;
  SCM flags = m[F::flags];
  if (scm_is_false(scm_list_p(flags))) bad("mount flags must be a list of symbols", flags);
  for (SCM l = flags; scm_is_pair(l); l = scm_cdr(l))
    bits |= mount::flag_from_name(sym(scm_car(l), "mount flag"));
  if (scm_is_true(m[F::options])) {
    mount::ParsedOptions parsed = mount::parse_options(str(m[F::options], "mount options"));
    bits |= parsed.flags;
    r.data = parsed.data;
  }
  r.bind = (bits & MS_BIND) != 0;
  r.read_only = (bits & MS_RDONLY) != 0;
  r.flags = bits & ~(MS_BIND | MS_RDONLY | MS_REC);
  if (!r.bind) r.type = str(m[F::type], "file system type");
  return r;
}

container::MapWriter map_writer(SCM v) {
  std::string name = sym(v, "map writer");
  if (name == "caller") return container::MapWriter::caller;
  if (name == "caller-deny-setgroups") return container::MapWriter::caller_deny_setgroups;
  if (name == "helpers") return container::MapWriter::helpers;
  throw std::invalid_argument("unknown map writer '" + name +
                              "' (known: caller caller-deny-setgroups helpers)");
}

ContainerSpec spec_from_vector(SCM v) {
  using F = container::SpecField;
  Slots<F> d(v, "a container description");
  ContainerSpec spec;
  SCM namespaces = d[F::namespaces];
  if (scm_is_false(scm_list_p(namespaces))) bad("namespaces must be a list of symbols", namespaces);
  for (SCM n = namespaces; scm_is_pair(n); n = scm_cdr(n))
    spec.namespaces |= namespaces::flag_from_name(sym(scm_car(n), "namespace"));
  spec.uid_map = id_map(d[F::uid_map], "uid map");
  spec.gid_map = id_map(d[F::gid_map], "gid map");
  spec.map_writer = map_writer(d[F::map_writer]);
  spec.uid = id(d[F::uid], "guest uid");
  spec.gid = id(d[F::gid], "guest gid");
  spec.root = string_or_empty(d[F::root], "root");
  SCM mounts = d[F::mounts];
  if (scm_is_false(scm_list_p(mounts))) bad("mounts must be a list", mounts);
  for (SCM m = mounts; scm_is_pair(m); m = scm_cdr(m)) spec.mounts.push_back(mount_request(scm_car(m)));
  SCM links = d[F::symlinks];
  if (scm_is_false(scm_list_p(links))) bad("symlinks must be a list of (PATH . TARGET)", links);
  for (SCM l = links; scm_is_pair(l); l = scm_cdr(l)) {
    SCM pair = scm_car(l);
    if (!scm_is_pair(pair)) bad("symlinks must be a list of (PATH . TARGET)", pair);
    spec.symlinks.emplace_back(str(scm_car(pair), "symlink"), str(scm_cdr(pair), "symlink target"));
  }
  spec.console = string_or_empty(d[F::console], "console");
  spec.hostname = string_or_empty(d[F::hostname], "hostname");
  spec.capabilities = capability_list(d[F::capabilities], "capabilities");
  spec.ambient_capabilities = capability_list(d[F::ambient_capabilities], "ambient capabilities");
  spec.init_program = string_or_empty(d[F::init_program], "init program");
  SCM program = d[F::program];
  if (scm_is_false(program)) {
    spec.finish = container::Finish::return_to_caller;
  } else {
    spec.finish = container::Finish::exec;
    spec.argv = strs(program, "program");
    if (spec.argv.empty()) bad("program must be a non-empty list of strings", program);
  }
  spec.environment = strs(d[F::environment], "environment");
  spec.directory = str(d[F::directory], "directory");
  SCM stdio = d[F::stdio];
  if (scm_ilength(stdio) != 3) bad("stdio must be a list of three descriptors or #f", stdio);
  for (int i = 0; i < 3; ++i) {
    SCM fd = scm_list_ref(stdio, scm_from_int(i));
    if (scm_is_false(fd)) continue;
    if (!scm_is_signed_integer(fd, 0, INT32_MAX)) bad("stdio entries are descriptors or #f", fd);
    spec.stdio[i] = scm_to_int(fd);
  }
  SCM limits = d[F::limits];
  if (scm_is_true(limits)) {
    using L = container::LimitField;
    Slots<L> l(limits, "container limits");
    auto count = [](SCM x, const char* what) -> int64_t {
      if (scm_is_false(x)) return 0;
      if (!scm_is_signed_integer(x, 1, INT64_MAX)) bad(std::string(what) + " must be a positive integer or #f", x);
      return scm_to_int64(x);
    };
    spec.limits.pids = count(l[L::pids], "pids limit");
    spec.limits.memory = count(l[L::memory], "memory limit");
    SCM cpu = l[L::cpu];
    if (scm_is_true(cpu)) {
      if (!scm_is_real(cpu) || scm_to_double(cpu) <= 0) bad("cpu limit must be a positive number or #f", cpu);
      spec.limits.cpu = scm_to_double(cpu);
    }
  }
  SCM filter = d[F::seccomp];
  if (scm_is_vector(filter)) {
    using S = container::SeccompField;
    Slots<S> f(filter, "a seccomp filter");
    spec.seccomp = true;
    spec.seccomp_custom = true;
    spec.seccomp_rules.from_default = boolean(f[S::from_default]);
    spec.seccomp_rules.deny = strs(f[S::deny], "seccomp filter's denied calls");
    spec.seccomp_rules.allow = strs(f[S::allow], "seccomp filter's allowed calls");
    if (!scm_is_signed_integer(f[S::error], 1, 4095)) bad("seccomp filter errno must be an error number", f[S::error]);
    spec.seccomp_rules.error = scm_to_int(f[S::error]);
  } else {
    spec.seccomp = boolean(filter);
  }
  spec.lock_mounts = boolean(d[F::lock_mounts]);
  spec.loopback_network = boolean(d[F::loopback_network]);
  spec.writable_root = boolean(d[F::writable_root]);
  spec.child_is_pid1 = boolean(d[F::child_is_pid1]);
  return spec;
}

SCM symbols(const char* const* names, std::size_t n) {
  SCM out = SCM_EOL;
  for (std::size_t i = n; i > 0; --i) out = scm_cons(scm_from_utf8_symbol(names[i - 1]), out);
  return out;
}

}  // namespace

BYRE_DEFINE(make_container_plan, "%make-container-plan", 1, 0, 0, (SCM description),
            "Return a container plan, the prepared set-up of a container, "
            "from DESCRIPTION, the vector `container-spec->plan-data' of "
            "(byre container-spec) makes, whose slots are those "
            "%container-plan-fields names.  Bind sources are checked now: a "
            "missing one raises system-error with ENOENT.")
#define FUNC_NAME "%make-container-plan"
{
  Plan* plan = nullptr;
  BYRE_GUARD(FUNC_NAME, { plan = new Plan(spec_from_vector(description)); });
  SCM_RETURN_NEWSMOB(plan_tag, plan);
}
#undef FUNC_NAME

BYRE_DEFINE(container_plan_fields, "%container-plan-fields", 0, 0, 0, (),
            "Return the names of the slots of a container description, the "
            "vector %make-container-plan takes, in their order, as symbols; "
            "then those of a mount's vector, of the limits' vector and of a "
            "seccomp filter's vector: four lists.")
{
  return scm_list_4(symbols(kSpecFieldNames, std::size(kSpecFieldNames)),
                    symbols(kMountFieldNames, std::size(kMountFieldNames)),
                    symbols(kLimitFieldNames, std::size(kLimitFieldNames)),
                    symbols(kSeccompFieldNames, std::size(kSeccompFieldNames)));
}

BYRE_DEFINE(system_call_number, "%system-call-number", 1, 0, 0, (SCM name),
            "Return the number of the system call NAME, a string, on this "
            "architecture (as libseccomp knows it), or #f.")
#define FUNC_NAME "%system-call-number"
{
  SCM_VALIDATE_STRING(1, name);
  scm_dynwind_begin(static_cast<scm_t_dynwind_flags>(0));
  char* c = scm_to_utf8_string(name);
  scm_dynwind_free(c);
  int nr = -1;
  BYRE_GUARD(FUNC_NAME, { nr = seccomp::system_call_number(c); });
  scm_dynwind_end();
  return nr < 0 ? SCM_BOOL_F : scm_from_int(nr);
}
#undef FUNC_NAME

BYRE_DEFINE(seccomp_default_names, "%seccomp-default-calls", 0, 0, 0, (),
            "Return the names of the system calls byre's default seccomp "
            "filter may block, as strings: those a filter may allow.")
{
  SCM out = SCM_EOL;
  const std::vector<std::string>& names = seccomp::default_names();
  for (auto it = names.rbegin(); it != names.rend(); ++it)
    out = scm_cons(scm_from_utf8_string(it->c_str()), out);
  return out;
}

BYRE_DEFINE(namespace_names, "%namespace-names", 0, 0, 0, (),
            "Return the names of the namespaces a container may have, as "
            "symbols.")
{
  SCM out = SCM_EOL;
  const auto& all = namespaces::names();
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    out = scm_cons(scm_from_utf8_symbol(it->c_str()), out);
  return out;
}

BYRE_DEFINE(container_plan_p, "container-plan?", 1, 0, 0, (SCM obj),
            "Return true if OBJ is a container plan.")
{
  return scm_from_bool(SCM_SMOB_PREDICATE(plan_tag, obj));
}

BYRE_DEFINE(spawn_container_exec, "%spawn-container-exec", 1, 0, 0, (SCM plan),
            "Start the container PLAN describes, running its program, and "
            "return the pid of its first process once it has exec'd.")
#define FUNC_NAME "%spawn-container-exec"
{
  Plan& p = plan_of(plan, 1, FUNC_NAME);
  // Outside Guile mode: the caller's thread waits, signals blocked, until
  // the child has exec'd (spawn.cc), and the collector must not wait for it.
  struct Spawn {
    const Plan* plan;
    pid_t pid;
    Failure failure;
  };
  pid_t pid = -1;
  SCM error = SCM_BOOL_F;
  {
  Spawn spawn{&p, -1, {}};
  scm_without_guile(
      [](void* data) -> void* {
        auto* s = static_cast<Spawn*>(data);
        try {
          s->pid = container::spawn_exec(*s->plan);
        } catch (...) {
          s->failure = current_failure();
        }
        return nullptr;
      },
      &spawn);
  pid = spawn.pid;
  if (spawn.failure.kind != Failure::none) error = failure_to_scm(FUNC_NAME, spawn.failure);
  }
  scm_remember_upto_here_1(plan);
  if (scm_is_true(error)) throw_error(error);
  return scm_from_int(pid);
}
#undef FUNC_NAME

BYRE_DEFINE(spawn_container_fork, "%spawn-container-fork", 2, 0, 0,
            (SCM plan, SCM populate),
            "Fork a process into the container PLAN describes.  Return a pair "
            "(PID . FD): in the caller PID is the container's process and FD "
            "the channel to wait on with %container-wait-ready; in the "
            "container PID is 0 and FD the channel for %container-ready.  When "
            "POPULATE is true, the child returns before pivot_root, in its new "
            "root, and must call %container-continue.")
#define FUNC_NAME "%spawn-container-fork"
{
  Plan& p = plan_of(plan, 1, FUNC_NAME);
  bool stop = scm_is_true(populate);
  container::Forked forked{-1, -1};
  BYRE_GUARD(FUNC_NAME, { forked = container::spawn_fork(p, stop); });
  scm_remember_upto_here_1(plan);
  return scm_cons(scm_from_int(forked.pid), scm_from_int(forked.fd));
}
#undef FUNC_NAME

BYRE_DEFINE(container_continue, "%container-continue", 2, 0, 0, (SCM plan, SCM fd),
            "In a container forked with POPULATE, run the rest of PLAN's set-up "
            "(pivot_root onwards).  On failure the process reports to its "
            "creator through FD and exits.")
#define FUNC_NAME "%container-continue"
{
  Plan& p = plan_of(plan, 1, FUNC_NAME);
  int channel = scm_to_int(fd);
  container::continue_setup(p, channel);
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

BYRE_DEFINE(container_ready, "%container-ready", 2, 0, 0, (SCM fd, SCM close),
            "In a forked container: check that this process can allocate and "
            "take the collector's lock, then tell its creator it is ready "
            "through FD, and close FD when CLOSE is true.")
#define FUNC_NAME "%container-ready"
{
  int channel = scm_to_int(fd);
  // A lock another thread of the parent held at fork time would stop us
  // here, where the creator's watchdog sees it, rather than in THUNK.
  void* probe = GC_MALLOC(64);
  (void) GC_get_heap_size();
  scm_remember_upto_here_1(scm_cons(SCM_BOOL_T, SCM_BOOL_F));
  (void) probe;
  container::report_ready(channel, scm_is_true(close));
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

BYRE_DEFINE(container_wait_ready, "%container-wait-ready", 5, 0, 0,
            (SCM plan, SCM pid, SCM fd, SCM timeout, SCM close),
            "Wait at most TIMEOUT milliseconds for the container process PID "
            "to report through FD.  Return #t when it is ready (or has "
            "exited), #f when it said nothing in time.  A failed set-up step "
            "of PLAN (#f for an excursion) raises system-error naming it.  A "
            "negative TIMEOUT waits for the end of the set-up without limit.  "
            "FD is closed when CLOSE is true.")
#define FUNC_NAME "%container-wait-ready"
{
  Plan* p = scm_is_false(plan) ? nullptr : &plan_of(plan, 1, FUNC_NAME);
  pid_t child = scm_to_int(pid);
  int channel = scm_to_int(fd);
  int ms = scm_to_int(timeout);
  bool ready = false;
  BYRE_GUARD(FUNC_NAME, { ready = container::wait_ready(p, child, channel, ms, scm_is_true(close)); });
  scm_remember_upto_here_1(plan);
  return scm_from_bool(ready);
}
#undef FUNC_NAME

BYRE_DEFINE(excursion_fork, "%container-excursion-fork", 1, 0, 0, (SCM pid),
            "Fork a process that joins the namespaces of process PID.  Return "
            "a pair (CHILD . FD): in the caller CHILD is its pid (to wait for) "
            "and FD the channel to wait on with %container-wait-ready; in that "
            "process CHILD is 0 and FD the channel for %container-ready.")
#define FUNC_NAME "%container-excursion-fork"
{
  SCM_ASSERT_TYPE(scm_is_signed_integer(pid, 1, INT32_MAX), pid, 1, FUNC_NAME, "process id");
  pid_t target = scm_to_int(pid);
  container::Forked forked{-1, -1};
  BYRE_GUARD(FUNC_NAME, { forked = container::excursion_fork(target); });
  return scm_cons(scm_from_int(forked.pid), scm_from_int(forked.fd));
}
#undef FUNC_NAME

BYRE_DEFINE(excursion_exec, "%container-excursion-exec", 4, 0, 0,
            (SCM pid, SCM argv, SCM environment, SCM directory),
            "Run ARGV, a list of strings, in the namespaces of process PID with "
            "ENVIRONMENT (NAME=VALUE strings) in DIRECTORY (or #f); return the "
            "pid of the new process, a child of the caller.")
#define FUNC_NAME "%container-excursion-exec"
{
  SCM_ASSERT_TYPE(scm_is_signed_integer(pid, 1, INT32_MAX), pid, 1, FUNC_NAME, "process id");
  pid_t target = scm_to_int(pid);
  pid_t result = -1;
  BYRE_GUARD(FUNC_NAME, {
    std::vector<std::string> args = strs(argv, "argv");
    std::vector<std::string> env = strs(environment, "environment");
    std::string dir = scm_is_false(directory) ? std::string() : str(directory, "directory");
    result = container::excursion_exec(target, args, env, dir);
  });
  return scm_from_int(result);
}
#undef FUNC_NAME

BYRE_DEFINE(capability_names, "%default-container-capabilities", 0, 0, 0, (),
            "Return the capabilities a container's root keeps by default, as "
            "a list of symbols.")
#define FUNC_NAME "%default-container-capabilities"
{
  SCM out = SCM_EOL;
  const std::vector<int>& set = caps::default_set();
  for (auto it = set.rbegin(); it != set.rend(); ++it)
    out = scm_cons(scm_from_utf8_symbol(caps::to_name(*it).c_str()), out);
  return out;
}
#undef FUNC_NAME

BYRE_DEFINE(capability_number, "%capability-number", 1, 0, 0, (SCM name),
            "Return the number of capability NAME, a symbol such as sys_admin "
            "or CAP_SYS_ADMIN.  Raise an error for an unknown capability.")
#define FUNC_NAME "%capability-number"
{
  SCM_VALIDATE_SYMBOL(1, name);
  int number = -1;
  BYRE_GUARD(FUNC_NAME, { number = caps::from_name(str(scm_symbol_to_string(name), "capability")); });
  return scm_from_int(number);
}
#undef FUNC_NAME

BYRE_DEFINE(subordinate_range, "%subordinate-range", 3, 0, 0,
            (SCM file, SCM user, SCM id),
            "Return the first subordinate id range FILE (/etc/subuid or "
            "/etc/subgid) grants to USER or to the numeric ID, as a pair "
            "(START . COUNT), or #f.")
#define FUNC_NAME "%subordinate-range"
{
  SCM_VALIDATE_STRING(1, file);
  SCM_VALIDATE_STRING(2, user);
  SCM_ASSERT_TYPE(scm_is_unsigned_integer(id, 0, 0xffffffffu), id, 3, FUNC_NAME, "id");
  SCM result = SCM_BOOL_F;
  bool found = false;
  uint32_t start = 0, count = 0;
  BYRE_GUARD(FUNC_NAME, {
    auto range = process::subordinate_range(str(file, "file"), str(user, "user"),
                                            scm_to_uint32(id));
    if (range) {
      found = true;
      start = range->start;
      count = range->count;
    }
  });
  if (found) result = scm_cons(scm_from_uint32(start), scm_from_uint32(count));
  return result;
}
#undef FUNC_NAME

BYRE_DEFINE(seccomp_default_rules, "%seccomp-default-rules", 1, 0, 0, (SCM sys_admin),
            "Return the rules of byre's default seccomp filter, the variant for "
            "a container whose root keeps CAP_SYS_ADMIN when SYS-ADMIN is true: "
            "a list of (NAME ERRNO ARG0-MASK), the system call NAME failing "
            "with ERRNO, only when its first argument has every bit of "
            "ARG0-MASK set unless ARG0-MASK is 0.")
#define FUNC_NAME "%seccomp-default-rules"
{
  std::vector<seccomp::Rule> rules;
  BYRE_GUARD(FUNC_NAME, {
    rules = seccomp::rules(scm_is_true(sys_admin) ? seccomp::Variant::with_sys_admin
                                                  : seccomp::Variant::default_);
  });
  SCM result = SCM_EOL;
  for (auto it = rules.rbegin(); it != rules.rend(); ++it)
    result = scm_cons(scm_list_3(scm_from_utf8_string(it->name.c_str()),
                                 scm_from_int(it->error), scm_from_ulong(it->arg0_mask)),
                      result);
  return result;
}
#undef FUNC_NAME

// Locks another thread may hold when the fork form forks, which the child
// would inherit taken:
// - Guile vacuums its weak sets (the symbol table, the port table) after
//   each collection from a finalizer, in its finalizer thread, holding each
//   set's lock: automatic finalization is paused across the fork, which
//   waits for the finalizer thread to finish and stops it.  The parent
//   enables it again (the thread starts on demand).  The child does not:
//   another thread of the parent may have been starting a finalizer thread
//   at the fork, holding Guile's finalizer-thread lock (its collection's
//   notifier had been read before the pause), and the child's first
//   collection would wait for that lock for ever (seen once in 16,000
//   excursions beside an allocating thread, bench/fork-stress.scm).  The
//   child runs its finalizers itself instead, after each collection, from
//   the after-GC hook: an async at a safe point of the collecting thread,
//   as Guile does where it has no threads;
// - the after-GC hooks run in the thread that collected: two hooks, first
//   and last, bracket them with a mutex the fork also takes.
pthread_mutex_t after_gc_mutex = PTHREAD_MUTEX_INITIALIZER;
int finalization_was_enabled = 0;

void* after_gc_begin(void*, void*, void*) {
  pthread_mutex_lock(&after_gc_mutex);
  return nullptr;
}

// Set in a forked child whose parent had automatic finalization.
bool finalize_after_gc = false;

void* after_gc_end(void*, void*, void*) {
  pthread_mutex_unlock(&after_gc_mutex);
  if (finalize_after_gc) scm_run_finalizers();
  return nullptr;
}

void fork_guard_lock() {
  finalization_was_enabled = scm_set_automatic_finalization_enabled(0);
  pthread_mutex_lock(&after_gc_mutex);
}

void fork_guard_unlock(bool in_child) {
  pthread_mutex_unlock(&after_gc_mutex);
  if (!finalization_was_enabled) return;
  if (in_child)
    finalize_after_gc = true;
  else
    scm_set_automatic_finalization_enabled(1);
}

void init_container() {
  scm_c_hook_add(&scm_after_gc_c_hook, after_gc_begin, nullptr, 0);
  scm_c_hook_add(&scm_after_gc_c_hook, after_gc_end, nullptr, 1);
  container::set_fork_guard(fork_guard_lock, fork_guard_unlock);
  plan_tag = scm_make_smob_type("container-plan", 0);
  scm_set_smob_free(plan_tag, free_plan);
  scm_set_smob_print(plan_tag, print_plan);
#include "guile/container.x"
}

}  // namespace byre::guile

