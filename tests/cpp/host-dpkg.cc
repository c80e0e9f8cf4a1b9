// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// dpkg's database as src/host/dpkg reads it: a made-up database for
// multiarch names, diversions, merged /usr and states; the host's for
// alternatives.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <system_error>

#include "temp-dir.hh"
#include "host/closure.hh"
#include "host/dpkg.hh"

using namespace byre::host;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("dpkg: status stanzas, multiarch lists, diversions, merged /usr", "[host][dpkg]") {
  byre::testing::TempDir tmp;
  const std::string root = tmp.str();
  const std::string admin = root + "/dpkg";
  // A merged /usr: bin leads to usr/bin.
  fs::create_directories(root + "/usr/bin");
  fs::create_directories(root + "/usr/lib/x86_64-linux-gnu");
  fs::create_directory_symlink("usr/bin", root + "/bin");
  write(root + "/usr/bin/tool", "#!/bin/sh\n");
  write(root + "/usr/bin/tool.real", "real\n");
  write(root + "/usr/lib/x86_64-linux-gnu/libfoo.so.1", "lib\n");
  write(admin + "/status",
        "Package: dpkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.21\n"
        "Description: the package manager\n continued line: not a field\n\n"
        "Package: libfoo1\nStatus: install ok installed\nArchitecture: i386\n"
        "Multi-Arch: same\nVersion: 1.0\n\n"
        "Package: libfoo1\nStatus: install ok installed\nArchitecture: amd64\n"
        "Multi-Arch: same\nVersion: 1.1\n\n"
        "Package: tool\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2:3-1\n\n"
        "Package: gone\nStatus: deinstall ok config-files\nArchitecture: all\nVersion: 9\n");
  write(admin + "/info/libfoo1:amd64.list",
        "/.\n/usr\n/usr/lib\n/usr/lib/x86_64-linux-gnu\n" + root +
            "/usr/lib/x86_64-linux-gnu/libfoo.so.1\n");
  write(admin + "/info/libfoo1:i386.list", root + "/usr/lib/i386/libfoo.so.1\n");
  write(admin + "/info/tool.list",
        "/.\n" + root + "/bin\n" + root + "/bin/tool\n" + root + "/bin/missing\n");
  write(admin + "/diversions",
        root + "/bin/tool\n" + root + "/usr/bin/tool.real\nother-package\n");

  SECTION("a multiarch name and the native architecture") {
    auto native = dpkg_package("libfoo1", admin);
    REQUIRE(native);
    CHECK(native->architecture == "amd64");
    CHECK(native->version == "1.1");
    CHECK(native->installed);
    CHECK(native->files ==
          std::vector<std::string>{root + "/usr/lib/x86_64-linux-gnu/libfoo.so.1"});
    auto qualified = dpkg_package("libfoo1:amd64", admin);
    REQUIRE(qualified);
    CHECK(qualified->files == native->files);
    auto other = dpkg_package("libfoo1:i386", admin);
    REQUIRE(other);
    CHECK(other->version == "1.0");
    CHECK(other->files.empty());  // its file does not exist here
  }

  SECTION("diversions are followed; directories and missing files left out") {
    auto tool = dpkg_package("tool", admin);
    REQUIRE(tool);
    CHECK(tool->version == "2:3-1");
    CHECK(tool->files == std::vector<std::string>{root + "/usr/bin/tool.real"});
  }

  SECTION("merged /usr: the directory part is canonical") {
    fs::remove(admin + "/diversions");
    auto tool = dpkg_package("tool", admin);
    REQUIRE(tool);
    CHECK(tool->files == std::vector<std::string>{root + "/usr/bin/tool"});
  }

  SECTION("states") {
    auto gone = dpkg_package("gone", admin);
    REQUIRE(gone);
    CHECK_FALSE(gone->installed);
    CHECK(gone->status == "deinstall ok config-files");
    CHECK_FALSE(dpkg_package("never-heard-of", admin));
  }

  SECTION("a changed status file is read again") {
    CHECK_FALSE(dpkg_package("newcomer", admin));
    std::ofstream(admin + "/status", std::ios::app)
        << "\nPackage: newcomer\nStatus: install ok installed\nArchitecture: all\n"
           "Version: 0.1\n";
    write(admin + "/info/newcomer.list", "/.\n");
    auto newcomer = dpkg_package("newcomer", admin);
    REQUIRE(newcomer);
    CHECK(newcomer->version == "0.1");
  }
}

