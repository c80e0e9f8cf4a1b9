// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The file closure of host software: the host guile as the loader sees it
// on a merged-/usr Debian, and made-up trees for RUNPATH, $ORIGIN, links,
// classes and declared directories.
#include <catch2/catch.hpp>

#include <elf.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "host-elf.hh"
#include "temp-dir.hh"
#include "host/closure.hh"
#include "host/host-guile.hh"

using namespace byre::host;
namespace fs = std::filesystem;

namespace {

const Entry* find(const std::vector<Entry>& entries, const std::string& path) {
  for (const Entry& e : entries)
    if (e.path == path) return &e;
  return nullptr;
}

bool has(const std::vector<Entry>& entries, const std::string& path, EntryKind kind) {
  const Entry* e = find(entries, path);
  return e && e->kind == kind;
}

std::string which(const std::string& name) {
  try {
    return find_program(name, "/usr/local/bin:/usr/bin:/bin");
  } catch (const std::system_error&) {
    return {};
  }
}

}  // namespace

TEST_CASE("the host guile's closure holds links as links", "[host][closure]") {
  std::string guile = which("guile");
  if (guile.empty()) { WARN("no guile on this host"); return; }
  std::vector<Entry> c = file_closure({guile}, {});

  // The program as found, and every link on the way to it.
  std::string real = fs::canonical(guile);
  REQUIRE(has(c, real, EntryKind::file));
  if (fs::is_symlink(guile)) REQUIRE(has(c, guile, EntryKind::symlink));

  // libguile: its soname link and the file behind it.
  auto soname = std::find_if(c.begin(), c.end(), [](const Entry& e) {
    return e.path.ends_with("/libguile-3.0.so.1");
  });
  REQUIRE(soname != c.end());
  REQUIRE(soname->kind == EntryKind::symlink);
  std::string behind = fs::canonical(soname->path);
  REQUIRE(has(c, behind, EntryKind::file));

  // The interpreter, reached through merged /usr's links.
  std::string interpreter = "/lib64/ld-linux-x86-64.so.2";
  if (!fs::exists(interpreter)) { WARN("not an x86_64 host"); return; }
  REQUIRE(has(c, fs::canonical(interpreter), EntryKind::file));
  if (fs::is_symlink("/lib64")) {
    const Entry* lib64 = find(c, "/lib64");
    REQUIRE(lib64);
    REQUIRE(lib64->kind == EntryKind::symlink);
    REQUIRE(lib64->target == fs::read_symlink("/lib64").string());
  }

  // Sorted, each path once, no 32-bit library of /usr/lib32.
  for (std::size_t i = 1; i < c.size(); ++i) REQUIRE(c[i - 1].path < c[i].path);
  for (const Entry& e : c) REQUIRE(e.path.rfind("/usr/lib32/", 0) != 0);
}

TEST_CASE("the host guile with its directories", "[host][closure]") {
  if (which("guile").empty()) { WARN("no guile on this host"); return; }
  std::vector<Entry> c = host_guile_closure("guile", {"/usr/share/guile/3.0", "/usr/share/guile",
                                                      "/does/not/exist"});
  // The outer directory is bound, not the one inside it.
  REQUIRE(has(c, "/usr/share/guile", EntryKind::directory));
  REQUIRE_FALSE(find(c, "/usr/share/guile/3.0"));
  // gconv next to libc, and libguile's extensions with what they need.
  std::string libc_dir = fs::canonical("/lib/x86_64-linux-gnu/libc.so.6").parent_path();
  REQUIRE(has(c, libc_dir + "/gconv", EntryKind::directory));
  std::string extensions = libc_dir + "/guile/3.0/extensions";
  if (fs::exists(extensions + "/guile-readline.so")) {
    REQUIRE(has(c, extensions, EntryKind::directory));
    REQUIRE(std::any_of(c.begin(), c.end(), [](const Entry& e) {
      return e.path.find("/libreadline.so") != std::string::npos;
    }));
  }
  // Nothing beneath a listed directory.
  for (const Entry& d : c)
    if (d.kind == EntryKind::directory)
      for (const Entry& e : c) REQUIRE(e.path.rfind(d.path + "/", 0) != 0);
}

