// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The file closure of host software: every file, directory and symbolic
// link a program needs to run in a root that holds nothing else, found as
// the kernel and the dynamic loader find them.
//
// - Every file name is resolved one component at a time, as the kernel
//   does; each symbolic link met on the way is part of the closure, as a
//   link (the loader opens libraries by their soname links, and merged-/usr
//   hosts reach /lib64/ld-linux-x86-64.so.2 through two links).
// - An ELF file brings its interpreter and, breadth first as the loader
//   maps them, the libraries its DT_NEEDED entries name: searched in the
//   DT_RPATH of the object and of the objects that loaded it (when the
//   object has no DT_RUNPATH), its DT_RUNPATH, the directories of
//   /etc/ld.so.conf and its include files (what ldconfig puts in
//   /etc/ld.so.cache; the cache itself is not parsed), then the loader's
//   built-in directories.  $ORIGIN is expanded; a candidate of another ELF
//   class or machine is skipped, as the loader skips it.  LD_LIBRARY_PATH,
//   preloads and glibc-hwcaps subdirectories are not considered.
// - When a library is found only in a directory from ld.so.conf that is
//   not one of the loader's built-in directories, the loader inside the
//   container needs /etc/ld.so.cache to find it: the cache is then part of
//   the closure.
// - A declared directory is needed whole.  It is scanned: its ELF files
//   bring their libraries (gconv modules, Guile extensions), and its links
//   to files outside it bring their targets.
//
// The result is minimal for building a root out of bind mounts: one entry a
// directory, nothing listed beneath a directory that is listed, sorted by
// file name so that a parent comes before what it holds.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "host/elf.hh"

namespace byre::host {

enum class EntryKind { file, directory, symlink };

struct Entry {
  std::string path;    // absolute; its parent directories are canonical
  EntryKind kind = EntryKind::file;
  std::string target;  // a symlink's contents, as readlink(2) gives them
  bool operator==(const Entry&) const = default;
};

// The library directories of /etc/ld.so.conf (or FILE) and the files it
// includes, in order, without duplicates.  A missing FILE gives none.
std::vector<std::string> read_ld_so_conf(const std::string& file = "/etc/ld.so.conf");

// The dynamic loader's built-in search directories for objects of
// ELF_CLASS (32 or 64) and MACHINE (EM_*), as glibc on a multiarch
// (Debian-style) system has them: /lib/TRIPLET, /usr/lib/TRIPLET, then
// /lib64, /usr/lib64 (64-bit only), /lib, /usr/lib.  Directories that do
// not exist are harmless: nothing is found there.
std::vector<std::string> default_library_directories(int elf_class, uint16_t machine);

class Closure {
public:
  // LIBRARY_DIRECTORIES replaces the directories read from ld.so.conf.
  Closure();
  explicit Closure(std::vector<std::string> library_directories);

  // Add FILE (absolute) with the links on the way to it; an ELF file adds
  // its interpreter and libraries.  Throws std::system_error when FILE or
  // its interpreter does not exist, std::runtime_error when a library it
  // needs is not found, elf_error when its ELF headers are malformed.
  void add_file(const std::string& file);

  // Add FILE, one of an installed package's files, leniently: what is
  // missing is skipped.  An ELF file adds what the loader maps for it; a
  // script adds the interpreter its "#!" line names, which the kernel
  // runs, and that interpreter's libraries.
  void add_package_file(const std::string& file);

  // Add DIRECTORY (absolute) whole, scanned as the header says.  Throws
  // std::system_error when it does not exist, std::invalid_argument when
  // it is not a directory.  What its files need but cannot be found is
  // skipped: a module no one loads need not be complete.
  void add_directory(const std::string& directory);

  // The closure: minimal, sorted by path.
  std::vector<Entry> entries() const;

  // The libraries found so far: the name a DT_NEEDED entry gave and the
  // canonical file it resolved to.
  const std::map<std::string, std::string>& libraries() const { return libraries_; }

private:
  struct Resolved {
    std::string path;  // canonical
    bool directory = false;
  };
  struct Object;

  std::optional<Resolved> resolve(const std::string& path, std::vector<Entry>& links);
  std::optional<Resolved> resolve_into(const std::string& path);
  void add_elf(const std::string& opened, const Resolved& resolved, bool strict);
  std::optional<std::string> find_library(const std::string& name, const Object& object,
                                          bool strict);
  std::optional<std::string> search_library(
      const std::string& name, const Object& object,
      const std::vector<std::pair<std::string, int>>& dirs,
      const std::vector<std::string>& builtins, bool strict);
  void scan_directory(const std::string& canonical);
  void commit(std::vector<Entry>& links);

  std::vector<std::string> configured_;       // from ld.so.conf
  std::map<std::string, Entry> entries_;      // by path
  std::set<std::string> directories_;         // declared, canonical
  std::set<std::string> scanned_;             // directories already scanned
  std::set<std::string> elf_done_;            // ELF files whose needs are in
  std::map<std::string, std::string> libraries_;
  std::map<std::string, std::optional<std::string>> lookups_;
  bool needs_cache_ = false;
};

// The closure of FILES and DIRECTORIES (absolute names), in one call.
std::vector<Entry> file_closure(const std::vector<std::string>& files,
                                const std::vector<std::string>& directories);

// The closure of the files of installed packages (add_package_file) and
// of DIRECTORIES, which must exist.
std::vector<Entry> package_closure(const std::vector<std::string>& files,
                                   const std::vector<std::string>& directories);

}  // namespace byre::host
