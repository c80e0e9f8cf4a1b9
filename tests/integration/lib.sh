# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- what the command-line tests share.
#
# Sourced by tests/integration/*.sh, which then call `scratch NAME' for a
# directory of their own, `tmp' (and `scratch_store' for a store in it):
# each check runs a command with `run' (or `run_input'), then
# judges its status and output with `check', `check_not', or by hand with
# `pass', `fail' and `skip'.  Each test ends with `summary NAME'.

passed=0
failed=0
skipped=0

# have PROGRAM: PROGRAM is on PATH.
have () { command -v "$1" >/dev/null 2>&1; }

# scratch NAME: make the test's own directory, $tmp, and remove it on every
# exit path (store items in it are read-only: they are made writable
# first).  A test with more to undo (processes it started, a runtime's
# state) defines a function `undo_test' before it calls `scratch'; that
# runs first.
scratch () {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/byre-$1.XXXXXX") || exit 1
    trap scratch_remove EXIT
    trap 'exit 1' INT TERM
}

scratch_remove () {
    if command -v undo_test >/dev/null 2>&1; then undo_test; fi
    chmod -R u+w "$tmp" 2>/dev/null
    rm -rf "$tmp"
}

# delete_runtime_containers: crun's and runc's state of each container
# named in $containers_started (one whose run was interrupted), under
# $tmp/crun-state and $tmp/runc-state.
delete_runtime_containers () {
    for id in ${containers_started:-}; do
        crun --root "$tmp/crun-state" delete --force "$id" >/dev/null 2>&1
        runc --root "$tmp/runc-state" delete --force "$id" >/dev/null 2>&1
    done
}

# wait_for DESCRIPTION COMMAND...: poll until COMMAND succeeds, for
# $wait_seconds (120 unless the test sets it) at the most; on time-out say
# what was awaited and return 1.
wait_for () {
    what=$1
    shift
    i=0
    until "$@" >/dev/null 2>&1; do
        i=$((i + 1))
        if [ $i -gt $(( ${wait_seconds:-120} * 20 )) ]; then
            echo "timed out waiting for $what"
            return 1
        fi
        sleep 0.05
    done
}

# run_runtime RUNTIME BUNDLE ID: `RUNTIME run' (crun or runc) of the OCI
# bundle BUNDLE as container ID, with its state under $tmp/RUNTIME-state
# (unprivileged: $tmp/xdg as its runtime directory), judged like `run'.
# ID is added to $containers_started for delete_runtime_containers.  crun
# refuses this machine's hybrid cgroup layout unless the cgroup v2 mount
# is hidden, which only root can do (a private mount namespace).
run_runtime () {
    runtime=$1 bundle=$2 id=$3
    containers_started="${containers_started:-} $id"
    if [ "$(id -u)" = 0 ]; then
        unshare -m sh -c '
            mount --make-rprivate /
            if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
            exec "$@"' "$runtime" \
            "$runtime" --root "$tmp/$runtime-state" run --bundle "$bundle" "$id" \
            >"$tmp/out" 2>"$tmp/err" </dev/null
    else
        XDG_RUNTIME_DIR=$tmp/xdg "$runtime" --root "$tmp/$runtime-state" \
            run --bundle "$bundle" "$id" >"$tmp/out" 2>"$tmp/err" </dev/null
    fi
    status=$?
}

# scratch_store: byre's store and state directory inside $tmp, for every
# command the test runs.
scratch_store () {
    BYRE_STORE_DIR=$tmp/store
    BYRE_STATE_DIR=$tmp/state
    export BYRE_STORE_DIR BYRE_STATE_DIR
}

pass () {
    passed=$((passed + 1))
    echo "PASS: $1"
}

fail () {
    failed=$((failed + 1))
    echo "FAIL: $1"
    shift
    for line in "$@"; do echo "  $line"; done
    echo "  status: $status"
    sed 's/^/  stdout: /' "$tmp/out"
    sed 's/^/  stderr: /' "$tmp/err"
}

skip () {
    skipped=$((skipped + 1))
    echo "SKIP: $1"
}

# run COMMAND...: run it, keeping its status, standard output and error.
run () {
    "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    status=$?
}

# run_input TEXT COMMAND...: the same, with TEXT on standard input.
run_input () {
    text=$1
    shift
    printf '%s\n' "$text" | "$@" >"$tmp/out" 2>"$tmp/err"
    status=$?
}

# check NAME STATUS [out|err TEXT]...: the last command exited with STATUS
# and printed each TEXT (a fixed string) on the given stream.
check () {
    name=$1
    expected=$2
    shift 2
    if [ "$status" -ne "$expected" ]; then
        fail "$name" "expected status $expected"
        return
    fi
    while [ $# -ge 2 ]; do
        if ! grep -qF -- "$2" "$tmp/$1"; then
            fail "$name" "expected on std$1: $2"
            return
        fi
        shift 2
    done
    pass "$name"
}

# check_not NAME STREAM TEXT: the last command did not print TEXT.
check_not () {
    if grep -qF -- "$3" "$tmp/$2"; then
        fail "$1" "unexpected on std$2: $3"
    else
        pass "$1"
    fi
}

# summary NAME: the line .ci/run adds up; the status of the test.
summary () {
    echo "# $1: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}
