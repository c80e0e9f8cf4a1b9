// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The capability step a container's child runs: masks computed in the
// parent (caps.hh), applied with plain system calls.
#pragma once

#include <cstdint>

namespace byre::caps {

struct Masks {
  uint64_t keep = 0;      // bounding, permitted and effective
  uint64_t ambient = 0;   // inheritable and ambient
  int last_cap = 40;      // the highest capability the kernel knows
};

// Drop every capability outside MASKS.keep from the bounding set, set the
// permitted, effective and inheritable sets and raise the ambient ones.
// 0, or -1 and errno.
int apply(const Masks& masks);

}  // namespace byre::caps
