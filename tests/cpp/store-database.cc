// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Tests of the store database: registration round trip, references and
// referrers, refusals that write nothing, deletion, the graph it loads.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <thread>

#include "temp-dir.hh"
#include "store/database.hh"
#include "store/error.hh"
#include "store/store-path.hh"

using namespace byre::store;
using byre::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string prefix = "/tmp/byre-test-store";

PathInfo item(const std::string& name, std::vector<std::string> refs = {}) {
  PathInfo info;
  info.path = text_path(prefix, name, "contents of " + name);
  info.nar_hash = sha256(name);
  info.nar_size = 120 + name.size();
  info.registration_time = 1700000000;
  info.references = std::move(refs);
  return info;
}

Database::Options fast() {
  Database::Options o;
  o.fsync = false;
  return o;
}

}  // namespace

TEST_CASE("register and query round trip", "[store][database]") {
  TempDir tmp;
  PathInfo libc = item("libc"), lib = item("lib"), app = item("app");
  lib.references = {libc.path, lib.path};  // and itself
  app.references = {lib.path};
  app.deriver = text_path(prefix, "app.drv", "derivation");
  {
    Database db(tmp.file("db.sqlite"), prefix, fast());
    db.register_path(libc);
    db.register_paths(std::vector<PathInfo>{lib, app});
  }
  // A new connection sees what the first one committed.
  Database db(tmp.file("db.sqlite"), prefix, fast());
  CHECK(db.is_valid(app.path));
  CHECK_FALSE(db.is_valid(prefix + "/00000000000000000000000000000000-missing"));
  auto info = db.query_path_info(app.path);
  REQUIRE(info);
  CHECK(info->path == app.path);
  CHECK(info->nar_hash == app.nar_hash);
  CHECK(info->nar_size == app.nar_size);
  CHECK(info->registration_time == 1700000000);
  CHECK(info->deriver == app.deriver);
  CHECK(info->references == std::vector<std::string>{lib.path});
  CHECK_FALSE(db.query_path_info(prefix + "/00000000000000000000000000000000-x"));

  std::vector<std::string> lib_refs = {libc.path, lib.path};
  std::sort(lib_refs.begin(), lib_refs.end());
  CHECK(db.references(lib.path) == lib_refs);
  std::vector<std::string> lib_referrers = {app.path, lib.path};
  std::sort(lib_referrers.begin(), lib_referrers.end());
  CHECK(db.referrers(lib.path) == lib_referrers);
  CHECK(db.valid_paths().size() == 3);

  auto hash = split_store_path(prefix, app.path).hash_part;
  CHECK(db.path_from_hash_part(hash) == app.path);
  CHECK_FALSE(db.path_from_hash_part("00000000000000000000000000000000"));
}

