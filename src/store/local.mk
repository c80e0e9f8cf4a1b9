## The store's C++ core (NAR, hashing, nix-base32, store paths, scanner,
## reference graph, database).

libbyrecore_la_SOURCES +=			\
  src/store/error.cc src/store/error.hh		\
  src/store/fd.cc src/store/fd.hh		\
  src/store/sink.cc src/store/sink.hh		\
  src/store/sha256.cc src/store/sha256.hh	\
  src/store/base32.cc src/store/base32.hh	\
  src/store/nar.cc src/store/nar.hh		\
  src/store/store-path.cc src/store/store-path.hh	\
  src/store/scanner.cc src/store/scanner.hh	\
  src/store/graph.cc src/store/graph.hh		\
  src/store/database.cc src/store/database.hh

tests_cpp_unit_SOURCES +=			\
  tests/cpp/store-paths.cc			\
  tests/cpp/store-scanner.cc			\
  tests/cpp/store-graph.cc			\
  tests/cpp/store-database.cc

## Benchmarks, built on demand (`make bench/store-scan`), never by `make`;
## bench/store/run builds and runs them all.  Automake refuses `+=` on
## EXTRA_PROGRAMS until Makefile.am sets it (`EXTRA_PROGRAMS =`): uncomment
## these lines then.
#EXTRA_PROGRAMS += bench/store-scan bench/store-sha256-backends
#bench_store_scan_SOURCES = bench/store/scan.cc bench/store/common.hh
#bench_store_scan_CXXFLAGS = $(AM_CXXFLAGS) -O2
#bench_store_scan_LDADD = libbyrecore.la
## The comparison that chose OpenSSL over libgcrypt; it alone needs libgcrypt.
#bench_store_sha256_backends_SOURCES = bench/store/sha256-backends.cc
#bench_store_sha256_backends_CXXFLAGS = $(AM_CXXFLAGS) -O2 $(CRYPTO_CFLAGS)
#bench_store_sha256_backends_LDADD = $(CRYPTO_LIBS) -lgcrypt
