// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "seccomp/filter.hh"

#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
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

Program compile(Variant variant) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr)
    throw std::system_error(ENOMEM, std::generic_category(), "seccomp_init");
  struct Release {
    scmp_filter_ctx c;
    ~Release() { seccomp_release(c); }
  } release{ctx};
  // The filter applies as is: the child sets no_new_privs itself.
  check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0), "seccomp_attr_set");
  for (const Rule& rule : rules(variant)) {
    int nr = seccomp_syscall_resolve_name(rule.name.c_str());
    int rc = rule.arg0_mask == 0
                 ? seccomp_rule_add(ctx, SCMP_ACT_ERRNO(rule.error), nr, 0)
                 : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(rule.error), nr, 1,
                                    SCMP_A0(SCMP_CMP_MASKED_EQ, rule.arg0_mask,
                                            rule.arg0_mask));
    check(rc, "seccomp_rule_add");
  }
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

}  // namespace

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
  std::call_once(c.once, [&] { c.program = compile(variant); });
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
