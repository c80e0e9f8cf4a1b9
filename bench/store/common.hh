// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre bench: helpers shared by the store benchmarks (timing, running a
// comparison program, deterministic test data).  Benchmarks print their
// figures; nothing here asserts a timing.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/base32.hh"

extern char** environ;

namespace bench {

inline double seconds(const std::function<void()>& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

// The smallest of ROUNDS timings of F.
inline double best_of(int rounds, const std::function<void()>& f) {
  double best = 1e300;
  for (int i = 0; i < rounds; ++i) best = std::min(best, seconds(f));
  return best;
}

// Run ARGV (searched in PATH) with its standard output in OUTPUT (a file
// name) and wait for it; throw unless it exits with a status in OK.
inline void run(const std::vector<std::string>& argv, const std::string& output,
                std::vector<int> ok = {0}) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  int err = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) throw std::runtime_error("cannot start " + argv[0]);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) throw std::runtime_error("waitpid failed");
  if (!WIFEXITED(status) ||
      std::find(ok.begin(), ok.end(), WEXITSTATUS(status)) == ok.end())
    throw std::runtime_error(argv[0] + " failed");
}

inline std::string slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string tmpdir() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

inline std::string random_hash_part(std::mt19937_64& rng) {
  std::string s(32, '0');
  for (char& c : s) c = byre::store::nix_base32_alphabet[rng() % 32];
  return s;
}

// Replace BLOCK with SIZE bytes like those of store items: 45% of blocks
// binary (random bytes, a third of them zero), 40% program text with a
// store path every few hundred bytes, 15% lists of store paths (as in a
// derivation or a manifest).  1 store path in 50 is one of the first tenth
// of CANDIDATES (so a scanner never finds them all and stops early).
inline void mixed_block(std::mt19937_64& rng, const std::vector<std::string>& candidates,
                        std::string& block, std::size_t size) {
  static const char* words[] = {"the", "static", "return", "include", "int",
                                "of", "for", "while", "define", "char",
                                "struct", "void", "guile", "lambda", "error",
                                "module", "export", "string", "buffer", "list"};
  auto store_path = [&](std::string& out) {
    out += "/gnu/store/";
    out += rng() % 50 == 0 ? candidates[rng() % (candidates.size() / 10 + 1)]
                           : random_hash_part(rng);
    out += "-";
    out += words[rng() % 20];
    out += "-1.";
    out += std::to_string(rng() % 20);
  };
  block.clear();
  unsigned kind = rng() % 100;
  if (kind < 45) {
    while (block.size() < size)
      block += rng() % 3 == 0 ? '\0' : static_cast<char>(rng() % 256);
  } else if (kind < 85) {
    while (block.size() < size) {
      if (rng() % 60 == 0) {
        block += "\"";
        store_path(block);
        block += "/bin\";\n";
      } else {
        block += words[rng() % 20];
        block += rng() % 8 == 0 ? "\n  " : " ";
      }
    }
  } else {
    while (block.size() < size) {
      store_path(block);
      block += "\n";
    }
  }
  block.resize(size);
}

// A line describing the machine: CPU model, core count, kernel.
inline std::string machine() {
  std::string model = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  struct utsname u;
  uname(&u);
  return model + ", " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) +
         " CPUs, Linux " + u.release;
}

// The first three fields of /proc/loadavg: other work on the machine skews
// every figure, most of all those of two threads.
inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace bench
