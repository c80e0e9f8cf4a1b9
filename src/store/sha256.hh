// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: SHA-256.
//
// `Sha256` is a Sink: write bytes to it, then `finish()` gives the digest
// and `size()` how many bytes were hashed (the NAR size when it is fed a
// NAR).  It uses OpenSSL's libcrypto (EVP), which hashes with the CPU's SHA
// instructions where there are some; libgcrypt was measured as fast here
// (bench/store/RESULTS.md), so the store keeps the one library configure
// already requires.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/sink.hh"

struct evp_md_ctx_st;

namespace byre::store {

using Digest = std::array<unsigned char, 32>;

class Sha256 final : public Sink {
public:
  Sha256();
  ~Sha256() override;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void write(Bytes data) override;
  using Sink::write;
  // Return the digest of everything written so far.  The hasher then starts
  // again from empty.
  Digest finish();
  std::uint64_t size() const noexcept { return size_; }

private:
  evp_md_ctx_st* ctx_;
  std::uint64_t size_ = 0;
};

// The SHA-256 digest of DATA.
Digest sha256(Bytes data);
inline Digest sha256(std::string_view data) { return sha256(as_bytes(data)); }

// DIGEST as 64 lowercase hexadecimal digits, and back.  `digest_from_base16`
// throws invalid_input unless S is exactly 64 hexadecimal digits.
std::string to_base16(Bytes digest);
Digest digest_from_base16(std::string_view s);

}  // namespace byre::store
