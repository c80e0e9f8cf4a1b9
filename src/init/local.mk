## SPDX-License-Identifier: GPL-3.0-or-later
## Copyright (C) 2026 the byre authors
## byre-init, PID 1 of exec-form containers whose program is not: static,
## so that it runs in a container with nothing of the host.
pkglibexec_PROGRAMS = byre-init
byre_init_SOURCES = src/init/byre-init.cc
byre_init_CXXFLAGS = $(AM_CXXFLAGS) -Os -fno-exceptions
byre_init_LDFLAGS = -all-static
