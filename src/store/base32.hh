// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: nix-base32, the encoding of hashes in store names.
//
// The alphabet is "0123456789abcdfghijklmnpqrsvwxyz" (no e, o, t, u).  Unlike
// RFC 4648 base32, the encoding reads the bytes as one little-endian number
// and writes its 5-bit digits most significant first, without padding: N
// bytes give ceil(8N/5) characters (20 bytes -> 32, 32 bytes -> 52).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "store/sink.hh"

namespace byre::store {

inline constexpr std::string_view nix_base32_alphabet =
    "0123456789abcdfghijklmnpqrsvwxyz";

// How many characters encode SIZE bytes.
constexpr std::size_t nix_base32_length(std::size_t size) noexcept {
  return size == 0 ? 0 : (size * 8 - 1) / 5 + 1;
}

// True when C is one of the 32 characters of the alphabet.
bool is_nix_base32_char(char c) noexcept;

std::string to_nix_base32(Bytes data);

// Decode S into SIZE bytes.  Throws invalid_input when S is not
// nix_base32_length(SIZE) characters of the alphabet or encodes a number
// that does not fit in SIZE bytes.
std::vector<unsigned char> from_nix_base32(std::string_view s,
                                           std::size_t size);

}  // namespace byre::store
