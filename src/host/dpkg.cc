// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "host/dpkg.hh"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <string_view>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace byre::host {

namespace {

struct Stanza {
  std::string name, architecture, version, status, multi_arch;
};

// A file's identity for the caches: they are read again when it changes.
struct Stamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = -1;
  long mtime_sec = 0, mtime_nsec = 0;
  bool operator==(const Stamp&) const = default;
};

Stamp stamp_of(const std::string& file) {
  struct stat st;
  if (stat(file.c_str(), &st) != 0) return {};
  return {st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
}

struct Database {
  Stamp status_stamp, diversions_stamp, alternatives_stamp;
  std::multimap<std::string, Stanza> stanzas;  // by name
  std::string native;                          // dpkg's own architecture
  std::map<std::string, std::pair<std::string, std::string>> diversions;  // FROM -> (TO, PACKAGE)
  // Alternatives: LINK -> /etc/alternatives/NAME, for master and slaves.
  std::vector<std::pair<std::string, std::string>> alternative_links;
  // Packages already read, by spec: valid while the stamps are.
  mutable std::mutex packages_mutex;
  mutable std::map<std::string, std::optional<DpkgPackage>> packages;
};

std::mutex cache_mutex;
std::map<std::string, std::shared_ptr<const Database>> cache;  // by admindir

void read_status(const std::string& file, Database& db) {
  // One read of the whole file, then lines as views into it: the status
  // file of a desktop is several megabytes, of which five fields a
  // stanza are wanted.
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw std::system_error(errno, std::generic_category(), "open \"" + file + "\"");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Stanza current;
  auto flush = [&] {
    if (!current.name.empty()) {
      if (current.name == "dpkg" && db.native.empty()) db.native = current.architecture;
      std::string name = current.name;
      db.stanzas.emplace(std::move(name), std::move(current));
    }
    current = Stanza{};
  };
  std::string_view rest(text);
  while (!rest.empty()) {
    std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') continue;  // a continuation line
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view field = line.substr(0, colon);
    std::string* into = field == "Package"        ? &current.name
                        : field == "Architecture" ? &current.architecture
                        : field == "Version"      ? &current.version
                        : field == "Status"       ? &current.status
                        : field == "Multi-Arch"   ? &current.multi_arch
                                                  : nullptr;
    if (!into) continue;
    std::size_t start = line.find_first_not_of(' ', colon + 1);
    *into = start == std::string_view::npos ? std::string() : std::string(line.substr(start));
  }
  flush();
}

void read_diversions(const std::string& file, Database& db) {
  std::ifstream in(file);
  std::string from, to, package;
  while (std::getline(in, from) && std::getline(in, to) && std::getline(in, package))
    db.diversions[from] = {to, package};
}

void read_alternatives(const std::string& dir, Database& db) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> names;
  while (struct dirent* e = readdir(d))
    if (e->d_name[0] != '.') names.push_back(e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::ifstream in(dir + "/" + name);
    std::string mode, master;
    if (!std::getline(in, mode) || !std::getline(in, master)) continue;
    db.alternative_links.emplace_back(master, "/etc/alternatives/" + name);
    std::string slave, link;
    while (std::getline(in, slave) && !slave.empty() && std::getline(in, link))
      db.alternative_links.emplace_back(link, "/etc/alternatives/" + slave);
  }
}

std::shared_ptr<const Database> database(const std::string& admindir) {
  Stamp status = stamp_of(admindir + "/status");
  Stamp diversions = stamp_of(admindir + "/diversions");
  Stamp alternatives = stamp_of(admindir + "/alternatives");
  std::lock_guard<std::mutex> lock(cache_mutex);
  auto found = cache.find(admindir);
  if (found != cache.end() && found->second->status_stamp == status &&
      found->second->diversions_stamp == diversions &&
      found->second->alternatives_stamp == alternatives)
    return found->second;
  auto db = std::make_shared<Database>();
  db->status_stamp = status;
  db->diversions_stamp = diversions;
  db->alternatives_stamp = alternatives;
  read_status(admindir + "/status", *db);
  read_diversions(admindir + "/diversions", *db);
  read_alternatives(admindir + "/alternatives", *db);
  cache[admindir] = db;
  return db;
}

// A directory, or a link to one (/bin on a merged /usr).
bool is_directory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

std::string read_link(const std::string& path) {
  char buffer[PATH_MAX];
  ssize_t n = readlink(path.c_str(), buffer, sizeof buffer);
  return n < 0 ? std::string() : std::string(buffer, static_cast<std::size_t>(n));
}

// The canonical file a link leads to, or "" when it leads nowhere.
std::string real_path(const std::string& path) {
  char buffer[PATH_MAX];
  return realpath(path.c_str(), buffer) ? std::string(buffer) : std::string();
}

// canonical_directory_part with the directories resolved so far: a
// package's files share few directories, and realpath(3) reads every link
// of the way each time.
class Canonicaliser {
 public:
  std::string operator()(const std::string& file) {
    std::size_t slash = file.rfind('/');
    if (slash == std::string::npos || slash == 0) return file;
    std::string dir = file.substr(0, slash);
    auto found = directories_.find(dir);
    if (found == directories_.end())
      found = directories_.emplace(dir, real_path(dir)).first;
    if (found->second.empty()) return file;
    return (found->second == "/" ? "" : found->second) + file.substr(slash);
  }

 private:
  std::map<std::string, std::string> directories_;
};

}  // namespace

std::string canonical_directory_part(const std::string& file) {
  return Canonicaliser()(file);
}

