// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: deduplication of identical files, as Nix's and Guix's
// daemons do it.  STORE/.links/HASH, HASH the nix-base32 SHA-256 of a
// file's NAR (its contents and executable bit), is a hard link to one copy;
// every other identical regular file of the store becomes a hard link to
// it too.  Symbolic links and directories are never linked.
#pragma once

#include <cstdint>
#include <string>

namespace byre::store {

struct Optimised {
  std::uint64_t files_linked = 0;  // files replaced by a link to a copy
  std::uint64_t bytes_saved = 0;   // the sizes of those files
};

// Deduplicate the regular files of the tree PATH (a store item, canonical:
// read-only files, directories with mtime 1) against LINKS_DIR, made if
// missing.  A file is replaced by a link atomically (a new link renamed
// over it), its directory made writable for the time of the rename and
// given back its mode and times.  A file whose inode has as many links as
// the file system allows (EMLINK) is left as it is.  Errors are
// byre::store::system_error naming the operation and the file.
Optimised optimise_tree(const std::string& links_dir, const std::string& path);

// Remove the entries of LINKS_DIR that no item links to any more (a link
// count of 1); return the bytes freed.
std::uint64_t remove_unused_links(const std::string& links_dir);

}  // namespace byre::store