TEST_CASE("the tables are Guix's", "[store][database]") {
  TempDir tmp;
  PathInfo a = item("a");
  {
    Database db(tmp.file("db.sqlite"), prefix, fast());
    db.register_path(a);
  }
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(tmp.file("db.sqlite").c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw,
                             "select path, hash, registrationTime, deriver, narSize "
                             "from ValidPaths",
                             -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == a.path);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1))) ==
        "sha256:" + to_base16(a.nar_hash));
  CHECK(sqlite3_column_type(stmt, 3) == SQLITE_NULL);
  sqlite3_finalize(stmt);
  REQUIRE(sqlite3_prepare_v2(raw, "pragma journal_mode", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "wal");
  sqlite3_finalize(stmt);
  for (const char* table : {"Refs", "DerivationOutputs"}) {
    std::string sql = std::string("select count(*) from ") + table;
    CHECK(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  sqlite3_close(raw);
}

TEST_CASE("bad registrations write nothing", "[store][database]") {
  TempDir tmp;
  Database db(tmp.file("db.sqlite"), prefix, fast());
  PathInfo a = item("a"), b = item("b");
  std::string ghost = prefix + "/00000000000000000000000000000000-ghost";
  b.references = {ghost};
  try {
    db.register_paths(std::vector<PathInfo>{a, b});
    FAIL("no exception");
  } catch (const invalid_input& e) {
    CHECK(e.value() == ghost);
  }
  CHECK_FALSE(db.is_valid(a.path));  // the whole call was refused

  PathInfo outside = item("c");
  outside.path = "/elsewhere/00000000000000000000000000000000-c";
  CHECK_THROWS_AS(db.register_path(outside), invalid_input);
  PathInfo bad_ref = item("d");
  bad_ref.references = {"/etc/passwd"};
  CHECK_THROWS_AS(db.register_path(bad_ref), invalid_input);
  CHECK(db.valid_paths().empty());

  // References inside the same call are fine, in any order.
  PathInfo x = item("x"), y = item("y");
  x.references = {y.path};
  db.register_paths(std::vector<PathInfo>{x, y});
  CHECK(db.references(x.path) == std::vector<std::string>{y.path});
}

TEST_CASE("re-registration replaces references", "[store][database]") {
  TempDir tmp;
  Database db(tmp.file("db.sqlite"), prefix, fast());
  PathInfo a = item("a"), b = item("b"), c = item("c", {});
  db.register_paths(std::vector<PathInfo>{a, b});
  c.references = {a.path};
  db.register_path(c);
  c.references = {b.path};
  c.nar_size = 999;
  db.register_path(c);
  CHECK(db.references(c.path) == std::vector<std::string>{b.path});
  CHECK(db.referrers(a.path).empty());
  CHECK(db.query_path_info(c.path)->nar_size == 999);
}

TEST_CASE("deletion respects referrers", "[store][database]") {
  TempDir tmp;
  Database db(tmp.file("db.sqlite"), prefix, fast());
  PathInfo a = item("a"), b = item("b"), c = item("c");
  b.references = {a.path, b.path};
  c.references = {b.path};
  db.register_paths(std::vector<PathInfo>{a, b, c});
  CHECK_THROWS_AS(db.delete_paths(std::vector<std::string>{b.path}), invalid_input);
  CHECK(db.is_valid(b.path));
  CHECK_THROWS_AS(db.delete_paths(std::vector<std::string>{prefix + "/00000000000000000000000000000000-no"}),
                  invalid_input);
  // Referrer and reference together, in either order; b refers to itself.
  db.delete_paths(std::vector<std::string>{b.path, c.path});
  CHECK(db.valid_paths() == std::vector<std::string>{a.path});
  CHECK(db.referrers(a.path).empty());
  db.delete_paths(std::vector<std::string>{a.path});
  CHECK(db.valid_paths().empty());
}

TEST_CASE("derivation outputs", "[store][database]") {
  TempDir tmp;
  Database db(tmp.file("db.sqlite"), prefix, fast());
  PathInfo drv = item("hello.drv");
  std::string out = output_path(prefix, "out", sha256("drv"), "hello");
  std::string doc = output_path(prefix, "doc", sha256("drv"), "hello");
  drv.derivation_outputs = {{"out", out}, {"doc", doc}};
  db.register_path(drv);
  CHECK(db.derivation_outputs(drv.path) ==
        std::vector<std::pair<std::string, std::string>>{{"doc", doc}, {"out", out}});
  CHECK(db.valid_derivers(out) == std::vector<std::string>{drv.path});
  CHECK(db.valid_derivers(drv.path).empty());
  CHECK(db.query_path_info(drv.path)->derivation_outputs.size() == 2);
}

TEST_CASE("the loaded graph matches the tables", "[store][database][graph]") {
  TempDir tmp;
  Database db(tmp.file("db.sqlite"), prefix, fast());
  PathInfo libc = item("libc"), lib = item("lib"), app = item("app"), other = item("other");
  lib.references = {libc.path, lib.path};
  app.references = {lib.path};
  other.references = {libc.path};
  db.register_paths(std::vector<PathInfo>{libc, lib, app, other});
  Graph g = db.load_graph();
  CHECK(g.size() == 4);
  CHECK(g.edge_count() == 4);
  auto closure = g.requisites(std::vector<Graph::Id>{*g.find(app.path)});
  std::set<std::string> names;
  for (auto id : closure) names.insert(g.path(id));
  CHECK(names == std::set<std::string>{app.path, lib.path, libc.path});
  auto order = g.topological_order(std::vector<Graph::Id>{*g.find(app.path)});
  CHECK(g.path(order.front()) == libc.path);
  CHECK(g.path(order.back()) == app.path);
}

TEST_CASE("data_version tells another connection's commits", "[store][database]") {
  TempDir tmp;
  Database one(tmp.file("db.sqlite"), prefix, fast());
  Database two(tmp.file("db.sqlite"), prefix, fast());
  auto before = one.data_version();
  one.register_path(item("mine"));
  CHECK(one.data_version() == before);  // its own commits do not count
  two.register_path(item("theirs"));
  CHECK(one.data_version() != before);
  CHECK(one.is_valid(item("theirs").path));
}

TEST_CASE("concurrent writers on their own connections", "[store][database]") {
  TempDir tmp;
  std::string file = tmp.file("db.sqlite");
  { Database create(file, prefix, fast()); }
  PathInfo shared = item("shared");
  auto writer = [&](int n) {
    Database db(file, prefix, fast());
    for (int i = 0; i < 100; ++i) {
      // Both register the shared item too: the same item written twice.
      PathInfo mine = item("w" + std::to_string(n) + "-" + std::to_string(i));
      mine.references = {shared.path};
      db.register_paths(std::vector<PathInfo>{shared, mine});
    }
  };
  std::thread a(writer, 1), b(writer, 2);
  a.join();
  b.join();
  Database db(file, prefix, fast());
  CHECK(db.valid_paths().size() == 201);
  CHECK(db.referrers(shared.path).size() == 200);
}

TEST_CASE("a database that cannot be opened names its file", "[store][database]") {
  TempDir tmp;
  std::string file = tmp.file("no/such/dir/db.sqlite");
  try {
    Database db(file, prefix, fast());
    FAIL("no exception");
  } catch (const database_error& e) {
    CHECK(std::string(e.what()).find(file) != std::string::npos);
  }
  CHECK_THROWS_AS(Database(tmp.file("db2"), "relative", fast()), invalid_input);
}
