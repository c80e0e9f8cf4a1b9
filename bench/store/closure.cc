// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre bench: closures (requisites) in memory against a recursive SQL query.
//
// Builds a synthetic store database under $TMPDIR with Database (default
// 100,000 items, 10 references each: 1,000,000 references).  Each item
// refers to earlier items, but only to the 55% that are "referable"
// (libraries; the rest are like old generations and end-user programs that
// nothing refers to), 7 in 10 of its references among the 2,000 referable
// items before it and 3 in 10 among all of them; so the closure of the
// latest items holds about half the store.  Then it times:
//   - opening the store: Database + load_graph();
//   - Graph::requisites of each of the 10 largest (latest) items and of
//     the 10 together;
//   - the same combined closure as one recursive CTE in SQLite, over the
//     same database, in the same process;
//   - writing the graph's snapshot file (graph-file.hh) and a cold
//     requisites of the 10 from it, as a process that has not loaded the
//     graph does it: open the database, map and check the file, read the
//     changes since (none, then 100 changed items), walk the closure; and
//     the recursive CTE cold too (opening the database included).
//
//   bench/store/closure [--items N] [--refs N]
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>

#include "bench/store/common.hh"
#include "store/database.hh"
#include "store/graph-file.hh"
#include "store/store-path.hh"

using namespace byre::store;

