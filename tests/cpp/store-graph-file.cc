// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Tests of the reference graph's snapshot file (store/graph-file.hh): what
// it holds, that a damaged, cut or stale file is refused and rebuilt from
// the database and never used, and that the database's changes since a
// snapshot (by byre or by any other writer of the database) are seen.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include <sqlite3.h>

#include "temp-dir.hh"
#include "store/error.hh"
#include "store/graph-file.hh"
#include "store/local-store.hh"
#include "store/store-path.hh"

using namespace byre::store;
using byre::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const std::string& file, const std::string& contents) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << contents;
}

// A random graph of N items over "/gnu/store", each referring to a few
// earlier ones.
Graph random_graph(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  Graph g;
  for (std::size_t i = 0; i < n; ++i) {
    std::string hash(32, 'a');
    for (char& c : hash) c = "0123456789abcdfghijklmnpqrsvwxyz"[rng() % 32];
    Graph::Id id = g.add("/gnu/store/" + hash + "-item-" + std::to_string(i));
    std::vector<Graph::Id> refs;
    for (std::size_t k = 0; i > 0 && k < rng() % 5; ++k) refs.push_back(rng() % i);
    if (rng() % 7 == 0) refs.push_back(id);  // a self-reference
    g.set_references(id, refs);
  }
  return g;
}

std::vector<std::string> names(const Graph& g, const std::vector<Graph::Id>& ids) {
  std::vector<std::string> out;
  for (Graph::Id id : ids) out.push_back(g.path(id));
  return out;
}

struct Store {
  TempDir tmp;
  std::string store_dir = tmp / "store";
  std::string state_dir = tmp / "state";
  std::string file = state_dir + "/db/graph";
  LocalStore open() {
    LocalStore::Options o;
    o.fsync = false;
    return LocalStore(store_dir, state_dir, o);
  }
};

// A chain of text items: each refers to the one before.
std::vector<std::string> chain(LocalStore& store, const std::string& name, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::string> refs;
    if (!out.empty()) refs.push_back(out.back());
    std::string body = name + std::to_string(i) + (out.empty() ? "" : " " + out.back());
    out.push_back(store.add_text(name + "-" + std::to_string(i),
                                 as_bytes(body), refs));
  }
  return out;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST_CASE("graph file: what is written is what is read", "[store][graph-file]") {
  TempDir tmp;
  std::string file = tmp / "graph";
  Graph g = random_graph(500, 1);
  g.remove(*g.find(g.path(499)));  // removed ids are left out
  GraphFile::write(file, g, 1234, 42);
  std::string why;
  auto f = GraphFile::open(file, &why);
  REQUIRE(f);
  CHECK(f->instance() == 1234);
  CHECK(f->generation() == 42);
  CHECK(f->size() == g.size());
  CHECK(f->edge_count() == g.edge_count());
  for (Graph::Id id = 0; id < g.id_limit(); ++id) {
    if (!g.contains(id)) continue;
    auto fid = f->find(g.path(id));
    REQUIRE(fid);
    CHECK(f->path(*fid) == g.path(id));
    std::set<std::string> want, got;
    for (Graph::Id r : g.references(id)) want.insert(g.path(r));
    for (GraphFile::Id r : f->references(*fid)) got.insert(std::string(f->path(r)));
    CHECK(got == want);
  }
  CHECK_FALSE(f->find("/gnu/store/00000000000000000000000000000000-none"));
  // Closures agree with the graph in memory: the roots first, in their
  // order, then the same items (in breadth-first order of names).
  std::vector<Graph::Id> roots = {*g.find(g.path(498)), *g.find(g.path(250)), 3};
  std::vector<std::string> got = requisites(*f, {}, names(g, roots));
  CHECK(std::vector<std::string>(got.begin(), got.begin() + 3) == names(g, roots));
  CHECK(got.size() == g.requisites(roots).size());
  CHECK(as_set(got) == as_set(names(g, g.requisites(roots))));
  CHECK_THROWS_AS(requisites(*f, {}, {"/gnu/store/00000000000000000000000000000000-none"}),
                  invalid_input);
  // No temporary file is left beside it.
  std::size_t entries = 0;
  for (auto& e : fs::directory_iterator(tmp.path())) entries += e.path().filename() != "graph";
  CHECK(entries == 0);
}

TEST_CASE("graph file: a damaged file is refused, never read", "[store][graph-file]") {
  TempDir tmp;
  std::string file = tmp / "graph";
  std::string why;
  CHECK_FALSE(GraphFile::open(file, &why));
  CHECK(why == "missing");
  GraphFile::write(file, random_graph(200, 2), 7, 3);
  const std::string good = slurp(file);
  REQUIRE(GraphFile::open(file));

  SECTION("cut short anywhere") {
    for (std::size_t size : {std::size_t{0}, std::size_t{7}, std::size_t{71}, std::size_t{72},
                             good.size() / 2, good.size() - 8, good.size() - 1}) {
      spit(file, good.substr(0, size));
      CHECK_FALSE(GraphFile::open(file, &why));
      CHECK(why == "truncated");
    }
  }
  SECTION("longer than it says") {
    spit(file, good + std::string(8, '\0'));
    CHECK_FALSE(GraphFile::open(file, &why));
    CHECK(why == "inconsistent offsets");
  }
  SECTION("any byte changed") {
    std::mt19937 rng(3);
    for (int k = 0; k < 200; ++k) {
      std::string bad = good;
      std::size_t at = 8 + rng() % (bad.size() - 8);  // past the magic
      bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
      spit(file, bad);
      CHECK_FALSE(GraphFile::open(file, &why));
    }
  }
  SECTION("another format") {
    std::string bad = good;
    bad[7] = '2';
    spit(file, bad);
    CHECK_FALSE(GraphFile::open(file, &why));
    CHECK(why == "not a graph file");
  }
}

