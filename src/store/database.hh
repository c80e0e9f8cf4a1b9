// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the store database.
//
// An SQLite file with the tables of Guix's (and Nix's) store database, so
// the same queries work on both:
//   ValidPaths(id, path, hash, registrationTime, deriver, narSize)
//   Refs(referrer, reference)              ids of ValidPaths
//   DerivationOutputs(drv, id, path)       output id ("out", …) and path
// A row in ValidPaths is what makes an item valid.  The hash column holds
// "sha256:" and the NAR hash in base16, as Guix writes it.
//
// The journal is a write-ahead log (readers do not block the writer) and
// each registration or deletion is one transaction, taken with the write
// lock up front (BEGIN IMMEDIATE); a writer that finds the lock held waits
// (busy timeout) rather than fails.  Bad input is refused before anything is
// written: a path that is not a store item under the prefix, a reference to
// an item that is neither valid nor registered in the same call.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/graph-file.hh"
#include "store/graph.hh"
#include "store/sha256.hh"

struct sqlite3;
struct sqlite3_stmt;

namespace byre::store {

struct PathInfo {
  std::string path;
  Digest nar_hash{};
  std::uint64_t nar_size = 0;
  // Seconds since the epoch; 0 means "now" when registering.
  std::int64_t registration_time = 0;
  std::optional<std::string> deriver;
  // Store paths this item refers to (it may include itself).
  std::vector<std::string> references;
  // For a derivation: its outputs as (output id, path) pairs.
  std::vector<std::pair<std::string, std::string>> derivation_outputs;
};

class Database {
public:
  struct Options {
    // Wait for each commit to reach the disk (PRAGMA synchronous=FULL);
    // otherwise a power failure may lose the last commits (never the
    // database's consistency).
    bool fsync = true;
    // How long a writer waits for another process's write lock.
    int busy_timeout_ms = 60'000;
  };

  // Open the database FILE of the store whose items are under PREFIX,
  // creating the file and its tables if needed.  Throws database_error.
  Database(std::string file, std::string prefix, Options options);
  Database(std::string file, std::string prefix)
      : Database(std::move(file), std::move(prefix), Options{}) {}
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& file() const noexcept { return file_; }
  const std::string& prefix() const noexcept { return prefix_; }

  // Make every item of INFOS valid, in one transaction.  An item already
  // valid gets the new hash, size, time and deriver and exactly the new
  // references.  Throws invalid_input (nothing written) for a path that is
  // not a store item, or a reference that is neither valid nor in INFOS.
  void register_paths(std::span<const PathInfo> infos);
  void register_path(const PathInfo& info) { register_paths({&info, 1}); }

  // Make the items of PATHS invalid, in one transaction.  Throws
  // invalid_input (nothing deleted) for a path that is not valid or that
  // an item not in PATHS still refers to.
  void delete_paths(std::span<const std::string> paths);

  bool is_valid(std::string_view path);
  std::optional<PathInfo> query_path_info(std::string_view path);
  std::vector<std::string> references(std::string_view path);
  std::vector<std::string> referrers(std::string_view path);
  // The valid item whose hash part is HASH_PART, if any.
  std::optional<std::string> path_from_hash_part(std::string_view hash_part);
  std::vector<std::string> valid_paths();
  // The (output id, path) pairs of derivation DRV, and the derivations
  // known to produce PATH.
  std::vector<std::pair<std::string, std::string>> derivation_outputs(
      std::string_view drv);
  std::vector<std::string> valid_derivers(std::string_view path);

  // The reference graph's change log, for its snapshot file
  // (graph-file.hh).  Every change to ValidPaths or Refs, whoever makes it
  // (triggers record it), appends the item's name to GraphChanges under a
  // new, increasing generation.  INSTANCE is a random number the database
  // was given when created (a snapshot of another database, or of this
  // file before it was recreated, never matches); the log keeps the
  // changes after FLOOR only.
  struct GraphLogState {
    std::int64_t instance = 0, generation = 0, floor = 0;
  };
  GraphLogState graph_log_state();
  // The changes since GENERATION of database INSTANCE, in one read
  // transaction; nothing when they cannot be told (another instance, a
  // generation not in the log) or when more than LIMIT items changed.
  std::optional<GraphChanges> graph_changes(std::int64_t instance, std::int64_t generation,
                                            std::size_t limit);
  // Forget the changes up to GENERATION (a snapshot of it exists).
  void trim_graph_log(std::int64_t generation);

  // All valid items and their references, for closures in memory; with
  // STATE, also the change log's state in the same transaction.
  Graph load_graph(GraphLogState* state = nullptr);

  // A number that changes whenever another connection (another process)
  // commits a change: a cached graph is stale when it differs.
  std::int64_t data_version();

  class Statement;

private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };

  Statement& statement(const char* sql);
  void exec(const char* sql);
  [[noreturn]] void fail(std::string_view operation);
  std::optional<std::int64_t> id_of(std::string_view path);

  std::string file_;
  std::string prefix_;
  std::unique_ptr<sqlite3, Closer> db_;
  // Prepared statements by SQL text, prepared on first use.
  std::vector<std::pair<const char*, std::unique_ptr<Statement>>> statements_;
};

}  // namespace byre::store
