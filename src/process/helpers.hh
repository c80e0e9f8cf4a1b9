// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Host helper programs, started with Boost.Process: newuidmap and
// newgidmap for rootless containers with more than one id, and the
// subordinate id ranges /etc/subuid and /etc/subgid grant.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace byre::process {

// Run PROGRAM with ARGS and wait for it.  Throws std::runtime_error with
// the program's standard error when it cannot be started or fails.
void run_helper(const std::string& program, const std::vector<std::string>& args);

struct SubordinateRange {
  uint32_t start = 0;
  uint32_t count = 0;
};

// The first range FILE (/etc/subuid or /etc/subgid) grants to USER or to
// the numeric ID, if any.
std::optional<SubordinateRange> subordinate_range(const std::string& file,
                                                  const std::string& user,
                                                  uint32_t id);

}  // namespace byre::process
