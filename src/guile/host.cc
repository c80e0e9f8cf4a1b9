// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Bindings of src/host: ELF dependencies and the file closure of host
// software.
#include "guile/bindings.hh"
#include "host/closure.hh"
#include "host/dpkg.hh"
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

// Check that LIST is a list of strings, before any C++ object exists.
void check_strings(SCM list, int pos, const char* subr) {
  SCM_ASSERT_TYPE(scm_is_true(scm_list_p(list)), list, pos, subr, "list of strings");
  for (SCM l = list; scm_is_pair(l); l = scm_cdr(l))
    SCM_ASSERT_TYPE(scm_is_string(scm_car(l)), list, pos, subr, "list of strings");
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
  // Every Guile error (argument checks here, allocation below) happens
  // while no C++ object is live: a throw is a longjmp.
  SCM_VALIDATE_STRING(1, file);
  SCM result = SCM_BOOL_F;
  BYRE_GUARD(FUNC_NAME, {
    host::ElfFile elf = host::read_elf(to_string(file, 1, FUNC_NAME));
    std::vector<std::string> needed = elf.needed;
    std::vector<std::string> path = elf.runpath.empty() ? elf.rpath : elf.runpath;
    std::string interpreter = elf.interpreter ? *elf.interpreter : std::string();
    bool has_interpreter = elf.interpreter.has_value();
    // Plain C strings for the conversion below, outside the C++ scope.
    result = scm_list_3(has_interpreter ? scm_from_utf8_string(interpreter.c_str()) : SCM_BOOL_F,
                        from_strings(needed), from_strings(path));
  });
  return result;
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
  check_strings(files, 1, FUNC_NAME);
  check_strings(directories, 2, FUNC_NAME);
  SCM result = SCM_EOL;
  BYRE_GUARD(FUNC_NAME, {
    std::vector<host::Entry> entries = host::file_closure(
        to_strings(files, 1, FUNC_NAME), to_strings(directories, 2, FUNC_NAME));
    result = entries_to_scm(entries);
  });
  return result;
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
  SCM_VALIDATE_STRING(1, program);
  check_strings(directories, 2, FUNC_NAME);
  SCM result = SCM_EOL;
  BYRE_GUARD(FUNC_NAME, {
    std::vector<host::Entry> entries = host::host_guile_closure(
        to_string(program, 1, FUNC_NAME), to_strings(directories, 2, FUNC_NAME));
    result = entries_to_scm(entries);
  });
  return result;
}
#undef FUNC_NAME

BYRE_DEFINE(package_closure, "%package-closure", 2, 0, 0, (SCM files, SCM directories),
            "Return the file closure, as %file-closure does, of FILES, files of "
            "installed packages, taken leniently (what is missing is skipped; a "
            "script brings the interpreter of its #! line), and of DIRECTORIES, "
            "needed whole.")
#define FUNC_NAME "%package-closure"
{
  std::vector<std::string> file_names = to_strings(files, 1, FUNC_NAME);
  std::vector<std::string> directory_names = to_strings(directories, 2, FUNC_NAME);
  std::vector<host::Entry> entries;
  BYRE_GUARD(FUNC_NAME, { entries = host::package_closure(file_names, directory_names); });
  return entries_to_scm(entries);
}
#undef FUNC_NAME

BYRE_DEFINE(dpkg_package, "%dpkg-package", 2, 0, 0, (SCM spec, SCM admindir),
            "Return what dpkg's database in ADMINDIR records of the package SPEC "
            "(\"NAME\" or \"NAME:ARCH\"): a list (NAME ARCHITECTURE VERSION STATUS "
            "INSTALLED? FILES ALTERNATIVES), where FILES are its files (no "
            "directories) canonicalised for a merged /usr with diversions "
            "followed, and ALTERNATIVES the (LINK . CHOSEN) pairs of the "
            "alternatives whose choice is one of FILES; or #f when no stanza "
            "names SPEC.")
#define FUNC_NAME "%dpkg-package"
{
  std::string name = to_string(spec, 1, FUNC_NAME);
  std::string dir = to_string(admindir, 2, FUNC_NAME);
  std::optional<host::DpkgPackage> package;
  BYRE_GUARD(FUNC_NAME, { package = host::dpkg_package(name, dir); });
  if (!package) return SCM_BOOL_F;
  SCM alternatives = SCM_EOL;
  for (auto it = package->alternatives.rbegin(); it != package->alternatives.rend(); ++it)
    alternatives = scm_cons(scm_cons(scm_from_utf8_string(it->first.c_str()),
                                     scm_from_utf8_string(it->second.c_str())),
                            alternatives);
  return scm_list_n(scm_from_utf8_string(package->name.c_str()),
                    scm_from_utf8_string(package->architecture.c_str()),
                    scm_from_utf8_string(package->version.c_str()),
                    scm_from_utf8_string(package->status.c_str()),
                    scm_from_bool(package->installed), from_strings(package->files),
                    alternatives, SCM_UNDEFINED);
}
#undef FUNC_NAME

namespace {

std::vector<std::pair<std::string, std::string>> to_pairs(SCM list, int pos,
                                                          const char* subr) {
  SCM_ASSERT_TYPE(scm_is_true(scm_list_p(list)), list, pos, subr, "list of pairs");
  for (SCM l = list; scm_is_pair(l); l = scm_cdr(l))
    SCM_ASSERT_TYPE(scm_is_pair(scm_car(l)) && scm_is_string(scm_caar(l)) &&
                        scm_is_string(scm_cdar(l)),
                    list, pos, subr, "list of pairs of strings");
  std::vector<std::pair<std::string, std::string>> out;
  for (SCM l = list; scm_is_pair(l); l = scm_cdr(l))
    out.emplace_back(to_string(scm_caar(l), pos, subr), to_string(scm_cdar(l), pos, subr));
  return out;
}

}  // namespace

BYRE_DEFINE(make_link_tree, "%make-link-tree", 3, 0, 0, (SCM root, SCM links, SCM files),
            "Make ROOT, a directory that must not exist, holding for each (FILE . "
            "TARGET) of LINKS a symbolic link FILE (relative) to TARGET, and for "
            "each (FILE . TEXT) of FILES a regular file, with the directories on "
            "the way.  File names are passed as UTF-8 bytes, whatever the locale.")
#define FUNC_NAME "%make-link-tree"
{
  std::string dir = to_string(root, 1, FUNC_NAME);
  auto link_pairs = to_pairs(links, 2, FUNC_NAME);
  auto file_pairs = to_pairs(files, 3, FUNC_NAME);
  BYRE_GUARD(FUNC_NAME, { host::make_link_tree(dir, link_pairs, file_pairs); });
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

void init_host() {
#include "guile/host.x"
}

}  // namespace byre::guile
