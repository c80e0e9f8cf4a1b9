// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the canonical form of a store item on disk, and its removal.
//
// A store item is canonical when every file in it has mtime 1 (the epoch
// plus one second, as Guix and Nix), regular files are mode 0444, or 0555
// when the owner could execute them, and directories are 0555; owners are
// left as they are.  Only regular files, directories and symbolic links may
// be in an item.
#pragma once

#include <cstdint>
#include <string>

namespace byre::store {

// Make the tree at PATH canonical (PATH itself included; links are not
// followed).  Throws invalid_input naming a file of another type, and
// system_error when a file cannot be changed.
void canonicalise(const std::string& path);

// Remove the tree at PATH (made writable as needed) and return the disk
// space its files used (blocks of files with no other hard link, and of
// directories).  A PATH that does not exist frees 0 bytes.
std::uint64_t remove_tree(const std::string& path);

}  // namespace byre::store
