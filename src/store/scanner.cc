// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the reference scanner.
#include "store/scanner.hh"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "store/base32.hh"
#include "store/error.hh"

namespace byre::store {

namespace {

// 1 for the 32 bytes of the nix-base32 alphabet, else 0.
constexpr std::array<unsigned char, 256> in_alphabet = [] {
  std::array<unsigned char, 256> t{};
  for (char c : nix_base32_alphabet) t[static_cast<unsigned char>(c)] = 1;
  return t;
}();

inline std::uint64_t load64(const unsigned char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Fibonacci hashing: the high bits of the product mix all 64 input bits.
inline std::uint64_t mix(std::uint64_t key) noexcept {
  return key * 0x9e3779b97f4a7c15ull;
}

}  // namespace

ReferenceScanner::ReferenceScanner(std::span<const std::string> hash_parts)
    : ReferenceScanner([&] {
        std::vector<std::string_view> views(hash_parts.begin(), hash_parts.end());
        return views;
      }()) {}

ReferenceScanner::ReferenceScanner(std::span<const std::string_view> hash_parts)
    : found_(hash_parts.size(), 0) {
  // A table at most a quarter full: a window that matches nothing (almost
  // all of them) usually lands on an empty slot at the first probe.
  std::size_t slots = std::bit_ceil(std::max<std::size_t>(16, hash_parts.size() * 4));
  shift_ = 64 - static_cast<unsigned>(std::countr_zero(slots));
  mask_ = slots - 1;
  // At least 32 KiB of filter (fits L1), about 64 bits per candidate: for
  // 5,000 candidates, 2% of the windows that match none pass it.
  std::size_t bits = std::bit_ceil(std::max<std::size_t>(1 << 18, hash_parts.size() * 64));
  filter_shift_ = 64 - static_cast<unsigned>(std::countr_zero(bits));
  filter_.assign(bits / 64, 0);
  slot_key_.assign(slots, 0);
  slot_index_.assign(slots, 0);
  patterns_.resize(hash_parts.size() * window);
  for (std::size_t i = 0; i < hash_parts.size(); ++i) add(hash_parts[i], i);
}

void ReferenceScanner::add(std::string_view hash_part, std::size_t index) {
  if (hash_part.size() != window ||
      !std::all_of(hash_part.begin(), hash_part.end(), is_nix_base32_char))
    throw invalid_input("not a store hash part (32 nix-base32 characters)",
                        std::string(hash_part));
  unsigned char* pattern = patterns_.data() + index * window;
  std::memcpy(pattern, hash_part.data(), window);
  std::uint64_t key = load64(pattern);
  std::uint64_t bit = mix(key) >> filter_shift_;
  filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  std::size_t slot = mix(key) >> shift_;
  while (slot_key_[slot] != 0) slot = (slot + 1) & mask_;
  slot_key_[slot] = key;
  slot_index_[slot] = static_cast<std::uint32_t>(index);
}

inline void ReferenceScanner::lookup(const unsigned char* w) noexcept {
  std::uint64_t key = load64(w);
  std::uint64_t h = mix(key);
  std::uint64_t bit = h >> filter_shift_;
  if (!(filter_[bit / 64] >> (bit % 64) & 1)) return;
  for (std::size_t slot = h >> shift_; slot_key_[slot] != 0;
       slot = (slot + 1) & mask_) {
    if (slot_key_[slot] != key) continue;
    std::uint32_t i = slot_index_[slot];
    if (!found_[i] && std::memcmp(patterns_.data() + std::size_t{i} * window, w,
                                  window) == 0) {
      found_[i] = 1;
      ++found_count_;
    }
  }
}

#if defined(__x86_64__)
namespace {

// Bit I set when byte I of P[0..63] is in the nix-base32 alphabet: the
// digits and the lowercase letters but e, o, t and u.  Signed byte compares
// are right here: bytes from 0x80 up compare as negative, below '0'.  The
// SSE2 version runs on every x86-64; the AVX2 one, chosen at run time,
// classifies 32 bytes an instruction instead of 16.
inline std::uint64_t alphabet_mask64_sse2(const unsigned char* p) noexcept {
  const __m128i below_digits = _mm_set1_epi8('0' - 1), above_digits = _mm_set1_epi8('9' + 1);
  const __m128i below_lower = _mm_set1_epi8('a' - 1), above_lower = _mm_set1_epi8('z' + 1);
  const __m128i e = _mm_set1_epi8('e'), o = _mm_set1_epi8('o');
  const __m128i t = _mm_set1_epi8('t'), u = _mm_set1_epi8('u');
  std::uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, below_digits),
                                  _mm_cmplt_epi8(x, above_digits));
    __m128i lower = _mm_and_si128(_mm_cmpgt_epi8(x, below_lower),
                                  _mm_cmplt_epi8(x, above_lower));
    __m128i excluded = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, e), _mm_cmpeq_epi8(x, o)),
                                    _mm_or_si128(_mm_cmpeq_epi8(x, t), _mm_cmpeq_epi8(x, u)));
    __m128i in = _mm_or_si128(digit, _mm_andnot_si128(excluded, lower));
    mask |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(in)))
            << (16 * k);
  }
  return mask;
}

