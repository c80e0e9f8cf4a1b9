// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// What the dynamic loader reads in an ELF file before it maps anything:
// the interpreter (PT_INTERP) and the dynamic section's DT_NEEDED,
// DT_RPATH, DT_RUNPATH and DT_SONAME.
//
// The file is read with plain pread(2) calls (no libelf, no mmap): the ELF
// header, the program headers, the dynamic segment and its string table,
// located through the PT_LOAD segment that maps it, as the loader does;
// section headers are not needed (stripped files have none worth trusting).
// 32- and 64-bit little-endian files are understood; fields are decoded
// byte by byte, so the host's own byte order does not matter.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace byre::host {

// FILE is not an ELF file, or one this reader does not understand (big
// endian, truncated, inconsistent).  The message names the file.
class elf_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct ElfFile {
  int elf_class = 0;         // 32 or 64
  uint16_t machine = 0;      // e_machine (EM_X86_64, EM_386, …)
  uint16_t type = 0;         // e_type (ET_EXEC, ET_DYN, …)
  bool dynamic = false;      // has a PT_DYNAMIC segment
  std::optional<std::string> interpreter;  // PT_INTERP, without its NUL
  std::vector<std::string> needed;         // DT_NEEDED, in order
  std::vector<std::string> rpath;          // DT_RPATH, split on ':'
  std::vector<std::string> runpath;        // DT_RUNPATH, split on ':'
  std::optional<std::string> soname;       // DT_SONAME
};

// Whether FILE is a readable regular file that starts with the ELF magic.
// Never throws.
bool is_elf(const std::string& file);

// Read FILE's loader information.  Throws std::system_error when FILE
// cannot be opened or read, elf_error when it is not an ELF file this
// reader understands.
ElfFile read_elf(const std::string& file);

// Expand $ORIGIN and ${ORIGIN} in the search path entry ENTRY with ORIGIN,
// the directory of the object that names it.  Returns nothing when ENTRY
// names another dynamic string token ($LIB, $PLATFORM): the loader's
// values of those are not known here, and such entries are skipped.
std::optional<std::string> expand_origin(const std::string& entry,
                                         const std::string& origin);

}  // namespace byre::host
