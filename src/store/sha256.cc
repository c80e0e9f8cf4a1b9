// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: SHA-256 through OpenSSL's EVP interface.
#include "store/sha256.hh"

#include <openssl/evp.h>

#include <new>
#include <stdexcept>

#include "store/error.hh"

namespace byre::store {

namespace {
void init(EVP_MD_CTX* ctx) {
  if (EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("EVP_DigestInit_ex(sha256) failed");
}
}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_) throw std::bad_alloc();
  try {
    init(ctx_);
  } catch (...) {
    EVP_MD_CTX_free(ctx_);
    throw;
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::write(Bytes data) {
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1)
    throw std::runtime_error("EVP_DigestUpdate(sha256) failed");
  size_ += data.size();
}

Digest Sha256::finish() {
  Digest out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1 || len != out.size())
    throw std::runtime_error("EVP_DigestFinal_ex(sha256) failed");
  init(ctx_);
  size_ = 0;
  return out;
}

Digest sha256(Bytes data) {
  Digest out;
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(),
                 nullptr) != 1)
    throw std::runtime_error("EVP_Digest(sha256) failed");
  return out;
}

std::string to_base16(Bytes digest) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char b : digest) {
    out += hex[b >> 4];
    out += hex[b & 0xf];
  }
  return out;
}

Digest digest_from_base16(std::string_view s) {
  auto nibble = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw invalid_input("invalid base16 SHA-256 digest", std::string(s));
  };
  Digest out;
  if (s.size() != 2 * out.size())
    throw invalid_input("invalid base16 SHA-256 digest (not 64 digits)",
                        std::string(s));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<unsigned char>(nibble(s[2 * i]) << 4 |
                                        nibble(s[2 * i + 1]));
  return out;
}

}  // namespace byre::store
