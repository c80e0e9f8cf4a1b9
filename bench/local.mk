## SPDX-License-Identifier: GPL-3.0-or-later
## Copyright (C) 2026 the byre authors
## Benchmarks: programs under bench/ that print their figures; results are
## recorded by hand in bench/RESULTS.md.  Not run by `make check`.
EXTRA_DIST +=					\
  bench/RESULTS.md				\
  bench/container.scm				\
  bench/container-floor.scm			\
  bench/container-floor.sh			\
  bench/floor.c					\
  bench/fork-stress.scm				\
  bench/leak-check.scm				\
  bench/eval-container.scm			\
  bench/host-guile.scm				\
  bench/command-line.sh				\
  bench/host-packages.sh			\
  bench/init.sh				\
  bench/system-container-density.sh	\
  bench/system-build.sh				\
  bench/system-phases.scm			\
  bench/system-container.scm			\
  bench/pack.sh				\
  bench/store/README				\
  bench/store/run				\
  bench/store/add.cc				\
  bench/store/closure.cc			\
  bench/store/common.hh			\
  bench/store/scan.cc				\
  bench/store/sha256-backends.cc
