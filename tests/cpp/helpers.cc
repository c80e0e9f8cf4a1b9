// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Host helpers: subordinate id ranges and Boost.Process runs.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "process/helpers.hh"

using namespace byre::process;

TEST_CASE("subordinate ranges by name or number", "[helpers]") {
  char name[] = "/tmp/byre-subuid-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  {
    std::ofstream out(name);
    out << "alice:100000:65536\n# comment\nbad line\n1001:200000:1000\nbob:300000:0\n";
  }
  auto a = subordinate_range(name, "alice", 1000);
  REQUIRE(a);
  REQUIRE(a->start == 100000u);
  REQUIRE(a->count == 65536u);
  auto n = subordinate_range(name, "carol", 1001);
  REQUIRE(n);
  REQUIRE(n->start == 200000u);
  REQUIRE_FALSE(subordinate_range(name, "bob", 1002));  // a zero count grants nothing
  REQUIRE_FALSE(subordinate_range("/does-not-exist", "alice", 1000));
  std::remove(name);
}

TEST_CASE("helpers report their failures", "[helpers]") {
  REQUIRE_NOTHROW(run_helper("/bin/true", {}));
  REQUIRE_THROWS_AS(run_helper("/bin/false", {}), std::runtime_error);
  REQUIRE_THROWS_AS(run_helper("/does-not-exist", {}), std::runtime_error);
}
