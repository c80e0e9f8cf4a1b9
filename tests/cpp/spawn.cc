// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Starting a service's process: what the child gets, and what a failure
// before the exec says.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include "process/spawn.hh"
#include "temp-dir.hh"

using namespace byre::process;

namespace {
int wait_for(pid_t pid) {
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return status;
}
std::string slurp(const std::string& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("a spawned process gets its environment, directory, mask and log", "[spawn]") {
  byre::testing::TempDir dir("byre-spawn");
  std::string log = dir.str() + "/log";
  // A descriptor of ours without close-on-exec must not reach the child.
  int leaked = open("/dev/null", O_RDONLY);
  REQUIRE(leaked >= 3);
  SpawnRequest r;
  r.program = "sh";
  r.arguments = {"sh", "-c",
                 "echo \"$GREETING\"; pwd; umask; ls /proc/self/fd | wc -l; "
                 "read line || echo eof; test $$ = $(ps -o sid= -p $$ | tr -d ' ') && echo leader"};
  r.environment = {"GREETING=hello", "PATH=/usr/bin:/bin"};
  r.directory = dir.str();
  r.file_creation_mask = 027;
  r.output_file = log;
  pid_t pid = spawn(r);
  close(leaked);
  int status = wait_for(pid);
  REQUIRE(WIFEXITED(status));
  // fds: 0, 1, 2 and the one ls opens for the listing.
  REQUIRE(slurp(log) == "hello\n" + dir.str() + "\n0027\n4\neof\nleader\n");
}

TEST_CASE("resource limits are applied in the child", "[spawn]") {
  byre::testing::TempDir dir("byre-spawn");
  SpawnRequest r;
  r.program = "/bin/sh";
  r.arguments = {"sh", "-c", "ulimit -n"};
  r.resource_limits = {{resource_by_name("nofile"), 64, 64}};
  r.output_file = dir.str() + "/log";
  wait_for(spawn(r));
  REQUIRE(slurp(r.output_file) == "64\n");
  REQUIRE(resource_by_name("no-such-limit") == -1);
}

TEST_CASE("failures name the step and the path", "[spawn]") {
  SpawnRequest r;
  r.program = "/does-not-exist";
  r.arguments = {"x"};
  try {
    spawn(r);
    FAIL("no error");
  } catch (const std::system_error& e) {
    REQUIRE(e.code().value() == ENOENT);
    REQUIRE(std::string(e.what()).find("exec \"/does-not-exist\"") != std::string::npos);
  }
  r.program = "/bin/true";
  r.directory = "/does-not-exist";
  try {
    spawn(r);
    FAIL("no error");
  } catch (const std::system_error& e) {
    REQUIRE(e.code().value() == ENOENT);
    REQUIRE(std::string(e.what()).find("chdir to \"/does-not-exist\"") != std::string::npos);
  }
  REQUIRE_THROWS_AS(find_program("no-such-program-here", "/bin:/usr/bin"), std::system_error);
  REQUIRE(find_program("sh", "/does-not-exist:/bin") == "/bin/sh");
}
