// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: deletion, garbage collection and checking.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "store/canonicalise.hh"
#include "store/directory.hh"
#include "store/error.hh"
#include "store/local-store.hh"
#include "store/locks.hh"
#include "store/nar.hh"
#include "store/roots.hh"
#include "store/store-path.hh"
#include "store/temp-item.hh"

namespace byre::store {

namespace {

// Rows are deleted by batches of this many items, each batch in one
// transaction, its items' locks held until they are gone.
constexpr std::size_t batch_size = 256;


std::string basename_of(std::string_view path) {
  return std::string(path.substr(path.rfind('/') + 1));
}

// ORDER (references before referrers) restricted to the ids marked in
// KEEP, reversed: referrers first, the order deletion needs.
std::vector<Graph::Id> referrers_first(const std::vector<Graph::Id>& order,
                                       const std::vector<unsigned char>& keep) {
  std::vector<Graph::Id> out;
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    if (keep[*it]) out.push_back(*it);
  return out;
}

Problem problem_of(Problem::Kind kind, const std::string& path) {
  Problem p;
  p.kind = kind;
  p.path = path;
  return p;
}

}  // namespace

std::vector<Graph::Id> LocalStore::root_ids(const Graph& g, bool own_temp_roots,
                                            bool remove_stale) {
  std::vector<Graph::Id> ids;
  auto add = [&](std::string_view path) {
    if (auto id = g.find(path)) ids.push_back(*id);
  };
  for (const Root& r : find_roots(gcroots_dir_, store_dir_, remove_stale)) add(r.item);
  for (const std::string& p : live_temp_roots(temproots_dir_, own_temp_roots ? 0 : ::getpid()))
    add(p);
  return ids;
}

Deleted LocalStore::delete_items(const std::vector<std::string>& ordered,
                                 std::uint64_t min_bytes) {
  Deleted result;
  for (std::size_t start = 0; start < ordered.size(); start += batch_size) {
    if (min_bytes > 0 && result.bytes_freed >= min_bytes) break;
    std::vector<std::string> batch(ordered.begin() + static_cast<std::ptrdiff_t>(start),
                                   ordered.begin() + static_cast<std::ptrdiff_t>(
                                       std::min(ordered.size(), start + batch_size)));
    std::vector<PathLock> locks;
    for (const std::string& p : batch) locks.push_back(PathLock::acquire(lock_file(p), true));
    // The lock file of INTENT names the batch: if we die after the rows are
    // gone, the next open removes the items.
    TempItem intent(store_dir_, locks_dir_, "delete");
    std::vector<std::string> bases;
    for (const std::string& p : batch) bases.push_back(basename_of(p));
    intent.set_targets(bases);
    db_->delete_paths(batch);
    if (graph_ && db_->data_version() == graph_version_) {
      for (const std::string& p : batch)
        if (auto id = graph_->find(p)) graph_->remove(*id);
    } else {
      graph_.reset();
    }
    step("deleted-rows");
    for (const std::string& p : batch) {
      result.bytes_freed += remove_item(p);
      temp_roots_->forget(p);
      result.paths.push_back(p);
      step("trashed");
    }
  }
  return result;
}

Deleted LocalStore::delete_paths(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) split_store_path(store_dir_, p);
  PathLock gc = PathLock::acquire(gc_lock_, false);
  const Graph& g = graph();
  std::vector<Graph::Id> ids;
  std::vector<unsigned char> chosen(g.id_limit(), 0);
  for (const std::string& p : paths) {
    Graph::Id id = id_of(g, p);
    ids.push_back(id);
    chosen[id] = 1;
  }
  std::vector<Graph::Id> roots = root_ids(g, false, false);
  std::vector<unsigned char> live(g.id_limit(), 0);
  for (Graph::Id id : g.requisites(roots)) live[id] = 1;
  for (Graph::Id id : ids) {
    if (live[id])
      throw invalid_input("cannot delete a live item (a root, or in the closure of one)",
                          g.path(id));
    for (Graph::Id r : g.referrers(id))
      if (!chosen[r])
        throw invalid_input("cannot delete an item still referred to by " + g.path(r),
                            g.path(id));
  }
  std::vector<std::string> ordered;
  for (Graph::Id id : referrers_first(g.topological_order(ids), chosen))
    ordered.push_back(g.path(id));
  Deleted result = delete_items(ordered, 0);
  result.bytes_freed += remove_unused_links(links_dir());
  return result;
}

