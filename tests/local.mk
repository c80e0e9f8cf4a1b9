## SPDX-License-Identifier: GPL-3.0-or-later
## Copyright (C) 2026 the byre authors
## Tests: Catch2 (tests/cpp), SRFI-64 (tests/scheme), command line
## (tests/integration).  `make check` runs them all as the current user.

TEST_EXTENSIONS = .scm .sh
SCM_LOG_COMPILER = $(top_builddir)/pre-inst-env $(GUILE)
AM_SCM_LOG_FLAGS = --no-auto-compile -s
SH_LOG_COMPILER = $(top_builddir)/pre-inst-env $(SHELL)
AM_TESTS_ENVIRONMENT = abs_top_srcdir='$(abs_top_srcdir)' abs_top_builddir='$(abs_top_builddir)'; export abs_top_srcdir abs_top_builddir;

SCHEME_TESTS =					\
  tests/scheme/records.scm			\
  tests/scheme/services.scm			\
  tests/scheme/system.scm			\
  tests/scheme/os-examples.scm			\
  tests/scheme/progress.scm			\
  tests/scheme/file-systems.scm		\
  tests/scheme/container.scm			\
  tests/scheme/container-attacks.scm		\
  tests/scheme/host.scm				\
  tests/scheme/utils.scm			\
  tests/scheme/build-utils.scm		\
  tests/scheme/monads.scm			\
  tests/scheme/store.scm			\
  tests/scheme/store-builds.scm			\
  tests/scheme/gexp.scm				\
  tests/scheme/derivations.scm			\
  tests/scheme/modules.scm			\
  tests/scheme/packages.scm			\
  tests/scheme/init.scm			\
  tests/scheme/item-cache.scm

INTEGRATION_TESTS =				\
  tests/integration/command.sh			\
  tests/integration/gc.sh			\
  tests/integration/eval.sh			\
  tests/integration/ui.sh			\
  tests/integration/completion.sh		\
  tests/integration/shell.sh		\
  tests/integration/pack.sh			\
  tests/integration/image.sh			\
  tests/integration/oci-config.sh		\
  tests/integration/herd.sh			\
  tests/integration/system-build.sh		\
  tests/integration/system-container.sh		\
  tests/integration/system-container-lifecycle.sh	\
  tests/integration/system-container-examples.sh	\
  tests/integration/attack-exec.sh

TESTS += $(SCHEME_TESTS) $(INTEGRATION_TESTS)
EXTRA_DIST += $(SCHEME_TESTS) $(INTEGRATION_TESTS) tests/scheme/lib/harness.scm tests/integration/lib.sh \
  tests/scheme/data/store-paths.scm

# Test files may be changed by the tests only in their own temporary
# directories; Scheme test logs are the automake .log/.trs files.
$(SCHEME_TESTS:%.scm=%.log): $(GOBJECTS)
$(INTEGRATION_TESTS:%.sh=%.log): $(GOBJECTS) scripts/byre