__attribute__((target("avx2"))) inline std::uint64_t alphabet_mask64_avx2(
    const unsigned char* p) noexcept {
  const __m256i below_digits = _mm256_set1_epi8('0' - 1), above_digits = _mm256_set1_epi8('9' + 1);
  const __m256i below_lower = _mm256_set1_epi8('a' - 1), above_lower = _mm256_set1_epi8('z' + 1);
  const __m256i e = _mm256_set1_epi8('e'), o = _mm256_set1_epi8('o');
  const __m256i t = _mm256_set1_epi8('t'), u = _mm256_set1_epi8('u');
  std::uint64_t mask = 0;
  for (int k = 0; k < 2; ++k) {
    __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * k));
    __m256i digit = _mm256_and_si256(_mm256_cmpgt_epi8(x, below_digits),
                                     _mm256_cmpgt_epi8(above_digits, x));
    __m256i lower = _mm256_and_si256(_mm256_cmpgt_epi8(x, below_lower),
                                     _mm256_cmpgt_epi8(above_lower, x));
    __m256i excluded = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(x, e), _mm256_cmpeq_epi8(x, o)),
        _mm256_or_si256(_mm256_cmpeq_epi8(x, t), _mm256_cmpeq_epi8(x, u)));
    __m256i in = _mm256_or_si256(digit, _mm256_andnot_si256(excluded, lower));
    mask |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm256_movemask_epi8(in)))
            << (32 * k);
  }
  return mask;
}

const bool have_avx2 = __builtin_cpu_supports("avx2");

}  // namespace

// The windows starting in [P, P+N-127], 64 at a time (see scan).  Returns
// where it stopped.  MASK64 classifies 64 bytes.
template <std::uint64_t (*mask64)(const unsigned char*)>
inline std::size_t ReferenceScanner::scan_blocks(const unsigned char* p,
                                                 std::size_t n) noexcept {
  std::size_t i = 0;
  if (n < 128) return 0;
  std::uint64_t current = mask64(p);
  for (; i + 128 <= n; i += 64) {
    std::uint64_t next = mask64(p + i + 64);
    // A run of 32 alphabet bytes starting at K < 64 covers byte 31 (if
    // K < 32) or byte 63 (if K >= 32): without either, nothing to do.
    if (current & 0x8000000080000000ull) {
      unsigned __int128 run = current | static_cast<unsigned __int128>(next) << 64;
      run &= run >> 1;
      run &= run >> 2;
      run &= run >> 4;
      run &= run >> 8;
      run &= run >> 16;
      // Bit K: the window at I+K is all alphabet (and ends before I+128).
      for (std::uint64_t starts = static_cast<std::uint64_t>(run); starts != 0;
           starts &= starts - 1)
        lookup(p + i + static_cast<std::size_t>(std::countr_zero(starts)));
    }
    current = next;
  }
  return i;
}

__attribute__((target("avx2"))) std::size_t ReferenceScanner::scan_blocks_avx2(
    const unsigned char* p, std::size_t n) noexcept {
  return scan_blocks<alphabet_mask64_avx2>(p, n);
}

std::size_t ReferenceScanner::scan_blocks_sse2(const unsigned char* p,
                                               std::size_t n) noexcept {
  return scan_blocks<alphabet_mask64_sse2>(p, n);
}
#endif

// Look up every 32-byte window that lies wholly within [P, P+N).
//
// The trick: a hash part is made of alphabet bytes only, so only a window
// of 32 alphabet bytes in a row can match.
//
// On x86-64, bytes are classified 64 at a time into a bit mask (SSE2 or
// AVX2); AND-ing the mask with itself shifted by 1, 2, 4, 8 and 16 leaves
// bit I set only when bytes I..I+31 are all in the alphabet, so a 64-byte
// block without such a run (nearly all of them in binaries and prose) costs
// a few dozen instructions and no lookup.
//
// The scalar loop (the last bytes, and other machines) checks each
// window from its end backwards; at the first byte outside the alphabet it
// jumps to just past it.  In binary data 7 bytes in 8 are outside the
// alphabet, so most steps read one byte and skip 32.  Bytes already known to
// be in the alphabet (`good`) are not read again, so in a long run of
// alphabet bytes each new window costs one byte check and one probe.
void ReferenceScanner::scan(const unsigned char* p, std::size_t n) noexcept {
  if (n < window) return;
  std::size_t i = 0;  // start of the next window to test
#if defined(__x86_64__)
  i = have_avx2 ? scan_blocks_avx2(p, n) : scan_blocks_sse2(p, n);
#endif
  const std::size_t last = n - window;  // the last window's start
  std::size_t good = i;  // bytes [i, good) are all in the alphabet
  while (i <= last) {
    std::size_t k = i + window;
    while (k > good && in_alphabet[p[k - 1]]) --k;
    if (k > good) {  // p[k - 1] is outside: no window containing it matches
      good = i + window;
      i = k;
      continue;
    }
    good = i + window;
    lookup(p + i);
    ++i;
  }
}

void ReferenceScanner::write(Bytes data) {
  const unsigned char* p = data.data();
  std::size_t n = data.size();
  if (n == 0 || found_count_ == found_.size()) return;

  // Windows that start in the tail of earlier pieces and end in this one.
  if (tail_size_ > 0) {
    unsigned char joined[2 * (window - 1)];
    std::size_t head = std::min(n, window - 1);
    std::memcpy(joined, tail_, tail_size_);
    std::memcpy(joined + tail_size_, p, head);
    scan(joined, tail_size_ + head);
  }

  scan(p, n);

  // Keep the last window-1 bytes of the stream for the next piece.
  if (n >= window - 1) {
    std::memcpy(tail_, p + n - (window - 1), window - 1);
    tail_size_ = window - 1;
  } else {
    std::size_t keep = std::min(tail_size_, window - 1 - n);
    std::memmove(tail_, tail_ + tail_size_ - keep, keep);
    std::memcpy(tail_ + keep, p, n);
    tail_size_ = keep + n;
  }
}

std::vector<std::size_t> ReferenceScanner::found_indices() const {
  std::vector<std::size_t> out;
  out.reserve(found_count_);
  for (std::size_t i = 0; i < found_.size(); ++i)
    if (found_[i]) out.push_back(i);
  return out;
}

}  // namespace byre::store
