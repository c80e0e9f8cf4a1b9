// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: nix-base32.
#include "store/base32.hh"

#include <array>

#include "store/error.hh"

namespace byre::store {

namespace {
// The value of each character, or -1 outside the alphabet.
constexpr std::array<signed char, 256> digit_values = [] {
  std::array<signed char, 256> t{};
  t.fill(-1);
  for (std::size_t i = 0; i < nix_base32_alphabet.size(); ++i)
    t[static_cast<unsigned char>(nix_base32_alphabet[i])] =
        static_cast<signed char>(i);
  return t;
}();
}  // namespace

bool is_nix_base32_char(char c) noexcept {
  return digit_values[static_cast<unsigned char>(c)] >= 0;
}

std::string to_nix_base32(Bytes data) {
  std::size_t len = nix_base32_length(data.size());
  std::string out;
  out.reserve(len);
  // Digit N (counting from the least significant) is bits 5N..5N+4 of the
  // little-endian number; it may straddle two bytes.
  for (std::size_t n = len; n-- > 0;) {
    std::size_t bit = n * 5, i = bit / 8, j = bit % 8;
    unsigned v = data[i] >> j;
    if (i + 1 < data.size()) v |= static_cast<unsigned>(data[i + 1]) << (8 - j);
    out += nix_base32_alphabet[v & 0x1f];
  }
  return out;
}

std::vector<unsigned char> from_nix_base32(std::string_view s,
                                           std::size_t size) {
  if (s.size() != nix_base32_length(size))
    throw invalid_input("nix-base32 string of the wrong length for " +
                            std::to_string(size) + " bytes",
                        std::string(s));
  std::vector<unsigned char> out(size, 0);
  for (std::size_t n = 0; n < s.size(); ++n) {
    int d = digit_values[static_cast<unsigned char>(s[s.size() - n - 1])];
    if (d < 0)
      throw invalid_input("invalid character in nix-base32 string",
                          std::string(s));
    std::size_t bit = n * 5, i = bit / 8, j = bit % 8;
    out[i] |= static_cast<unsigned char>(d << j);
    unsigned high = static_cast<unsigned>(d) >> (8 - j);
    if (i + 1 < size)
      out[i + 1] |= static_cast<unsigned char>(high);
    else if (high != 0)
      throw invalid_input("nix-base32 string encodes more than " +
                              std::to_string(size) + " bytes",
                          std::string(s));
  }
  return out;
}

}  // namespace byre::store
