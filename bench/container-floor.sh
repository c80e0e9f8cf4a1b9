#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# Builds bench/floor.c with cc into a temporary directory and measures
# byre's container start against it (bench/container-floor.scm).
#
#   ./pre-inst-env sh bench/container-floor.sh [N [ROUNDS]]

set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/byre-floor.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
${CC:-cc} -O2 -Wall -o "$tmp/floor" "$here/floor.c"
guile --no-auto-compile "$here/container-floor.scm" "$tmp/floor" "$@"
