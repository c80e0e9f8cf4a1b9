// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: turning a NAR stream back into files.
//
// `NarRestorer` is a Sink: the NAR of a tree written to it (in pieces of any
// size) is recreated at PATH, which must not exist.  Put behind a TeeSink
// with the hasher, it copies a tree into the store while the tree's NAR is
// hashed, so the source is read once (add-to-store).
//
// Only what a NAR holds is recreated: regular files (mode 0644, or 0755 when
// executable), symbolic links and directories (0755); the store
// canonicalises them afterwards.  A malformed archive (bad token, entry
// names that are empty, ".", "..", hold a '/' or are not in strictly
// increasing order) throws invalid_input; a file that cannot be created
// throws system_error naming it.  What was created before a failure is left
// for the caller to remove.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/fd.hh"
#include "store/sink.hh"

namespace byre::store {

class NarRestorer final : public Sink {
public:
  explicit NarRestorer(std::string path);

  void write(Bytes data) override;
  using Sink::write;
  // Throw invalid_input unless a whole archive was received.
  void finish();

private:
  enum class State {
    magic, open, type_keyword, type, regular_attribute, executable_value,
    contents_keyword, contents, close, target_keyword, target,
    directory_entry, entry_open, name_keyword, name, node_keyword,
    entry_close, done
  };
  struct Directory {
    Fd fd;
    std::string path;
    std::string last_entry;
  };

  void token(const std::string& t);
  void expect(const std::string& t, const char* wanted, State next);
  void create(const std::string& type);
  void end_node();
  void write_contents(const unsigned char* p, std::size_t n);
  [[noreturn]] void malformed(const std::string& what) const;
  std::string node_path() const;
  int parent_fd() const;
  const std::string& node_name() const;

  // The lexer: each token is an 8-byte little-endian length, its bytes and
  // zero padding to a multiple of 8.
  enum class Lex { length, body, padding } lex_ = Lex::length;
  unsigned char length_bytes_[8];
  std::size_t length_have_ = 0;
  std::uint64_t body_size_ = 0;
  std::uint64_t body_left_ = 0;
  std::size_t padding_left_ = 0;
  std::string token_;
  bool streaming_ = false;  // the body is a file's contents

  State state_ = State::magic;
  std::string root_;
  std::string pending_;  // name of the node being created in dirs_.back()
  std::vector<Directory> dirs_;
  Fd file_;
  bool executable_ = false;
  std::uint64_t offset_ = 0;  // bytes of the archive consumed, for messages
};

}  // namespace byre::store
