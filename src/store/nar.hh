// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: NAR serialisation.
//
// A NAR ("Nix ARchive") is the canonical byte serialisation of a file, a
// symbolic link or a directory tree: only the type, the executable bit of
// regular files (the owner's x bit), file contents, link targets and entry
// names (sorted bytewise) are kept, so equal trees give equal NARs whatever
// their timestamps, owners or directory order.  A store item's hash is the
// SHA-256 of its NAR.
//
// Format: every token is a string written as its length (64-bit little
// endian), its bytes and zero padding to a multiple of 8.
//   nar   = "nix-archive-1" node
//   node  = "(" "type" ( "regular" ["executable" ""] "contents" BYTES
//                      | "symlink" "target" TARGET
//                      | "directory" { "entry" "(" "name" NAME "node" node ")" } ) ")"
#pragma once

#include <sys/stat.h>

#include <functional>
#include <string>

#include "store/sink.hh"

namespace byre::store {

struct DumpOptions {
  // When set, called with the full name and lstat of every file below the
  // root; the file (and, for a directory, all it holds) is left out of the
  // NAR when it returns false.  Guix's add-to-store #:select?.
  std::function<bool(const std::string& file, const struct stat&)> select;
  // Size of the buffer file contents are read into; each piece is passed to
  // the sink as soon as it is read.
  std::size_t read_size = 128 * 1024;
};

// Write the NAR serialisation of the file system object at PATH (not
// followed if it is a symbolic link) to SINK.  Throws system_error when a
// file cannot be read (naming it), invalid_input for a file that is neither
// a regular file, a directory nor a symbolic link, or one whose size changed
// while it was read.
void dump_path(const std::string& path, Sink& sink,
               const DumpOptions& options = {});

// Write the NAR of one regular file whose contents are DATA.
void dump_contents(Bytes data, bool executable, Sink& sink);

// The number of bytes of file contents that dump_path has read in this
// process so far, from any thread: a progress report polls it while a
// large tree is added (it is a relaxed atomic counter, never reset).
std::uint64_t dumped_bytes();

}  // namespace byre::store
