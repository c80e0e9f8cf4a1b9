// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Tests of NAR serialisation, SHA-256, nix-base32 and store path names
// against the reference values of tests/scheme/data/store-paths.scm (copied
// here so the tests stand alone), computed by an independent implementation
// of the algorithms Guix and Nix use.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "temp-dir.hh"
#include "store/base32.hh"
#include "store/error.hh"
#include "store/nar.hh"
#include "store/sha256.hh"
#include "store/store-path.hh"

using namespace byre::store;
using byre::testing::TempDir;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& file, const std::string& contents, mode_t mode) {
  std::ofstream(file, std::ios::binary) << contents;
  REQUIRE(::chmod(file.c_str(), mode) == 0);
}

// The tree "tree1" and the file "single.txt" of the reference values.
void make_tree1(const fs::path& dir) {
  fs::path t = dir / "tree1";
  fs::create_directories(t / "sub");
  write_file(t / "a.txt", "hello\n", 0644);
  write_file(t / "run.sh", "#!/bin/sh\necho hi\n", 0755);
  fs::create_symlink("a.txt", t / "link");
  write_file(t / "sub" / "empty", "", 0644);
  write_file(t / "sub" / "k.txt", std::string(1000, 'x'), 0644);
  write_file(dir / "single.txt", "just a file\n", 0644);
}

Digest nar_hash(const fs::path& path) {
  Sha256 hasher;
  dump_path(path.string(), hasher);
  return hasher.finish();
}

const std::string prefix = "/gnu/store";

}  // namespace

TEST_CASE("sha256 and nix-base32 of known strings", "[store][base32]") {
  CHECK(to_base16(sha256("")) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_nix_base32(sha256("")) ==
        "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73");
  CHECK(to_nix_base32(sha256("abc")) ==
        "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");

  Sha256 incremental;
  incremental.write("a");
  incremental.write("bc");
  CHECK(incremental.size() == 3);
  CHECK(incremental.finish() == sha256("abc"));
}

TEST_CASE("nix-base32 round trip and bad input", "[store][base32]") {
  CHECK(nix_base32_length(20) == 32);
  CHECK(nix_base32_length(32) == 52);
  CHECK(to_nix_base32({}).empty());
  for (std::size_t size : {1u, 2u, 5u, 20u, 32u, 64u}) {
    std::vector<unsigned char> data(size);
    for (std::size_t i = 0; i < size; ++i)
      data[i] = static_cast<unsigned char>(i * 37 + size);
    std::string s = to_nix_base32(data);
    CHECK(s.size() == nix_base32_length(size));
    CHECK(from_nix_base32(s, size) == data);
  }
  auto d = sha256("abc");
  CHECK(from_nix_base32("1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", 32) ==
        std::vector<unsigned char>(d.begin(), d.end()));
  CHECK_THROWS_AS(from_nix_base32("1b8m", 32), invalid_input);
  // 'e' is not in the alphabet.
  CHECK_THROWS_AS(from_nix_base32("eb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", 32),
                  invalid_input);
  // 52 digits hold 260 bits: a leading digit above 0x0f overflows 32 bytes.
  CHECK_THROWS_AS(from_nix_base32("zb8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", 32),
                  invalid_input);
}

TEST_CASE("NAR of a single file, byte for byte", "[store][nar]") {
  StringSink nar;
  dump_contents(as_bytes("hi"), false, nar);
  auto str = [](std::string_view s) {
    std::string out(8, '\0');
    out[0] = static_cast<char>(s.size());
    out += s;
    out.append((8 - s.size() % 8) % 8, '\0');
    return out;
  };
  std::string expected = str("nix-archive-1") + str("(") + str("type") +
                         str("regular") + str("contents") + str("hi") + str(")");
  CHECK(nar.str() == expected);

  StringSink exe;
  dump_contents(as_bytes(""), true, exe);
  CHECK(exe.str() == str("nix-archive-1") + str("(") + str("type") + str("regular") +
                         str("executable") + str("") + str("contents") + str("") +
                         str(")"));
}

