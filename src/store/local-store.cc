// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the local store: opening, adding items, queries, roots.
// (Deletion, garbage collection and checking are in gc.cc.)
#include "store/local-store.hh"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "store/base32.hh"
#include "store/canonicalise.hh"
#include "store/directory.hh"
#include "store/error.hh"
#include "store/fd.hh"
#include "store/hash.hh"
#include "store/locks.hh"
#include "store/nar-restore.hh"
#include "store/nar.hh"
#include "store/roots.hh"
#include "store/scanner.hh"
#include "store/store-path.hh"
#include "store/temp-item.hh"

namespace byre::store {

namespace {

// NAME without trailing slashes, made absolute against the working
// directory.
std::string absolute_name(std::string name) {
  if (name.empty()) throw invalid_input("empty directory name", name);
  if (name[0] != '/') {
    std::string cwd(4096, '\0');
    while (!::getcwd(cwd.data(), cwd.size())) {
      if (errno != ERANGE) throw_errno("getcwd", name);
      cwd.resize(cwd.size() * 2);
    }
    cwd.resize(std::strlen(cwd.c_str()));
    name = (cwd == "/" ? "" : cwd) + "/" + name;
  }
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  return name;
}

// mkdir -p DIR.
void make_directories(const std::string& dir) {
  for (std::size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    std::string part = dir.substr(0, slash);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) throw_errno("mkdir", part);
    if (slash == std::string::npos) break;
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) throw_errno("stat", dir);
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    throw_errno("mkdir", dir);
  }
}

// Refuse DIR (WHAT says which directory it is) when another user could
// swap or fill it: DIR a symbolic link, or DIR or one of its ancestors
// owned by a user other than root and us, or writable by group or others
// without the sticky bit (in a sticky directory such as /tmp, only an
// entry's owner can rename or remove it).  As Nix refuses a symlinked
// store: a collector following a link another user planted deletes where
// that user chose.
void check_safe_directory(const std::string& dir, const char* what) {
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) throw_errno("lstat", dir);
  if (S_ISLNK(st.st_mode))
    throw invalid_input(std::string(what) +
                            " is a symbolic link (name the directory it points "
                            "to instead)",
                        dir);
  uid_t me = ::geteuid();
  for (std::string d = dir;;) {
    if (::stat(d.c_str(), &st) != 0) throw_errno("stat", d);
    if (st.st_uid != 0 && st.st_uid != me)
      throw invalid_input(std::string(what) + " " + dir + " is in a directory of user " +
                              std::to_string(st.st_uid) +
                              ", who could replace it (choose a directory of "
                              "your own or root's)",
                          d);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
      throw invalid_input(std::string(what) + " " + dir +
                              " is in a directory other users can write to "
                              "(run chmod go-w on it, or choose another)",
                          d);
    if (d == "/") break;
    std::size_t slash = d.rfind('/');
    d = slash == 0 ? "/" : d.substr(0, slash);
  }
}

bool exists(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  throw_errno("lstat", path);
}

std::string basename_of(std::string_view path) {
  return std::string(path.substr(path.rfind('/') + 1));
}


void write_all(int fd, Bytes data, const std::string& file) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("write", file);
    }
    data = data.subspan(static_cast<std::size_t>(n));
  }
}

// The NAR framing of one regular file, for contents streamed in between.
void nar_token(Sink& sink, std::string_view s) {
  unsigned char le[8];
  for (int i = 0; i < 8; ++i) le[i] = static_cast<unsigned char>(s.size() >> (8 * i));
  sink.write(Bytes(le, 8));
  sink.write(s);
  static constexpr unsigned char zeros[8] = {};
  if (s.size() % 8) sink.write(Bytes(zeros, 8 - s.size() % 8));
}

}  // namespace

LocalStore::LocalStore(std::string store_dir, std::string state_dir, Options options)
    : store_dir_(absolute_name(std::move(store_dir))),
      state_dir_(absolute_name(std::move(state_dir))),
      locks_dir_(state_dir_ + "/locks"),
      gcroots_dir_(state_dir_ + "/gcroots"),
      temproots_dir_(state_dir_ + "/temproots"),
      gc_lock_(state_dir_ + "/gc.lock"),
      options_(std::move(options)) {
  check_prefix(store_dir_);
  for (const std::string& dir : {store_dir_, state_dir_ + "/db", gcroots_dir_ + "/auto",
                                 temproots_dir_, locks_dir_})
    make_directories(dir);
  check_safe_directory(store_dir_, "store directory");
  check_safe_directory(state_dir_, "state directory");
  Database::Options db_options;
  db_options.fsync = options_.fsync;
  db_ = std::make_unique<Database>(state_dir_ + "/db/db.sqlite", store_dir_, db_options);
  temp_roots_ = TempRoots::of_process(temproots_dir_);
  remove_debris();
}

