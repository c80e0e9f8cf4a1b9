// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Tests of the in-memory reference graph: closures, topological order,
// referrers, removal.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "store/error.hh"
#include "store/graph.hh"

using byre::store::Graph;
using Id = Graph::Id;

namespace {

// A small store:  app -> lib -> libc,  app -> data,  lib -> lib (itself),
// tool -> libc, orphan.
struct Example {
  Graph g;
  Id libc = g.add("/s/00000000000000000000000000000000-libc");
  Id lib = g.add("/s/11111111111111111111111111111111-lib");
  Id data = g.add("/s/22222222222222222222222222222222-data");
  Id app = g.add("/s/33333333333333333333333333333333-app");
  Id tool = g.add("/s/44444444444444444444444444444444-tool");
  Id orphan = g.add("/s/55555555555555555555555555555555-orphan");
  Example() {
    g.set_references(lib, std::vector<Id>{libc, lib});
    g.set_references(app, std::vector<Id>{lib, data});
    g.set_references(tool, std::vector<Id>{libc});
  }
};

std::set<Id> as_set(const std::vector<Id>& v) { return {v.begin(), v.end()}; }

// True when every item of ORDER comes after those it refers to.
bool is_topological(const Graph& g, const std::vector<Id>& order) {
  std::map<Id, std::size_t> position;
  for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
  for (Id id : order)
    for (Id r : g.references(id))
      if (r != id && !(position.at(r) < position.at(id))) return false;
  return true;
}

}  // namespace

TEST_CASE("closure of one and several roots", "[store][graph]") {
  Example e;
  CHECK(as_set(e.g.requisites(std::vector<Id>{e.app})) ==
        std::set<Id>{e.app, e.lib, e.libc, e.data});
  CHECK(e.g.requisites(std::vector<Id>{e.app}).front() == e.app);
  CHECK(as_set(e.g.requisites(std::vector<Id>{e.tool, e.data})) ==
        std::set<Id>{e.tool, e.libc, e.data});
  CHECK(e.g.requisites(std::vector<Id>{e.orphan}) == std::vector<Id>{e.orphan});
  // Each item once, even when roots overlap.
  CHECK(e.g.requisites(std::vector<Id>{e.app, e.lib, e.app}).size() == 4);
  CHECK(e.g.requisites(std::vector<Id>{}).empty());
}

TEST_CASE("topological order puts references first", "[store][graph]") {
  Example e;
  auto order = e.g.topological_order(std::vector<Id>{e.app, e.tool});
  CHECK(order == std::vector<Id>{e.libc, e.lib, e.data, e.app, e.tool});
  CHECK(is_topological(e.g, order));
  // Like Guix's topologically-sorted on (list app): deepest first.
  CHECK(e.g.topological_order(std::vector<Id>{e.app}) ==
        std::vector<Id>{e.libc, e.lib, e.data, e.app});
}

TEST_CASE("references, referrers and names", "[store][graph]") {
  Example e;
  CHECK(std::vector<Id>(e.g.references(e.app).begin(), e.g.references(e.app).end()) ==
        std::vector<Id>{e.lib, e.data});
  auto back = e.g.referrers(e.libc);
  CHECK(std::set<Id>(back.begin(), back.end()) == std::set<Id>{e.lib, e.tool});
  CHECK(e.g.find("/s/33333333333333333333333333333333-app") == e.app);
  CHECK_FALSE(e.g.find("/s/nothing"));
  CHECK(e.g.path(e.tool) == "/s/44444444444444444444444444444444-tool");
  CHECK(e.g.add("/s/44444444444444444444444444444444-tool") == e.tool);
  CHECK(e.g.size() == 6);
  CHECK(e.g.edge_count() == 5);
  // Replacing references updates the referrers.
  e.g.set_references(e.tool, std::vector<Id>{e.data});
  CHECK(e.g.referrers(e.libc).size() == 1);
  CHECK(e.g.edge_count() == 5);
  CHECK_THROWS_AS(e.g.set_references(e.tool, std::vector<Id>{99}), std::out_of_range);
}

TEST_CASE("removal and unreachable items", "[store][graph]") {
  Example e;
  CHECK(e.g.unreachable(std::vector<Id>{e.app}) == std::vector<Id>{e.tool, e.orphan});
  CHECK_THROWS_AS(e.g.remove(e.libc), byre::store::invalid_input);
  e.g.remove(e.orphan);
  e.g.remove(e.tool);
  e.g.remove(e.app);
  // lib refers to itself: that does not keep it.
  e.g.remove(e.data);
  e.g.remove(e.lib);
  CHECK(e.g.size() == 1);
  CHECK(e.g.edge_count() == 0);
  CHECK(e.g.referrers(e.libc).empty());
  CHECK_FALSE(e.g.find("/s/11111111111111111111111111111111-lib"));
  CHECK_THROWS_AS(e.g.path(e.lib), std::out_of_range);
  CHECK_THROWS_AS(e.g.requisites(std::vector<Id>{e.lib}), std::out_of_range);
  CHECK(e.g.unreachable(std::vector<Id>{}) == std::vector<Id>{e.libc});
}

TEST_CASE("random DAGs: closures are closed and orders topological", "[store][graph]") {
  std::mt19937 rng(3);
  for (int round = 0; round < 20; ++round) {
    Graph g;
    std::size_t n = 50 + rng() % 500;
    for (std::size_t i = 0; i < n; ++i) {
      Id id = g.add("/s/" + std::to_string(i));
      std::vector<Id> refs;
      for (int k = rng() % 6; i > 0 && k > 0; --k) refs.push_back(rng() % i);
      if (rng() % 10 == 0) refs.push_back(id);
      g.set_references(id, refs);
    }
    std::vector<Id> roots = {Id(n - 1), Id(rng() % n)};
    auto closure = g.requisites(roots);
    auto members = as_set(closure);
    CHECK(members.size() == closure.size());
    for (Id id : closure)
      for (Id r : g.references(id)) CHECK(members.count(r) == 1);
    auto order = g.topological_order(roots);
    CHECK(as_set(order) == members);
    CHECK(is_topological(g, order));
    CHECK(g.unreachable(roots).size() + members.size() == n);
  }
}
