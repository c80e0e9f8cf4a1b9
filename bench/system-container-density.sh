#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- density of system containers (issue 12): N containers of one
# system (default 50 of examples/bare-bones.scm) running at once.  Builds
# the container script once (not timed), starts N copies of it at once,
# waits until every service of every container is running, and reports:
# the time from the first launch to the last container fully booted, and
# the memory of each container (every process in its pid namespace: the
# init, nscd, syslogd, sshd …) as resident (RSS) and proportional (PSS,
# shared pages divided among their users) sizes, mean per container.  It
# then stops them all (SIGTERM to each launcher) and checks that nothing is
# left: no process of theirs, no mount, no temporary directory.
#
#   ./pre-inst-env sh bench/system-container-density.sh [N] [CONFIG]
#
# As a user other than root, each container maps the range of
# /etc/subuid and /etc/subgid (the containers share it).

set -eu
n=${1:-50}
config=${2:-examples/bare-bones.scm}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/byre-density.XXXXXX")
launchers=
cleanup () {
    for pid in $launchers; do kill -TERM "$pid" 2>/dev/null || :; done
    wait 2>/dev/null || :
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now () { date +%s%N; }
mounts () { wc -l </proc/self/mountinfo; }
temporaries () {
    # Temporary directories of byre's in TMPDIR, but the per-user container
    # root directory, which is kept by design (doc/hacking.md).
    ls -d "${TMPDIR:-/tmp}"/byre* 2>/dev/null | grep -v -e "/byre-root-$(id -u)\$" \
        -e "^$tmp\$" | sort
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r), user $(id -un)"
script=$(byre system container "$config" 2>"$tmp/build.err" | tail -n 1)
if [ ! -x "$script" ]; then
    cat "$tmp/build.err" >&2
    echo "bench: building the container script of $config failed" >&2
    exit 1
fi
echo "config: $config, $n containers, script $script"
mounts_before=$(mounts)
temporaries >"$tmp/temporaries-before"

start=$(now)
i=1
while [ "$i" -le "$n" ]; do
    "$script" </dev/null >"$tmp/$i.log" 2>&1 &
    launchers="$launchers $!"
    i=$((i + 1))
done

# Each launcher prints the container's PID; each container is booted when
# `herd status' shows no service but running ones.
pids=
i=1
for launcher in $launchers; do
    pid=
    while [ -z "$pid" ]; do
        if ! kill -0 "$launcher" 2>/dev/null; then
            cat "$tmp/$i.log" >&2
            echo "bench: container $i stopped before it booted" >&2
            exit 1
        fi
        pid=$(sed -n 's/^system container is running as PID \([0-9]*\).*/\1/p' "$tmp/$i.log")
        [ -n "$pid" ] || sleep 0.05
    done
    pids="$pids $pid"
    i=$((i + 1))
done
for pid in $pids; do
    tries=0
    until byre herd --pid "$pid" status >"$tmp/status" 2>&1 &&
          awk 'NR > 1 && $2 != "running" {bad = 1} END {exit bad}' "$tmp/status"; do
        tries=$((tries + 1))
        if [ "$tries" -gt 600 ]; then
            cat "$tmp/status" >&2
            echo "bench: container $pid did not finish booting in 60 s" >&2
            exit 1
        fi
        sleep 0.1
    done
done
booted=$(now)

# Memory: every process whose pid namespace is a container's.
: >"$tmp/memory"
for pid in $pids; do
    ns=$(readlink "/proc/$pid/ns/pid")
    rss=0 pss=0 count=0
    for dir in /proc/[0-9]*; do
        [ "$(readlink "$dir/ns/pid" 2>/dev/null)" = "$ns" ] || continue
        set -- $(awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2} END {print r + 0, p + 0}' \
                     "$dir/smaps_rollup" 2>/dev/null || echo 0 0)
        rss=$((rss + $1)) pss=$((pss + $2)) count=$((count + 1))
    done
    echo "$rss $pss $count" >>"$tmp/memory"
done

# The launchers, outside the containers, waiting for them.
: >"$tmp/launchers"
for launcher in $launchers; do
    awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2} END {print r + 0, p + 0}' \
        "/proc/$launcher/smaps_rollup" >>"$tmp/launchers" 2>/dev/null || :
done
awk '{r += $1; p += $2} END {if (NR) printf "per launcher (outside, waiting): RSS %.1f MiB, PSS %.1f MiB (mean of %d)\n", r / NR / 1024, p / NR / 1024, NR}' "$tmp/launchers"

awk -v n="$n" -v ms="$(( (booted - start) / 1000000 ))" '
    {rss += $1; pss += $2; procs += $3}
    END {
        printf "all %d booted (every service running): %d ms from the first launch\n", n, ms
        printf "per container: %.1f processes, RSS %.1f MiB, PSS %.1f MiB (mean of %d)\n",
               procs / NR, rss / NR / 1024, pss / NR / 1024, NR
        printf "all containers: RSS %.0f MiB, PSS %.0f MiB\n", rss / 1024, pss / 1024
    }' "$tmp/memory"
free -m | awk '/^Mem:/ {printf "host memory used with them running: %d MiB of %d MiB\n", $3, $2}'

# Stop them all and check what is left.
stop=$(now)
for launcher in $launchers; do kill -TERM "$launcher"; done
status=0
for launcher in $launchers; do
    wait "$launcher" || status=$((status + 1))
done
stopped=$(now)
launchers=
echo "stopped all (SIGTERM to each launcher): $(( (stopped - stop) / 1000000 )) ms, $status launcher(s) exited non-zero"
left=0
for pid in $pids; do
    if [ -d "/proc/$pid" ]; then left=$((left + 1)); fi
done
temporaries >"$tmp/temporaries-after"
echo "left behind: $left container process(es), $(( $(mounts) - mounts_before )) mount(s), \
$(comm -13 "$tmp/temporaries-before" "$tmp/temporaries-after" | wc -l) temporary director(ies)"
[ "$left" -eq 0 ] && [ "$(mounts)" -eq "$mounts_before" ] && [ "$status" -eq 0 ] &&
    ! comm -13 "$tmp/temporaries-before" "$tmp/temporaries-after" | grep -q .