LocalStore::~LocalStore() = default;

std::string LocalStore::lock_file(std::string_view item_path) const {
  return locks_dir_ + "/" + basename_of(item_path) + std::string(TempItem::lock_suffix);
}

void LocalStore::step(std::string_view name) {
  if (options_.hook) options_.hook(name);
}

// Debris of killed processes is found through its lock files, so opening
// costs a listing of the locks folder, not of the store.
void LocalStore::remove_debris() {
  for (const std::string& name : directory_entries(locks_dir_)) {
    if (!name.ends_with(TempItem::lock_suffix)) continue;
    std::string file = locks_dir_ + "/" + name;
    auto lock = PathLock::try_acquire(file, true, false);
    if (!lock) continue;  // held: someone is at work
    if (!name.starts_with(TempItem::prefix)) continue;  // an item lock: unlinked on release
    std::string base = name.substr(0, name.size() - TempItem::lock_suffix.size());
    remove_tree(store_dir_ + "/" + base);
    // The final items it was about to register or had begun to delete.
    std::string targets;
    char buffer[4096];
    for (off_t offset = 0;;) {
      ssize_t n = ::pread(lock->fd(), buffer, sizeof buffer, offset);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("read", file);
      }
      if (n == 0) break;
      targets.append(buffer, static_cast<std::size_t>(n));
      offset += n;
    }
    for (std::size_t start = 0, end; (end = targets.find('\n', start)) != std::string::npos;
         start = end + 1) {
      std::string path = store_dir_ + "/" + targets.substr(start, end - start);
      if (!parse_store_path(store_dir_, path) || !exists(path)) continue;
      auto item_lock = PathLock::try_acquire(lock_file(path), true);
      if (item_lock && !db_->is_valid(path)) remove_item(path);
    }
  }
}

std::uint64_t LocalStore::remove_item(const std::string& path) {
  // Whatever the database says (a row may have been written by hand), only
  // a name directly under the store directory is ever deleted.
  if (!parse_store_path(store_dir_, path))
    throw invalid_input("refusing to delete what is not an item of the store " + store_dir_,
                        path);
  TempItem trash(store_dir_, locks_dir_, basename_of(path));
  if (::rename(path.c_str(), trash.path().c_str()) != 0) {
    if (errno == ENOENT) return 0;
    throw_errno("rename", path);
  }
  return remove_tree(trash.path());
}

Graph& LocalStore::graph() {
  std::int64_t version = db_->data_version();
  if (!graph_ || version != graph_version_) {
    graph_.reset();
    graph_ = db_->load_graph();
    graph_version_ = version;
  }
  return *graph_;
}

Graph::Id LocalStore::id_of(const Graph& graph, std::string_view path) {
  split_store_path(store_dir_, path);
  if (auto id = graph.find(path)) return *id;
  throw invalid_input("not a valid store item", std::string(path));
}

void LocalStore::register_info(const PathInfo& info) {
  db_->register_path(info);
  // Keep the cached graph in step with our own commit, unless another
  // process committed since it was loaded (then it is loaded again).
  if (!graph_) return;
  if (db_->data_version() != graph_version_) {
    graph_.reset();
    return;
  }
  Graph::Id id = graph_->add(info.path);
  std::vector<Graph::Id> refs;
  for (const std::string& ref : info.references) {
    auto r = graph_->find(ref);
    if (!r) {
      graph_.reset();
      return;
    }
    refs.push_back(*r);
  }
  graph_->set_references(id, refs);
}

bool LocalStore::prepare(const std::string& path) {
  if (db_->is_valid(path)) return true;
  // A whole item nobody registered (its writer died after renaming it):
  // ours to replace, since we hold its lock.
  if (exists(path)) remove_item(path);
  return false;
}

