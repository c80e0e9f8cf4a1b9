## SPDX-License-Identifier: GPL-3.0-or-later
## Copyright (C) 2026 the byre authors
## The store's C++ core (NAR, hashing, nix-base32, store paths, scanner,
## reference graph, database).  A library of its own: the container
## extension does not need SQLite or libcrypto, and loading them costs every
## `byre' start-up about 2 ms (bench/RESULTS.md).

noinst_LTLIBRARIES += libbyrestore.la
libbyrestore_la_CXXFLAGS = $(AM_CXXFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
libbyrestore_la_LIBADD = $(SQLITE_LIBS) $(CRYPTO_LIBS)
libbyrestore_la_SOURCES =			\
  src/store/error.cc src/store/error.hh		\
  src/store/fd.cc src/store/fd.hh		\
  src/store/directory.cc src/store/directory.hh		\
  src/store/sink.cc src/store/sink.hh		\
  src/store/sha256.cc src/store/sha256.hh	\
  src/store/base32.cc src/store/base32.hh	\
  src/store/nar.cc src/store/nar.hh		\
  src/store/store-path.cc src/store/store-path.hh	\
  src/store/scanner.cc src/store/scanner.hh	\
  src/store/graph.cc src/store/graph.hh		\
  src/store/graph-file.cc src/store/graph-file.hh	\
  src/store/database.cc src/store/database.hh	\
  src/store/hash.cc src/store/hash.hh		\
  src/store/nar-restore.cc src/store/nar-restore.hh	\
  src/store/locks.cc src/store/locks.hh		\
  src/store/canonicalise.cc src/store/canonicalise.hh	\
  src/store/temp-item.cc src/store/temp-item.hh	\
  src/store/roots.cc src/store/roots.hh		\
  src/store/local-store.cc src/store/local-store.hh	\
  src/store/optimise.cc src/store/optimise.hh	\
  src/store/gc.cc

tests_cpp_unit_SOURCES +=			\
  tests/cpp/store-paths.cc			\
  tests/cpp/store-scanner.cc			\
  tests/cpp/store-graph.cc			\
  tests/cpp/store-graph-file.cc			\
  tests/cpp/store-database.cc			\
  tests/cpp/store-local.cc

## The store's Guile extension, apart from libguile-byre so that containers
## never load SQLite or libcrypto; (byre store-core) loads it.
guileextension_LTLIBRARIES += libguile-byre-store.la
libguile_byre_store_la_SOURCES =		\
  src/guile/bindings.hh				\
  src/guile/support.cc				\
  src/guile/store.cc
libguile_byre_store_la_CXXFLAGS = $(AM_CXXFLAGS) -Wno-volatile $(GUILE_CFLAGS) $(GC_CFLAGS)
libguile_byre_store_la_LIBADD = libbyrestore.la $(GUILE_LIBS)
libguile_byre_store_la_LDFLAGS = -module -avoid-version -no-undefined -Wl,--as-needed

BYRE_STORE_SNARFED = src/guile/store.x
BUILT_SOURCES += $(BYRE_STORE_SNARFED)
CLEANFILES += $(BYRE_STORE_SNARFED)

# (byre store-core) loads the store extension when it is compiled.
scheme/byre/store-core.go: libguile-byre-store.la

## Benchmarks, built on demand (`make bench/store-scan`), never by `make`;
## bench/store/run builds and runs them all.
EXTRA_PROGRAMS += bench/store-scan bench/store-sha256-backends
bench_store_scan_SOURCES = bench/store/scan.cc bench/store/common.hh
bench_store_scan_CXXFLAGS = $(AM_CXXFLAGS) -O2
bench_store_scan_LDADD = libbyrestore.la
## The comparison that chose OpenSSL over libgcrypt; it alone needs libgcrypt.
bench_store_sha256_backends_SOURCES = bench/store/sha256-backends.cc
bench_store_sha256_backends_CXXFLAGS = $(AM_CXXFLAGS) -O2 $(CRYPTO_CFLAGS)
bench_store_sha256_backends_LDADD = $(CRYPTO_LIBS) -lgcrypt