int main(int argc, char** argv) {
  std::size_t items = 100'000, refs_per_item = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--items") items = std::strtoul(argv[i + 1], nullptr, 10);
    else if (a == "--refs") refs_per_item = std::strtoul(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: %s [--items N] [--refs N]\n", argv[0]);
      return 2;
    }
  }
  const std::string prefix = "/gnu/store";
  std::string file = bench::tmpdir() + "/byre-bench-closure-" + std::to_string(items) +
                     "x" + std::to_string(refs_per_item) + "-log.sqlite";
  std::string graph_file = file + ".graph";
  std::printf("machine: %s\n", bench::machine().c_str());
  std::printf("load average at start: %s\n", bench::load_average().c_str());

  std::mt19937_64 rng(11);
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < items; ++i)
    paths.push_back(prefix + "/" + bench::random_hash_part(rng) + "-item-" +
                    std::to_string(i));
  if (!std::filesystem::exists(file)) {
    Database::Options o;
    o.fsync = false;
    Database db(file, prefix, o);
    std::size_t edges = 0;
    double t = bench::seconds([&] {
      std::vector<PathInfo> batch;
      std::vector<std::size_t> referable;
      for (std::size_t i = 0; i < items; ++i) {
        PathInfo info;
        info.path = paths[i];
        info.nar_hash = sha256(paths[i]);
        info.nar_size = 4096;
        std::set<std::size_t> refs;
        std::size_t m = referable.size();
        for (std::size_t k = 0; k < refs_per_item && refs.size() < m; ++k) {
          std::size_t r;
          do {
            std::size_t lo = m > 2000 ? m - 2000 : 0;
            r = referable[rng() % 10 < 7 ? lo + rng() % (m - lo) : rng() % m];
          } while (!refs.insert(r).second);
        }
        if (rng() % 100 < 55) referable.push_back(i);
        for (std::size_t r : refs) info.references.push_back(paths[r]);
        edges += refs.size();
        batch.push_back(std::move(info));
        if (batch.size() == 1000 || i + 1 == items) {
          db.register_paths(batch);
          batch.clear();
        }
      }
    });
    std::printf("built %s: %zu items, %zu references in %.1f s\n", file.c_str(),
                items, edges, t);
  } else {
    std::printf("reusing %s\n", file.c_str());
  }

  std::unique_ptr<Database> db;
  Graph graph;
  double t_open = bench::seconds([&] {
    db = std::make_unique<Database>(file, prefix);
    graph = db->load_graph();
  });
  std::printf("open store and load graph: %.0f ms (%zu items, %zu references)\n",
              t_open * 1e3, graph.size(), graph.edge_count());

  std::vector<Graph::Id> top;
  for (std::size_t i = items - 10; i < items; ++i) top.push_back(*graph.find(paths[i]));
  std::vector<double> singles;
  std::size_t largest = 0;
  for (Graph::Id id : top) {
    std::size_t n = 0;
    singles.push_back(bench::best_of(5, [&] {
      n = graph.requisites(std::span<const Graph::Id>(&id, 1)).size();
    }));
    largest = std::max(largest, n);
  }
  std::sort(singles.begin(), singles.end());
  std::size_t combined = 0;
  double t_combined = bench::best_of(5, [&] { combined = graph.requisites(top).size(); });
  std::size_t topo = 0;
  double t_topo = bench::best_of(5, [&] { topo = graph.topological_order(top).size(); });

  // The recursive CTE, in the same process and on the same file.
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    return 1;
  std::string sql =
      "with recursive closure(id) as ("
      " select id from ValidPaths where path in (";
  for (std::size_t i = 0; i < top.size(); ++i) sql += i ? ",?" : "?";
  sql += ") union select reference from Refs join closure on Refs.referrer = closure.id)"
         " select count(*) from closure";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return 1;
  for (std::size_t i = 0; i < top.size(); ++i)
    sqlite3_bind_text(stmt, static_cast<int>(i + 1), paths[items - 10 + i].c_str(), -1,
                      SQLITE_STATIC);
  long long cte_count = 0;
  double t_cte = bench::best_of(3, [&] {
    sqlite3_reset(stmt);
    if (sqlite3_step(stmt) == SQLITE_ROW) cte_count = sqlite3_column_int64(stmt, 0);
  });
  sqlite3_finalize(stmt);
  sqlite3_close(raw);

  std::printf("requisites of one of the 10 latest items: median %.2f ms, max %.2f ms "
              "(largest closure %zu items)\n",
              singles[singles.size() / 2] * 1e3, singles.back() * 1e3, largest);
  std::printf("requisites of the 10 together:   %7.2f ms (%zu items)\n",
              t_combined * 1e3, combined);
  std::printf("topological order of the 10:     %7.2f ms (%zu items)\n", t_topo * 1e3, topo);
  std::printf("recursive CTE, same 10:          %7.2f ms (%lld items)\n", t_cte * 1e3,
              cte_count);
  std::printf("graph / CTE speed-up: %.0f x\n", t_cte / t_combined);

  // The snapshot file.
  Database::GraphLogState state;
  double t_write = bench::seconds([&] {
    Graph g = db->load_graph(&state);
    GraphFile::write(graph_file, g, state.instance, state.generation);
    db->trim_graph_log(state.generation);
  });
  struct stat st {};
  ::stat(graph_file.c_str(), &st);
  std::printf("load graph and write its snapshot: %.0f ms (%lld bytes)\n", t_write * 1e3,
              static_cast<long long>(st.st_size));
  std::vector<std::string> roots(paths.end() - 10, paths.end());
  auto cold = [&](std::size_t* n) {
    Database d(file, prefix);
    auto f = GraphFile::open(graph_file);
    if (!f) std::exit(1);
    auto changes = d.graph_changes(f->instance(), f->generation(), 512);
    if (!changes) std::exit(1);
    *n = requisites(*f, *changes, roots).size();
  };
  std::size_t cold_n = 0;
  double t_cold = bench::best_of(5, [&] { cold(&cold_n); });
  std::printf("cold requisites of the 10 from the file: %7.2f ms (%zu items)\n",
              t_cold * 1e3, cold_n);
  // 100 items re-registered since the snapshot (same references): read
  // from the change log and applied over the file.
  {
    std::vector<PathInfo> again;
    for (std::size_t i = items - 200; i < items - 100; ++i) {
      auto info = db->query_path_info(paths[i]);
      again.push_back(*info);
    }
    db->register_paths(again);
  }
  std::size_t cold_n2 = 0;
  double t_cold2 = bench::best_of(5, [&] { cold(&cold_n2); });
  std::printf("the same, 100 items changed since:       %7.2f ms (%zu items)\n",
              t_cold2 * 1e3, cold_n2);
  long long cold_cte = 0;
  double t_cold_cte = bench::best_of(3, [&] {
    sqlite3* c = nullptr;
    if (sqlite3_open_v2(file.c_str(), &c, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      std::exit(1);
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(c, sql.c_str(), -1, &q, nullptr) != SQLITE_OK) std::exit(1);
    for (std::size_t i = 0; i < roots.size(); ++i)
      sqlite3_bind_text(q, static_cast<int>(i + 1), roots[i].c_str(), -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) cold_cte = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(c);
  });
  std::printf("cold recursive CTE, same 10:             %7.2f ms (%lld items)\n",
              t_cold_cte * 1e3, cold_cte);
  std::printf("cold file / cold CTE speed-up: %.0f x; / open and load: %.0f x\n",
              t_cold_cte / t_cold, t_open / t_cold);
  bool same = static_cast<std::size_t>(cte_count) == combined && cold_n == combined &&
              cold_n2 == combined && static_cast<std::size_t>(cold_cte) == combined;
  return same ? 0 : 1;
}
