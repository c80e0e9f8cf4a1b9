// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the local store, with no daemon.
//
// A `LocalStore` is one process's handle on a store directory (the items,
// PREFIX/HASH-NAME) and its state directory:
//   STATE/db/db.sqlite   the database (Database)
//   STATE/db/graph       the reference graph's snapshot (graph-file.hh),
//                        rebuilt from the database whenever it is unusable;
//                        STATE/db/graph.lock is held while it is rebuilt
//   STATE/gcroots/       permanent roots; gcroots/auto: indirect roots
//   STATE/temproots/PID  temporary roots of running processes
//   STATE/locks/         per-item locks and the locks of temporary items
//   STATE/gc.lock        the collector's lock (roots.hh)
//
// How an item is written, so that any number of processes may write at
// once and a process killed at any point leaves nothing wrong:
// 1. The item's final name gets a temporary root.
// 2. Its lock, STATE/locks/BASENAME.lock, is taken; if the item turns out
//    to be valid by then (another process wrote it), that is the result.
// 3. It is written under a temporary name in the store directory,
//    .tmp-RANDOM-NAME, whose own lock file STATE/locks/.tmp-RANDOM-NAME.lock
//    the writer holds, canonicalised, and renamed to its final name.
// 4. It is registered, in one transaction.
// A writer killed in 3 leaves a temporary item whose lock nobody holds: the
// next open removes it.  Killed between the rename and the registration, it
// leaves a whole item nobody registered; its temporary lock file names it,
// so the next open removes that too.  A row is never written before its item
// is whole under its final name, and deletion removes the row before the
// item (renaming the item to a temporary name, then removing it).
//
// Every member may throw system_error (with the operation and file),
// invalid_input (naming the bad value) or database_error.  A handle is not
// safe to use from two threads at once.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/database.hh"
#include "store/graph.hh"
#include "store/optimise.hh"
#include "store/sha256.hh"
#include "store/sink.hh"

namespace byre::store {

class TempRoots;
class TempItem;

// What deletion and collection did.
struct Deleted {
  std::vector<std::string> paths;
  std::uint64_t bytes_freed = 0;
};

// One problem found by LocalStore::verify.
struct Problem {
  // foreign: a row naming what is not an item of this store.
  enum class Kind { missing, unregistered, hash_mismatch, dangling_reference, foreign };
  Kind kind = Kind::missing;
  std::string path;
  // hash_mismatch: the registered and the actual NAR hash and size;
  // dangling_reference: the reference that is missing.
  std::optional<Digest> expected_hash, actual_hash;
  std::uint64_t expected_size = 0, actual_size = 0;
  std::string reference;
};

class LocalStore {
public:
  struct Options {
    // Passed to the database (Database::Options::fsync).
    bool fsync = true;
    // For tests of crash safety: called at each step of writing an item
    // ("temporary-written", "renamed", "registered"; "deleted-rows",
    // "trashed" while deleting), so a test can kill the process there.
    std::function<void(std::string_view step)> hook;
  };

  // Open the store whose items are under STORE_DIR (an absolute name; it
  // is the prefix of every item's name) with its state in STATE_DIR,
  // creating both, the database and the state's folders if missing, and
  // removing the debris of writers that were killed.
  LocalStore(std::string store_dir, std::string state_dir, Options options);
  LocalStore(std::string store_dir, std::string state_dir)
      : LocalStore(std::move(store_dir), std::move(state_dir), Options{}) {}
  ~LocalStore();
  LocalStore(const LocalStore&) = delete;
  LocalStore& operator=(const LocalStore&) = delete;

  const std::string& store_dir() const noexcept { return store_dir_; }
  const std::string& state_dir() const noexcept { return state_dir_; }

  // --- Adding items.  Each returns the item's name and gives it a
  // temporary root held by this process.

  // TEXT as a regular file named as add-text-to-store names it; REFERENCES
  // must be valid items.
  std::string add_text(std::string_view name, Bytes text,
                       const std::vector<std::string>& references);

  // A copy of FILE.  RECURSIVE: FILE's tree (a regular file, a directory or
  // a symbolic link), named after the hash ALGORITHM ("sha256", "sha1",
  // "sha512") of its NAR (a "source" item for sha256); otherwise FILE must
  // be a regular file, named after the hash of its contents.  FILE is read
  // once.  Sources have no references.
  std::string add_path(std::string_view name, const std::string& file,
                       bool recursive, std::string_view algorithm);

  // Make SOURCE, a tree produced elsewhere (a build output), the item
  // OUTPUT: SOURCE is moved (renamed, or copied and removed when on
  // another file system), canonicalised, scanned for the hash parts of
  // CANDIDATES (and of OUTPUT itself) to find its references, hashed and
  // registered with DERIVER.  When OUTPUT is already valid, SOURCE is left
  // alone and OUTPUT returned.
  std::string register_output(const std::string& source, const std::string& output,
                              const std::vector<std::string>& candidates,
                              const std::optional<std::string>& deriver);
  // The same for an item imported from a bundle (export-paths): its
  // REFERENCES are those given, each valid (or OUTPUT itself), not found
  // by scanning.
  std::string register_import(const std::string& source, const std::string& output,
                              const std::vector<std::string>& references,
                              const std::optional<std::string>& deriver);

