// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Mount option strings through libmount, and locked flags.
#include <catch2/catch.hpp>

#include <sys/mount.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "mount/options.hh"

using namespace byre::mount;

TEST_CASE("option strings split into flags and data", "[mount]") {
  ParsedOptions p = parse_options("ro,nosuid,nodev,size=10m,mode=0755");
  REQUIRE((p.flags & MS_RDONLY) != 0u);
  REQUIRE((p.flags & MS_NOSUID) != 0u);
  REQUIRE((p.flags & MS_NODEV) != 0u);
  REQUIRE((p.flags & MS_NOEXEC) == 0u);
  REQUIRE(p.data == "size=10m,mode=0755");
  REQUIRE(parse_options("").flags == 0u);
  REQUIRE(parse_options("newinstance,ptmxmode=0666").data == "newinstance,ptmxmode=0666");
}

TEST_CASE("locked flags come from statvfs", "[mount]") {
  // They must agree with the mount table's options for /proc.
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string line, options;
  while (std::getline(mountinfo, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, point;
    fields >> id >> parent >> devno >> root >> point >> options;
    if (point == "/proc") break;
    options.clear();
  }
  REQUIRE_FALSE(options.empty());
  unsigned long flags = locked_flags("/proc");
  REQUIRE(((flags & MS_NOSUID) != 0u) == (options.find("nosuid") != std::string::npos));
  REQUIRE(((flags & MS_NOEXEC) != 0u) == (options.find("noexec") != std::string::npos));
  REQUIRE_THROWS_AS(locked_flags("/does-not-exist"), std::system_error);
}

TEST_CASE("the mount table lists / and /proc", "[mount]") {
  auto points = mount_points();
  REQUIRE(std::find(points.begin(), points.end(), "/") != points.end());
  REQUIRE(std::find(points.begin(), points.end(), "/proc") != points.end());
}