TEST_CASE("RUNPATH with $ORIGIN, soname links, classes, rpath", "[host][closure]") {
  byre::testing::TempDir tmp("byre-host");
  const std::string& t = tmp.str();
  fs::create_directories(t + "/app/bin");
  fs::create_directories(t + "/app/lib");
  fs::create_directories(t + "/app/lib32");
  fs::create_directories(t + "/other");
  std::string interpreter = fs::canonical("/lib64/ld-linux-x86-64.so.2");

  byre::test::FakeElf prog;
  prog.interpreter = interpreter;
  prog.needed = {"libone.so.1", "libc.so.6"};
  prog.runpath = "$ORIGIN/../lib32:$ORIGIN/../lib";
  byre::test::write_fake_elf(t + "/app/bin/prog", prog);

  // A 32-bit libone first in RUNPATH: skipped as the loader skips it.
  byre::test::FakeElf one32;
  one32.elf_class = 32;
  one32.machine = EM_386;
  byre::test::write_fake_elf(t + "/app/lib32/libone.so.1", one32);

  byre::test::FakeElf one;
  one.needed = {"libtwo.so.2"};
  one.rpath = t + "/other";  // used: libone has no RUNPATH
  byre::test::write_fake_elf(t + "/app/lib/libone.so.1.0.0", one);
  fs::create_symlink("libone.so.1.0.0", t + "/app/lib/libone.so.1");

  byre::test::write_fake_elf(t + "/other/libtwo.so.2", byre::test::FakeElf{});
  // A link into the program's directory, as /usr/bin/guile is one.
  fs::create_symlink(t + "/app/bin/prog", t + "/prog-link");

  Closure closure(std::vector<std::string>{});
  closure.add_file(t + "/prog-link");
  std::vector<Entry> c = closure.entries();
  REQUIRE(has(c, t + "/prog-link", EntryKind::symlink));
  REQUIRE(has(c, t + "/app/bin/prog", EntryKind::file));
  REQUIRE(has(c, t + "/app/lib/libone.so.1", EntryKind::symlink));
  REQUIRE(find(c, t + "/app/lib/libone.so.1")->target == "libone.so.1.0.0");
  REQUIRE(has(c, t + "/app/lib/libone.so.1.0.0", EntryKind::file));
  REQUIRE_FALSE(find(c, t + "/app/lib32/libone.so.1"));
  REQUIRE(has(c, t + "/other/libtwo.so.2", EntryKind::file));
  REQUIRE(has(c, interpreter, EntryKind::file));
  REQUIRE(closure.libraries().at("libone.so.1") == t + "/app/lib/libone.so.1.0.0");

  // A library that is nowhere: the program cannot run, and says so.
  byre::test::FakeElf broken = prog;
  broken.needed = {"libnowhere.so.9"};
  byre::test::write_fake_elf(t + "/app/bin/broken", broken);
  REQUIRE_THROWS_WITH(Closure(std::vector<std::string>{}).add_file(t + "/app/bin/broken"),
                      Catch::Contains("libnowhere.so.9") && Catch::Contains("broken"));
}

TEST_CASE("declared directories are bound whole and scanned", "[host][closure]") {
  byre::testing::TempDir tmp("byre-host");
  const std::string& t = tmp.str();
  fs::create_directories(t + "/data/modules/sub");
  fs::create_directories(t + "/lib");
  fs::create_directories(t + "/outside");
  std::ofstream(t + "/outside/file") << "x";
  std::ofstream(t + "/data/modules/sub/file.scm") << "(x)";
  fs::create_symlink(t + "/outside/file", t + "/data/modules/link");
  byre::test::FakeElf module;
  module.needed = {"libmod.so.1"};
  module.runpath = "$ORIGIN/../../../lib";
  byre::test::write_fake_elf(t + "/data/modules/sub/module.so", module);
  byre::test::write_fake_elf(t + "/lib/libmod.so.1", byre::test::FakeElf{});
  // A directory reached through a link, as /lib/x86_64-linux-gnu is.
  fs::create_directory_symlink("data", t + "/data-link");

  Closure closure(std::vector<std::string>{});
  closure.add_directory(t + "/data-link/modules");
  closure.add_directory(t + "/data/modules/sub");  // beneath: not listed
  std::vector<Entry> c = closure.entries();
  REQUIRE(has(c, t + "/data-link", EntryKind::symlink));
  REQUIRE(has(c, t + "/data/modules", EntryKind::directory));
  REQUIRE_FALSE(find(c, t + "/data/modules/sub"));
  REQUIRE_FALSE(find(c, t + "/data/modules/link"));
  REQUIRE(has(c, t + "/outside/file", EntryKind::file));
  REQUIRE(has(c, t + "/lib/libmod.so.1", EntryKind::file));

  REQUIRE_THROWS_AS(closure.add_directory(t + "/outside/file"), std::invalid_argument);
  REQUIRE_THROWS_AS(closure.add_directory(t + "/nothing"), std::system_error);
  REQUIRE_THROWS_AS(closure.add_file(t + "/nothing"), std::system_error);
}

TEST_CASE("ld.so.conf with include files", "[host][closure]") {
  byre::testing::TempDir tmp("byre-host");
  const std::string& t = tmp.str();
  fs::create_directories(t + "/conf.d");
  std::ofstream(t + "/ld.so.conf") << "# comment\n/first/lib\ninclude conf.d/*.conf\n"
                                      "/first/lib /second:/third,/fourth/\nhwcap 1 x\n";
  std::ofstream(t + "/conf.d/b.conf") << "/from/b\n";
  std::ofstream(t + "/conf.d/a.conf") << "/from/a # trailing\n";
  REQUIRE(read_ld_so_conf(t + "/ld.so.conf") ==
          std::vector<std::string>{"/first/lib", "/from/a", "/from/b", "/second", "/third",
                                   "/fourth"});
  REQUIRE(read_ld_so_conf(t + "/missing").empty());
  auto d = default_library_directories(64, EM_X86_64);
  REQUIRE(d.front() == "/lib/x86_64-linux-gnu");
  REQUIRE(d.back() == "/usr/lib");
}

TEST_CASE("programs are found in a search path", "[host][closure]") {
  REQUIRE(find_program("/x/y", "") == "/x/y");
  REQUIRE(find_program("sh", "/nonexistent:/bin:/usr/bin").ends_with("/sh"));
  REQUIRE_THROWS_AS(find_program("no-such-program-here", "/bin"), std::system_error);
}

TEST_CASE("a separate debug file: its empty interpreter is no dependency", "[host][closure]") {
  // libc6-dbg's .debug files keep PT_INTERP without its bytes.
  byre::testing::TempDir tmp;
  byre::test::FakeElf debug;
  debug.interpreter = "";
  debug.needed = {"libc.so.6"};
  const std::string file = tmp.str() + "/abcdef.debug";
  byre::test::write_fake_elf(file, debug);
  std::vector<Entry> entries = package_closure({file}, {});
  CHECK(has(entries, file, EntryKind::file));
  CHECK(entries.size() == 1);
}
