// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: an item under construction.
//
// A `TempItem` reserves a temporary name in the store directory,
// STORE/.tmp-RANDOM-NAME, and holds the lock file
// STATE/locks/.tmp-RANDOM-NAME.lock while it lives.  Whatever is left at the
// temporary name is removed when the object goes (exceptions included); a
// process killed meanwhile leaves a lock nobody holds, which tells the next
// open that the temporary item is debris.
//
// Before a temporary item is renamed to its final name (or before items are
// deleted), the names of the final items are written into the lock file:
// if the process dies before the item is registered (or deleted), the next
// open finds them there and removes any that is not valid.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "store/locks.hh"

namespace byre::store {

class TempItem {
public:
  // Reserve a temporary name for an item called NAME in STORE_DIR, locked
  // under LOCKS_DIR.
  TempItem(const std::string& store_dir, const std::string& locks_dir,
           std::string_view name);
  ~TempItem();
  TempItem(const TempItem&) = delete;
  TempItem& operator=(const TempItem&) = delete;

  // The temporary name (nothing is there yet).
  const std::string& path() const noexcept { return path_; }
  // Record BASENAMES (final item names in the store directory) in the lock.
  void set_targets(std::span<const std::string> basenames);
  // Rename the temporary item to TARGET.
  void rename_to(const std::string& target);

  // The prefix of every temporary name, and the suffix of lock files.
  static constexpr std::string_view prefix = ".tmp-";
  static constexpr std::string_view lock_suffix = ".lock";

private:
  std::string path_;
  PathLock lock_;
};

}  // namespace byre::store
