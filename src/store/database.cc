// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the store database (SQLite).
#include "store/database.hh"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <set>

#include "store/error.hh"
#include "store/store-path.hh"

namespace byre::store {

namespace {

// Guix's schema (nix/libstore/schema.sql), unchanged.
constexpr const char* schema = R"sql(
create table if not exists ValidPaths (
    id               integer primary key autoincrement not null,
    path             text unique not null,
    hash             text not null,
    registrationTime integer not null,
    deriver          text,
    narSize          integer
);

create table if not exists Refs (
    referrer  integer not null,
    reference integer not null,
    primary key (referrer, reference),
    foreign key (referrer) references ValidPaths(id) on delete cascade,
    foreign key (reference) references ValidPaths(id) on delete restrict
);

create index if not exists IndexReferrer on Refs(referrer);
create index if not exists IndexReference on Refs(reference);

-- A self-reference would make the deletion of its item violate the
-- `on delete restrict' of the reference column: remove it first.
create trigger if not exists DeleteSelfRefs before delete on ValidPaths
  begin
    delete from Refs where referrer = old.id and reference = old.id;
  end;

create table if not exists DerivationOutputs (
    drv  integer not null,
    id   text not null, -- symbolic output id, usually "out"
    path text not null,
    primary key (drv, id),
    foreign key (drv) references ValidPaths(id) on delete cascade
);

create index if not exists IndexDerivationOutputs on DerivationOutputs(path);
)sql";

// byre's own: the change log of the reference graph (graph-file.hh),
// written by triggers so that no writer, byre or not, can change the graph
// without the snapshot file's being found stale.
constexpr const char* graph_log_schema = R"sql(
create table if not exists GraphChanges (
    generation integer primary key autoincrement not null,
    path       text not null
);

create table if not exists GraphLog (
    id       integer primary key check (id = 0),
    instance integer not null,
    floor    integer not null
);

insert or ignore into GraphLog (id, instance, floor) values (0, random(), 0);

create trigger if not exists GraphChangeInsert after insert on ValidPaths
  begin
    insert into GraphChanges (path) values (new.path);
  end;

create trigger if not exists GraphChangeUpdate after update on ValidPaths
  begin
    insert into GraphChanges (path) select old.path where old.path <> new.path;
    insert into GraphChanges (path) values (new.path);
  end;

create trigger if not exists GraphChangeDelete after delete on ValidPaths
  begin
    insert into GraphChanges (path) values (old.path);
  end;

create trigger if not exists GraphChangeRefInsert after insert on Refs
  begin
    insert into GraphChanges (path)
      select path from ValidPaths where id = new.referrer;
  end;

create trigger if not exists GraphChangeRefDelete after delete on Refs
  begin
    insert into GraphChanges (path)
      select path from ValidPaths where id = old.referrer;
  end;
)sql";

std::string hash_column(const Digest& d) { return "sha256:" + to_base16(d); }

}  // namespace

// A prepared statement.  `Use` binds its parameters and resets it when the
// use ends, so that a cached statement never holds a read transaction open.
class Database::Statement {
public:
  Statement(Database& db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db.db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT,
                           &stmt_, nullptr) != SQLITE_OK)
      db.fail("prepare");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  class Use {
  public:
    explicit Use(Statement& s) : s_(s) {}
    ~Use() {
      sqlite3_reset(s_.stmt_);
      sqlite3_clear_bindings(s_.stmt_);
    }
    Use& bind(std::string_view text) {
      check(sqlite3_bind_text(s_.stmt_, ++n_, text.data(),
                              static_cast<int>(text.size()), SQLITE_TRANSIENT));
      return *this;
    }
    Use& bind(std::int64_t v) {
      check(sqlite3_bind_int64(s_.stmt_, ++n_, v));
      return *this;
    }
    Use& bind_optional(const std::optional<std::string>& text) {
      if (text) return bind(std::string_view(*text));
      check(sqlite3_bind_null(s_.stmt_, ++n_));
      return *this;
    }
    // Advance to the next row; false when there is none.
    bool step() {
      int rc = sqlite3_step(s_.stmt_);
      if (rc == SQLITE_ROW) return true;
      if (rc == SQLITE_DONE) return false;
      s_.db_.fail("step");
    }
    std::int64_t integer(int column) const {
      return sqlite3_column_int64(s_.stmt_, column);
    }
    bool is_null(int column) const {
      return sqlite3_column_type(s_.stmt_, column) == SQLITE_NULL;
    }
    std::string text(int column) const {
      auto p = sqlite3_column_text(s_.stmt_, column);
      return p ? std::string(reinterpret_cast<const char*>(p),
                             static_cast<std::size_t>(sqlite3_column_bytes(s_.stmt_, column)))
               : std::string();
    }

  private:
    void check(int rc) {
      if (rc != SQLITE_OK) s_.db_.fail("bind");
    }
    Statement& s_;
    int n_ = 0;
  };

private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

namespace {

// Run SQL, which returns no rows, on DB (whose file is FILE).
void exec_sql(sqlite3* db, const std::string& file, const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    std::string what(sql, std::min<std::size_t>(std::strlen(sql), 40));
    throw database_error(what, file, text, rc);
  }
}

// A write transaction: BEGIN IMMEDIATE takes the write lock at once (waiting
// for it up to the busy timeout), so two writers never deadlock upgrading
// read locks.  Rolled back unless committed.
class Transaction {
public:
  Transaction(sqlite3* db, const std::string& file, const char* begin = "begin immediate")
      : db_(db), file_(file) {
    exec_sql(db_, file_, begin);
  }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "rollback", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    exec_sql(db_, file_, "commit");
    done_ = true;
  }

private:
  sqlite3* db_;
  const std::string& file_;
  bool done_ = false;
};

}  // namespace

void Database::Closer::operator()(sqlite3* db) const noexcept {
  sqlite3_close_v2(db);
}

Database::Database(std::string file, std::string prefix, Options options)
    : file_(std::move(file)), prefix_(std::move(prefix)) {
  check_prefix(prefix_);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file_.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_NOMUTEX,
                           nullptr);
  db_.reset(db);  // closed on every path, even when the open failed
  if (rc != SQLITE_OK) {
    if (!db) throw database_error("open", file_, sqlite3_errstr(rc), rc);
    fail("open");
  }
  // SQLite opens its files with O_CLOEXEC where the system has it.
  sqlite3_extended_result_codes(db, 1);
  if (sqlite3_busy_timeout(db, options.busy_timeout_ms) != SQLITE_OK)
    fail("busy_timeout");
  {
    Statement wal(*this, "pragma journal_mode = wal");
    Statement::Use use(wal);
    if (!use.step() || use.text(0) != "wal")
      throw database_error("pragma journal_mode = wal", file_,
                           "the database cannot use a write-ahead log", 0);
  }
  exec(options.fsync ? "pragma synchronous = full" : "pragma synchronous = normal");
  exec("pragma foreign_keys = on");
  exec(schema);
  exec(graph_log_schema);
}

Database::~Database() {
  statements_.clear();  // finalise before closing
}

void Database::fail(std::string_view operation) {
  sqlite3* db = db_.get();
  throw database_error(std::string(operation), file_, sqlite3_errmsg(db),
                       sqlite3_extended_errcode(db));
}

void Database::exec(const char* sql) { exec_sql(db_.get(), file_, sql); }

Database::Statement& Database::statement(const char* sql) {
  for (auto& [text, stmt] : statements_)
    if (text == sql) return *stmt;
  statements_.emplace_back(sql, std::make_unique<Statement>(*this, sql));
  return *statements_.back().second;
}

std::optional<std::int64_t> Database::id_of(std::string_view path) {
  Statement::Use q(statement("select id from ValidPaths where path = ?"));
  q.bind(path);
  if (!q.step()) return std::nullopt;
  return q.integer(0);
}

void Database::register_paths(std::span<const PathInfo> infos) {
  // Check everything before writing anything.
  std::set<std::string_view> batch;
  for (const PathInfo& info : infos) {
    split_store_path(prefix_, info.path);
    batch.insert(info.path);
    if (info.deriver) split_store_path(prefix_, *info.deriver);
    for (const auto& [id, out] : info.derivation_outputs) split_store_path(prefix_, out);
  }
  Transaction tx(db_.get(), file_);
  for (const PathInfo& info : infos)
    for (const std::string& ref : info.references) {
      split_store_path(prefix_, ref);
      if (!batch.count(ref) && !id_of(ref))
        throw invalid_input("reference of " + info.path +
                                " is not a valid store item",
                            ref);
    }

  std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  std::vector<std::int64_t> ids;
  for (const PathInfo& info : infos) {
    Statement::Use q(statement(
        "insert into ValidPaths (path, hash, registrationTime, deriver, narSize)"
        " values (?, ?, ?, ?, ?)"
        " on conflict (path) do update set hash = excluded.hash,"
        " registrationTime = excluded.registrationTime,"
        " deriver = excluded.deriver, narSize = excluded.narSize"));
    q.bind(info.path)
        .bind(hash_column(info.nar_hash))
        .bind(info.registration_time ? info.registration_time : now)
        .bind_optional(info.deriver)
        .bind(static_cast<std::int64_t>(info.nar_size));
    q.step();
  }
  for (const PathInfo& info : infos) ids.push_back(*id_of(info.path));
  for (std::size_t i = 0; i < infos.size(); ++i) {
    {
      Statement::Use q(statement("delete from Refs where referrer = ?"));
      q.bind(ids[i]);
      q.step();
    }
    for (const std::string& ref : infos[i].references) {
      std::int64_t ref_id = *id_of(ref);
      Statement::Use q(statement(
          "insert or ignore into Refs (referrer, reference) values (?, ?)"));
      q.bind(ids[i]).bind(ref_id);
      q.step();
    }
    for (const auto& [output, path] : infos[i].derivation_outputs) {
      Statement::Use q(statement(
          "insert or replace into DerivationOutputs (drv, id, path) values (?, ?, ?)"));
      q.bind(ids[i]).bind(output).bind(path);
      q.step();
    }
  }
  tx.commit();
}

void Database::delete_paths(std::span<const std::string> paths) {
  Transaction tx(db_.get(), file_);
  std::set<std::string_view> batch(paths.begin(), paths.end());
  for (const std::string& path : paths) {
    if (!id_of(path)) throw invalid_input("not a valid store item", path);
    for (const std::string& referrer : referrers(path))
      if (!batch.count(referrer))
        throw invalid_input("cannot delete an item still referred to by " + referrer,
                            path);
  }
  // References among the deleted items are checked at the commit, when all
  // are gone.
  exec("pragma defer_foreign_keys = on");
  for (const std::string& path : paths) {
    Statement::Use q(statement("delete from ValidPaths where path = ?"));
    q.bind(path);
    q.step();
  }
  tx.commit();
}

bool Database::is_valid(std::string_view path) { return id_of(path).has_value(); }

std::optional<PathInfo> Database::query_path_info(std::string_view path) {
  PathInfo info;
  {
    Statement::Use q(statement(
        "select hash, registrationTime, deriver, narSize from ValidPaths"
        " where path = ?"));
    q.bind(path);
    if (!q.step()) return std::nullopt;
    info.path = path;
    std::string hash = q.text(0);
    if (hash.rfind("sha256:", 0) != 0)
      throw database_error("read the hash of " + info.path, file_,
                           "unsupported hash \"" + hash + "\"", 0);
    info.nar_hash = digest_from_base16(std::string_view(hash).substr(7));
    info.registration_time = q.integer(1);
    if (!q.is_null(2)) info.deriver = q.text(2);
    info.nar_size = static_cast<std::uint64_t>(q.integer(3));
  }
  info.references = references(path);
  info.derivation_outputs = derivation_outputs(path);
  return info;
}

std::vector<std::string> Database::references(std::string_view path) {
  Statement::Use q(statement(
      "select v.path from ValidPaths r join Refs on Refs.referrer = r.id"
      " join ValidPaths v on Refs.reference = v.id where r.path = ?"
      " order by v.path"));
  q.bind(path);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

std::vector<std::string> Database::referrers(std::string_view path) {
  Statement::Use q(statement(
      "select v.path from ValidPaths r join Refs on Refs.reference = r.id"
      " join ValidPaths v on Refs.referrer = v.id where r.path = ?"
      " order by v.path"));
  q.bind(path);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

std::optional<std::string> Database::path_from_hash_part(std::string_view hash_part) {
  if (hash_part.size() != hash_part_length) return std::nullopt;
  std::string start = prefix_ + "/" + std::string(hash_part);
  // Paths are unique and sorted in their index: the first path not below
  // START is the item if there is one.
  Statement::Use q(statement("select path from ValidPaths where path >= ? limit 1"));
  q.bind(start);
  if (!q.step()) return std::nullopt;
  std::string path = q.text(0);
  if (path.compare(0, start.size(), start) != 0 || path.size() <= start.size() ||
      path[start.size()] != '-')
    return std::nullopt;
  return path;
}

std::vector<std::string> Database::valid_paths() {
  Statement::Use q(statement("select path from ValidPaths order by path"));
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

std::vector<std::pair<std::string, std::string>> Database::derivation_outputs(
    std::string_view drv) {
  Statement::Use q(statement(
      "select d.id, d.path from DerivationOutputs d join ValidPaths v"
      " on d.drv = v.id where v.path = ? order by d.id"));
  q.bind(drv);
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.text(0), q.text(1));
  return out;
}

std::vector<std::string> Database::valid_derivers(std::string_view path) {
  Statement::Use q(statement(
      "select v.path from DerivationOutputs d join ValidPaths v"
      " on d.drv = v.id where d.path = ? order by v.path"));
  q.bind(path);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

Database::GraphLogState Database::graph_log_state() {
  GraphLogState state;
  {
    Statement::Use q(statement("select instance, floor from GraphLog where id = 0"));
    if (!q.step())
      throw database_error("read the graph log", file_, "the GraphLog row is missing", 0);
    state.instance = q.integer(0);
    state.floor = q.integer(1);
  }
  Statement::Use q(statement(
      "select coalesce((select seq from sqlite_sequence where name = 'GraphChanges'), 0)"));
  if (!q.step()) fail("read the graph generation");
  state.generation = q.integer(0);
  return state;
}

std::optional<GraphChanges> Database::graph_changes(std::int64_t instance,
                                                    std::int64_t generation,
                                                    std::size_t limit) {
  Transaction tx(db_.get(), file_, "begin");
  GraphLogState state = graph_log_state();
  if (instance != state.instance || generation < state.floor ||
      generation > state.generation)
    return std::nullopt;
  GraphChanges changes;
  if (generation == state.generation) {
    tx.commit();
    return changes;
  }
  std::vector<std::string> paths;
  {
    Statement::Use q(statement(
        "select distinct path from GraphChanges where generation > ? limit ?"));
    q.bind(generation).bind(static_cast<std::int64_t>(limit) + 1);
    while (q.step()) paths.push_back(q.text(0));
  }
  if (paths.size() > limit) return std::nullopt;
  for (std::string& path : paths) {
    if (id_of(path)) {
      std::vector<std::string> refs = references(path);
      changes.valid.emplace(std::move(path), std::move(refs));
    } else {
      changes.deleted.insert(std::move(path));
    }
  }
  tx.commit();
  return changes;
}

void Database::trim_graph_log(std::int64_t generation) {
  Transaction tx(db_.get(), file_);
  {
    Statement::Use q(statement("delete from GraphChanges where generation <= ?"));
    q.bind(generation);
    q.step();
  }
  {
    Statement::Use q(statement("update GraphLog set floor = max(floor, ?) where id = 0"));
    q.bind(generation);
    q.step();
  }
  tx.commit();
}

Graph Database::load_graph(GraphLogState* state) {
  // One read transaction, so the items and the references agree.
  Transaction tx(db_.get(), file_, "begin");
  {
    if (state) *state = graph_log_state();
    Graph graph;
    // Graph ids by database id: database ids are allocated in increasing
    // order and rarely far apart, so a vector indexed by them is dense.
    constexpr Graph::Id none = ~Graph::Id{0};
    std::vector<Graph::Id> ids;
    {
      Statement::Use q(statement("select id, path from ValidPaths order by id"));
      while (q.step()) {
        auto id = static_cast<std::size_t>(q.integer(0));
        if (id >= ids.size()) ids.resize(std::max(id + 1, ids.size() * 2), none);
        ids[id] = graph.add(q.text(1));
      }
    }
    auto graph_id = [&](std::int64_t id) {
      if (id < 0 || static_cast<std::size_t>(id) >= ids.size() || ids[id] == none)
        throw database_error("load the reference graph", file_,
                             "reference to a missing row " + std::to_string(id), 0);
      return ids[static_cast<std::size_t>(id)];
    };
    {
      // Rows come grouped by referrer (the primary key's order), so each
      // item's references are set at once.
      Statement::Use q(statement(
          "select referrer, reference from Refs order by referrer"));
      std::vector<Graph::Id> refs;
      std::int64_t current = -1;
      auto flush = [&] {
        if (current >= 0) graph.set_references(graph_id(current), refs);
        refs.clear();
      };
      while (q.step()) {
        std::int64_t referrer = q.integer(0);
        if (referrer != current) {
          flush();
          current = referrer;
        }
        refs.push_back(graph_id(q.integer(1)));
      }
      flush();
    }
    tx.commit();
    return graph;
  }
}

std::int64_t Database::data_version() {
  Statement::Use q(statement("pragma data_version"));
  if (!q.step()) fail("pragma data_version");
  return q.integer(0);
}

}  // namespace byre::store
