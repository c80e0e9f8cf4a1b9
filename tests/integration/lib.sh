# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- what the command-line tests share.
#
# Sourced by tests/integration/*.sh after they set `tmp', a directory of
# their own: each check runs a command with `run' (or `run_input'), then
# judges its status and output with `check', `check_not', or by hand with
# `pass', `fail' and `skip'.  Each test ends with `summary NAME'.

passed=0
failed=0
skipped=0

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
