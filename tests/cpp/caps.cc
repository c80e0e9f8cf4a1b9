// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Capability names and masks through libcap-ng.
#include <catch2/catch.hpp>

#include <linux/capability.h>

#include <stdexcept>

#include "caps/caps.hh"

using namespace byre::caps;

TEST_CASE("capability names in any spelling", "[caps]") {
  REQUIRE(from_name("chown") == CAP_CHOWN);
  REQUIRE(from_name("CAP_SYS_ADMIN") == CAP_SYS_ADMIN);
  REQUIRE(from_name("cap_net_admin") == CAP_NET_ADMIN);
  REQUIRE(from_name("sys-ptrace") == CAP_SYS_PTRACE);
  REQUIRE_THROWS_AS(from_name("flying"), std::invalid_argument);
  REQUIRE(to_name(CAP_KILL) == "kill");
}

TEST_CASE("the default set keeps no administrative capability", "[caps]") {
  uint64_t m = mask({}, true);
  REQUIRE((m & (uint64_t{1} << CAP_CHOWN)) != 0);
  REQUIRE((m & (uint64_t{1} << CAP_SYS_ADMIN)) == 0);
  REQUIRE((m & (uint64_t{1} << CAP_SYS_MODULE)) == 0);
  REQUIRE((m & (uint64_t{1} << CAP_SYS_PTRACE)) == 0);
  REQUIRE((mask({CAP_SYS_ADMIN}, true) & (uint64_t{1} << CAP_SYS_ADMIN)) != 0);
  REQUIRE(mask({CAP_NET_ADMIN}, false) == (uint64_t{1} << CAP_NET_ADMIN));
  REQUIRE(last_capability() >= CAP_LAST_CAP - 2);
}
