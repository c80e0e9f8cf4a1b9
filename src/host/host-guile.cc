// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "host/host-guile.hh"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <system_error>

namespace byre::host {

namespace {

bool is_directory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string dirname(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

std::string basename(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string find_program(const std::string& name, const std::string& search_path) {
  if (name.find('/') != std::string::npos) return name;
  std::size_t start = 0;
  for (;;) {
    std::size_t colon = search_path.find(':', start);
    std::string dir = search_path.substr(start, colon == std::string::npos
                                                    ? std::string::npos
                                                    : colon - start);
    if (!dir.empty() && dir[0] == '/') {
      std::string candidate = dir + "/" + name;
      struct stat st;
      if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          access(candidate.c_str(), X_OK) == 0)
        return candidate;
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  throw std::system_error(ENOENT, std::generic_category(),
                          "find program \"" + name + "\" in \"" + search_path + "\"");
}

std::vector<std::string> guile_extension_directories(const std::string& libguile) {
  // "libguile-3.0.so.1.5.0": the effective version is between the dash
  // and ".so".
  std::string base = basename(libguile);
  const std::string prefix = "libguile-";
  std::size_t so = base.find(".so");
  if (base.compare(0, prefix.size(), prefix) != 0 || so == std::string::npos) return {};
  std::string version = base.substr(prefix.size(), so - prefix.size());
  std::string extensions = dirname(libguile) + "/guile/" + version + "/extensions";
  if (!is_directory(extensions)) return {};
  return {extensions};
}

std::vector<Entry> host_guile_closure(const std::string& program,
                                      const std::vector<std::string>& directories) {
  const char* path = std::getenv("PATH");
  std::string file = find_program(program.empty() ? "guile" : program,
                                  path ? path : "/usr/local/bin:/usr/bin:/bin");
  Closure closure;
  closure.add_file(file);
  // A copy: adding directories may find more libraries.
  std::map<std::string, std::string> libraries = closure.libraries();
  for (const auto& [name, canonical] : libraries) {
    if (name.compare(0, 9, "libguile-") == 0)
      for (const std::string& dir : guile_extension_directories(canonical))
        closure.add_directory(dir);
    if (name == "libc.so.6") {
      std::string gconv = dirname(canonical) + "/gconv";
      if (is_directory(gconv)) closure.add_directory(gconv);
    }
  }
  // Guile decodes file names with the locale's encoding: code that must
  // read any file name (a profile's union of ca-certificates' names) sets
  // C.UTF-8, which Debian's glibc keeps in a directory, not built in.
  if (is_directory("/usr/lib/locale/C.utf8")) closure.add_directory("/usr/lib/locale/C.utf8");
  for (const std::string& dir : directories)
    if (is_directory(dir)) closure.add_directory(dir);
  return closure.entries();
}

}  // namespace byre::host
