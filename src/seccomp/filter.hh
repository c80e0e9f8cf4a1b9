// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre's default seccomp filter, compiled with libseccomp in the parent
// (allocation allowed) and installed in the child with one prctl (none).
//
// The filter allows every system call but the ones listed in
// doc/file-systems.texi ("What a container can do"), which fail with
// EPERM (clone3: ENOSYS, so that the C library falls back on clone, whose
// flags the filter can see).
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

namespace byre::seccomp {

// A compiled BPF program.
struct Program {
  std::vector<struct sock_filter> code;
};

// Which variant of the default filter: a container whose root keeps
// CAP_SYS_ADMIN may mount, make user namespaces and join namespaces; one
// without may not even try.
enum class Variant { default_, with_sys_admin };

// A filter of the container's own (the seccomp field of a container-spec):
// byre's default list of blocked calls (or none), less ALLOW, plus DENY,
// which fail with ERROR.  Names are those of syscalls(2).
struct Rules {
  bool from_default = true;
  std::vector<std::string> deny;
  std::vector<std::string> allow;  // calls of the default list let through
  int error = 1;                   // EPERM
};

// The default filter for VARIANT, compiled once per process.  Throws
// std::system_error when libseccomp fails.
const Program& default_program(Variant variant = Variant::default_);

// One rule of the default filter: the system call NAME fails with ERROR
// (an errno value); when ARG0_MASK is not 0, only when its first argument
// has every bit of ARG0_MASK set.
struct Rule {
  std::string name;
  int error;
  unsigned long arg0_mask;
};

// The rules of VARIANT, those of system calls this architecture has, in
// the order the filter is made of them: what `default_program' compiles,
// and what (byre oci-config) writes as an OCI seccomp object.
std::vector<Rule> rules(Variant variant);

// RULES compiled for VARIANT (which decides what the default list holds).
// Throws std::invalid_argument naming a system call this architecture does
// not have, a name in ALLOW that the default list does not block, or ALLOW
// without the default list; std::system_error when libseccomp fails.
Program compile(const Rules& rules, Variant variant);

// The number of system call NAME on this architecture, or -1.
int system_call_number(const std::string& name);

// Every name the default list may block (both variants), as ALLOW takes
// them: "unshare" and "clone" stand for their CLONE_NEWUSER rules.
const std::vector<std::string>& default_names();

// The names of the system calls VARIANT blocks, as the manual lists them.
std::vector<std::string> blocked_calls(Variant variant);

// In the child, last before exec (no_new_privs set, or CAP_SYS_ADMIN):
// install PROGRAM.  System calls only.  Returns 0 or -1 with errno.
int install(const Program& program);

}  // namespace byre::seccomp
