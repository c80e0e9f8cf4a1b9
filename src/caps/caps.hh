// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Capabilities through libcap-ng: names and numbers, the default set a
// container's root keeps, and the masks the child applies with plain
// system calls (container/plan.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace byre::caps {

// The capabilities a container's root keeps by default: what a root
// process in a container commonly needs (files, ids, signals, binding low
// ports, chroot), never CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_PTRACE,
// CAP_SYS_TIME, CAP_NET_ADMIN or CAP_SYS_RAWIO.
const std::vector<int>& default_set();

// The number of capability NAME ("chown", "CAP_CHOWN", "cap_chown").
// Throws std::invalid_argument for an unknown name.
int from_name(const std::string& name);
// The lower-case name of capability NUMBER, without "cap_".
std::string to_name(int number);
// The highest capability number the running kernel knows.
int last_capability();

// A 64-bit mask of NUMBERS (plus the default set when WITH_DEFAULTS).
uint64_t mask(const std::vector<int>& numbers, bool with_defaults);

}  // namespace byre::caps