TEST_CASE("NAR hashes and source paths of the reference tree", "[store][nar][paths]") {
  TempDir tmp;
  make_tree1(tmp.path());

  CHECK(to_base16(nar_hash(tmp.path() / "tree1")) ==
        "0106c3cddd611e0f346cde64ec88e16020dca39b150c246201c943f8ddc50598");
  CHECK(to_nix_base32(nar_hash(tmp.path() / "tree1")) ==
        "1605qpfzhhy905i2830mkfixq830w64fqr6ydhs0y7k1vp6w61h1");
  CHECK(source_path(prefix, "tree1", nar_hash(tmp.path() / "tree1")) ==
        "/gnu/store/hmjvbm3lk68ck25bcgxzgsq18xnmipjb-tree1");

  CHECK(to_base16(nar_hash(tmp.path() / "single.txt")) ==
        "6c81bae44b6729fc9e5ebc28b6787e746f1ba46f57ec021db29a32788a01e407");
  CHECK(source_path(prefix, "single.txt", nar_hash(tmp.path() / "single.txt")) ==
        "/gnu/store/2w0sb6jydnv9jx1kzix1hrc7sl9zknqz-single.txt");
  // The same file given as fixed output, recursive sha256, is a source path.
  auto h = nar_hash(tmp.path() / "single.txt");
  CHECK(fixed_output_path(prefix, "single.txt", "sha256", h, true) ==
        "/gnu/store/2w0sb6jydnv9jx1kzix1hrc7sl9zknqz-single.txt");
  // Flat: the hash of the file's bytes.
  CHECK(fixed_output_path(prefix, "single.txt", "sha256", sha256("just a file\n"), false) ==
        "/gnu/store/dl4j9g6722wsf5qiz0ky15by8bg5zcgd-single.txt");

  // The NAR of a one-file tree equals dump_contents of its bytes, and
  // counting the hasher's input gives the NAR size.
  StringSink from_file, from_memory;
  dump_path((tmp.path() / "single.txt").string(), from_file);
  dump_contents(as_bytes("just a file\n"), false, from_memory);
  CHECK(from_file.str() == from_memory.str());
  Sha256 hasher;
  dump_path((tmp.path() / "tree1").string(), hasher);
  StringSink whole;
  dump_path((tmp.path() / "tree1").string(), whole);
  CHECK(hasher.size() == whole.str().size());
}

TEST_CASE("NAR contents do not depend on times, owners or read size", "[store][nar]") {
  TempDir tmp;
  make_tree1(tmp.path());
  auto before = nar_hash(tmp.path() / "tree1");
  struct timespec times[2] = {{1, 0}, {1, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (tmp.path() / "tree1" / "a.txt").c_str(), times, 0) == 0);
  REQUIRE(::chmod((tmp.path() / "tree1" / "a.txt").c_str(), 0444) == 0);
  CHECK(nar_hash(tmp.path() / "tree1") == before);

  DumpOptions tiny;
  tiny.read_size = 7;  // k.txt is read in many pieces
  Sha256 hasher;
  dump_path((tmp.path() / "tree1").string(), hasher, tiny);
  CHECK(hasher.finish() == before);

  // Only the owner's x bit makes a file executable.
  REQUIRE(::chmod((tmp.path() / "tree1" / "a.txt").c_str(), 0445) == 0);
  CHECK(nar_hash(tmp.path() / "tree1") == before);
  REQUIRE(::chmod((tmp.path() / "tree1" / "a.txt").c_str(), 0744) == 0);
  CHECK(nar_hash(tmp.path() / "tree1") != before);
}