namespace {

std::optional<DpkgPackage> read_package(const Database& db, const std::string& spec,
                                        const std::string& admindir);

}  // namespace

std::optional<DpkgPackage> dpkg_package(const std::string& spec, const std::string& admindir) {
  std::shared_ptr<const Database> db = database(admindir);
  {
    std::lock_guard<std::mutex> lock(db->packages_mutex);
    auto found = db->packages.find(spec);
    if (found != db->packages.end()) return found->second;
  }
  auto package = read_package(*db, spec, admindir);
  std::lock_guard<std::mutex> lock(db->packages_mutex);
  db->packages.emplace(spec, package);
  return package;
}

namespace {

std::optional<DpkgPackage> read_package(const Database& database, const std::string& spec,
                                        const std::string& admindir) {
  const Database* db = &database;
  std::size_t colon = spec.find(':');
  std::string name = spec.substr(0, colon);
  std::string arch = colon == std::string::npos ? "" : spec.substr(colon + 1);

  auto [begin, end] = db->stanzas.equal_range(name);
  const Stanza* chosen = nullptr;
  for (auto it = begin; it != end; ++it) {
    const Stanza& s = it->second;
    if (!arch.empty()) {
      if (s.architecture == arch) chosen = &s;
      continue;
    }
    if (s.architecture == db->native) {
      chosen = &s;
      break;
    }
    if (s.architecture == "all" || !chosen) chosen = &s;
  }
  if (!chosen) return std::nullopt;

  DpkgPackage out;
  out.name = chosen->name;
  out.architecture = chosen->architecture;
  out.version = chosen->version;
  out.status = chosen->status;
  {
    std::istringstream words(chosen->status);
    std::string want, flag, state;
    words >> want >> flag >> state;
    out.installed = state == "installed";
  }
  if (!out.installed) return out;

  std::string list = admindir + "/info/" + out.name + ":" + out.architecture + ".list";
  if (chosen->multi_arch != "same" || !exists(list))
    list = admindir + "/info/" + out.name + ".list";
  std::ifstream in(list);
  if (!in)
    throw std::system_error(errno, std::generic_category(), "open \"" + list + "\"");
  Canonicaliser canonical_part;
  std::set<std::string> files;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '/') continue;
    auto diverted = db->diversions.find(line);
    if (diverted != db->diversions.end() && diverted->second.second != out.name)
      line = diverted->second.first;
    std::string file = canonical_part(line);
    if (!exists(file) || is_directory(file)) continue;
    files.insert(file);
  }
  out.files.assign(files.begin(), files.end());

  for (const auto& [link, alternative] : db->alternative_links) {
    std::string chosen_file = read_link(alternative);
    if (chosen_file.empty()) continue;
    std::string canonical = canonical_part(chosen_file);
    if (files.count(canonical)) {
      std::string at = canonical_part(link);
      if (exists(at)) out.alternatives.emplace_back(at, canonical);
    }
  }
  std::sort(out.alternatives.begin(), out.alternatives.end());
  return out;
}

}  // namespace

namespace {

[[noreturn]] void fail(const char* operation, const std::string& file) {
  throw std::system_error(errno, std::generic_category(),
                          std::string(operation) + " \"" + file + "\"");
}

// The directories above RELATIVE, made as needed.  An entry beneath one
// that is already a link is refused (ENOTDIR), never made through it: the
// link leads to the host's files, and root would write there.
void make_parents(const std::string& root, const std::string& relative,
                  std::set<std::string>& made) {
  for (std::size_t slash = relative.find('/'); slash != std::string::npos;
       slash = relative.find('/', slash + 1)) {
    std::string dir = root + "/" + relative.substr(0, slash);
    if (made.count(dir)) continue;
    if (mkdir(dir.c_str(), 0755) != 0) {
      struct stat st;
      if (errno != EEXIST) fail("mkdir", dir);
      if (lstat(dir.c_str(), &st) != 0) fail("lstat", dir);
      if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        fail("mkdir", dir);
      }
    }
    made.insert(dir);
  }
}

// FILE is relative and stays beneath the tree: no "." or ".." component
// ("..fish", fish's completion of `..', is a file name like any other).
void check_relative(const std::string& file) {
  bool fine = !file.empty() && file[0] != '/';
  for (std::size_t start = 0; fine && start <= file.size();) {
    std::size_t end = std::min(file.find('/', start), file.size());
    std::string_view part(file.data() + start, end - start);
    fine = !part.empty() && part != "." && part != "..";
    start = end + 1;
  }
  if (!fine) throw std::invalid_argument("not a relative file name beneath the tree: " + file);
}

}  // namespace

void make_link_tree(const std::string& root,
                    const std::vector<std::pair<std::string, std::string>>& links,
                    const std::vector<std::pair<std::string, std::string>>& files) {
  if (mkdir(root.c_str(), 0755) != 0) fail("mkdir", root);
  std::set<std::string> made;
  for (const auto& [file, target] : links) {
    check_relative(file);
    make_parents(root, file, made);
    std::string at = root + "/" + file;
    if (symlink(target.c_str(), at.c_str()) != 0) fail("symlink", at);
  }
  for (const auto& [file, text] : files) {
    check_relative(file);
    make_parents(root, file, made);
    std::string at = root + "/" + file;
    // O_EXCL: a file never replaces an entry, nor writes through a link.
    int fd = open(at.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) fail("open", at);
    for (std::size_t done = 0; done < text.size();) {
      ssize_t n = write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        fail("write", at);
      }
      done += static_cast<std::size_t>(n);
    }
    if (close(fd) != 0) fail("close", at);
  }
}

}  // namespace byre::host
