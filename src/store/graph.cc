// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the reference graph in memory.
#include "store/graph.hh"

#include <algorithm>
#include <stdexcept>

#include "store/error.hh"

namespace byre::store {

Graph::Id Graph::add(std::string_view path) {
  if (auto it = index_.find(path); it != index_.end()) return it->second;
  Id id = static_cast<Id>(names_.size());
  auto [it, inserted] = index_.emplace(std::string(path), id);
  names_.push_back(&it->first);
  refs_.emplace_back();
  referrers_.emplace_back();
  return id;
}

void Graph::check(Id id) const {
  if (!contains(id))
    throw std::out_of_range("no item with id " + std::to_string(id) +
                            " in the reference graph");
}

void Graph::set_references(Id id, std::span<const Id> refs) {
  check(id);
  for (Id r : refs) check(r);
  for (Id old : refs_[id]) {
    auto& back = referrers_[old];
    back.erase(std::find(back.begin(), back.end(), id));
  }
  edges_ -= refs_[id].size();
  refs_[id].assign(refs.begin(), refs.end());
  std::sort(refs_[id].begin(), refs_[id].end());
  refs_[id].erase(std::unique(refs_[id].begin(), refs_[id].end()), refs_[id].end());
  for (Id r : refs_[id]) referrers_[r].push_back(id);
  edges_ += refs_[id].size();
}

void Graph::remove(Id id) {
  check(id);
  for (Id r : referrers_[id])
    if (r != id)
      throw invalid_input("cannot remove an item that is still referred to by " +
                              path(r),
                          path(id));
  set_references(id, {});
  index_.erase(index_.find(std::string_view(*names_[id])));
  names_[id] = nullptr;
}

const std::string& Graph::path(Id id) const {
  check(id);
  return *names_[id];
}

std::optional<Graph::Id> Graph::find(std::string_view path) const {
  if (auto it = index_.find(path); it != index_.end()) return it->second;
  return std::nullopt;
}

// Breadth-first search.  The queue is the output itself: items are appended
// once, when first seen, so the closure costs one pass over its edges.
std::vector<unsigned char> Graph::reach(std::span<const Id> roots,
                                        std::vector<Id>* order) const {
  std::vector<unsigned char> seen(names_.size(), 0);
  std::vector<Id> local;
  std::vector<Id>& queue = order ? *order : local;
  queue.clear();
  for (Id root : roots) {
    check(root);
    if (!seen[root]) {
      seen[root] = 1;
      queue.push_back(root);
    }
  }
  for (std::size_t head = 0; head < queue.size(); ++head)
    for (Id r : refs_[queue[head]])
      if (!seen[r]) {
        seen[r] = 1;
        queue.push_back(r);
      }
  return seen;
}

std::vector<Graph::Id> Graph::requisites(std::span<const Id> roots) const {
  std::vector<Id> order;
  reach(roots, &order);
  return order;
}

// Depth-first post-order without recursion (closures can be deep): the
// stack holds each open item with the index of the next reference to visit.
std::vector<Graph::Id> Graph::topological_order(std::span<const Id> roots) const {
  std::vector<unsigned char> seen(names_.size(), 0);
  std::vector<Id> order;
  // Each frame: an item and its references in name order (as a Guix
  // daemon lists them), so that the order does not depend on the order
  // references were recorded in.
  struct Frame {
    Id id;
    std::vector<Id> refs;
    std::size_t next;
  };
  auto frame = [this](Id id) {
    Frame f{id, refs_[id], 0};
    std::sort(f.refs.begin(), f.refs.end(),
              [this](Id a, Id b) { return *names_[a] < *names_[b]; });
    return f;
  };
  std::vector<Frame> stack;
  for (Id root : roots) {
    check(root);
    if (seen[root]) continue;
    seen[root] = 1;
    stack.push_back(frame(root));
    while (!stack.empty()) {
      Frame& top = stack.back();
      if (top.next < top.refs.size()) {
        Id r = top.refs[top.next++];
        if (!seen[r]) {
          seen[r] = 1;
          stack.push_back(frame(r));  // invalidates top: not used again
        }
      } else {
        order.push_back(top.id);
        stack.pop_back();
      }
    }
  }
  return order;
}

std::vector<Graph::Id> Graph::unreachable(std::span<const Id> roots) const {
  std::vector<unsigned char> seen = reach(roots, nullptr);
  std::vector<Id> out;
  for (Id id = 0; id < names_.size(); ++id)
    if (names_[id] && !seen[id]) out.push_back(id);
  return out;
}

}  // namespace byre::store
