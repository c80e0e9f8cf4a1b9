// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "host/closure.hh"

#include <dirent.h>
#include <elf.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace byre::host {

namespace {

// The kernel's limit on links followed in one file name lookup.
constexpr int max_links = 40;

[[noreturn]] void throw_errno(int error, const char* operation, const std::string& path) {
  throw std::system_error(error, std::generic_category(),
                          std::string(operation) + " \"" + path + "\"");
}

std::string read_link(const std::string& path) {
  std::string buffer(256, '\0');
  for (;;) {
    ssize_t n = readlink(path.c_str(), buffer.data(), buffer.size());
    if (n < 0) throw_errno(errno, "readlink", path);
    if (static_cast<std::size_t>(n) < buffer.size()) {
      buffer.resize(static_cast<std::size_t>(n));
      return buffer;
    }
    buffer.resize(buffer.size() * 2);
  }
}

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

std::string dirname(const std::string& path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

void read_conf(const std::string& file, int depth, std::vector<std::string>& out) {
  std::ifstream in(file);
  if (!in || depth > 16) return;
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "include") {
      std::string pattern;
      while (words >> pattern) {
        if (pattern[0] != '/') pattern = join(dirname(file), pattern);
        glob_t g{};
        if (glob(pattern.c_str(), 0, nullptr, &g) == 0)
          for (std::size_t i = 0; i < g.gl_pathc; ++i)
            read_conf(g.gl_pathv[i], depth + 1, out);
        globfree(&g);
      }
      continue;
    }
    if (first == "hwcap") continue;
    // Directories are separated by white space, ':' or ','; an old
    // "DIR=TYPE" keeps its DIR.
    std::string dir;
    auto flush = [&] {
      std::string d = dir.substr(0, dir.find('='));
      while (d.size() > 1 && d.back() == '/') d.pop_back();
      if (!d.empty() && d[0] == '/' && std::find(out.begin(), out.end(), d) == out.end())
        out.push_back(d);
      dir.clear();
    };
    for (char c : line) {
      if (c == ' ' || c == '\t' || c == ':' || c == ',')
        flush();
      else
        dir += c;
    }
    flush();
  }
}

const char* multiarch_triplet(int elf_class, uint16_t machine) {
  switch (machine) {
    case EM_X86_64: return elf_class == 64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
    case EM_386: return "i386-linux-gnu";
    case EM_AARCH64: return "aarch64-linux-gnu";
    case EM_ARM: return "arm-linux-gnueabihf";
    case EM_RISCV: return elf_class == 64 ? "riscv64-linux-gnu" : nullptr;
    case EM_PPC64: return "powerpc64le-linux-gnu";
    case EM_LOONGARCH: return "loongarch64-linux-gnu";
    default: return nullptr;
  }
}

}  // namespace

std::vector<std::string> read_ld_so_conf(const std::string& file) {
  std::vector<std::string> out;
  read_conf(file, 0, out);
  return out;
}

std::vector<std::string> default_library_directories(int elf_class, uint16_t machine) {
  std::vector<std::string> out;
  if (const char* triplet = multiarch_triplet(elf_class, machine)) {
    out.push_back(std::string("/lib/") + triplet);
    out.push_back(std::string("/usr/lib/") + triplet);
  }
  if (elf_class == 64) {
    out.push_back("/lib64");
    out.push_back("/usr/lib64");
  }
  out.push_back("/lib");
  out.push_back("/usr/lib");
  return out;
}

// One ELF object as the loader holds it: the name it was opened by (its
// $ORIGIN is that name's directory) and the DT_RPATH it inherits.
struct Closure::Object {
  std::string opened;
  std::string canonical;
  ElfFile elf;
  std::vector<std::string> rpath_chain;  // its own DT_RPATH, then its loaders'
};

Closure::Closure() : Closure(read_ld_so_conf()) {}

Closure::Closure(std::vector<std::string> library_directories)
    : configured_(std::move(library_directories)) {}