void LocalStore::place(TempItem& tmp, const std::string& path, const PathInfo& info) {
  std::string base = basename_of(path);
  tmp.set_targets({&base, 1});
  tmp.rename_to(path);
  try {
    step("renamed");
    register_info(info);
  } catch (...) {
    try {
      remove_item(path);
    } catch (...) {
      // The lock file of TMP still names PATH: the next open removes it.
    }
    throw;
  }
  step("registered");
}

std::string LocalStore::add_text(std::string_view name, Bytes text,
                                 const std::vector<std::string>& references) {
  check_name(name);
  for (const std::string& ref : references) {
    split_store_path(store_dir_, ref);
    if (!db_->is_valid(ref)) throw invalid_input("reference is not a valid store item", ref);
  }
  std::string path = text_path(
      store_dir_, name,
      std::string_view(reinterpret_cast<const char*>(text.data()), text.size()),
      references);
  add_temp_root(path);
  if (db_->is_valid(path)) return path;
  PathLock lock = PathLock::acquire(lock_file(path), true);
  if (prepare(path)) return path;

  TempItem tmp(store_dir_, locks_dir_, name);
  {
    Fd fd(::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                 0644));
    if (!fd) throw_errno("open", tmp.path());
    write_all(fd.get(), text, tmp.path());
    if (::close(fd.release()) != 0) throw_errno("close", tmp.path());
  }
  canonicalise(tmp.path());
  step("temporary-written");
  PathInfo info;
  info.path = path;
  Sha256 nar;
  dump_contents(text, false, nar);
  info.nar_size = nar.size();
  info.nar_hash = nar.finish();
  info.references = references;
  place(tmp, path, info);
  return path;
}

std::string LocalStore::add_path(std::string_view name, const std::string& file,
                                 bool recursive, std::string_view algorithm) {
  check_name(name);
  Hasher hasher(algorithm);  // checks ALGORITHM
  TempItem tmp(store_dir_, locks_dir_, name);
  Sha256 nar;
  if (recursive) {
    // One read of FILE: its NAR goes to the NAR hash, the ALGORITHM hash
    // (when it is not sha256) and the copy.
    NarRestorer copy(tmp.path());
    if (algorithm == "sha256") {
      TeeSink tee(nar, copy);
      dump_path(file, tee);
    } else {
      TeeSink hashes(nar, hasher);
      TeeSink tee(hashes, copy);
      dump_path(file, tee);
    }
    copy.finish();
  } else {
    Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!in) throw_errno("open", file);
    struct stat st;
    if (::fstat(in.get(), &st) != 0) throw_errno("fstat", file);
    if (!S_ISREG(st.st_mode))
      throw invalid_input("not a regular file (add it recursively)", file);
    Fd out(::open(tmp.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  0644));
    if (!out) throw_errno("open", tmp.path());
    for (const char* t : {"nix-archive-1", "(", "type", "regular", "contents"}) nar_token(nar, t);
    std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
    unsigned char le[8];
    for (int i = 0; i < 8; ++i) le[i] = static_cast<unsigned char>(size >> (8 * i));
    nar.write(Bytes(le, 8));
    std::vector<unsigned char> buffer(128 * 1024);
    std::uint64_t left = size;
    while (left > 0) {
      ssize_t n = ::read(in.get(), buffer.data(), std::min<std::uint64_t>(left, buffer.size()));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("read", file);
      }
      if (n == 0) throw invalid_input("file shrank while it was read", file);
      Bytes piece(buffer.data(), static_cast<std::size_t>(n));
      nar.write(piece);
      hasher.write(piece);
      write_all(out.get(), piece, tmp.path());
      left -= static_cast<std::uint64_t>(n);
    }
    static constexpr unsigned char zeros[8] = {};
    if (size % 8) nar.write(Bytes(zeros, 8 - size % 8));
    nar_token(nar, ")");
    if (::close(out.release()) != 0) throw_errno("close", tmp.path());
  }
  canonicalise(tmp.path());
  step("temporary-written");

  PathInfo info;
  info.nar_size = nar.size();
  info.nar_hash = nar.finish();
  if (recursive && algorithm == "sha256") {
    info.path = source_path(store_dir_, name, info.nar_hash);
  } else {
    std::vector<unsigned char> digest = hasher.finish();
    info.path = fixed_output_path(store_dir_, name, algorithm, Bytes(digest), recursive);
  }
  add_temp_root(info.path);
  if (db_->is_valid(info.path)) return info.path;
  PathLock lock = PathLock::acquire(lock_file(info.path), true);
  if (prepare(info.path)) return info.path;
  place(tmp, info.path, info);
  return info.path;
}

