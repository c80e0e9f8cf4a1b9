#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- start-up of the command line, and the cost of progress reports.
#
#   bench/command-line.sh [RUNS]      (from a built tree; default 31 runs)
#
# Prints, for `guile -c ""', `byre --version' and `byre build --help'
# (each run directly, without the pre-inst-env shell), the median wall time
# and the median CPU time (user + system) of RUNS runs, and the ratios to
# `guile -c ""'; then the time to add a 1 GiB tree to a fresh store with
# progress reports on a terminal (through script(1)) and with -q: a warm-up
# run, then five rounds alternating the two, and their medians.  CPU time
# is given because it moves less than wall time on a shared machine.
set -eu
runs=${1:-31}
top=$(cd "$(dirname "$0")/.." && pwd)
export BYRE_UNINSTALLED=1
export GUILE_LOAD_PATH="$top/scheme:$top/modules"
export GUILE_LOAD_COMPILED_PATH="$top/scheme:$top/modules"
export GUILE_EXTENSIONS_PATH="$top/.libs"
export BYRE_INIT_PROGRAM="$top/byre-init"
guile=$(command -v guile)

measure () {
    python3 - "$runs" "$@" <<'PY'
import resource, subprocess, statistics, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
wall, cpu = [], []
for _ in range(runs):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t1 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall.append((t1 - t0) * 1000)
    cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
print("%.2f %.2f" % (statistics.median(wall), statistics.median(cpu)))
PY
}

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
base=$(measure "$guile" -c '')
version=$(measure "$guile" --no-auto-compile "$top/scripts/byre" --version)
help=$(measure "$guile" --no-auto-compile "$top/scripts/byre" build --help)
printf '%-24s %10s %10s %8s %8s\n' command "wall ms" "cpu ms" "wall x" "cpu x"
for row in "guile -c '':$base" "byre --version:$version" "byre build --help:$help"; do
    name=${row%%:*}; figures=${row#*:}
    set -- $figures; bw=${base% *}; bc=${base#* }
    printf '%-24s %10s %10s %8.2f %8.2f\n' "$name" "$1" "$2" \
        "$(echo "$1 / $bw" | bc -l)" "$(echo "$2 / $bc" | bc -l)"
done

tmp=$(mktemp -d /tmp/byre-bench-cli.XXXXXX)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/tree"
for i in 1 2 3 4 5 6 7 8; do head -c 128M /dev/urandom > "$tmp/tree/f$i"; done
cat "$tmp/tree"/* > /dev/null    # in the page cache
add () {
    rm -rf "$tmp/store" "$tmp/state"
    start=$(date +%s%N)
    BYRE_STORE_DIR=$tmp/store BYRE_STATE_DIR=$tmp/state "$@" > /dev/null 2>&1
    echo $(( ($(date +%s%N) - start) / 1000000 ))
}
expr="(local-file \"$tmp/tree\" #:recursive? #t)"
byre="$guile --no-auto-compile $top/scripts/byre"
add $byre build -q -e "$expr" > /dev/null    # warm-up: caches, first store
qs= ps=
for round in 1 2 3 4 5; do
    q=$(add $byre build -q -e "$expr")
    p=$(add script -qec "$byre build -e '$expr'" /dev/null)
    echo "adding 1 GiB, round $round: -q ${q} ms, with progress on a terminal ${p} ms"
    qs="$qs $q"; ps="$ps $p"
done
median () { printf '%s\n' "$@" | sort -n | sed -n 3p; }
mq=$(median $qs); mp=$(median $ps)
echo "median: -q ${mq} ms, with progress ${mp} ms, ratio $(echo "$mp / $mq" | bc -l | cut -c1-5)"