// Resolve PATH one component at a time, as the kernel does, and append
// each symbolic link met to LINKS.  Nothing when PATH does not exist.
std::optional<Closure::Resolved> Closure::resolve(const std::string& path,
                                                  std::vector<Entry>& links) {
  if (path.empty() || path[0] != '/')
    throw std::invalid_argument("not an absolute file name: " + path);
  std::vector<std::string> parts = components(path);
  std::deque<std::string> rest(parts.begin(), parts.end());
  std::string current;  // canonical; "" is the root
  bool directory = true;
  int followed = 0;
  while (!rest.empty()) {
    std::string name = std::move(rest.front());
    rest.pop_front();
    if (name == ".") continue;
    if (!directory) return std::nullopt;  // ENOTDIR
    if (name == "..") {
      current.erase(std::min(current.size(), current.rfind('/')));
      continue;
    }
    std::string candidate = current + "/" + name;
    struct stat st;
    if (lstat(candidate.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      throw_errno(errno, "lstat", candidate);
    }
    if (S_ISLNK(st.st_mode)) {
      if (++followed > max_links) throw_errno(ELOOP, "resolve", path);
      std::string target = read_link(candidate);
      links.push_back({candidate, EntryKind::symlink, target});
      std::vector<std::string> more = components(target);
      rest.insert(rest.begin(), more.begin(), more.end());
      if (!target.empty() && target[0] == '/') current.clear();
      continue;
    }
    current = std::move(candidate);
    directory = S_ISDIR(st.st_mode);
  }
  return Resolved{current.empty() ? "/" : current, directory};
}

void Closure::commit(std::vector<Entry>& links) {
  for (Entry& link : links) entries_.emplace(link.path, std::move(link));
  links.clear();
}

std::optional<Closure::Resolved> Closure::resolve_into(const std::string& path) {
  std::vector<Entry> links;
  auto resolved = resolve(path, links);
  if (resolved) {
    commit(links);
    if (!resolved->directory)
      entries_.emplace(resolved->path, Entry{resolved->path, EntryKind::file, {}});
  }
  return resolved;
}

void Closure::add_file(const std::string& file) {
  auto resolved = resolve_into(file);
  if (!resolved) throw_errno(ENOENT, "file closure", file);
  if (resolved->directory) {
    add_directory(resolved->path);
    return;
  }
  if (is_elf(resolved->path)) add_elf(file, *resolved, true);
}

void Closure::add_package_file(const std::string& file) {
  auto resolved = resolve_into(file);
  if (!resolved || resolved->directory) return;
  if (is_elf(resolved->path)) {
    add_elf(file, *resolved, false);
    return;
  }
  // "#!INTERPRETER [ARG]": the kernel execs INTERPRETER.
  std::ifstream in(resolved->path, std::ios::binary);
  char magic[2] = {0, 0};
  if (!in.read(magic, 2) || magic[0] != '#' || magic[1] != '!') return;
  std::string line;
  std::getline(in, line);
  std::istringstream words(line);
  std::string interpreter;
  words >> interpreter;
  if (interpreter.empty() || interpreter[0] != '/') return;
  auto program = resolve_into(interpreter);
  if (program && !program->directory && is_elf(program->path))
    add_elf(interpreter, *program, false);
}

void Closure::add_directory(const std::string& directory) {
  std::vector<Entry> links;
  auto resolved = resolve(directory, links);
  if (!resolved) throw_errno(ENOENT, "file closure", directory);
  if (!resolved->directory)
    throw std::invalid_argument("file closure: not a directory: " + directory);
  commit(links);
  directories_.insert(resolved->path);
  scan_directory(resolved->path);
}

std::optional<std::string> Closure::find_library(const std::string& name,
                                                 const Object& object, bool strict) {
  enum Source { object_path, configured, builtin };
  std::vector<std::pair<std::string, int>> dirs;
  auto add = [&](const std::string& dir, int source) {
    if (dir.empty() || dir[0] != '/') return;  // relative: the caller's cwd
    for (const auto& d : dirs)
      if (d.first == dir) return;
    dirs.emplace_back(dir, source);
  };
  std::string origin = dirname(object.opened);
  if (object.elf.runpath.empty())
    for (const std::string& d : object.rpath_chain) add(d, object_path);
  for (const std::string& d : object.elf.runpath)
    if (auto expanded = expand_origin(d, origin)) add(*expanded, object_path);
  for (const std::string& d : configured_) add(d, configured);
  std::vector<std::string> builtins =
      default_library_directories(object.elf.elf_class, object.elf.machine);
  for (const std::string& d : builtins) add(d, builtin);

  // Modules in a scanned directory need the same few libraries through
  // the same directories: look each up once.
  std::string key = name + '\0' + std::to_string(object.elf.elf_class) + '\0' +
                    std::to_string(object.elf.machine);
  for (const auto& d : dirs) key += '\0' + d.first;
  if (auto cached = lookups_.find(key); cached != lookups_.end()) {
    if (!cached->second && strict)
      throw std::runtime_error("file closure: " + name + ", needed by " + object.opened +
                               ", is not found in the library search path");
    return cached->second;
  }
  auto found = search_library(name, object, dirs, builtins, strict);
  lookups_.emplace(std::move(key), found);
  return found;
}

std::optional<std::string> Closure::search_library(
    const std::string& name, const Object& object,
    const std::vector<std::pair<std::string, int>>& dirs,
    const std::vector<std::string>& builtins, bool strict) {
  enum Source { object_path, configured, builtin };
  std::vector<std::string> candidates;
  if (name.find('/') != std::string::npos)
    candidates.push_back(name);
  else
    for (const auto& d : dirs) candidates.push_back(join(d.first, name));

  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const std::string& candidate = candidates[i];
    if (candidate[0] != '/') continue;
    std::vector<Entry> links;
    auto resolved = resolve(candidate, links);
    if (!resolved || resolved->directory) continue;
    // The loader skips a file of another class or machine and goes on.
    try {
      ElfFile elf = read_elf(resolved->path);
      if (elf.elf_class != object.elf.elf_class || elf.machine != object.elf.machine)
        continue;
    } catch (const std::exception&) {
      continue;
    }
    commit(links);
    entries_.emplace(resolved->path, Entry{resolved->path, EntryKind::file, {}});
    if (name.find('/') == std::string::npos && dirs[i].second == configured &&
        std::find(builtins.begin(), builtins.end(), dirs[i].first) == builtins.end() &&
        !needs_cache_) {
      // Found through ld.so.cache only: the loader inside needs the cache.
      needs_cache_ = true;
      resolve_into("/etc/ld.so.cache");
    }
    return candidate;
  }
  if (strict)
    throw std::runtime_error("file closure: " + name + ", needed by " + object.opened +
                             ", is not found in the library search path");
  return std::nullopt;
}