TEST_CASE("store: requisites from the snapshot, with the changes since",
          "[store][graph-file]") {
  Store s;
  std::vector<std::string> a;
  {
    LocalStore store = s.open();
    a = chain(store, "a", 20);
  }
  {
    // A process that has not loaded the graph: the file is made.
    LocalStore store = s.open();
    CHECK(as_set(store.requisites({a.back()})) == as_set(a));
    CHECK(store.requisites({a.back()}).front() == a.back());
  }
  auto first = GraphFile::open(s.file);
  REQUIRE(first);
  {
    // Items added since, and an item deleted: seen from the database's
    // log, without rebuilding the file.
    LocalStore store = s.open();
    std::vector<std::string> b = chain(store, "b", 5);
    std::string top = store.add_text("top", as_bytes("top " + a[3] + " " + b.back()), {a[3], b.back()});
    LocalStore other = s.open();
    std::vector<std::string> want = {a[0], a[1], a[2], a[3]};
    want.insert(want.end(), b.begin(), b.end());
    want.push_back(top);
    CHECK(as_set(other.requisites({top})) == as_set(want));
    CHECK(other.requisites({a[19], top}).size() == 20 + 6);
    other.delete_paths({top});
    LocalStore third = s.open();
    CHECK_THROWS_AS(third.requisites({top}), invalid_input);
    CHECK(as_set(third.requisites({b.back()})) == as_set(b));
  }
  auto second = GraphFile::open(s.file);
  REQUIRE(second);
  CHECK(second->generation() == first->generation());

  {
    // Past the limit of changes read from the log, the file is rebuilt
    // and the log trimmed.
    LocalStore store = s.open();
    std::vector<std::string> c = chain(store, "c", 600);
    LocalStore other = s.open();
    CHECK(other.requisites({c.back()}).size() == 600);
  }
  auto third = GraphFile::open(s.file);
  REQUIRE(third);
  CHECK(third->generation() > first->generation());
  CHECK(third->size() == 20 + 5 + 600);
}

TEST_CASE("store: a damaged, cut, foreign or stale snapshot is rebuilt", "[store][graph-file]") {
  Store s;
  std::vector<std::string> a;
  {
    LocalStore store = s.open();
    a = chain(store, "a", 30);
    store.requisites({a.back()});
  }
  LocalStore probe = s.open();
  const std::string good = slurp(s.file);
  std::size_t items = 30;
  auto check_rebuilt = [&] {
    LocalStore store = s.open();
    std::vector<std::string> got = store.requisites({a[29]});
    CHECK(as_set(got) == as_set(a));
    std::string why;
    auto f = GraphFile::open(s.file, &why);
    INFO(why);
    REQUIRE(f);
    CHECK(f->size() == items);
  };

  SECTION("cut short (a crash while it was written by another hand)") {
    spit(s.file, good.substr(0, good.size() / 3));
    check_rebuilt();
  }
  SECTION("a byte changed") {
    std::string bad = good;
    bad[bad.size() - 20] ^= 0x20;
    spit(s.file, bad);
    check_rebuilt();
  }
  SECTION("empty") {
    spit(s.file, "");
    check_rebuilt();
  }
  SECTION("a whole, valid file of another store") {
    Store other;
    {
      LocalStore o = other.open();
      std::vector<std::string> x = chain(o, "x", 3);
      o.requisites({x.back()});
    }
    fs::copy_file(other.file, s.file, fs::copy_options::overwrite_existing);
    check_rebuilt();
  }
  SECTION("a valid file older than the log's floor") {
    // Keep the old snapshot aside, make the store rebuild it (600 changes),
    // then put the old one back: its generation is no longer in the log.
    std::string old = good;
    {
      LocalStore store = s.open();
      chain(store, "c", 600);
      items += 600;
    }
    {
      LocalStore store = s.open();
      store.requisites({a[0]});
    }
    spit(s.file, old);
    check_rebuilt();
  }
  SECTION("the database recreated behind the file's back") {
    // A new database (new instance) whose generation climbs past the
    // file's: the instance tells them apart.
    fs::remove(s.state_dir + "/db/db.sqlite");
    fs::remove(s.state_dir + "/db/db.sqlite-wal");
    fs::remove(s.state_dir + "/db/db.sqlite-shm");
    fs::remove_all(s.store_dir);
    {
      LocalStore store = s.open();
      a = chain(store, "a2", 30);
    }
    spit(s.file, good);
    check_rebuilt();
  }
}

TEST_CASE("store: a change made by another writer of the database is seen",
          "[store][graph-file]") {
  Store s;
  std::vector<std::string> a;
  {
    LocalStore store = s.open();
    a = chain(store, "a", 5);
    store.requisites({a.back()});
  }
  REQUIRE(GraphFile::open(s.file));
  // Drop the reference a[4] -> a[3] with SQL only, as a tool other than
  // byre could.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((s.state_dir + "/db/db.sqlite").c_str(), &db) == SQLITE_OK);
  std::string sql = "delete from Refs where referrer = (select id from ValidPaths where path = '" +
                    a[4] + "')";
  REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  LocalStore store = s.open();
  CHECK(store.requisites({a[4]}) == std::vector<std::string>{a[4]});
}
