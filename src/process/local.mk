## SPDX-License-Identifier: GPL-3.0-or-later
## Copyright (C) 2026 the byre authors
## The init's C++ core (starting services' processes, signals through a
## descriptor) and its Guile extension, apart from libguile-byre so that the
## init, a long-lived PID 1, maps nothing else (bench/RESULTS.md: resident
## set with 20 services).

noinst_LTLIBRARIES += libbyreprocess.la
libbyreprocess_la_SOURCES =			\
  src/process/spawn.hh src/process/spawn.cc	\
  src/process/signals.hh src/process/signals.cc

guileextension_LTLIBRARIES += libguile-byre-init.la
libguile_byre_init_la_SOURCES =		\
  src/guile/bindings.hh				\
  src/guile/support.cc				\
  src/guile/init.cc
libguile_byre_init_la_CXXFLAGS = $(AM_CXXFLAGS) -Wno-volatile $(GUILE_CFLAGS)
libguile_byre_init_la_LIBADD = libbyreprocess.la $(GUILE_LIBS)
libguile_byre_init_la_LDFLAGS = -module -avoid-version -no-undefined -Wl,--as-needed

BYRE_INIT_SNARFED = src/guile/init.x
BUILT_SOURCES += $(BYRE_INIT_SNARFED)
CLEANFILES += $(BYRE_INIT_SNARFED)

tests_cpp_unit_SOURCES += tests/cpp/spawn.cc
tests_cpp_unit_LDADD += libbyreprocess.la

# (byre init-core) loads the init's extension when it is compiled.
scheme/byre/init-core.go: libguile-byre-init.la
