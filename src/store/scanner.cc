// byre store: the reference scanner.
#include "store/scanner.hh"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

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

// Look up every 32-byte window that lies wholly within [P, P+N).
//
// The trick: a hash part is made of alphabet bytes only, so a window holding
// any other byte cannot match, nor can any window that overlaps that byte.
// Each window is checked from its end backwards; at the first byte outside
// the alphabet, the scan jumps to just past it.  In binary data 7 bytes in 8
// are outside the alphabet, so most steps read one byte and skip 32.  Bytes
// already known to be in the alphabet (`good`) are not read again, so in a
// long run of alphabet bytes each new window costs one byte check and one
// probe of the hash set.
void ReferenceScanner::scan(const unsigned char* p, std::size_t n) noexcept {
  if (n < window) return;
  const std::size_t last = n - window;  // the last window's start
  std::size_t i = 0;     // start of the window under test
  std::size_t good = 0;  // bytes [i, good) are all in the alphabet
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
