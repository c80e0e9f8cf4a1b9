// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Tests of the reference scanner: hash parts found wherever the stream is
// cut, nothing found that is not there.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "store/base32.hh"
#include "store/error.hh"
#include "store/scanner.hh"

using byre::store::as_bytes;
using byre::store::invalid_input;
using byre::store::nix_base32_alphabet;
using byre::store::ReferenceScanner;

namespace {

std::string random_hash_part(std::mt19937_64& rng) {
  std::string s(32, '0');
  for (char& c : s) c = nix_base32_alphabet[rng() % 32];
  return s;
}

// Feed S to SCANNER in pieces whose sizes follow CUTS cyclically.
void feed(ReferenceScanner& scanner, const std::string& s,
          const std::vector<std::size_t>& cuts) {
  std::size_t at = 0, c = 0;
  while (at < s.size()) {
    std::size_t n = std::min(cuts[c++ % cuts.size()], s.size() - at);
    scanner.write(std::string_view(s).substr(at, n));
    at += n;
  }
}

// What the scanner must answer: the candidates that occur in S.
std::vector<std::size_t> naive(const std::vector<std::string>& parts,
                               const std::string& s) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (s.find(parts[i]) != std::string::npos) out.push_back(i);
  return out;
}

}  // namespace

TEST_CASE("a store path in a file is found", "[store][scanner]") {
  std::vector<std::string> parts = {"vncc85a7wmx0qvygd617i5dld6lzjx4w",
                                    "hmjvbm3lk68ck25bcgxzgsq18xnmipjb"};
  ReferenceScanner scanner(parts);
  scanner.write("#!/gnu/store/vncc85a7wmx0qvygd617i5dld6lzjx4w-bash/bin/sh\n");
  CHECK(scanner.found(0));
  CHECK_FALSE(scanner.found(1));
  CHECK(scanner.found_indices() == std::vector<std::size_t>{0});
}

TEST_CASE("a hash part split at every position across two pieces", "[store][scanner]") {
  std::string part = "hmjvbm3lk68ck25bcgxzgsq18xnmipjb";
  std::string text = "\x7f" "ELF\0\0/gnu/store/" + part + "-tree1/lib\0\0";
  std::size_t at = text.find(part);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    ReferenceScanner scanner(std::vector<std::string>{part});
    scanner.write(std::string_view(text).substr(0, cut));
    scanner.write(std::string_view(text).substr(cut));
    INFO("cut at " << cut << " (hash part at " << at << ")");
    CHECK(scanner.found(0));
  }
}

TEST_CASE("a hash part fed one byte at a time", "[store][scanner]") {
  std::string part = "0mdqa9w1p6cmli6976v4wi0sw9r4p5pr";
  ReferenceScanner scanner(std::vector<std::string>{part});
  feed(scanner, "xx" + part + "yy", {1});
  CHECK(scanner.found(0));
}

TEST_CASE("near misses are not references", "[store][scanner]") {
  std::string part = "hmjvbm3lk68ck25bcgxzgsq18xnmipjb";
  std::vector<std::string> misses = {
      part.substr(0, 31),                             // one byte short
      part.substr(1),                                 // first byte missing
      part.substr(0, 16) + "-" + part.substr(16),     // cut by a dash
      "Hmjvbm3lk68ck25bcgxzgsq18xnmipjb",             // case differs
      "hmjvbm3lk68ck25bcgxzgsq18xnmipja",             // last byte differs
      "gmjvbm3lk68ck25bcgxzgsq18xnmipjb",             // first byte differs
  };
  for (const std::string& miss : misses) {
    for (std::size_t cut : {1u, 7u, 31u, 32u, 4096u}) {
      ReferenceScanner scanner(std::vector<std::string>{part});
      feed(scanner, "zzzz" + miss + "qqqq" + miss, {cut});
      INFO(miss << " in pieces of " << cut);
      CHECK_FALSE(scanner.found(0));
    }
  }
}

TEST_CASE("candidates sharing their first bytes are told apart", "[store][scanner]") {
  // Same first 8 bytes, so they share a slot key in the scanner's set.
  std::vector<std::string> parts = {"aaaaaaaa000000000000000000000000",
                                    "aaaaaaaa111111111111111111111111",
                                    "aaaaaaaa222222222222222222222222",
                                    "aaaaaaaa111111111111111111111111"};  // a duplicate
  ReferenceScanner scanner(parts);
  scanner.write("-aaaaaaaa111111111111111111111111-");
  CHECK(scanner.found_indices() == std::vector<std::size_t>{1, 3});
}

TEST_CASE("random streams agree with a naive search", "[store][scanner]") {
  std::mt19937_64 rng(42);
  std::vector<std::string> parts;
  for (int i = 0; i < 300; ++i) parts.push_back(random_hash_part(rng));
  const std::string alpha(nix_base32_alphabet);
  for (int round = 0; round < 40; ++round) {
    // Bytes mostly from the alphabet, so that long runs (and many lookups)
    // occur, with some candidates planted and some planted with one byte
    // changed.
    std::string s;
    std::size_t size = 1000 + rng() % 20000;
    while (s.size() < size) {
      unsigned r = rng() % 100;
      if (r < 2) {
        s += parts[rng() % parts.size()];
      } else if (r < 4) {
        std::string near = parts[rng() % parts.size()];
        near[rng() % 32] = alpha[rng() % 32];
        s += near;
      } else if (r < 80) {
        s += alpha[rng() % 32];
      } else {
        s += static_cast<char>(rng() % 256);
      }
    }
    std::vector<std::size_t> cuts;
    for (int i = 0; i < 5; ++i) cuts.push_back(1 + rng() % (round % 2 ? 40 : 5000));
    ReferenceScanner scanner(parts);
    feed(scanner, s, cuts);
    INFO("round " << round);
    CHECK(scanner.found_indices() == naive(parts, s));
  }
}

TEST_CASE("malformed candidates are refused", "[store][scanner]") {
  CHECK_THROWS_AS(ReferenceScanner(std::vector<std::string>{"short"}), invalid_input);
  CHECK_THROWS_AS(ReferenceScanner(std::vector<std::string>{
                      "emjvbm3lk68ck25bcgxzgsq18xnmipjb"}),  // 'e'
                  invalid_input);
  ReferenceScanner none(std::vector<std::string>{});
  none.write("anything");
  CHECK(none.found_indices().empty());
}
