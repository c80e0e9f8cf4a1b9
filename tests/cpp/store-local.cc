// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Tests of the local store: adding items, queries and closures, roots,
// deletion and garbage collection, checking, and the store rules: two
// processes writing the same item at once, and writers killed at each step.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <sqlite3.h>

#include "temp-dir.hh"
#include "store/base32.hh"
#include "store/error.hh"
#include "store/local-store.hh"
#include "store/nar.hh"
#include "store/store-path.hh"

using namespace byre::store;
using byre::testing::TempDir;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  TempDir tmp;
  std::string store_dir = tmp / "store";
  std::string state_dir = tmp / "state";
  LocalStore::Options options() const {
    LocalStore::Options o;
    o.fsync = false;
    return o;
  }
  LocalStore open() { return LocalStore(store_dir, state_dir, options()); }
};

void write_file(const std::string& file, const std::string& contents, mode_t mode = 0644) {
  std::ofstream(file, std::ios::binary) << contents;
  fs::permissions(file, static_cast<fs::perms>(mode));
}

std::string read_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The tree "tree1" of tests/scheme/data/store-paths.scm.
void make_tree1(const std::string& dir) {
  fs::create_directories(dir + "/sub");
  write_file(dir + "/a.txt", "hello\n");
  write_file(dir + "/run.sh", "#!/bin/sh\necho hi\n", 0755);
  fs::create_symlink("a.txt", dir + "/link");
  write_file(dir + "/sub/empty", "");
  write_file(dir + "/sub/k.txt", std::string(1000, 'x'));
}

Bytes text(const std::string& s) { return as_bytes(s); }

