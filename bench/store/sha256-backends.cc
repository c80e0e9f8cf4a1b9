// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre bench: SHA-256 throughput of OpenSSL's libcrypto (EVP) against
// libgcrypt, over the same in-memory buffer hashed in 128 KiB pieces (the
// chunk size the NAR serialiser uses).  It decided which library
// src/store/sha256.cc uses.
//
//   bench/store/sha256-backends [MiB [CHUNK-BYTES]]   (default 1024 131072)
#include <gcrypt.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

std::size_t chunk = 128 * 1024;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

double evp(const std::vector<unsigned char>& data, unsigned char* out) {
  auto start = std::chrono::steady_clock::now();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) std::abort();
  for (std::size_t i = 0; i < data.size(); i += chunk)
    EVP_DigestUpdate(ctx, data.data() + i, std::min(chunk, data.size() - i));
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out, &len);
  EVP_MD_CTX_free(ctx);
  return seconds_since(start);
}

double gcrypt(const std::vector<unsigned char>& data, unsigned char* out) {
  auto start = std::chrono::steady_clock::now();
  gcry_md_hd_t h;
  if (gcry_md_open(&h, GCRY_MD_SHA256, 0) != 0) std::abort();
  for (std::size_t i = 0; i < data.size(); i += chunk)
    gcry_md_write(h, data.data() + i, std::min(chunk, data.size() - i));
  std::memcpy(out, gcry_md_read(h, GCRY_MD_SHA256), 32);
  gcry_md_close(h);
  return seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1024;
  if (argc > 2) chunk = std::strtoul(argv[2], nullptr, 10);
  if (!gcry_check_version(GCRYPT_VERSION)) return 1;
  gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
  std::vector<unsigned char> data(mib << 20);
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<unsigned char>(i * 2654435761u >> 13);
  unsigned char a[32], b[32];
  std::printf("sha256 over %zu MiB in memory, %zu-byte updates, best of 5\n",
              mib, chunk);
  double best_evp = 1e9, best_gcrypt = 1e9;
  for (int round = 0; round < 5; ++round) {
    best_evp = std::min(best_evp, evp(data, a));
    best_gcrypt = std::min(best_gcrypt, gcrypt(data, b));
  }
  if (std::memcmp(a, b, 32) != 0) {
    std::puts("digests differ!");
    return 1;
  }
  double gb = data.size() / 1e9;
  std::printf("openssl EVP  %.3f s  %.2f GB/s  (%s)\n", best_evp,
              gb / best_evp, OpenSSL_version(OPENSSL_VERSION));
  std::printf("libgcrypt    %.3f s  %.2f GB/s  (%s)\n", best_gcrypt,
              gb / best_gcrypt, gcry_check_version(nullptr));
  std::printf("EVP / gcrypt throughput ratio: %.2f\n", best_gcrypt / best_evp);
}