Deleted LocalStore::collect_garbage(std::uint64_t min_bytes) {
  PathLock gc = PathLock::acquire(gc_lock_, false);
  const Graph& g = graph();
  std::vector<Graph::Id> dead = g.unreachable(root_ids(g, true, true));
  // A row naming what is not an item of this store (the database edited
  // by hand) is never acted on: verify reports it.
  std::erase_if(dead, [&](Graph::Id id) { return !parse_store_path(store_dir_, g.path(id)); });
  std::vector<unsigned char> is_dead(g.id_limit(), 0);
  for (Graph::Id id : dead) is_dead[id] = 1;
  std::vector<std::string> ordered;
  for (Graph::Id id : referrers_first(g.topological_order(dead), is_dead))
    ordered.push_back(g.path(id));
  Deleted result = delete_items(ordered, min_bytes);
  if (min_bytes == 0 || result.bytes_freed < min_bytes)
    result.bytes_freed += sweep_unregistered(result.paths);
  // The copies that only deleted items linked to.
  result.bytes_freed += remove_unused_links(links_dir());
  return result;
}

Optimised LocalStore::optimise() {
  PathLock gc = PathLock::acquire(gc_lock_, false);
  Optimised total;
  for (const std::string& path : db_->valid_paths()) {
    struct stat st;
    if (!parse_store_path(store_dir_, path) || ::lstat(path.c_str(), &st) != 0) continue;
    Optimised one = optimise_tree(links_dir(), path);
    total.files_linked += one.files_linked;
    total.bytes_saved += one.bytes_saved;
  }
  return total;
}

// Entries of the store directory that are neither valid items nor being
// written: temporary items whose writer is gone, and items whose writer
// died before registering them.  Called with the collector's lock held, so
// the temporary roots read here stay complete until we are done.
std::uint64_t LocalStore::sweep_unregistered(std::vector<std::string>& removed) {
  std::uint64_t freed = 0;
  std::vector<std::string> temp = live_temp_roots(temproots_dir_);
  std::set<std::string, std::less<>> rooted(temp.begin(), temp.end());
  for (const std::string& name : directory_entries(store_dir_)) {
    std::string path = store_dir_ + "/" + name;
    if (name.starts_with(TempItem::prefix)) {
      auto lock = PathLock::try_acquire(locks_dir_ + "/" + name +
                                            std::string(TempItem::lock_suffix),
                                        true);
      if (lock) freed += remove_tree(path);
      continue;
    }
    if (!parse_store_path(store_dir_, path) || rooted.count(path) || db_->is_valid(path))
      continue;
    auto lock = PathLock::try_acquire(lock_file(path), true);
    if (!lock || db_->is_valid(path)) continue;
    freed += remove_item(path);
    removed.push_back(path);
  }
  return freed;
}

std::vector<std::string> LocalStore::live_paths() {
  const Graph& g = graph();
  std::vector<std::string> out;
  // This process's own temporary roots do not count, as with Guix.
  for (Graph::Id id : g.requisites(root_ids(g, false, false))) out.push_back(g.path(id));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> LocalStore::dead_paths() {
  const Graph& g = graph();
  std::vector<std::string> out;
  for (Graph::Id id : g.unreachable(root_ids(g, false, false))) out.push_back(g.path(id));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Problem> LocalStore::verify(bool check_contents) {
  std::vector<Problem> problems;
  const Graph& g = graph();
  std::vector<std::string> valid = db_->valid_paths();
  std::set<std::string, std::less<>> valid_set(valid.begin(), valid.end());
  std::set<std::string, std::less<>> missing;
  for (const std::string& p : valid) {
    if (!parse_store_path(store_dir_, p)) {
      // Not an item of this store: never looked at, never deleted.
      problems.push_back(problem_of(Problem::Kind::foreign, p));
      continue;
    }
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) {
      if (errno != ENOENT) throw_errno("lstat", p);
      missing.insert(p);
      problems.push_back(problem_of(Problem::Kind::missing, p));
    }
  }
  for (const std::string& p : valid) {
    if (missing.count(p) || !parse_store_path(store_dir_, p)) continue;
    if (auto id = g.find(p))
      for (Graph::Id r : g.references(*id))
        if (missing.count(g.path(r))) {
          Problem problem = problem_of(Problem::Kind::dangling_reference, p);
          problem.reference = g.path(r);
          problems.push_back(std::move(problem));
        }
    if (!check_contents) continue;
    auto info = db_->query_path_info(p);
    if (!info) continue;  // deleted meanwhile
    Sha256 nar;
    dump_path(p, nar);
    std::uint64_t size = nar.size();
    Digest actual = nar.finish();
    if (actual != info->nar_hash || size != info->nar_size) {
      Problem problem = problem_of(Problem::Kind::hash_mismatch, p);
      problem.expected_hash = info->nar_hash;
      problem.actual_hash = actual;
      problem.expected_size = info->nar_size;
      problem.actual_size = size;
      problems.push_back(std::move(problem));
    }
  }
  for (const std::string& name : directory_entries(store_dir_)) {
    if (name.starts_with(".")) continue;
    std::string path = store_dir_ + "/" + name;
    if (valid_set.count(path)) continue;
    // An item being written right now is not a problem.
    if (parse_store_path(store_dir_, path) && !PathLock::try_acquire(lock_file(path), true))
      continue;
    if (db_->is_valid(path)) continue;
    problems.push_back(problem_of(Problem::Kind::unregistered, path));
  }
  return problems;
}

}  // namespace byre::store