TEST_CASE("dpkg: the host's coreutils, and alternatives", "[host][dpkg]") {
  auto coreutils = dpkg_package("coreutils");
  REQUIRE(coreutils);
  CHECK(coreutils->installed);
  // Debian's list says /bin/ls; on a merged /usr it is /usr/bin/ls.
  if (fs::is_symlink("/bin")) CHECK(contains(coreutils->files, "/usr/bin/ls"));
  else CHECK(contains(coreutils->files, "/bin/ls"));
  // guile-3.0-libs' program is reached through the alternative /usr/bin/guile.
  if (auto guile = dpkg_package("guile-3.0-libs");
      guile && guile->installed && fs::exists("/etc/alternatives/guile")) {
    auto it = std::find_if(guile->alternatives.begin(), guile->alternatives.end(),
                           [](const auto& p) { return p.first == "/usr/bin/guile"; });
    CHECK(it != guile->alternatives.end());
  }
}

TEST_CASE("package closure: a script brings its interpreter", "[host][dpkg]") {
  byre::testing::TempDir tmp;
  std::string script = tmp.str() + "/script";
  write(script, "#!/bin/sh -e\necho hi\n");
  std::vector<Entry> entries = package_closure({script, tmp.str() + "/absent"}, {});
  auto has = [&](const std::string& path) {
    return std::any_of(entries.begin(), entries.end(),
                       [&](const Entry& e) { return e.path == path; });
  };
  CHECK(has(script));
  std::string sh = fs::canonical("/bin/sh");
  CHECK(has(sh));
  CHECK(has(fs::canonical("/lib64/ld-linux-x86-64.so.2")));
}

TEST_CASE("link tree: nothing is made through a link", "[host][dpkg]") {
  byre::testing::TempDir tmp;
  const std::string host = tmp.str() + "/host";
  fs::create_directories(host + "/html");
  write(host + "/html/index.html", "<p>\n");
  const std::string root = tmp.str() + "/item";
  // share/html leads to a host directory: an entry beneath it would be
  // made in the host's directory.
  try {
    make_link_tree(root,
                   {{"share/html", host + "/html"}, {"share/html/new.html", "/dev/null"}}, {});
    FAIL("an entry beneath a link was made");
  } catch (const std::system_error& e) {
    CHECK(e.code().value() == ENOTDIR);
    CHECK(std::string(e.what()).find("share/html") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(fs::symlink_status(host + "/html/new.html")));
  // A file never writes through a link of the tree.
  const std::string root2 = tmp.str() + "/item2";
  try {
    make_link_tree(root2, {{"etc/motd", host + "/html/index.html"}}, {{"etc/motd", "pwned\n"}});
    FAIL("a file was written through a link");
  } catch (const std::system_error& e) {
    CHECK(e.code().value() == EEXIST);
  }
  std::ifstream in(host + "/html/index.html");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "<p>\n");
  // Siblings and nested directories are fine.
  const std::string root3 = tmp.str() + "/item3";
  make_link_tree(root3, {{"bin/a", "/x"}, {"bin/b", "/y"}, {"share/doc/c", "/z"}},
                 {{".host-closure", "()\n"}});
  CHECK(fs::read_symlink(root3 + "/share/doc/c") == "/z");
  CHECK(fs::is_regular_file(root3 + "/.host-closure"));
}

TEST_CASE("link tree: names with dots stay, climbing out is refused", "[host][dpkg]") {
  byre::testing::TempDir tmp;
  make_link_tree(tmp.str() + "/a", {{"share/fish/completions/..fish", "/x"}, {"bin/.hidden", "/y"}}, {});
  CHECK(fs::is_symlink(tmp.str() + "/a/share/fish/completions/..fish"));
  int i = 0;
  for (std::string bad : {"../x", "bin/../../x", "bin/./x", "/bin/x", "bin//x", ""})
    CHECK_THROWS_AS(make_link_tree(tmp.str() + "/b" + std::to_string(i++), {{bad, "/x"}}, {}),
                    std::invalid_argument);
}
