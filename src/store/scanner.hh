// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the reference scanner.
//
// A store item refers to another when the other's hash part (the 32
// nix-base32 characters after the prefix) appears anywhere in its bytes.
// `ReferenceScanner` is a Sink: feed it a stream (a NAR, or file contents),
// in pieces of any size, and it tells which of its candidate hash parts
// appeared.  A hash part split across two or more pieces is found as if the
// stream had come in one piece.
//
// It is built to run at memory speed next to the hasher: see scanner.cc for
// the trick.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/sink.hh"

namespace byre::store {

class ReferenceScanner final : public Sink {
public:
  // HASH_PARTS are the candidates, each exactly 32 nix-base32 characters
  // (throws invalid_input naming one that is not).  Duplicates are allowed.
  explicit ReferenceScanner(std::span<const std::string> hash_parts);
  explicit ReferenceScanner(std::span<const std::string_view> hash_parts);

  void write(Bytes data) override;
  using Sink::write;

  // Whether candidate I (an index into HASH_PARTS) has been seen.
  bool found(std::size_t i) const noexcept { return found_[i] != 0; }
  // The indices of the candidates seen so far, in increasing order.
  std::vector<std::size_t> found_indices() const;
  std::size_t candidate_count() const noexcept { return found_.size(); }

private:
  void add(std::string_view hash_part, std::size_t index);
  void scan(const unsigned char* p, std::size_t n) noexcept;
#if defined(__x86_64__)
  template <std::uint64_t (*mask64)(const unsigned char*)>
  std::size_t scan_blocks(const unsigned char* p, std::size_t n) noexcept;
  std::size_t scan_blocks_sse2(const unsigned char* p, std::size_t n) noexcept;
  std::size_t scan_blocks_avx2(const unsigned char* p, std::size_t n) noexcept;
#endif
  void lookup(const unsigned char* window) noexcept;

  static constexpr std::size_t window = 32;

  // The candidates, 32 bytes each, back to back.
  std::vector<unsigned char> patterns_;
  // Open-addressed set keyed by the first 8 bytes of a candidate; a slot
  // holds those 8 bytes (0 when empty: candidates are ASCII, never 0) and,
  // in `slot_index_`, the candidate's index.
  std::vector<std::uint64_t> slot_key_;
  std::vector<std::uint32_t> slot_index_;
  unsigned shift_ = 0;
  std::size_t mask_ = 0;
  // A one-hash Bloom filter in front of the set, small enough to stay in
  // the L1 cache: bit (hash >> filter_shift_) is set for every candidate.
  std::vector<std::uint64_t> filter_;
  unsigned filter_shift_ = 0;

  std::vector<unsigned char> found_;
  std::size_t found_count_ = 0;

  // The last bytes of the stream (fewer than a window) whose windows are
  // not complete yet.
  unsigned char tail_[window - 1];
  std::size_t tail_size_ = 0;
};

}  // namespace byre::store
