// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: garbage-collector roots.
//
// Three kinds of roots keep store items alive:
// - permanent roots: symbolic links under STATE/gcroots (any depth) whose
//   target is in a store item;
// - indirect roots: links under STATE/gcroots/auto to a file elsewhere
//   that is itself a link into the store (Guix's add-indirect-root: the
//   root lasts as long as that file does);
// - temporary roots: the items a running process uses, listed in
//   STATE/temproots/PID, which the process keeps locked while it runs.
//   Once the process is gone its lock can be taken and its list means
//   nothing (the collector removes it).
//
// Adding a temporary root and collecting garbage exclude each other
// through STATE/gc.lock: a process appends to its list holding that lock
// shared; the collector holds it exclusively while it reads the lists and
// deletes, so no root appears between its reading and its deleting.
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "store/locks.hh"

namespace byre::store {

// The temporary roots of this process in one state directory, shared by
// every handle the process has open on that directory.
class TempRoots {
public:
  // This process's list under TEMPROOTS_DIR (created and locked on first
  // use, unlinked when the last handle lets it go).
  static std::shared_ptr<TempRoots> of_process(const std::string& temproots_dir);
  ~TempRoots();

  // Append PATH to the list, holding GC_LOCK_FILE shared while doing so.
  void add(const std::string& gc_lock_file, std::string_view path);
  // Forget PATH in memory (so that adding it again writes it again).
  void forget(std::string_view path);
  bool holds(std::string_view path);
  const std::string& file() const noexcept { return lock_.file(); }

  explicit TempRoots(PathLock lock);

private:
  std::mutex mutex_;
  PathLock lock_;
  std::set<std::string, std::less<>> paths_;
};

// The store items listed by the temporary roots of live processes under
// TEMPROOTS_DIR.  The lists of dead processes are removed.  When
// EXCLUDE_PID is not 0, that process's list is left out.
std::vector<std::string> live_temp_roots(const std::string& temproots_dir,
                                         pid_t exclude_pid = 0);

struct Root {
  std::string file;  // the link (or, for an indirect root, the user's file)
  std::string item;  // the store item it keeps alive
};

// The permanent and indirect roots under GCROOTS_DIR for the store at
// PREFIX.  With REMOVE_STALE, links in GCROOTS_DIR/auto whose file is gone
// are removed.
std::vector<Root> find_roots(const std::string& gcroots_dir,
                             const std::string& prefix, bool remove_stale);

}  // namespace byre::store
