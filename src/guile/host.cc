// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Bindings of src/host: ELF dependencies and the file closure of host
// software.
#include "guile/bindings.hh"
#include "host/closure.hh"
#include "host/elf.hh"
#include "host/host-guile.hh"

namespace byre::guile {

namespace {

SCM entries_to_scm(const std::vector<host::Entry>& entries) {
  SCM file = scm_from_utf8_symbol("file");
  SCM directory = scm_from_utf8_symbol("directory");
  SCM symlink = scm_from_utf8_symbol("symlink");
  SCM out = SCM_EOL;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    SCM path = scm_from_utf8_string(it->path.c_str());
    SCM entry;
    switch (it->kind) {
      case host::EntryKind::file: entry = scm_list_2(file, path); break;
      case host::EntryKind::directory: entry = scm_list_2(directory, path); break;
      default:
        entry = scm_list_3(symlink, path, scm_from_utf8_string(it->target.c_str()));
    }
    out = scm_cons(entry, out);
  }
  return out;
}

}  // namespace

BYRE_DEFINE(elf_dependencies, "%elf-dependencies", 1, 0, 0, (SCM file),
            "Return what the dynamic loader reads in FILE, an ELF file: a list "
            "(INTERPRETER NEEDED SEARCH-PATH) where INTERPRETER is the PT_INTERP "
            "file name or #f, NEEDED the DT_NEEDED names in order and SEARCH-PATH "
            "the DT_RUNPATH entries, or the DT_RPATH ones when there is no "
            "DT_RUNPATH, unexpanded.  Raise an error when FILE is not an ELF file.")
#define FUNC_NAME "%elf-dependencies"
{
  SCM_VALIDATE_STRING(1, file);
  std::string name = to_string(file, 1, FUNC_NAME);
  host::ElfFile elf;
  BYRE_GUARD(FUNC_NAME, { elf = host::read_elf(name); });
  return scm_list_3(elf.interpreter ? scm_from_utf8_string(elf.interpreter->c_str())
                                    : SCM_BOOL_F,
                    from_strings(elf.needed),
                    from_strings(elf.runpath.empty() ? elf.rpath : elf.runpath));
}
#undef FUNC_NAME

BYRE_DEFINE(file_closure, "%file-closure", 2, 0, 0, (SCM files, SCM directories),
            "Return the file closure of FILES and DIRECTORIES, lists of absolute "
            "file names, as the kernel and the dynamic loader resolve them: a "
            "list, sorted by file name, of (file PATH), (directory PATH) and "
            "(symlink PATH TARGET) entries.  A directory is needed whole; nothing "
            "beneath a listed directory is listed.")
#define FUNC_NAME "%file-closure"
{
  std::vector<std::string> file_names = to_strings(files, 1, FUNC_NAME);
  std::vector<std::string> directory_names = to_strings(directories, 2, FUNC_NAME);
  std::vector<host::Entry> entries;
  BYRE_GUARD(FUNC_NAME, { entries = host::file_closure(file_names, directory_names); });
  return entries_to_scm(entries);
}
#undef FUNC_NAME

BYRE_DEFINE(host_guile_closure, "%host-guile-closure", 2, 0, 0,
            (SCM program, SCM directories),
            "Return the file closure, as %file-closure does, of PROGRAM, a guile "
            "executable (a file name, or a name searched in PATH), with its "
            "libguile's extension directory, the C library's gconv directory and "
            "DIRECTORIES, the load path directories, those that exist.")
#define FUNC_NAME "%host-guile-closure"
{
  std::string program_name = to_string(program, 1, FUNC_NAME);
  std::vector<std::string> directory_names = to_strings(directories, 2, FUNC_NAME);
  std::vector<host::Entry> entries;
  BYRE_GUARD(FUNC_NAME,
             { entries = host::host_guile_closure(program_name, directory_names); });
  return entries_to_scm(entries);
}
#undef FUNC_NAME

void init_host() {
#include "guile/host.x"
}

}  // namespace byre::guile
