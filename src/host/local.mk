## SPDX-License-Identifier: GPL-3.0-or-later
## Copyright (C) 2026 the byre authors
## The host's software closure (src/host): ELF dependencies, the file
## closure as the loader resolves it, the host guile's closure; and its
## bindings.

libbyrecore_la_SOURCES +=			\
  src/host/elf.hh				\
  src/host/elf.cc				\
  src/host/closure.hh				\
  src/host/closure.cc				\
  src/host/host-guile.hh			\
  src/host/host-guile.cc			\
  src/host/dpkg.hh				\
  src/host/dpkg.cc

libguile_byre_la_SOURCES += src/guile/host.cc

BYRE_SNARFED += src/guile/host.x
BUILT_SOURCES += src/guile/host.x
CLEANFILES += src/guile/host.x

tests_cpp_unit_SOURCES +=			\
  tests/cpp/host-elf.hh				\
  tests/cpp/host-elf.cc				\
  tests/cpp/host-closure.cc			\
  tests/cpp/host-dpkg.cc

EXTRA_DIST += bench/host-guile.scm