std::string LocalStore::register_output(const std::string& source, const std::string& output,
                                        const std::vector<std::string>& candidates,
                                        const std::optional<std::string>& deriver) {
  return register_tree(source, output, candidates, deriver, true);
}

std::string LocalStore::register_import(const std::string& source, const std::string& output,
                                        const std::vector<std::string>& references,
                                        const std::optional<std::string>& deriver) {
  for (const std::string& r : references) {
    split_store_path(store_dir_, r);
    if (r != output && !db_->is_valid(r))
      throw invalid_input("reference of " + output + " is not valid", r);
  }
  return register_tree(source, output, references, deriver, false);
}

std::string LocalStore::register_tree(const std::string& source, const std::string& output,
                                      const std::vector<std::string>& candidates,
                                      const std::optional<std::string>& deriver, bool scan) {
  StorePathParts parts = split_store_path(store_dir_, output);
  for (const std::string& c : candidates) split_store_path(store_dir_, c);
  if (deriver) split_store_path(store_dir_, *deriver);
  if (!exists(source)) {
    errno = ENOENT;
    throw_errno("lstat", source);
  }
  add_temp_root(output);
  PathLock lock = PathLock::acquire(lock_file(output), true);
  if (prepare(output)) return output;

  TempItem tmp(store_dir_, locks_dir_, parts.name);
  bool copied = false;
  if (::rename(source.c_str(), tmp.path().c_str()) != 0) {
    if (errno != EXDEV) throw_errno("rename", source);
    NarRestorer copy(tmp.path());
    dump_path(source, copy);
    copy.finish();
    copied = true;
  }
  step("temporary-written");
  canonicalise(tmp.path());

  // One read of the output: its NAR goes to the hasher and the scanner.
  std::vector<std::string> all(candidates);
  all.push_back(output);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::vector<std::string> hash_parts;
  for (const std::string& c : all)
    hash_parts.emplace_back(split_store_path(store_dir_, c).hash_part);
  ReferenceScanner scanner(hash_parts);
  Sha256 nar;
  TeeSink tee(nar, scanner);
  dump_path(tmp.path(), tee);

  PathInfo info;
  info.path = output;
  info.nar_size = nar.size();
  info.nar_hash = nar.finish();
  info.deriver = deriver;
  if (scan) {
    for (std::size_t i : scanner.found_indices()) info.references.push_back(all[i]);
  } else {
    info.references = candidates;
    std::sort(info.references.begin(), info.references.end());
    info.references.erase(std::unique(info.references.begin(), info.references.end()),
                          info.references.end());
  }
  place(tmp, output, info);
  if (copied) remove_tree(source);
  // Identical files become links to one copy, as with Guix's daemon.  A
  // failure (a file system without hard links, say) leaves the item whole,
  // with copies of its own.
  try {
    optimise_tree(links_dir(), output);
  } catch (const std::system_error&) {
  }
  return output;
}

bool LocalStore::is_valid(std::string_view path) {
  return parse_store_path(store_dir_, path) && db_->is_valid(path);
}

std::optional<PathInfo> LocalStore::path_info(std::string_view path) {
  split_store_path(store_dir_, path);
  return db_->query_path_info(path);
}

std::vector<std::string> LocalStore::references(std::string_view path) {
  split_store_path(store_dir_, path);
  return db_->references(path);
}

std::vector<std::string> LocalStore::referrers(std::string_view path) {
  split_store_path(store_dir_, path);
  return db_->referrers(path);
}

namespace {
// Beyond this many changed items since the snapshot, reading them from the
// database costs more than the snapshot saves: the file is rebuilt.
constexpr std::size_t max_snapshot_changes = 512;
}  // namespace

std::optional<GraphChanges> LocalStore::snapshot_changes() {
  if (!snapshot_) snapshot_ = GraphFile::open(state_dir_ + "/db/graph");
  if (!snapshot_) return std::nullopt;
  auto changes = db_->graph_changes(snapshot_->instance(), snapshot_->generation(),
                                    max_snapshot_changes);
  if (!changes) snapshot_.reset();
  return changes;
}

