## SPDX-License-Identifier: GPL-3.0-or-later
## Copyright (C) 2026 the byre authors
## The C++ core (src/container, src/mount, src/namespaces, src/caps,
## src/process) and the Guile bindings (src/guile).

libbyrecore_la_SOURCES +=			\
  src/container/spec.hh				\
  src/container/plan.hh				\
  src/container/plan.cc				\
  src/container/spawn.hh			\
  src/container/spawn.cc			\
  src/container/excursion.hh			\
  src/container/excursion.cc			\
  src/mount/options.hh				\
  src/mount/options.cc				\
  src/mount/rules.hh				\
  src/mount/rules.cc				\
  src/mount/steps.hh				\
  src/mount/steps.cc				\
  src/namespaces/namespaces.hh			\
  src/namespaces/namespaces.cc			\
  src/caps/caps.hh				\
  src/caps/caps.cc				\
  src/caps/apply.hh				\
  src/caps/apply.cc				\
  src/seccomp/filter.hh				\
  src/seccomp/filter.cc				\
  src/cgroup/limits.hh				\
  src/cgroup/limits.cc				\
  src/container/root-directory.hh		\
  src/container/root-directory.cc		\
  src/process/helpers.hh			\
  src/process/helpers.cc			\
  src/process/relay.hh				\
  src/process/relay.cc

libguile_byre_la_SOURCES +=			\
  src/guile/bindings.hh				\
  src/guile/support.cc				\
  src/guile/core.cc				\
  src/guile/container.cc			\
  src/guile/mount.cc				\
  src/guile/process.cc

BYRE_SNARFED = src/guile/container.x src/guile/mount.x src/guile/process.x
BUILT_SOURCES += $(BYRE_SNARFED)
CLEANFILES += $(BYRE_SNARFED)

tests_cpp_unit_SOURCES +=			\
  tests/cpp/container-plan.cc			\
  tests/cpp/mount-options.cc			\
  tests/cpp/caps.cc				\
  tests/cpp/helpers.cc
