#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- `byre system build' (issue 10): from an empty store, and again
# with nothing changed, against `guile -c ""' measured in the same run;
# then where the time goes, phase by phase, from bench/system-phases.scm.
#
#   ./pre-inst-env sh bench/system-build.sh [CONFIG] [RUNS]
#
# CONFIG defaults to examples/bare-bones.scm, which declares what Guix's
# gnu/system/examples/bare-bones.tmpl does; give the template itself to
# measure it unchanged.  The empty-store build runs once (it takes tens of
# seconds on a loaded machine), the others RUNS times (default 11), and
# the medians of wall and CPU (user + system, children included) time are
# printed: CPU time moves less than wall time on a shared machine.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
config=${1:-$top/examples/bare-bones.scm}
runs=${2:-11}
guile=$(command -v guile)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/byre-bench-system.XXXXXX")
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
BYRE_STORE_DIR=$tmp/store BYRE_STATE_DIR=$tmp/state
export BYRE_STORE_DIR BYRE_STATE_DIR

measure () {
    n=$1
    shift
    python3 - "$n" "$@" <<'PY'
import resource, subprocess, statistics, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
wall, cpu = [], []
for _ in range(runs):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = time.perf_counter(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode()); sys.exit(1)
    wall.append((t1 - t0) * 1000)
    cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
print("%.1f %.1f" % (statistics.median(wall), statistics.median(cpu)))
PY
}

byre="$top/scripts/byre"
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
echo "config: $config"
base=$(measure "$runs" "$guile" -c '')
empty=$(measure 1 "$guile" --no-auto-compile "$byre" system build -q "$config")
again=$(measure "$runs" "$guile" --no-auto-compile "$byre" system build -q "$config")
dry=$(measure "$runs" "$guile" --no-auto-compile "$byre" system build -q -n "$config")
printf '%-40s %10s %10s %8s\n' what "wall ms" "cpu ms" "wall x"
for row in "guile -c '':$base" "byre system build, empty store:$empty" \
           "byre system build, nothing changed:$again" \
           "byre system build -n, nothing changed:$dry"; do
    name=${row%%:*}; figures=${row#*:}
    set -- $figures
    printf '%-40s %10s %10s %8.1f\n' "$name" "$1" "$2" \
        "$(echo "$1 / ${base% *}" | bc -l)"
done

echo "phases, empty store:"
rm -rf "$tmp/store" "$tmp/state"
"$guile" --no-auto-compile "$top/bench/system-phases.scm" "$config"
echo "phases, nothing changed:"
"$guile" --no-auto-compile "$top/bench/system-phases.scm" "$config"
