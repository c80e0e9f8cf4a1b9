## The store's C++ core (NAR, hashing, nix-base32, store paths, scanner,
## reference graph, database).

libbyrecore_la_SOURCES +=			\
  src/store/error.cc src/store/error.hh		\
  src/store/fd.cc src/store/fd.hh		\
  src/store/sink.cc src/store/sink.hh		\
  src/store/sha256.cc src/store/sha256.hh	\
  src/store/base32.cc src/store/base32.hh	\
  src/store/nar.cc src/store/nar.hh		\
  src/store/store-path.cc src/store/store-path.hh

tests_cpp_unit_SOURCES +=			\
  tests/cpp/store-paths.cc
