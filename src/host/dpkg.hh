// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// What dpkg knows of an installed Debian package, read from its database
// (ADMINDIR, normally /var/lib/dpkg) as dpkg itself leaves it:
//
// - status: one stanza per package and architecture; "Package", "Status",
//   "Architecture", "Version" and "Multi-Arch" are read.  A package that is
//   "Multi-Arch: same" has its file list in info/NAME:ARCH.list, any other
//   in info/NAME.list.
// - info/*.list: the files the package unpacked, directories included.
// - diversions: triples of lines (FROM, TO, PACKAGE): FROM of any package
//   but PACKAGE is at TO.
// - alternatives/NAME: the mode, the master link, (NAME, LINK) pairs of
//   slaves up to an empty line, then the choices; the link chosen is
//   /etc/alternatives/NAME.
//
// Files are given canonicalised for a merged /usr: the directory part of a
// name is resolved (/bin/ls is /usr/bin/ls when /bin leads to usr/bin), the
// last component is not (a link stays a link).  Files that no longer exist
// (excluded by dpkg's path-exclude, removed by hand) are left out, and so
// are directories and links to directories (/bin on a merged /usr): they
// are where files go, not what a package needs.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace byre::host {

struct DpkgPackage {
  std::string name;          // without the architecture
  std::string architecture;  // "amd64", "all" …
  std::string version;
  std::string status;        // e.g. "install ok installed"
  bool installed = false;    // the third word of STATUS is "installed"
  std::vector<std::string> files;  // canonical, sorted, no directories
  // Links of alternatives whose choice is one of FILES: (LINK, CHOSEN),
  // LINK canonical as FILES are.
  std::vector<std::pair<std::string, std::string>> alternatives;
};

// The package SPEC ("NAME" or "NAME:ARCH") as ADMINDIR records it, or
// nothing when no stanza names it.  Without an architecture, the stanza of
// the native architecture (dpkg's own), else "all", else the first one is
// taken.  FILES and ALTERNATIVES are only read for an installed package.
std::optional<DpkgPackage> dpkg_package(const std::string& spec,
                                        const std::string& admindir = "/var/lib/dpkg");

// FILE with its directory part resolved (see above); FILE itself when its
// directory does not exist.
std::string canonical_directory_part(const std::string& file);

// Make under ROOT, which must not exist, a tree of symbolic links: each
// (FILE, TARGET) of LINKS makes ROOT/FILE, FILE relative, a link to
// TARGET, with the directories on the way; each (FILE, TEXT) of FILES a
// regular file.  File names are bytes here, whatever the locale.  Nothing
// is made through a link: an entry beneath another entry, or twice, is
// refused (ENOTDIR, EEXIST).  Throws std::system_error naming the
// operation and the file.
void make_link_tree(const std::string& root,
                    const std::vector<std::pair<std::string, std::string>>& links,
                    const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace byre::host