// Add the interpreter and libraries of the ELF file RESOLVED, opened as
// OPENED, breadth first as the loader maps them.  Unless STRICT, what is
// malformed or missing is skipped.
void Closure::add_elf(const std::string& opened, const Resolved& resolved, bool strict) {
  if (!elf_done_.insert(resolved.path).second) return;
  Object root;
  root.opened = resolved.path;  // the kernel's /proc/self/exe: canonical
  root.canonical = resolved.path;
  try {
    root.elf = read_elf(resolved.path);
  } catch (const elf_error&) {
    if (strict) throw;
    return;
  }
  // A separate debug file keeps the program's headers but not their
  // bytes: its PT_INTERP reads as "".  The kernel would refuse it.
  if (root.elf.interpreter && (root.elf.interpreter->empty() ||
                               (*root.elf.interpreter)[0] != '/')) {
    if (strict)
      throw std::invalid_argument("file closure: the interpreter of " + opened +
                                  " is not an absolute file name: \"" +
                                  *root.elf.interpreter + "\"");
    return;
  }
  if (root.elf.interpreter) {
    auto interpreter = resolve_into(*root.elf.interpreter);
    if (!interpreter && strict)
      throw_errno(ENOENT, ("file closure: interpreter of " + opened).c_str(),
                  *root.elf.interpreter);
  }
  auto chain = [](const Object& o, const std::vector<std::string>& inherited) {
    std::vector<std::string> out;
    if (o.elf.runpath.empty())
      for (const std::string& d : o.elf.rpath)
        if (auto expanded = expand_origin(d, dirname(o.opened))) out.push_back(*expanded);
    out.insert(out.end(), inherited.begin(), inherited.end());
    return out;
  };
  root.rpath_chain = chain(root, {});

  // The loader maps a name once: a later DT_NEEDED of the same name is the
  // object already loaded.
  std::map<std::string, bool> seen;
  std::deque<Object> queue{root};
  while (!queue.empty()) {
    Object object = std::move(queue.front());
    queue.pop_front();
    for (const std::string& name : object.elf.needed) {
      if (!seen.emplace(name, true).second) continue;
      auto opened_as = find_library(name, object, strict);
      if (!opened_as) continue;
      std::vector<Entry> ignored;
      auto lib = resolve(*opened_as, ignored);
      libraries_.emplace(name, lib->path);
      if (!elf_done_.insert(lib->path).second) continue;
      Object next;
      next.opened = *opened_as;
      next.canonical = lib->path;
      try {
        next.elf = read_elf(lib->path);
      } catch (const elf_error&) {
        if (strict) throw;
        continue;
      }
      next.rpath_chain = chain(next, object.rpath_chain);
      queue.push_back(std::move(next));
    }
  }
}

