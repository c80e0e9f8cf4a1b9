# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- the life of a system container: `byre container list' shows it
# (its registry entry), `byre container stop' stops it, SIGTERM to the
# launcher stops its services and exits 0, and `kill -9' of the launcher
# leaves no process, mount, temporary directory, nor (after the next list)
# registry entry.  As root and as an unprivileged user (65536 ids through
# /etc/subuid).
#
#   ./pre-inst-env sh tests/integration/system-container-lifecycle.sh

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
top=${abs_top_srcdir:-.}

launcher=
undo_test () {
    if [ -n "$launcher" ]; then
        kill -KILL "$launcher" 2>/dev/null
        wait "$launcher" 2>/dev/null
    fi
}
scratch system-container-lifecycle
chmod 755 "$tmp"
scratch_store
wait_seconds=300

if [ "$(id -u)" != 0 ] && ! grep -q "^$(id -un):" /etc/subuid 2>/dev/null; then
    skip "system containers: $(id -un) has no range in /etc/subuid, which \
65536 ids need"
    summary system-container-lifecycle
    exit $?
fi

if [ "$(id -u)" = 0 ]; then
    registry=/run/byre/containers
elif [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -O "$XDG_RUNTIME_DIR" ]; then
    registry=$XDG_RUNTIME_DIR/byre/containers
else
    registry=/tmp/byre-$(id -u)/containers
fi

# The commands' errors.
run byre container list extra
check "list refuses an argument" 2 err "unexpected argument 'extra'"
run byre container stop
check "stop wants a PID" 2 err "no process ID specified"
run byre container stop -t soon 1
check "stop refuses a bad grace period" 2 err "invalid grace period 'soon'"
run byre container stop abc
check "stop refuses a PID that is not a number" 2 err "invalid process ID 'abc'"
run byre container stop 999999999
check "stop: no such process" 1 err "no such process 999999999"
run byre container stop $$
check "stop: a process that is not a byre container" 1 \
      err "is not a byre system container"

run byre system container "$top/examples/bare-bones.scm"
script=$(tail -n 1 "$tmp/out")
check "the script is built" 0 out "-run-container"

# boot: start the script in the background; $launcher, $pid.
boot () {
    rm -f "$tmp/pid"
    "$script" --pid-file="$tmp/pid" </dev/null >"$tmp/boot.out" 2>"$tmp/boot.err" &
    launcher=$!
    wait_for "the pid file" test -s "$tmp/pid"
    pid=$(cat "$tmp/pid")
}

booted () {
    byre herd --pid "$pid" status ssh-daemon 2>/dev/null | grep -q running
}

# What a container leaves: processes of the launcher's, mounts under the
# container root, temporary directories.
leftovers () {
    left=
    if [ -d "/proc/$pid" ]; then left="$left init:$pid"; fi
    if [ -d "/proc/$launcher" ] && ! grep -q '^State:.*Z' "/proc/$launcher/status" 2>/dev/null; then
        left="$left launcher:$launcher"
    fi
    if grep -q "byre-root-$(id -u)/" /proc/self/mountinfo; then left="$left mounts"; fi
    for d in "${TMPDIR:-/tmp}"/byre-root.*; do
        if [ -e "$d" ]; then left="$left $d"; fi
    done
    echo "$left"
}

# 1. list and stop.
boot
if wait_for "sshd in the container" booted; then
    pass "the container boots"
else
    fail "the container boots"
fi
run byre container list
check "list shows the running container" 0 out "$pid " out "komputilo" \
      out "$script"
run byre container list -q
if [ "$status" = 0 ] && [ "$(cat "$tmp/out")" = "$pid" ]; then
    pass "list -q prints the PID only"
else
    fail "list -q prints the PID only"
fi
if [ -f "$registry/$pid" ] && [ ! -L "$registry" ] \
       && [ "$(stat -c %a "$registry")" = 700 ]; then
    pass "the registry entry is in a private directory"
else
    fail "the registry entry is in a private directory" "registry: $registry"
fi
run byre container stop -t 30 "$pid"
check "stop stops the container" 0
wait "$launcher"
lstatus=$?
launcher=
if [ "$lstatus" = 0 ]; then pass "the launcher exits 0 after stop"; else
    fail "the launcher exits 0 after stop" "launcher status: $lstatus"; fi
if [ ! -e "$registry/$pid" ]; then pass "the entry is removed on stop"; else
    fail "the entry is removed on stop"; fi
run byre container list -q
check_not "list no longer shows it" out "$pid"

# 2. SIGTERM to the launcher.
boot
wait_for "sshd in the container" booted
kill -TERM "$launcher"
wait "$launcher"
lstatus=$?
if [ "$lstatus" = 0 ]; then pass "SIGTERM to the launcher: exit 0"; else
    fail "SIGTERM to the launcher: exit 0" "launcher status: $lstatus"; fi
left=$(leftovers)
launcher=
if [ -z "$left" ] && [ ! -e "$registry/$pid" ]; then
    pass "SIGTERM leaves nothing"
else
    fail "SIGTERM leaves nothing" "left: $left"
fi

# 3. kill -9 of the launcher.
boot
wait_for "sshd in the container" booted
kill -KILL "$launcher"
wait "$launcher" 2>/dev/null
gone () { [ -z "$(leftovers)" ]; }
if wait_for "the container to go" gone; then
    pass "kill -9 of the launcher leaves no process, mount or temporary directory"
else
    fail "kill -9 of the launcher leaves no process, mount or temporary directory" \
         "left: $(leftovers)"
fi
launcher=
if [ -e "$registry/$pid" ]; then pass "the killed launcher's entry is left"; else
    skip "the killed launcher's entry is left (already gone)"; fi
run byre container list -q
check_not "list does not show the killed container" out "$pid"
if [ ! -e "$registry/$pid" ]; then pass "list removes the stale entry"; else
    fail "list removes the stale entry"; fi

# 4. A stale entry whose PID another process has now.
sleep 600 &
other=$!
other_start=$(sed 's/.*) //' "/proc/$other/stat" | cut -d' ' -f20)
printf '((pid . %s) (pid-start . %s) (launcher . %s) (launcher-start . 1) (start . 0) (script . "x") (network . private))\n' \
       "$other" "$other_start" "$other" > "$registry/$other"
run byre container list -q
check_not "an entry whose launcher's PID was reused is not listed" out "$other"
run byre container stop "$other"
check "stop refuses a reused PID" 1 err "is not a byre system container"
kill "$other"; wait "$other" 2>/dev/null
if [ ! -e "$registry/$other" ]; then pass "the reused entry is removed"; else
    fail "the reused entry is removed"; rm -f "$registry/$other"; fi

summary system-container-lifecycle
