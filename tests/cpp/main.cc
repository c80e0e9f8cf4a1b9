// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