TEST_CASE("NAR with a selection leaves files out", "[store][nar]") {
  TempDir tmp;
  make_tree1(tmp.path());
  fs::path copy = tmp.path() / "copy";
  fs::create_directories(copy / "tree1");
  fs::copy(tmp.path() / "tree1", copy / "tree1",
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  write_file(copy / "tree1" / "junk~", "backup", 0644);
  fs::create_directories(copy / "tree1" / ".git" / "objects");
  DumpOptions opts;
  opts.select = [](const std::string& file, const struct stat&) {
    return !file.ends_with("~") && !file.ends_with("/.git");
  };
  Sha256 hasher;
  dump_path((copy / "tree1").string(), hasher, opts);
  CHECK(hasher.finish() == nar_hash(tmp.path() / "tree1"));
}

TEST_CASE("NAR errors name the file", "[store][nar]") {
  TempDir tmp;
  CountingSink sink;
  std::string missing = (tmp.path() / "missing").string();
  try {
    dump_path(missing, sink);
    FAIL("no exception");
  } catch (const system_error& e) {
    CHECK(e.errno_value() == ENOENT);
    CHECK(e.path() == missing);
    CHECK(std::string(e.what()).find(missing) != std::string::npos);
  }
  std::string fifo = (tmp.path() / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_AS(dump_path(fifo, sink), invalid_input);
}

TEST_CASE("text paths, with and without references", "[store][paths]") {
  CHECK(text_path(prefix, "hello.txt", "Hello, world!\n") ==
        "/gnu/store/lnqjid21cvqw4c4kh7xnj2ikp2d0qfnb-hello.txt");
  CHECK(text_path(prefix, "empty", "") ==
        "/gnu/store/10vvmw4rs15w4nw32yd0555fblakzj6j-empty");
  CHECK(text_path(prefix, "with-ref",
                  "uses /gnu/store/vncc85a7wmx0qvygd617i5dld6lzjx4w-dep\n",
                  {"/gnu/store/vncc85a7wmx0qvygd617i5dld6lzjx4w-dep"}) ==
        "/gnu/store/q1xfsqiwm1cyfawpgnnfh076i6nsdq6z-with-ref");
  // A reference must be a store item under the prefix.
  CHECK_THROWS_AS(text_path(prefix, "x", "", {"/tmp/foo"}), invalid_input);
  // Another prefix gives another name.
  CHECK(text_path("/var/lib/byre/store", "empty", "") !=
        "/gnu/store/10vvmw4rs15w4nw32yd0555fblakzj6j-empty");
}

TEST_CASE("derivation output paths", "[store][paths]") {
  CHECK(output_path(prefix, "out", sha256("drv"), "hello-2.10") ==
        "/gnu/store/fs3skskhsshpi2m90c0bwz24d132wbw3-hello-2.10");
  CHECK(output_path(prefix, "doc", sha256("drv"), "hello-2.10") ==
        "/gnu/store/18qxmdh19gphd2bncpz68v3sb98c97zy-hello-2.10-doc");
}

TEST_CASE("store item names are validated", "[store][paths]") {
  auto reason_for = [](std::string name) {
    try {
      check_name(name);
    } catch (const invalid_input& e) {
      CHECK(e.value() == name);
      CHECK(std::string(e.what()).find(name) != std::string::npos);
      return e.reason();
    }
    return std::string("valid");
  };
  CHECK(reason_for("hello-2.10") == "valid");
  CHECK(reason_for("a+b_c?d=e.f") == "valid");
  CHECK(reason_for(std::string(211, 'a')) == "valid");
  CHECK(reason_for("").find("empty") != std::string::npos);
  CHECK(reason_for(std::string(212, 'a')).find("longer") != std::string::npos);
  CHECK(reason_for(".hidden").find("'.'") != std::string::npos);
  CHECK(reason_for("..").find("'.'") != std::string::npos);
  CHECK(reason_for("a/b").find("'/'") != std::string::npos);
  CHECK(reason_for("sp ace").find("allowed") != std::string::npos);
  CHECK(reason_for("caf\xc3\xa9").find("allowed") != std::string::npos);
  // Path computations refuse bad names before computing anything.
  CHECK_THROWS_AS(text_path(prefix, "a/b", ""), invalid_input);
  CHECK_THROWS_AS(source_path(prefix, ".x", sha256("")), invalid_input);
  CHECK_THROWS_AS(text_path("relative/store", "x", ""), invalid_input);
}

TEST_CASE("taking store paths apart", "[store][paths]") {
  std::string p = "/gnu/store/hmjvbm3lk68ck25bcgxzgsq18xnmipjb-tree1";
  auto parts = parse_store_path(prefix, p);
  REQUIRE(parts);
  CHECK(parts->hash_part == "hmjvbm3lk68ck25bcgxzgsq18xnmipjb");
  CHECK(parts->name == "tree1");
  CHECK_FALSE(parse_store_path(prefix, p + "/bin"));
  CHECK_FALSE(parse_store_path(prefix, "/gnu/store/hmjvbm3lk68ck25bcgxzgsq18xnmipjb"));
  CHECK_FALSE(parse_store_path(prefix, "/gnu/store/emjvbm3lk68ck25bcgxzgsq18xnmipjb-x"));
  CHECK_FALSE(parse_store_path(prefix, "/gnu/storehmjvbm3lk68ck25bcgxzgsq18xnmipjb-x"));
  CHECK_THROWS_AS(split_store_path(prefix, "/tmp/x"), invalid_input);
  CHECK(is_in_store(prefix, p + "/bin/sh"));
  CHECK(is_in_store(prefix, prefix));
  CHECK_FALSE(is_in_store(prefix, "/gnu/storage"));
  CHECK(store_item_of(prefix, p + "/bin/sh") == std::optional<std::string_view>(p));
  CHECK_FALSE(store_item_of(prefix, "/gnu/store/x"));
}