void Closure::scan_directory(const std::string& canonical) {
  if (!scanned_.insert(canonical).second) return;
  DIR* dir = opendir(canonical.c_str());
  if (!dir) throw_errno(errno, "opendir", canonical);
  std::vector<std::pair<std::string, unsigned char>> children;
  while (struct dirent* d = readdir(dir)) {
    std::string name = d->d_name;
    if (name == "." || name == "..") continue;
    children.emplace_back(name, d->d_type);
  }
  closedir(dir);
  std::sort(children.begin(), children.end());

  for (auto& [name, type] : children) {
    std::string path = join(canonical, name);
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (lstat(path.c_str(), &st) != 0) continue;
      type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISDIR(st.st_mode) ? DT_DIR
             : S_ISREG(st.st_mode)                               ? DT_REG
                                                                 : DT_UNKNOWN;
    }
    if (type == DT_DIR) {
      scan_directory(path);
    } else if (type == DT_REG) {
      if (is_elf(path)) add_elf(path, Resolved{path, false}, false);
    } else if (type == DT_LNK) {
      // A link to something outside brings it; a dangling one is left.
      std::vector<Entry> links;
      auto resolved = resolve(path, links);
      if (!resolved) continue;
      commit(links);
      if (resolved->directory) {
        directories_.insert(resolved->path);
        scan_directory(resolved->path);
      } else {
        entries_.emplace(resolved->path, Entry{resolved->path, EntryKind::file, {}});
        if (is_elf(resolved->path)) add_elf(path, *resolved, false);
      }
    }
  }
}

std::vector<Entry> Closure::entries() const {
  // Only the outermost declared directories are bound.
  std::set<std::string> dirs;
  auto beneath = [&dirs](const std::string& path) {
    if (dirs.count("/") && path != "/") return true;
    for (std::size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0;
         slash = path.rfind('/', slash - 1))
      if (dirs.count(path.substr(0, slash))) return true;
    return false;
  };
  for (const std::string& d : directories_)  // sorted: outer ones first
    if (!beneath(d)) dirs.insert(d);

  std::map<std::string, Entry> all;
  for (const std::string& d : dirs) all.emplace(d, Entry{d, EntryKind::directory, {}});
  for (const auto& [path, entry] : entries_)
    if (!beneath(path) && !dirs.count(path)) all.emplace(path, entry);
  std::vector<Entry> out;
  out.reserve(all.size());
  for (auto& [path, entry] : all) out.push_back(std::move(entry));
  return out;
}

std::vector<Entry> file_closure(const std::vector<std::string>& files,
                                const std::vector<std::string>& directories) {
  Closure closure;
  for (const std::string& f : files) closure.add_file(f);
  for (const std::string& d : directories) closure.add_directory(d);
  return closure.entries();
}

std::vector<Entry> package_closure(const std::vector<std::string>& files,
                                   const std::vector<std::string>& directories) {
  Closure closure;
  for (const std::string& f : files) closure.add_package_file(f);
  for (const std::string& d : directories) closure.add_directory(d);
  return closure.entries();
}

}  // namespace byre::host
