// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// ELF files as the dynamic loader reads them: the host's guile, 32-bit
// libraries, made-up files, and what is not ELF at all.
#include <catch2/catch.hpp>

#include <elf.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "temp-dir.hh"
#include "host/elf.hh"
#include "host-elf.hh"

using namespace byre::host;
namespace fs = std::filesystem;

namespace {

// The host's guile, as `readlink -f $(which guile)` finds it.
std::string host_guile() {
  for (const char* dir : {"/usr/local/bin", "/usr/bin", "/bin"}) {
    fs::path p = fs::path(dir) / "guile";
    if (fs::exists(p)) return fs::canonical(p);
  }
  return {};
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("the host guile's interpreter and libraries", "[host][elf]") {
  std::string guile = host_guile();
  if (guile.empty()) { WARN("no guile on this host"); return; }
  ElfFile elf = read_elf(guile);
  REQUIRE(elf.elf_class == 64);
  REQUIRE(elf.interpreter);
  REQUIRE(fs::exists(*elf.interpreter));
  REQUIRE(std::any_of(elf.needed.begin(), elf.needed.end(), [](const std::string& n) {
    return n.rfind("libguile-3.0.so", 0) == 0;
  }));
  REQUIRE(contains(elf.needed, "libc.so.6"));
  REQUIRE(is_elf(guile));
}

TEST_CASE("a library's soname; a 32-bit library", "[host][elf]") {
  ElfFile libc = read_elf(fs::canonical("/lib/x86_64-linux-gnu/libc.so.6"));
  REQUIRE(libc.soname == "libc.so.6");
  REQUIRE(libc.machine == EM_X86_64);
  if (!fs::exists("/usr/lib32/libm.so.6")) { WARN("no 32-bit libraries on this host"); return; }
  ElfFile libm = read_elf(fs::canonical("/usr/lib32/libm.so.6"));
  REQUIRE(libm.elf_class == 32);
  REQUIRE(libm.machine == EM_386);
  REQUIRE(libm.soname == "libm.so.6");
  REQUIRE(contains(libm.needed, "libc.so.6"));
}

TEST_CASE("made-up ELF files, 32- and 64-bit", "[host][elf]") {
  byre::testing::TempDir tmp("byre-host");
  for (int elf_class : {32, 64}) {
    byre::test::FakeElf f;
    f.elf_class = elf_class;
    f.machine = elf_class == 32 ? EM_386 : EM_X86_64;
    f.interpreter = "/lib/ld-fake.so.1";
    f.needed = {"libone.so.1", "libtwo.so.2"};
    f.runpath = "$ORIGIN/../lib:/opt/lib";
    f.rpath = "/ignored";
    f.soname = "libfake.so.0";
    std::string file = tmp.str() + "/fake" + std::to_string(elf_class);
    byre::test::write_fake_elf(file, f);
    ElfFile elf = read_elf(file);
    REQUIRE(elf.elf_class == elf_class);
    REQUIRE(elf.machine == f.machine);
    REQUIRE(elf.interpreter == "/lib/ld-fake.so.1");
    REQUIRE(elf.needed == std::vector<std::string>{"libone.so.1", "libtwo.so.2"});
    REQUIRE(elf.runpath == std::vector<std::string>{"$ORIGIN/../lib", "/opt/lib"});
    REQUIRE(elf.rpath == std::vector<std::string>{"/ignored"});
    REQUIRE(elf.soname == "libfake.so.0");
  }
}

TEST_CASE("what is not ELF fails clearly", "[host][elf]") {
  byre::testing::TempDir tmp("byre-host");
  std::string text = tmp.str() + "/script";
  std::ofstream(text) << "#!/bin/sh\necho not ELF\n";
  REQUIRE_FALSE(is_elf(text));
  REQUIRE_THROWS_WITH(read_elf(text), Catch::Contains("not an ELF file") &&
                                          Catch::Contains(text));
  std::string empty = tmp.str() + "/empty";
  std::ofstream{empty};
  REQUIRE_THROWS_AS(read_elf(empty), elf_error);

  // An ELF header cut short.
  std::string cut = tmp.str() + "/cut";
  std::ofstream(cut) << std::string(ELFMAG) + std::string(1, ELFCLASS64) +
                            std::string(1, ELFDATA2LSB) + std::string(20, '\0');
  REQUIRE_THROWS_WITH(read_elf(cut), Catch::Contains("truncated"));

  REQUIRE_THROWS_AS(read_elf(tmp.str() + "/missing"), std::system_error);
  REQUIRE_THROWS_WITH(read_elf(tmp.str()), Catch::Contains("not a regular file"));
  REQUIRE_FALSE(is_elf(tmp.str() + "/missing"));
}

TEST_CASE("$ORIGIN in search paths", "[host][elf]") {
  REQUIRE(expand_origin("$ORIGIN/../lib", "/opt/x/bin") == "/opt/x/bin/../lib");
  REQUIRE(expand_origin("${ORIGIN}/lib", "/a") == "/a/lib");
  REQUIRE(expand_origin("/usr/lib", "/a") == "/usr/lib");
  REQUIRE_FALSE(expand_origin("/usr/$LIB", "/a"));
  REQUIRE_FALSE(expand_origin("$ORIGINAL", "/a"));
}
