// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "seccomp/filter.hh"

#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <stdexcept>
#include <system_error>

namespace byre::seccomp {

namespace {

// Kernel interfaces a container has no business with: the keyrings (shared
// by every process of a user), loading kernels and modules, BPF programs,
// performance counters, userfaultfd (a classic exploit helper), file
// handles (open_by_handle_at escapes a bind mount), io_uring, the kernel
// log, swap, accounting, the clock, and I/O ports.
const char* const kAlways[] = {
    "add_key", "keyctl", "request_key",
    "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "create_module",
    "query_module", "get_kernel_syms",
    "bpf", "perf_event_open", "userfaultfd",
    "open_by_handle_at",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "syslog", "swapon", "swapoff", "acct",
    "settimeofday", "clock_settime", "clock_adjtime", "stime",
    "iopl", "ioperm", "vm86", "vm86old", "uselib", "lookup_dcookie",
    "nfsservctl", "_sysctl", "quotactl", "quotactl_fd",
};

// What needs CAP_SYS_ADMIN in the container anyway: mounting (old and new
// API), pivot_root, joining namespaces, fanotify.  Without it, a new user
// namespace is refused too (unshare or clone with CLONE_NEWUSER), since in
// one the process would get CAP_SYS_ADMIN back over namespaces of its own
// and with it the kernel's whole mount and namespace code.
const char* const kWithoutSysAdmin[] = {
    "mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount",
    "fspick", "move_mount", "open_tree", "mount_setattr", "setns",
    "fanotify_init",
};

struct Compiled {
  std::once_flag once;
  Program program;
};
Compiled compiled[2];

void check(int rc, const char* what) {
  if (rc < 0) throw std::system_error(-rc, std::generic_category(), what);
}

bool among(const std::vector<std::string>& names, const char* name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The calls with rules of their own in the default list, for ALLOW and DENY.
const char* const kConditional[] = {"unshare", "clone", "clone3"};

}  // namespace

int system_call_number(const std::string& name) {
  int nr = seccomp_syscall_resolve_name(name.c_str());
  return nr == __NR_SCMP_ERROR ? -1 : nr;
}

const std::vector<std::string>& default_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const char* name : kAlways) out.push_back(name);
    for (const char* name : kWithoutSysAdmin) out.push_back(name);
    for (const char* name : kConditional) out.push_back(name);
    return out;
  }();
  return names;
}

Program compile(const Rules& rules, Variant variant) {
  if (!rules.from_default && !rules.allow.empty())
    throw std::invalid_argument("a seccomp filter's allowed calls are taken out of byre's default "
                                "list, which this filter does not start from");
  if (rules.error <= 0 || rules.error > 4095)
    throw std::invalid_argument("seccomp filter errno " + std::to_string(rules.error) +
                                " is not an error number");
  const std::vector<std::string>& known = default_names();
  for (const std::string& name : rules.allow)
    if (!among(known, name.c_str()))
      throw std::invalid_argument("system call \"" + name + "\" is not blocked by byre's default "
                                  "seccomp filter, so it cannot be allowed");
  for (const std::string& name : rules.deny)
    if (system_call_number(name) < 0)
      throw std::invalid_argument("unknown system call \"" + name + "\" in a seccomp filter");

  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr)
    throw std::system_error(ENOMEM, std::generic_category(), "seccomp_init");
  struct Release {
    scmp_filter_ctx c;
    ~Release() { seccomp_release(c); }
  } release{ctx};
  // The filter applies as is: the child sets no_new_privs itself.
  check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0), "seccomp_attr_set");
  auto block = [&](const char* name, int error) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) return;  // not a system call of this architecture
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(error), nr, 0);
    // A pseudo-call that does not exist on this architecture.
    if (rc == -EDOM || rc == -EFAULT) return;
    check(rc, "seccomp_rule_add");
  };
  // A call of the default list is left out when allowed, and when denied
  // (the denial, with its own errno, replaces it).
  auto keep = [&](const char* name) {
    return !among(rules.allow, name) && !among(rules.deny, name);
  };
  // The default list is the one (byre oci-config) writes too.
  if (rules.from_default) {
    for (const Rule& rule : byre::seccomp::rules(variant)) {
      if (!keep(rule.name.c_str())) continue;
      int nr = seccomp_syscall_resolve_name(rule.name.c_str());
      int rc = rule.arg0_mask == 0
                   ? seccomp_rule_add(ctx, SCMP_ACT_ERRNO(rule.error), nr, 0)
                   : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(rule.error), nr, 1,
                                      SCMP_A0(SCMP_CMP_MASKED_EQ, rule.arg0_mask,
                                              rule.arg0_mask));
      check(rc, "seccomp_rule_add");
    }
  }
  for (const std::string& name : rules.deny) block(name.c_str(), rules.error);
  // Exported through a memory file, read back as instructions.
  int fd = memfd_create("byre-seccomp", MFD_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "memfd_create");
  struct Close {
    int fd;
    ~Close() { close(fd); }
  } closer{fd};
  check(seccomp_export_bpf(ctx, fd), "seccomp_export_bpf");
  off_t size = lseek(fd, 0, SEEK_END);
  if (size < 0 || size % sizeof(struct sock_filter) != 0)
    throw std::system_error(EINVAL, std::generic_category(), "seccomp_export_bpf");
  Program p;
  p.code.resize(static_cast<std::size_t>(size) / sizeof(struct sock_filter));
  if (pread(fd, p.code.data(), static_cast<std::size_t>(size), 0) != size)
    throw std::system_error(errno, std::generic_category(), "read the seccomp filter");
  return p;
}

std::vector<Rule> rules(Variant variant) {
  std::vector<Rule> out;
  // A name this architecture lacks resolves to an error, or to a negative
  // pseudo-call number that matches nothing here: neither is a rule.
  auto block = [&](const char* name, int error, unsigned long mask) {
    if (seccomp_syscall_resolve_name(name) < 0) return;
    out.push_back(Rule{name, error, mask});
  };
  for (const char* name : kAlways) block(name, EPERM, 0);
  if (variant == Variant::default_) {
    for (const char* name : kWithoutSysAdmin) block(name, EPERM, 0);
    block("unshare", EPERM, CLONE_NEWUSER);
    block("clone", EPERM, CLONE_NEWUSER);
    // clone3's flags are in memory, out of the filter's sight.
    block("clone3", ENOSYS, 0);
  }
  return out;
}

const Program& default_program(Variant variant) {
  Compiled& c = compiled[variant == Variant::default_ ? 0 : 1];
  std::call_once(c.once, [&] { c.program = compile(Rules{}, variant); });
  return c.program;
}

std::vector<std::string> blocked_calls(Variant variant) {
  std::vector<std::string> out;
  for (const char* name : kAlways)
    if (seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR) out.push_back(name);
  if (variant == Variant::default_) {
    for (const char* name : kWithoutSysAdmin)
      if (seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR) out.push_back(name);
    out.push_back("unshare(CLONE_NEWUSER)");
    out.push_back("clone(CLONE_NEWUSER)");
    out.push_back("clone3");
  }
  return out;
}

int install(const Program& program) {
  struct sock_fprog prog;
  prog.len = static_cast<unsigned short>(program.code.size());
  prog.filter = const_cast<struct sock_filter*>(program.code.data());
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

}  // namespace byre::seccomp
