// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre bench: adding a 1 GiB tree, files read once, against
// `openssl dgst -sha256` over the same files.
//
// Writes a tree under $TMPDIR (default 1,024 MiB: 3 files of 128 MiB, 480
// of 1 MiB, 2,048 of 64 KiB and 8,192 of 4 KiB in 64 folders, holding the
// mixed data of bench/store/scan), then times, with the files in the page
// cache:
//   - `openssl dgst -sha256 FILE…` over every file of the tree;
//   - byre's one pass over the tree: NAR serialisation into a TeeSink of
//     the SHA-256 hasher and the reference scanner (5,000 candidates);
//   - the NAR into the hasher alone (what the scanner adds);
// and prints the throughputs over the files' bytes and the ratios.
//
//   bench/store/add [--mib N]
#include <sys/stat.h>

#include <filesystem>

#include "bench/store/common.hh"
#include "store/nar.hh"
#include "store/scanner.hh"
#include "store/sha256.hh"
#include "store/store-path.hh"

using namespace byre::store;
namespace fs = std::filesystem;

namespace {

// The file sizes of the tree, scaled to MIB mebibytes.
std::vector<std::size_t> file_sizes(std::size_t mib) {
  std::vector<std::size_t> sizes;
  auto add = [&](std::size_t count, std::size_t size) {
    for (std::size_t i = 0; i < count * mib / 1024; ++i) sizes.push_back(size);
  };
  add(3, 128 << 20);
  add(480, 1 << 20);
  add(2048, 64 << 10);
  add(8192, 4 << 10);
  return sizes;
}

void generate(const fs::path& tree, const std::vector<std::size_t>& sizes,
              const std::vector<std::string>& candidates) {
  std::mt19937_64 rng(5);
  std::string block;
  fs::remove_all(tree);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    fs::path dir = tree / ("d" + std::to_string(i % 64));
    fs::create_directories(dir);
    std::ofstream out(dir / ("f" + std::to_string(i)), std::ios::binary);
    for (std::size_t left = sizes[i]; left > 0;) {
      std::size_t n = std::min<std::size_t>(left, 4096);
      bench::mixed_block(rng, candidates, block, n);
      out.write(block.data(), static_cast<std::streamsize>(n));
      left -= n;
    }
    if (!out) throw std::runtime_error("cannot write the tree");
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mib = 1024;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--mib") mib = std::strtoul(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: %s [--mib N]\n", argv[0]);
      return 2;
    }
  }
  std::mt19937_64 rng(7);
  std::vector<std::string> candidates;
  for (int i = 0; i < 5000; ++i) candidates.push_back(bench::random_hash_part(rng));

  auto sizes = file_sizes(mib);
  std::size_t total = 0;
  for (std::size_t s : sizes) total += s;
  fs::path tree = bench::tmpdir() + "/byre-bench-add-" + std::to_string(mib);
  fs::path stamp = tree / ".complete";
  if (!fs::exists(stamp)) {
    generate(tree / "tree", sizes, candidates);
    std::ofstream{stamp};
  }
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(tree / "tree"))
    if (e.is_regular_file()) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());

  std::printf("machine: %s\n", bench::machine().c_str());
  std::printf("load average at start: %s\n", bench::load_average().c_str());
  std::printf("tree: %s, %zu files, %.0f MiB\n", (tree / "tree").c_str(), files.size(),
              total / 1048576.0);

  std::vector<std::string> argv_openssl = {"openssl", "dgst", "-sha256"};
  argv_openssl.insert(argv_openssl.end(), files.begin(), files.end());
  std::string sink = bench::tmpdir() + "/byre-bench-add-openssl.out";
  bench::run(argv_openssl, sink);  // into the page cache

  std::string path;
  std::size_t found = 0;
  std::uint64_t nar_size = 0;
  auto add = [&] {
    Sha256 hasher;
    ReferenceScanner scanner(candidates);
    TeeSink tee(hasher, scanner);
    dump_path((tree / "tree").string(), tee);
    nar_size = hasher.size();
    path = source_path("/gnu/store", "tree", hasher.finish());
    found = scanner.found_indices().size();
  };
  // Rounds interleave the contenders, so that a busy spell of the machine
  // does not favour one of them; each keeps its best round.
  double t_openssl = 1e300, t_add = 1e300, t_hash_only = 1e300;
  for (int round = 0; round < 5; ++round) {
    t_openssl = std::min(t_openssl, bench::seconds([&] { bench::run(argv_openssl, sink); }));
    t_add = std::min(t_add, bench::seconds(add));
    t_hash_only = std::min(t_hash_only, bench::seconds([&] {
      Sha256 hasher;
      dump_path((tree / "tree").string(), hasher);
    }));
  }
  std::remove(sink.c_str());

  double gb = total / 1e9;
  std::printf("openssl dgst -sha256 (all files)   %6.3f s  %5.2f GB/s\n", t_openssl,
              gb / t_openssl);
  std::printf("byre NAR -> sha256 only            %6.3f s  %5.2f GB/s\n", t_hash_only,
              gb / t_hash_only);
  std::printf("byre NAR -> tee(sha256, scanner)   %6.3f s  %5.2f GB/s  ratio to openssl %.2f\n",
              t_add, gb / t_add, t_openssl / t_add);
  std::printf("load average at end: %s\n", bench::load_average().c_str());
  std::printf("NAR %llu bytes, %s, %zu of 5000 candidates found\n",
              static_cast<unsigned long long>(nar_size), path.c_str(), found);
}
