// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The extension's entry point (the shared binding helpers are in
// support.cc).
#include "guile/bindings.hh"

extern "C" void init_byre() {
  byre::guile::init_container();
  byre::guile::init_mount();
  byre::guile::init_process();
  byre::guile::init_host();
}
