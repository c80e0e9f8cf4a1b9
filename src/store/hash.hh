// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: hashes other than the NAR's SHA-256.
//
// Fixed-output items may be named after a SHA-1 or SHA-512 of their
// contents (Guix's add-to-store with another hash algorithm).  `Hasher` is
// a Sink for any of the algorithms the store accepts, through the same
// OpenSSL EVP interface as Sha256.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/sink.hh"

struct evp_md_ctx_st;
struct evp_md_st;

namespace byre::store {

class Hasher final : public Sink {
public:
  // ALGORITHM is "sha1", "sha256" or "sha512"; any other name throws
  // invalid_input naming it.
  explicit Hasher(std::string_view algorithm);
  ~Hasher() override;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void write(Bytes data) override;
  using Sink::write;
  // The digest of everything written (the hasher is then spent).
  std::vector<unsigned char> finish();

private:
  evp_md_ctx_st* ctx_;
};

// True when ALGORITHM names a hash the store accepts.
bool is_supported_hash(std::string_view algorithm) noexcept;

// The ALGORITHM hash of FILE: of its NAR serialisation when RECURSIVE (FILE
// is not followed if it is a symbolic link), else of its contents (FILE
// must then be a regular file).  What a fixed-output build is checked
// against.
std::vector<unsigned char> hash_file(const std::string& file, bool recursive,
                                     std::string_view algorithm);

}  // namespace byre::store
