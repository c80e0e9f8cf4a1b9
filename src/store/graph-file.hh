// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the reference graph as a compact, mapped file.
//
// A snapshot of the database's graph (STATE/db/graph) that a process maps
// instead of loading every row: a cold `requisites` over 100,000 items
// then reads only the items of the closure (bench/store/closure.cc).  The
// database stays the source of truth; the file is a cache that is checked
// before it is used and rebuilt from the database when it fails a check.
//
// Layout (native byte order, every field 8-byte aligned):
//   header   magic "BYREGRF1", format version, the database's instance
//            (a random number it was given when created), generation,
//            items N, references M, bytes of names, file size, checksum
//   u32 name_offset[N + 1]   item I's name is names[off[I], off[I+1])
//   u32 ref_offset[N + 1]    item I's references are refs[off[I], off[I+1])
//   u32 refs[M]              ids of items (ids are ranks in name order)
//   char names[…]            the store items' names, sorted, unseparated
// The checksum covers everything but itself.  GENERATION is the database's
// graph generation (Database::graph_generation) read in the transaction
// that produced the snapshot: the file says exactly that database (the
// instance) at that generation, and the changes since are in the
// database's change log.
//
// The file is only ever replaced, by renaming a complete new file over it
// (never truncated or written in place), so a mapping stays whole.  A file
// cut short by a crash, written by another format, or altered in any byte
// fails `open` (the reason is given) and is never used.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/graph.hh"

namespace byre::store {

class GraphFile {
public:
  using Id = std::uint32_t;

  // Map FILE and check it whole.  Null when FILE is missing or fails a
  // check; then *WHY (if given) says which ("missing", "truncated",
  // "not a graph file", "checksum mismatch", "inconsistent offsets").
  // Throws system_error for other failures to read it.
  static std::unique_ptr<GraphFile> open(const std::string& file, std::string* why = nullptr);

  // Write GRAPH as the snapshot at GENERATION to FILE: into a temporary
  // file beside it, then renamed over FILE.  Throws system_error.
  static void write(const std::string& file, const Graph& graph, std::int64_t instance,
                    std::int64_t generation);

  ~GraphFile();
  GraphFile(const GraphFile&) = delete;
  GraphFile& operator=(const GraphFile&) = delete;

  std::int64_t instance() const noexcept { return instance_; }
  std::int64_t generation() const noexcept { return generation_; }
  std::size_t size() const noexcept { return items_; }
  std::size_t edge_count() const noexcept { return edges_; }
  std::optional<Id> find(std::string_view path) const;
  std::string_view path(Id id) const {
    return {names_ + name_offset_[id], name_offset_[id + 1] - name_offset_[id]};
  }
  std::span<const Id> references(Id id) const {
    return {refs_ + ref_offset_[id], ref_offset_[id + 1] - ref_offset_[id]};
  }

private:
  GraphFile() = default;
  void* map_ = nullptr;
  std::size_t map_size_ = 0;
  std::int64_t instance_ = 0, generation_ = 0;
  std::size_t items_ = 0, edges_ = 0;
  const std::uint32_t* name_offset_ = nullptr;
  const std::uint32_t* ref_offset_ = nullptr;
  const std::uint32_t* refs_ = nullptr;
  const char* names_ = nullptr;
};

// What changed in the database since a snapshot: the current references of
// each item registered or re-registered since, and the items deleted since.
struct GraphChanges {
  std::unordered_map<std::string, std::vector<std::string>> valid;
  std::unordered_set<std::string> deleted;
};

// The closure of ROOTS over SNAPSHOT with CHANGES applied, as
// Graph::requisites orders it (the roots, then breadth-first).  Throws
// invalid_input naming a root that is not a valid item.
std::vector<std::string> requisites(const GraphFile& snapshot, const GraphChanges& changes,
                                    const std::vector<std::string>& roots);

}  // namespace byre::store
