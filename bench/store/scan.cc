// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre bench: the reference scanner against ripgrep.
//
// Writes a data file (default 1 GiB, under $TMPDIR) and N candidate hash
// parts (default 5,000), then times, with the file in the page cache:
//   - reading the file with read(2) in 128 KiB pieces and nothing else;
//   - the same reads feeding byre's ReferenceScanner;
//   - `rg -a -F -c -f PATTERNS FILE` with the same candidates.
// and prints the throughputs and the ratio.  Best of 3 runs each.
//
//   bench/store/scan [--mib N] [--patterns N] [--kind mixed|alphabet]
//
// Kinds of data: "mixed" is what store items hold: 4 KiB blocks, 45%
// binary (random bytes, a third of them zero), 40% program text with a store
// path every few hundred bytes, 15% lists of store paths (as in a
// derivation or a manifest); 1 store path in 50 is one of the first tenth
// of the candidates (so the scanner never finds them all and stops early).
// "alphabet" is the scanner's worst case: only nix-base32 characters, so
// every window must be looked up.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <set>

#include "bench/store/common.hh"
#include "store/error.hh"
#include "store/fd.hh"
#include "store/scanner.hh"

using namespace byre::store;

namespace {

struct Options {
  std::size_t mib = 1024;
  std::size_t patterns = 5000;
  std::string kind = "mixed";
};

// Write the data file.
void generate(const std::string& file, const Options& o,
              const std::vector<std::string>& candidates) {
  std::mt19937_64 rng(1);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  std::string block;
  const std::size_t total = o.mib << 20, block_size = 4096;
  for (std::size_t written = 0; written < total; written += block_size) {
    if (o.kind == "alphabet") {
      block.clear();
      while (block.size() < block_size) block += nix_base32_alphabet[rng() % 32];
    } else {
      bench::mixed_block(rng, candidates, block, block_size);
    }
    out.write(block.data(), static_cast<std::streamsize>(block.size()));
  }
  if (!out) throw std::runtime_error("cannot write " + file);
}

// Read FILE in 128 KiB pieces (they stay in the L2 cache between the read
// and the scan), passing each to SINK (if any).
void read_file(const std::string& file, Sink* sink) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw_errno("open", file);
  std::vector<unsigned char> buffer(128 << 10);
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) throw_errno("read", file);
    if (n == 0) break;
    if (sink) sink->write(Bytes(buffer.data(), static_cast<std::size_t>(n)));
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--mib") o.mib = std::strtoul(argv[i + 1], nullptr, 10);
    else if (a == "--patterns") o.patterns = std::strtoul(argv[i + 1], nullptr, 10);
    else if (a == "--kind") o.kind = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: %s [--mib N] [--patterns N] [--kind mixed|alphabet]\n", argv[0]);
      return 2;
    }
  }
  std::mt19937_64 rng(7);
  std::vector<std::string> candidates;
  for (std::size_t i = 0; i < o.patterns; ++i)
    candidates.push_back(bench::random_hash_part(rng));

  std::string dir = bench::tmpdir();
  std::string data = dir + "/byre-bench-scan-" + o.kind + "-" + std::to_string(o.mib) + ".dat";
  std::string patterns = dir + "/byre-bench-scan-patterns-" + std::to_string(o.patterns);
  std::string rg_out = dir + "/byre-bench-scan-rg.out";
  {
    std::ofstream p(patterns, std::ios::trunc);
    for (const std::string& c : candidates) p << c << "\n";
  }
  struct stat st;
  if (::stat(data.c_str(), &st) != 0 ||
      static_cast<std::size_t>(st.st_size) != (o.mib << 20))
    generate(data, o, candidates);
  double gb = static_cast<double>(o.mib << 20) / 1e9;

  std::printf("machine: %s\n", bench::machine().c_str());
  std::printf("load average at start: %s\n", bench::load_average().c_str());
  std::printf("data: %s (%zu MiB, %s), %zu candidate hash parts\n", data.c_str(),
              o.mib, o.kind.c_str(), o.patterns);
  read_file(data, nullptr);  // into the page cache

  double t_read = bench::best_of(3, [&] { read_file(data, nullptr); });
  std::size_t found = 0;
  double t_scan = bench::best_of(3, [&] {
    ReferenceScanner scanner(candidates);
    read_file(data, &scanner);
    found = scanner.found_indices().size();
  });
  std::string count;
  double t_rg = bench::best_of(3, [&] {
    bench::run({"rg", "-a", "-F", "-c", "-f", patterns, data}, rg_out, {0, 1});
  });
  count = bench::slurp(rg_out);
  while (!count.empty() && count.back() == '\n') count.pop_back();

  // Check the scanner's answer against the hash parts rg prints.
  bench::run({"rg", "-a", "-F", "-o", "-N", "-I", "-f", patterns, data}, rg_out, {0, 1});
  std::set<std::string> rg_found;
  {
    std::ifstream in(rg_out);
    for (std::string line; std::getline(in, line);) rg_found.insert(line);
  }
  ReferenceScanner check(candidates);
  read_file(data, &check);
  std::set<std::string> ours;
  for (std::size_t i : check.found_indices()) ours.insert(candidates[i]);
  std::printf("found sets %s (%zu hash parts)\n",
              ours == rg_found ? "agree with rg -o" : "DIFFER from rg -o",
              ours.size());

  std::printf("read(2) only            %7.3f s  %6.2f GB/s\n", t_read, gb / t_read);
  std::printf("byre ReferenceScanner   %7.3f s  %6.2f GB/s  (%zu of %zu candidates found)\n",
              t_scan, gb / t_scan, found, o.patterns);
  std::printf("rg -a -F -c -f          %7.3f s  %6.2f GB/s  (%s matching lines)\n",
              t_rg, gb / t_rg, count.empty() ? "0" : count.c_str());
  std::printf("scanner / rg throughput: %.1f x\n", t_rg / t_scan);
  std::remove(rg_out.c_str());
}
