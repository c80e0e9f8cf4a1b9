# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- `byre eval' and `byre build', as users type them.
#
# Run by `make check' through pre-inst-env.  Uses a store of its own
# (BYRE_STORE_DIR, BYRE_STATE_DIR in a temporary directory).  Prints one
# line a check and a summary line; exits with status 1 if any check failed.
# The checks that need a container are skipped where user namespaces are
# not available.

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
scratch eval
scratch_store


containers=yes
if ! guile -c '(use-modules (byre container))
               (exit (if (zero? (getuid))
                         (user-namespace-supported?)
                         (unprivileged-user-namespace-supported?)))'; then
    containers=no
fi

# Errors first: they need no container.
run byre eval
if [ $status = 2 ] && grep -q "no file or expression" "$tmp/err"; then
    pass "eval without a file is a usage error"
else fail "eval without a file is a usage error"; fi

run byre eval "$tmp/missing.scm"
if [ $status = 1 ] && grep -q "missing.scm: no such file" "$tmp/err"; then
    pass "eval of a missing file names it"
else fail "eval of a missing file names it"; fi

run byre eval -e '(+ 1 2)'
if [ $status = 1 ] && grep -q "is not a gexp" "$tmp/err"; then
    pass "eval of something that is not a gexp"
else fail "eval of something that is not a gexp"; fi

echo '(this is not closed' > "$tmp/broken.scm"
run byre build "$tmp/broken.scm"
if [ $status = 1 ] && grep -q "broken.scm" "$tmp/err"; then
    pass "build of a broken file names the file"
else fail "build of a broken file names the file"; fi

run byre eval --help
if [ $status = 0 ] && grep -q -- "--share" "$tmp/out"; then
    pass "eval --help"
else fail "eval --help"; fi

if [ $containers = no ]; then
    for check in "eval exits with the gexp's status" "eval of a file" \
                 "eval --share writes on the host" "eval --expose is read-only" \
                 "build prints the output" "build of a failing gexp shows the log"; do
        skip "$check"
    done
else
    run byre eval -e '#~(exit 42)'
    if [ $status = 42 ]; then pass "eval exits with the gexp's status"
    else fail "eval exits with the gexp's status"; fi

    cat > "$tmp/hello.scm" <<'SCM'
(define greeting (plain-file "greeting" "hello"))
#~(begin
    (use-modules (ice-9 textual-ports))
    (exit (if (string=? "hello" (call-with-input-file #$greeting get-string-all))
              7 1)))
SCM
    run byre eval "$tmp/hello.scm"
    if [ $status = 7 ]; then pass "eval of a file"
    else fail "eval of a file"; fi

    mkdir "$tmp/shared"
    run byre eval --share="$tmp/shared=/shared" -e \
        "(with-imported-modules '((guix build utils))
           #~(begin (use-modules (guix build utils)) (mkdir-p \"/shared/a/b\")))"
    if [ $status = 0 ] && [ -d "$tmp/shared/a/b" ]; then
        pass "eval --share writes on the host"
    else fail "eval --share writes on the host"; fi

    run byre eval --expose="$tmp/shared=/shared" -e \
        '#~(exit (if (false-if-exception (mkdir "/shared/c")) 1 0))'
    if [ $status = 0 ] && [ ! -d "$tmp/shared/c" ]; then
        pass "eval --expose is read-only"
    else fail "eval --expose is read-only"; fi

    echo '(computed-file "answer" #~(call-with-output-file #$output (lambda (p) (write 42 p))))' \
        > "$tmp/answer.scm"
    run byre build "$tmp/answer.scm"
    out=$(cat "$tmp/out")
    if [ $status = 0 ] && [ -f "$out" ] && [ "$(cat "$out")" = 42 ]; then
        pass "build prints the output"
    else fail "build prints the output"; fi

    echo '#~(begin (display "something went wrong\n") (exit 1))' > "$tmp/fails.scm"
    run byre build "$tmp/fails.scm"
    if [ $status = 1 ] && grep -q "something went wrong" "$tmp/err"; then
        pass "build of a failing gexp shows the log"
    else fail "build of a failing gexp shows the log"; fi
fi

summary eval
