// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: SHA-1, SHA-256, SHA-512, SHA3-256, SHA3-512 and BLAKE2s-256 through OpenSSL's EVP interface.
#include "store/hash.hh"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <new>
#include <stdexcept>
#include <string>

#include "store/error.hh"
#include "store/fd.hh"
#include "store/nar.hh"

namespace byre::store {

namespace {
const EVP_MD* digest_of(std::string_view algorithm) noexcept {
  if (algorithm == "sha256") return EVP_sha256();
  if (algorithm == "sha1") return EVP_sha1();
  if (algorithm == "sha512") return EVP_sha512();
  if (algorithm == "sha3-256") return EVP_sha3_256();
  if (algorithm == "sha3-512") return EVP_sha3_512();
  if (algorithm == "blake2s-256") return EVP_blake2s256();
  return nullptr;
}
}  // namespace

bool is_supported_hash(std::string_view algorithm) noexcept {
  return digest_of(algorithm) != nullptr;
}

Hasher::Hasher(std::string_view algorithm) : ctx_(nullptr) {
  const EVP_MD* md = digest_of(algorithm);
  if (!md)
    throw invalid_input("unsupported hash algorithm (known: sha1 sha256 sha512 sha3-256 sha3-512 blake2s-256)",
                        std::string(algorithm));
  ctx_ = EVP_MD_CTX_new();
  if (!ctx_) throw std::bad_alloc();
  if (EVP_DigestInit_ex(ctx_, md, nullptr) != 1) {
    EVP_MD_CTX_free(ctx_);
    throw std::runtime_error("EVP_DigestInit_ex failed");
  }
}

Hasher::~Hasher() { EVP_MD_CTX_free(ctx_); }

void Hasher::write(Bytes data) {
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1)
    throw std::runtime_error("EVP_DigestUpdate failed");
}

std::vector<unsigned char> Hasher::finish() {
  std::vector<unsigned char> out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1)
    throw std::runtime_error("EVP_DigestFinal_ex failed");
  out.resize(len);
  return out;
}

std::vector<unsigned char> hash_file(const std::string& file, bool recursive,
                                     std::string_view algorithm) {
  Hasher hasher(algorithm);
  if (recursive) {
    dump_path(file, hasher);
    return hasher.finish();
  }
  Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!in) throw_errno("open", file);
  struct stat st;
  if (::fstat(in.get(), &st) != 0) throw_errno("fstat", file);
  if (!S_ISREG(st.st_mode))
    throw invalid_input("not a regular file (a flat hash is of a file's contents)", file);
  std::vector<unsigned char> buffer(128 * 1024);
  for (;;) {
    ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("read", file);
    }
    if (n == 0) break;
    hasher.write(Bytes(buffer.data(), static_cast<std::size_t>(n)));
  }
  return hasher.finish();
}

}  // namespace byre::store
