// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the reference graph in memory.
//
// Each store item is a node with a dense id (0, 1, 2, … in the order items
// were added); its references are edges to other nodes.  The graph answers
// `references`, `referrers`, the closure of a set of roots (`requisites`)
// and a topological order, without touching the database: the store loads
// it once (Database::load_graph) and keeps it up to date as it registers
// and deletes items.  A closure of 54,000 items in a store of 100,000 items
// and 1,000,000 references takes about a millisecond
// (bench/store/RESULTS.md).
//
// Self-references (an item that mentions its own hash) are kept as edges
// but never make an item its own dependency in an order.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace byre::store {

class Graph {
public:
  using Id = std::uint32_t;

  // The id of PATH, adding it (without references) if it is new.
  Id add(std::string_view path);
  // Make REFS the references of ID, replacing any it had.  Every id must be
  // in the graph (throws std::out_of_range otherwise).
  void set_references(Id id, std::span<const Id> refs);
  // Take ID out of the graph.  Throws invalid_input naming it while another
  // item still refers to it.  Its id is not reused.
  void remove(Id id);

  std::optional<Id> find(std::string_view path) const;
  const std::string& path(Id id) const;  // throws std::out_of_range
  bool contains(Id id) const noexcept { return id < names_.size() && names_[id]; }
  // Number of items in the graph; ids run below id_limit().
  std::size_t size() const noexcept { return index_.size(); }
  std::size_t id_limit() const noexcept { return names_.size(); }
  std::size_t edge_count() const noexcept { return edges_; }

  // The direct references of ID, in increasing id order, and the items
  // that refer to it directly, in no particular order.
  std::span<const Id> references(Id id) const { return refs_.at(id); }
  std::span<const Id> referrers(Id id) const { return referrers_.at(id); }

  // The closure of ROOTS: the roots and everything they refer to, directly
  // or not, each once, roots first then breadth-first.
  std::vector<Id> requisites(std::span<const Id> roots) const;

  // The closure of ROOTS ordered so that every item comes after the items
  // it refers to (Guix's topologically-sorted: a depth-first post-order,
  // visiting ROOTS in the order given and each item's references in name
  // order, as a Guix daemon lists them: the same store contents give the
  // same order, whatever order they were registered in).
  std::vector<Id> topological_order(std::span<const Id> roots) const;

  // The items not in the closure of ROOTS (what garbage collection may
  // delete), in increasing id order.
  std::vector<Id> unreachable(std::span<const Id> roots) const;

private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  // The closure of ROOTS as a mark per id.
  std::vector<unsigned char> reach(std::span<const Id> roots,
                                   std::vector<Id>* order) const;
  void check(Id id) const;

  std::unordered_map<std::string, Id, Hash, std::equal_to<>> index_;
  std::vector<const std::string*> names_;  // into index_'s keys; null once removed
  std::vector<std::vector<Id>> refs_;
  std::vector<std::vector<Id>> referrers_;
  std::size_t edges_ = 0;
};

}  // namespace byre::store