void LocalStore::rebuild_graph_file() {
  const std::string file = state_dir_ + "/db/graph";
  PathLock lock = PathLock::acquire(file + ".lock", false);
  if (snapshot_changes()) return;  // another process rebuilt it meanwhile
  std::int64_t version = db_->data_version();
  Database::GraphLogState state;
  graph_.reset();
  graph_ = db_->load_graph(&state);
  graph_version_ = version;
  GraphFile::write(file, *graph_, state.instance, state.generation);
  db_->trim_graph_log(state.generation);
}

std::vector<std::string> LocalStore::requisites(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) split_store_path(store_dir_, p);
  if (!graph_ || db_->data_version() != graph_version_) {
    // A process that has not loaded the graph: the snapshot, rebuilt once
    // if it cannot be used.
    if (auto changes = snapshot_changes()) return store::requisites(*snapshot_, *changes, paths);
    try {
      rebuild_graph_file();
    } catch (const system_error& e) {
      // A state directory this process cannot write (a store opened
      // read-only): the graph in memory answers.
      if (e.code().value() != EACCES && e.code().value() != EROFS &&
          e.code().value() != EPERM)
        throw;
    }
    if (!graph_ || db_->data_version() != graph_version_)
      if (auto changes = snapshot_changes())
        return store::requisites(*snapshot_, *changes, paths);
  }
  const Graph& g = graph();
  std::vector<Graph::Id> roots;
  for (const std::string& p : paths) roots.push_back(id_of(g, p));
  std::vector<std::string> out;
  for (Graph::Id id : g.requisites(roots)) out.push_back(g.path(id));
  return out;
}

std::vector<std::string> LocalStore::topologically_sorted(const std::vector<std::string>& paths) {
  const Graph& g = graph();
  std::vector<Graph::Id> roots;
  for (const std::string& p : paths) roots.push_back(id_of(g, p));
  std::vector<std::string> out;
  for (Graph::Id id : g.topological_order(roots)) out.push_back(g.path(id));
  return out;
}

std::optional<std::string> LocalStore::hash_part_to_path(std::string_view hash_part) {
  return db_->path_from_hash_part(hash_part);
}

void LocalStore::add_temp_root(std::string_view path) {
  split_store_path(store_dir_, path);
  temp_roots_->add(gc_lock_, path);
}

namespace {

// Make a symbolic link LINK to TARGET, replacing LINK atomically.
void replace_link(const std::string& target, const std::string& link) {
  std::string tmp = link + ".tmp-" + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  if (::symlink(target.c_str(), tmp.c_str()) != 0) throw_errno("symlink", tmp);
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    errno = e;
    throw_errno("rename", link);
  }
}

void check_root_name(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name == "auto" ||
      name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos ||
      name.size() > 200 || name.find(".tmp-") != std::string_view::npos)
    throw invalid_input("invalid root name (empty, \".\", \"..\", \"auto\", "
                        "or holding a '/' or \".tmp-\")",
                        std::string(name));
}

}  // namespace

void LocalStore::add_indirect_root(const std::string& file) {
  std::string abs = absolute_name(file);
  std::string link = gcroots_dir_ + "/auto/" + to_nix_base32(sha256(abs)).substr(0, 32);
  replace_link(abs, link);
}

void LocalStore::add_permanent_root(std::string_view path, std::string_view name) {
  check_root_name(name);
  // As Guix's, the item need not be valid yet (a root for what is about to
  // be built).
  split_store_path(store_dir_, path);
  replace_link(std::string(path), gcroots_dir_ + "/" + std::string(name));
}

void LocalStore::remove_permanent_root(std::string_view name) {
  check_root_name(name);
  std::string link = gcroots_dir_ + "/" + std::string(name);
  struct stat st;
  if (::lstat(link.c_str(), &st) != 0) throw_errno("lstat", link);
  if (!S_ISLNK(st.st_mode)) throw invalid_input("not a root (a symbolic link)", link);
  if (::unlink(link.c_str()) != 0) throw_errno("unlink", link);
}

std::vector<std::pair<std::string, std::string>> LocalStore::roots() {
  std::vector<std::pair<std::string, std::string>> out;
  for (Root& r : find_roots(gcroots_dir_, store_dir_, false))
    out.emplace_back(std::move(r.file), std::move(r.item));
  return out;
}

}  // namespace byre::store