  // --- Queries.

  bool is_valid(std::string_view path);
  std::optional<PathInfo> path_info(std::string_view path);
  std::vector<std::string> references(std::string_view path);
  std::vector<std::string> referrers(std::string_view path);
  // The closure of PATHS (each must be valid): PATHS first, then what they
  // refer to, breadth-first.  Without the graph in memory, the snapshot
  // file is mapped and the database's changes since applied to it (the
  // file is rebuilt first when it is missing, damaged or too far behind).
  std::vector<std::string> requisites(const std::vector<std::string>& paths);
  // The closure of PATHS ordered so that every item comes after what it
  // refers to (Guix's topologically-sorted).
  std::vector<std::string> topologically_sorted(const std::vector<std::string>& paths);
  std::optional<std::string> hash_part_to_path(std::string_view hash_part);

  // --- Roots.

  void add_temp_root(std::string_view path);
  // A link STATE/gcroots/auto/HASH to FILE (an absolute name, made absolute
  // against the working directory otherwise), which is itself a link to a
  // store item; the root lasts while FILE exists.
  void add_indirect_root(const std::string& file);
  // A link STATE/gcroots/NAME to PATH, a valid item.
  void add_permanent_root(std::string_view path, std::string_view name);
  void remove_permanent_root(std::string_view name);
  // Permanent and indirect roots: (root file, store item).
  std::vector<std::pair<std::string, std::string>> roots();

  // --- Deletion and garbage collection.

  // Delete PATHS.  Throws invalid_input naming the first one that is not
  // valid or is live: referred to by a valid item not in PATHS, or in the
  // closure of a root or of a temporary root of another process.  (This
  // process's own temporary roots do not count: asking to delete an item
  // says it is no longer needed, as Guix's delete-paths.)
  Deleted delete_paths(const std::vector<std::string>& paths);
  // Delete dead items (not in the closure of roots, temporary roots of live
  // processes, this one included) until at least MIN_BYTES are freed (0:
  // all), then, when collecting all, unregistered entries of the store
  // directory nobody is writing.
  Deleted collect_garbage(std::uint64_t min_bytes);
  std::vector<std::string> live_paths();
  std::vector<std::string> dead_paths();

  // --- Deduplication (optimise.hh): build outputs and imported items are
  // deduplicated when registered; this does the whole store, with the
  // collector's lock held, and returns what it saved.
  Optimised optimise();

  // --- Checking.

  // Rows without an item, items without a row, references to missing
  // items, and, with CHECK_CONTENTS, items whose NAR hash or size differs
  // from the registered one.
  std::vector<Problem> verify(bool check_contents);

private:
  std::string links_dir() const { return store_dir_ + "/.links"; }
  std::string lock_file(std::string_view item_path) const;
  void step(std::string_view name);
  void remove_debris();
  // Rename the unregistered PATH out of the way and remove it.
  std::uint64_t remove_item(const std::string& path);
  // Register INFO and keep the graph in step.
  void register_info(const PathInfo& info);
  std::string register_tree(const std::string& source, const std::string& output,
                            const std::vector<std::string>& candidates,
                            const std::optional<std::string>& deriver, bool scan);
  // Rename the canonical TMP to PATH and register INFO (PATH's).
  void place(TempItem& tmp, const std::string& path, const PathInfo& info);
  // With PATH's lock held: clear the way for writing PATH; true when it is
  // valid already.
  bool prepare(const std::string& path);
  Graph& graph();
  // The mapped snapshot with the changes since, when usable.
  std::optional<GraphChanges> snapshot_changes();
  // Rebuild STATE/db/graph from the database, unless another process did
  // meanwhile; leaves the loaded graph in memory.
  void rebuild_graph_file();
  Graph::Id id_of(const Graph& graph, std::string_view path);
  // The ids of the items roots keep alive (temporary roots of this process
  // included when OWN_TEMP_ROOTS).
  std::vector<Graph::Id> root_ids(const Graph& graph, bool own_temp_roots,
                                  bool remove_stale);
  // Delete the valid ORDERED (referrers first) until MIN_BYTES are freed.
  Deleted delete_items(const std::vector<std::string>& ordered, std::uint64_t min_bytes);
  std::uint64_t sweep_unregistered(std::vector<std::string>& removed);

  std::string store_dir_;
  std::string state_dir_;
  std::string locks_dir_;
  std::string gcroots_dir_;
  std::string temproots_dir_;
  std::string gc_lock_;
  Options options_;
  std::unique_ptr<Database> db_;
  std::shared_ptr<TempRoots> temp_roots_;
  std::optional<Graph> graph_;
  std::unique_ptr<GraphFile> snapshot_;
  std::int64_t graph_version_ = 0;
};

}  // namespace byre::store