// Names in DIR (without "." and "..").
std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> out;
  for (auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

// The names in the store directory and in the locks folder that are left
// by writers: temporary items and lock files.  STORE/.links, the files that
// deduplication shares between items, is the store's own, not debris.
std::set<std::string> debris(const Fixture& f) {
  std::set<std::string> out;
  for (const std::string& e : entries(f.store_dir))
    if (e.starts_with(".") && e != ".links") out.insert(e);
  for (const std::string& e : entries(f.state_dir + "/locks")) out.insert("locks/" + e);
  return out;
}

// Run BODY in a child process; return its wait status.
template <typename F>
int in_child(F body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int code = 1;
    try {
      code = body();
    } catch (...) {
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace

TEST_CASE("text items: name, contents, canonical form, info", "[store][local]") {
  Fixture f;
  LocalStore store = f.open();
  std::string hello = store.add_text("hello.txt", text("Hello, world!\n"), {});
  CHECK(hello == text_path(f.store_dir, "hello.txt", "Hello, world!\n"));
  CHECK(read_file(hello) == "Hello, world!\n");
  struct stat st;
  REQUIRE(::lstat(hello.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0444);
  CHECK(st.st_mtime == 1);
  CHECK(store.is_valid(hello));
  CHECK(store.add_text("hello.txt", text("Hello, world!\n"), {}) == hello);

  auto info = store.path_info(hello);
  REQUIRE(info);
  StringSink nar;
  dump_contents(text("Hello, world!\n"), false, nar);
  CHECK(info->nar_hash == sha256(nar.str()));
  CHECK(info->nar_size == nar.str().size());
  CHECK(info->references.empty());
  CHECK(!info->deriver);
  CHECK(info->registration_time > 0);

  std::string user = store.add_text("user", text("uses " + hello), {hello});
  CHECK(store.references(user) == std::vector<std::string>{hello});
  CHECK(store.referrers(hello) == std::vector<std::string>{user});
  CHECK(store.requisites({user}) == std::vector<std::string>{user, hello});
  CHECK(store.topologically_sorted({user}) == std::vector<std::string>{hello, user});
  CHECK(store.hash_part_to_path(std::string(split_store_path(f.store_dir, user).hash_part)) == user);
  CHECK(!store.hash_part_to_path("00000000000000000000000000000000"));
  CHECK(!store.path_info(f.store_dir + "/00000000000000000000000000000000-x"));
  CHECK(debris(f).empty());
}

TEST_CASE("bad input is refused and writes nothing", "[store][local]") {
  Fixture f;
  LocalStore store = f.open();
  CHECK_THROWS_AS(store.add_text(".hidden", text("x"), {}), invalid_input);
  CHECK_THROWS_AS(store.add_text("a/b", text("x"), {}), invalid_input);
  CHECK_THROWS_AS(store.add_text("", text("x"), {}), invalid_input);
  std::string missing = f.store_dir + "/00000000000000000000000000000000-nothing";
  try {
    store.add_text("x", text("x"), {missing});
    FAIL("a reference that is not valid was accepted");
  } catch (const invalid_input& e) {
    CHECK(e.value() == missing);
  }
  CHECK_THROWS_AS(store.add_text("x", text("x"), {"/elsewhere/00000000000000000000000000000000-y"}),
                  invalid_input);
  try {
    store.add_path("nothing", f.tmp / "does-not-exist", true, "sha256");
    FAIL("a missing file was accepted");
  } catch (const system_error& e) {
    CHECK(e.errno_value() == ENOENT);
    CHECK(e.path() == f.tmp / "does-not-exist");
  }
  CHECK_THROWS_AS(store.add_path("x", f.tmp / "store", false, "sha256"), invalid_input);
  CHECK_THROWS_AS(store.add_path("x", f.tmp / "store", true, "md5"), invalid_input);
  CHECK(entries(f.store_dir).empty());
  CHECK(debris(f).empty());
}

TEST_CASE("files and trees: reference NAR hashes and names", "[store][local]") {
  Fixture f;
  LocalStore store = f.open();
  make_tree1(f.tmp / "tree1");
  std::string tree = store.add_path("tree1", f.tmp / "tree1", true, "sha256");
  auto info = store.path_info(tree);
  REQUIRE(info);
  // tests/scheme/data/store-paths.scm: the NAR hash does not depend on the prefix.
  CHECK(to_base16(info->nar_hash) ==
        "0106c3cddd611e0f346cde64ec88e16020dca39b150c246201c943f8ddc50598");
  CHECK(tree == source_path(f.store_dir, "tree1", info->nar_hash));
  CHECK(read_file(tree + "/sub/k.txt") == std::string(1000, 'x'));
  CHECK(fs::read_symlink(tree + "/link") == "a.txt");
  struct stat st;
  REQUIRE(::lstat((tree + "/run.sh").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0555);
  REQUIRE(::lstat(tree.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0555);
  CHECK(st.st_mtime == 1);

  write_file(f.tmp / "single.txt", "just a file\n");
  std::string flat = store.add_path("single.txt", f.tmp / "single.txt", false, "sha256");
  Digest contents = sha256("just a file\n");
  CHECK(flat == fixed_output_path(f.store_dir, "single.txt", "sha256", Bytes(contents), false));
  std::string source = store.add_path("single.txt", f.tmp / "single.txt", true, "sha256");
  auto sinfo = store.path_info(source);
  REQUIRE(sinfo);
  CHECK(to_base16(sinfo->nar_hash) ==
        "6c81bae44b6729fc9e5ebc28b6787e746f1ba46f57ec021db29a32788a01e407");
  // The flat item's NAR is the same file's.
  CHECK(store.path_info(flat)->nar_hash == sinfo->nar_hash);

  std::string sha512 = store.add_path("tree1", f.tmp / "tree1", true, "sha512");
  CHECK(sha512 != tree);
  CHECK(store.path_info(sha512)->nar_hash == info->nar_hash);
  CHECK(debris(f).empty());
}

TEST_CASE("build outputs: moved, scanned for references, registered", "[store][local]") {
  Fixture f;
  LocalStore store = f.open();
  std::string dep = store.add_text("dep", text("a dependency"), {});
  std::string other = store.add_text("other", text("not referred to"), {});
  std::string drv = store.add_text("thing.drv", text("Derive(...)"), {});
  std::string out = output_path(f.store_dir, "out", sha256("drv"), "thing");
  std::string build = f.tmp / "build";
  fs::create_directories(build + "/bin");
  write_file(build + "/bin/thing", "#!" + dep + "/bin/sh\nexec " + out + "/bin/thing\n", 0755);
  std::string result = store.register_output(build, out, {dep, other}, drv);
  CHECK(result == out);
  CHECK(!fs::exists(build));
  auto info = store.path_info(out);
  REQUIRE(info);
  std::set<std::string> refs(info->references.begin(), info->references.end());
  CHECK(refs == std::set<std::string>{dep, out});
  CHECK(info->deriver == drv);
  Sha256 nar;
  dump_path(out, nar);
  CHECK(info->nar_hash == nar.finish());
  struct stat st;
  REQUIRE(::lstat((out + "/bin/thing").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0555);
  CHECK(st.st_mtime == 1);
  CHECK(debris(f).empty());
}

TEST_CASE("deletion refuses live items", "[store][local]") {
  Fixture f;
  LocalStore store = f.open();
  std::string a = store.add_text("a", text("a"), {});
  std::string b = store.add_text("b", text("b " + a), {a});
  try {
    store.delete_paths({a});
    FAIL("deleted an item still referred to");
  } catch (const invalid_input& e) {
    CHECK(e.value() == a);
  }
  store.add_permanent_root(b, "keep-b");
  CHECK_THROWS_AS(store.delete_paths({a, b}), invalid_input);
  CHECK(store.is_valid(a));
  CHECK(store.is_valid(b));
  store.remove_permanent_root("keep-b");
  // Our own temporary roots do not count: asking to delete is saying so.
  Deleted d = store.delete_paths({a, b});
  CHECK(d.paths == std::vector<std::string>{b, a});
  CHECK(d.bytes_freed > 0);
  CHECK(!store.is_valid(a));
  CHECK(!fs::exists(a));
  CHECK(!fs::exists(b));
  CHECK(debris(f).empty());
  // Written again afterwards.
  CHECK(store.add_text("a", text("a"), {}) == a);
  CHECK(fs::exists(a));
}

TEST_CASE("another process's temporary roots keep items alive", "[store][local]") {
  Fixture f;
  std::string a;
  {
    LocalStore store = f.open();
    a = store.add_text("a", text("a"), {});
  }
  int ready[2], done[2];
  REQUIRE(::pipe(ready) == 0);
  REQUIRE(::pipe(done) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    try {
      LocalStore store = f.open();
      store.add_temp_root(a);
      (void) !::write(ready[1], "r", 1);
      char c;
      (void) !::read(done[0], &c, 1);
    } catch (...) {
      ::_exit(1);
    }
    ::_exit(0);
  }
  char c;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  {
    LocalStore store = f.open();
    CHECK(store.live_paths() == std::vector<std::string>{a});
    CHECK_THROWS_AS(store.delete_paths({a}), invalid_input);
    CHECK(store.collect_garbage(0).paths.empty());
    CHECK(store.is_valid(a));
  }
  REQUIRE(::write(done[1], "d", 1) == 1);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  // The process is gone: its roots mean nothing now.
  LocalStore store = f.open();
  CHECK(store.dead_paths() == std::vector<std::string>{a});
  CHECK(store.collect_garbage(0).paths == std::vector<std::string>{a});
  for (int fd : {ready[0], ready[1], done[0], done[1]}) ::close(fd);
}

TEST_CASE("garbage collection keeps roots and their closures", "[store][local]") {
  Fixture f;
  std::string a, b, c, d, e;
  {
    LocalStore store = f.open();
    a = store.add_text("a", text("a"), {});
    b = store.add_text("b", text("b"), {a});
    c = store.add_text("c", text("c"), {});
    d = store.add_text("d", text("d"), {c});
    e = store.add_text("e", text("e"), {});
    store.add_permanent_root(b, "b");
    fs::create_symlink(e, f.tmp / "result");
    store.add_indirect_root(f.tmp / "result");
    // As with Guix, this process's own temporary roots do not make items
    // live in what the queries say (bug 15) ...
    std::vector<std::string> fresh = store.dead_paths();
    CHECK(std::set<std::string>(fresh.begin(), fresh.end()) == std::set<std::string>{c, d});
    // ... but the collector still spares them while this handle is open.
    CHECK(store.collect_garbage(0).paths.empty());
    CHECK(fs::exists(c));
  }
  LocalStore store = f.open();
  auto roots = store.roots();
  std::set<std::pair<std::string, std::string>> root_set(roots.begin(), roots.end());
  CHECK(root_set == std::set<std::pair<std::string, std::string>>{
                        {f.state_dir + "/gcroots/b", b}, {f.tmp / "result", e}});
  std::vector<std::string> live = store.live_paths();
  CHECK(std::set<std::string>(live.begin(), live.end()) == std::set<std::string>{a, b, e});
  std::vector<std::string> dead = store.dead_paths();
  CHECK(std::set<std::string>(dead.begin(), dead.end()) == std::set<std::string>{c, d});
  Deleted gone = store.collect_garbage(0);
  CHECK(gone.paths == std::vector<std::string>{d, c});  // referrers first
  CHECK(!fs::exists(c));
  CHECK(!fs::exists(d));
  CHECK(store.is_valid(a));
  // The indirect root lasts while its file does.
  fs::remove(f.tmp / "result");
  CHECK(store.collect_garbage(0).paths == std::vector<std::string>{e});
  CHECK(entries(f.state_dir + "/gcroots/auto").empty());
  CHECK(debris(f).empty());
}

TEST_CASE("garbage collection stops once enough is freed", "[store][local]") {
  Fixture f;
  {
    LocalStore store = f.open();
    for (int i = 0; i < 300; ++i)
      store.add_text("n" + std::to_string(i), text(std::string(5000, 'a' + i % 26) + std::to_string(i)), {});
  }
  LocalStore store = f.open();
  Deleted some = store.collect_garbage(1);
  CHECK(!some.paths.empty());
  CHECK(some.paths.size() < 300);
  CHECK(store.collect_garbage(0).paths.size() == 300 - some.paths.size());
}

TEST_CASE("checking finds missing, unregistered, altered items", "[store][local]") {
  Fixture f;
  LocalStore store = f.open();
  std::string a = store.add_text("a", text("a"), {});
  std::string b = store.add_text("b", text("b"), {a});
  std::string c = store.add_text("c", text("c"), {});
  CHECK(store.verify(true).empty());
  fs::remove(a);
  fs::permissions(c, fs::perms::owner_write, fs::perm_options::add);
  write_file(c, "altered", 0444);
  write_file(f.store_dir + "/00000000000000000000000000000000-stray", "x");
  std::vector<Problem> problems = store.verify(false);
  std::set<std::pair<int, std::string>> seen;
  for (const Problem& p : problems) seen.insert({static_cast<int>(p.kind), p.path});
  CHECK(seen == std::set<std::pair<int, std::string>>{
                    {static_cast<int>(Problem::Kind::missing), a},
                    {static_cast<int>(Problem::Kind::dangling_reference), b},
                    {static_cast<int>(Problem::Kind::unregistered),
                     f.store_dir + "/00000000000000000000000000000000-stray"}});
  bool mismatch = false;
  for (const Problem& p : store.verify(true))
    if (p.kind == Problem::Kind::hash_mismatch) {
      CHECK(p.path == c);
      CHECK(p.actual_hash != p.expected_hash);
      mismatch = true;
    }
  CHECK(mismatch);
  // A row without its item is reported, never dropped by opening again.
  LocalStore again = f.open();
  CHECK(again.is_valid(a));
}

namespace {

// Write a ValidPaths row for PATH into the store database of F by hand, as
// an attacker (or a bug) with access to the database would.
void forge_valid_path(const Fixture& f, const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((f.state_dir + "/db/db.sqlite").c_str(), &db) == SQLITE_OK);
  std::string sql = "insert into ValidPaths (path, hash, registrationTime, narSize) "
                    "values ('" + path + "', 'sha256:00', 1, 1)";
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  INFO((message ? message : ""));
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("the collector deletes only items of the store, whatever the database says",
          "[store][local][attack]") {
  Fixture f;
  std::string outside = f.tmp / "precious";
  std::string tree = f.tmp / "precious-tree";
  write_file(outside, "do not delete me");
  fs::create_directories(tree + "/sub");
  write_file(tree + "/sub/file", "nor me");
  {
    LocalStore store = f.open();
    store.add_text("a", text("a"), {});
  }
  forge_valid_path(f, outside);
  forge_valid_path(f, tree);
  // A name in the store directory's syntax that climbs out of it.
  forge_valid_path(f, f.store_dir + "/00000000000000000000000000000000-x/../../precious");
  LocalStore store = f.open();
  Deleted d = store.collect_garbage(0);
  for (const std::string& p : d.paths) CHECK(p.starts_with(f.store_dir + "/"));
  CHECK(read_file(outside) == "do not delete me");
  CHECK(read_file(tree + "/sub/file") == "nor me");
  CHECK_THROWS_AS(store.delete_paths({outside}), invalid_input);
  CHECK(fs::exists(outside));
  // The check names the forged rows.
  std::set<std::string> foreign;
  for (const Problem& p : store.verify(false))
    if (p.kind == Problem::Kind::foreign) foreign.insert(p.path);
  CHECK(foreign.count(outside) == 1);
  CHECK(foreign.count(tree) == 1);
}

TEST_CASE("a store or state directory another user could swap is refused",
          "[store][local][attack]") {
  Fixture f;
  fs::create_directories(f.tmp / "real-store");
  std::string link = f.tmp / "linked-store";
  fs::create_symlink(f.tmp / "real-store", link);
  CHECK_THROWS_AS(LocalStore(link, f.state_dir), invalid_input);
  std::string state_link = f.tmp / "linked-state";
  fs::create_directories(f.tmp / "real-state");
  fs::create_symlink(f.tmp / "real-state", state_link);
  CHECK_THROWS_AS(LocalStore(f.store_dir, state_link), invalid_input);
  // A parent writable by others, without the sticky bit.
  std::string open_dir = f.tmp / "open";
  fs::create_directories(open_dir);
  fs::permissions(open_dir, fs::perms::all);
  CHECK_THROWS_AS(LocalStore(open_dir + "/store", open_dir + "/state"), invalid_input);
  // With the sticky bit (as /tmp), others cannot rename what is ours.
  fs::permissions(open_dir, fs::perms::all | fs::perms::sticky_bit);
  CHECK_NOTHROW(LocalStore(open_dir + "/store", open_dir + "/state"));
  // A store directory others may write to.
  std::string shared = f.tmp / "shared-store";
  fs::create_directories(shared);
  fs::permissions(shared, fs::perms::all);
  CHECK_THROWS_AS(LocalStore(shared, f.state_dir), invalid_input);
}

TEST_CASE("two processes writing the same item write it once", "[store][local]") {
  Fixture f;
  { LocalStore store = f.open(); }
  make_tree1(f.tmp / "tree1");
  std::string big(8 << 20, 'b');
  std::string count = f.tmp / "renames";
  auto writer = [&] {
    LocalStore::Options o = f.options();
    o.hook = [&](std::string_view step) {
      if (step == "renamed") {
        int fd = ::open(count.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        (void) !::write(fd, "r", 1);
        ::close(fd);
      }
    };
    LocalStore store(f.store_dir, f.state_dir, o);
    store.add_text("big", as_bytes(big), {});
    store.add_path("tree1", f.tmp / "tree1", true, "sha256");
    return 0;
  };
  std::vector<pid_t> pids;
  for (int i = 0; i < 4; ++i) {
    pid_t pid = ::fork();
    if (pid == 0) {
      int code = 1;
      try {
        code = writer();
      } catch (...) {
      }
      ::_exit(code);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  CHECK(read_file(count) == "rr");  // one rename per item
  LocalStore store = f.open();
  CHECK(store.verify(true).empty());
  CHECK(entries(f.store_dir).size() == 2);
  CHECK(debris(f).empty());
}

TEST_CASE("a writer killed at any step leaves no trace after the next open", "[store][local]") {
  for (const char* at : {"temporary-written", "renamed", "registered"}) {
    DYNAMIC_SECTION("killed after " << at) {
      Fixture f;
      { LocalStore store = f.open(); }
      make_tree1(f.tmp / "tree1");
      int status = in_child([&] {
        LocalStore::Options o = f.options();
        o.hook = [at](std::string_view step) {
          if (step == at) ::raise(SIGKILL);
        };
        LocalStore store(f.store_dir, f.state_dir, o);
        store.add_path("tree1", f.tmp / "tree1", true, "sha256");
        return 0;
      });
      REQUIRE(WIFSIGNALED(status));
      CHECK(WTERMSIG(status) == SIGKILL);
      LocalStore store = f.open();
      CHECK(debris(f).empty());
      std::set<std::string> items = entries(f.store_dir);
      if (std::string_view(at) == "registered") {
        REQUIRE(items.size() == 1);
        CHECK(store.is_valid(f.store_dir + "/" + *items.begin()));
      } else {
        CHECK(items.empty());
        CHECK(store.dead_paths().empty());
      }
      CHECK(store.verify(true).empty());
    }
  }
}

TEST_CASE("a collector killed while deleting leaves no trace after the next open",
          "[store][local]") {
  for (const char* at : {"deleted-rows", "trashed"}) {
    DYNAMIC_SECTION("killed after " << at) {
      Fixture f;
      std::string a, b;
      {
        LocalStore store = f.open();
        a = store.add_text("a", text(std::string(100000, 'a')), {});
        b = store.add_text("b", text("b"), {a});
      }
      int status = in_child([&] {
        LocalStore::Options o = f.options();
        o.hook = [at](std::string_view step) {
          if (step == at) ::raise(SIGKILL);
        };
        LocalStore store(f.store_dir, f.state_dir, o);
        store.collect_garbage(0);
        return 0;
      });
      REQUIRE(WIFSIGNALED(status));
      LocalStore store = f.open();
      CHECK(debris(f).empty());
      CHECK(entries(f.store_dir).empty());
      CHECK(!store.is_valid(a));
      CHECK(!store.is_valid(b));
      CHECK(store.verify(false).empty());
    }
  }
}
