# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- the command line's habits: messages, hints, options of `byre
# build' and `byre eval', as users meet them.  The message text is the
# assertion.
#
# Run by `make check' through pre-inst-env, with a store of its own.

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
scratch ui
scratch_store
unset BYRE_DEBUG NO_COLOR

containers=yes
if ! guile -c '(use-modules (byre container))
               (exit (if (zero? (getuid))
                         (user-namespace-supported?)
                         (unprivileged-user-namespace-supported?)))'; then
    containers=no
fi

# --version names the licence.
run byre --version
check "--version names the licence" 0 out "GPL version 3 or later" out "byre (byre) "
run byre build --help
check "help says where to report bugs" 0 out "Report bugs to: " out "home page: <"

# --version and a command's --help start without the C++ core, whose
# shared libraries (libstdc++, libmount, libseccomp …) cost more than Guile's
# own start-up (bench/command-line.sh).
for args in "--version" "build --help" "eval --help"; do
    run guile -c "(setenv \"BYRE_UNINSTALLED\" \"1\")
                  (set-program-arguments '(\"byre\" $(printf '"%s" ' $args)))
                  (catch 'quit
                    (lambda ()
                      ((@ (byre ui) main) (command-line)))
                    (lambda _ #t))
                  (display (if (resolve-module '(byre core) #f #:ensure #f)
                               \"core loaded\" \"core not loaded\")
                           (current-error-port))"
    check "byre $args does not load the C++ core" 0 err "core not loaded"
done

# A misspelled command.
run byre biuld
check "misspelled command: did you mean" 2 err "byre: error: biuld: command not found" \
      err "hint: Did you mean 'build'?"
run byre frobnicate
check_not "no suggestion for a word far from every command" err "Did you mean"

# Errors in a user's file: FILE:LINE:COL first, then a hint.
cat > "$tmp/typo.scm" <<'SCM'
(define greeting "Hello!")
(plain-fle "hello" greeting)
SCM
run byre build "$tmp/typo.scm"
check "unbound variable: location and close name" 1 \
      err "$tmp/typo.scm:2:0: error: plain-fle: unbound variable" \
      err "hint: Did you mean \`plain-file'?"
check_not "no backtrace for a user's mistake" err "Backtrace"

cat > "$tmp/nested.scm" <<'SCM'
(plain-file "hello"
            (string-append "a"
                           (frobnicate-string "b")))
SCM
run byre build "$tmp/nested.scm"
check "the innermost form naming the variable" 1 \
      err "$tmp/nested.scm:3:27: error: frobnicate-string: unbound variable"

printf '(define x 1)\n(invoke "true")\n' > "$tmp/invoke.scm"
run byre build "$tmp/invoke.scm"
check "hint names the module that exports a variable" 1 \
      err "$tmp/invoke.scm:2:0: error: invoke: unbound variable" \
      err "hint: Did you forget \`(use-modules (guix build utils))'?"

printf '(let ((x)) x)\n' > "$tmp/syntax.scm"
run byre build "$tmp/syntax.scm"
check "syntax error with its location" 1 err "$tmp/syntax.scm:1:0: error: let: bad let"

printf '(plain-file "a"\n' > "$tmp/unfinished.scm"
run byre build "$tmp/unfinished.scm"
check "read error names the file" 1 err "unfinished.scm" err "error:"
check_not "read error without a backtrace" err "Backtrace"

# --debug and BYRE_DEBUG show the backtrace.
run byre --debug build "$tmp/typo.scm"
check "--debug shows a backtrace" 1 err "Backtrace" err "plain-fle"
BYRE_DEBUG=1 run byre build "$tmp/typo.scm"
check "BYRE_DEBUG shows a backtrace" 1 err "Backtrace"

# Messages that used to be broken.
run byre eval -e '(+ 1 2)'
check "eval of a non-gexp says so plainly" 1 err "byre: error: 3 is not a gexp"
run byre build "$tmp/missing.scm"
if [ $status = 1 ] && grep -q "missing.scm: no such file$" "$tmp/err" \
   && [ "$(tail -c 1 "$tmp/err" | od -An -c | tr -d ' ')" = '\n' ]; then
    pass "missing file: one line, ended"
else fail "missing file: one line, ended"; fi
run byre eval --share=/tmp=x -e '#~1'
check "a relative --share target is a usage error" 2 \
      err "error: --share=/tmp=x: the container directory \"x\" is not an absolute file name" \
      err "hint: write --share=/HOST/DIR"
check_not "--share error without a backtrace" err "Backtrace"
run byre eval --expose="$tmp/nowhere" -e '#~1'
check "a missing --expose source" 2 err "nowhere does not exist"
run byre gc -C 99999999999999999999T
check "an absurd size is a usage error" 2 err "invalid amount of storage '99999999999999999999T'"
run byre build -v x -e '(plain-file "a" "b")'
check "a bad verbosity" 2 err "invalid verbosity level 'x'"
# Every building command spells -v, -q and -L alike (one definition in
# (byre ui)); the error names the command whose help to read.
for command in "eval" "pack" "system build" "system image"; do
    run byre $command -v -1 "$tmp/nothing.scm"
    check "byre $command: a negative verbosity" 2 \
          err "invalid verbosity level '-1'" \
          err "hint: give 0 (quiet), 1 (a line per build) or 2" \
          err "Try 'byre ${command%% *}"
done
run byre build -v 3 -L 2>/dev/null
check "-L without its directory" 2 err "requires an argument"
# -L: the directory given last comes first on the search path, as in Guix.
mkdir -p "$tmp/first/order" "$tmp/second/order"
printf '(define-module (order which) #:export (which))\n(define which "%s")\n' \
       first >"$tmp/first/order/which.scm"
printf '(define-module (order which) #:export (which))\n(define which "%s")\n' \
       second >"$tmp/second/order/which.scm"
run byre build -L "$tmp/first" -L "$tmp/second" \
    -e '(begin (use-modules (order which)) (plain-file which "x"))'
check "-L: the directory given last wins" 0 out "second"

# No colour unless on a terminal; NO_COLOR is honoured (colours need a
# terminal, which `script' gives where it is installed).
run byre biuld
check_not "no escape codes when not on a terminal" err "$(printf '\033[')"
if command -v script >/dev/null 2>&1; then
    script -qec "byre biuld" /dev/null > "$tmp/tty" 2>&1 </dev/null
    if grep -q "$(printf '\033\\[1;31merror:')" "$tmp/tty"; then
        pass "error: in red on a terminal"
    else
        status=0; cp "$tmp/tty" "$tmp/err"; : > "$tmp/out"
        fail "error: in red on a terminal"
    fi
    NO_COLOR=1 script -qec "byre biuld" /dev/null > "$tmp/tty" 2>&1 </dev/null
    if grep -q "$(printf '\033\\[')" "$tmp/tty"; then
        status=0; cp "$tmp/tty" "$tmp/err"; : > "$tmp/out"
        fail "NO_COLOR: no colour on a terminal"
    else pass "NO_COLOR: no colour on a terminal"; fi
else
    skip "error: in red on a terminal (no script command)"
fi

# byre build's options.
echo '(plain-file "hello" "Hello!")' > "$tmp/hello.scm"
run byre build -f "$tmp/hello.scm"
check "build -f FILE" 0 out "-hello"
hello=$(cat "$tmp/out")
run byre build -n "$tmp/hello.scm"
check "dry run of a plain file prints nothing to build" 0
[ -s "$tmp/out" ] && fail "dry run prints no output name" || pass "dry run prints no output name"
(cd "$tmp" && byre build -r result "$tmp/hello.scm" >"$tmp/out" 2>"$tmp/err")
status=$?
if [ $status = 0 ] && [ "$(readlink "$tmp/result")" = "$hello" ]; then
    pass "-r makes a link to the result"
else fail "-r makes a link to the result"; fi
run byre gc --list-roots
check "-r registers the link as a root" 0 out "$tmp/result"
run byre gc -d "$hello"
check "an item under a -r root is not deleted" 1
[ -e "$hello" ] && pass "the rooted item is still there" || fail "the rooted item is still there"
echo data > "$tmp/notalink"
run byre build -r "$tmp/notalink" "$tmp/hello.scm"
check "-r refuses to replace a file" 1 err "is not a symbolic link"
grep -q data "$tmp/notalink" && pass "-r lost nothing" || fail "-r lost nothing"
mkdir -p "$tmp/lib/my"
cat > "$tmp/lib/my/greeting.scm" <<'SCM'
(define-module (my greeting) #:export (greeting))
(define greeting "Hello from -L")
SCM
run byre build -L "$tmp/lib" -e '(begin (use-modules (my greeting)) (plain-file "g" greeting))'
check "-L puts a directory on the load path" 0 out "-g"
run byre build --no-grafts "$tmp/hello.scm"
check "--no-grafts is accepted (byre never grafts)" 0 out "$hello"

if [ $containers = yes ]; then
    drv_exp='(computed-file "ui-test" #~(begin (display "log line") (mkdir #$output)))'
    run byre build -n -e "$drv_exp"
    check "dry run lists what would be built" 0 err "1 derivation would be built:" err "-ui-test.drv"
    [ -s "$tmp/out" ] && fail "dry run builds nothing" || pass "dry run builds nothing"
    run byre build -e "$drv_exp"
    check "a line per build" 0 err "building " err "-ui-test.drv..." out "-ui-test"
    check_not "the build log is not shown at verbosity 1" err "log line"
    run byre build --log-file -e "$drv_exp"
    check "--log-file prints the log's name" 0 out "-ui-test.drv.log"
    grep -q "log line" "$(cat "$tmp/out")" && pass "the log holds the builder's output" \
        || fail "the log holds the builder's output"
    run byre build -d -e "$drv_exp"
    check "-d prints the derivation" 0 out "-ui-test.drv"
    run byre build -q -e '(computed-file "ui-quiet" #~(mkdir #$output))'
    check_not "-q: no build lines" err "building"
    run byre build -v 2 -e '(computed-file "ui-verbose" #~(begin (display "shown") (mkdir #$output)))'
    check "-v 2 shows the log" 0 err "shown"
    # -K keeps the build directory of a failure, and names it.
    mkdir "$tmp/kept"
    TMPDIR=$tmp/kept run byre build -K -e \
        '(computed-file "ui-fails" #~(begin (call-with-output-file "left" (lambda (p) (display "x" p))) (exit 3)))'
    check "-K names the kept build directory" 1 err "note: keeping build directory \`$tmp/kept/byre-build-ui-fails.drv-"
    ls "$tmp"/kept/byre-build-ui-fails.drv-*/build/left >/dev/null 2>&1 \
        && pass "-K: what the builder left is there" || fail "-K: what the builder left is there"
    TMPDIR=$tmp/kept run byre build -e \
        '(computed-file "ui-fails2" #~(begin (call-with-output-file "left" (lambda (p) (display "x" p))) (exit 3)))'
    check_not "without -K nothing is kept" err "keeping build directory"
    ls -d "$tmp"/kept/byre-build-ui-fails2* >/dev/null 2>&1 \
        && fail "without -K the build directory is gone" || pass "without -K the build directory is gone"
    # --check builds again and compares.
    det='(computed-file "ui-det" #~(call-with-output-file #$output (lambda (p) (display 1 p))))'
    run byre build -e "$det"
    det_item=$(cat "$tmp/out")
    run byre build --check -e "$det"
    check "--check of a deterministic build succeeds" 0 err "building " out "$det_item"
    nondet='(computed-file "ui-nondet" #~(call-with-output-file #$output (lambda (p) (display (random 1000000000 (random-state-from-platform)) p))))'
    run byre build -e "$nondet"
    nondet_item=$(cat "$tmp/out"); before=$(cat "$nondet_item")
    run byre build --check -e "$nondet"
    check "--check of a nondeterministic build fails" 1 err "may not be deterministic: output \`$nondet_item' differs"
    [ "$(cat "$nondet_item")" = "$before" ] && pass "--check leaves the store item as it was" \
        || fail "--check leaves the store item as it was"
    run byre eval -L "$tmp/lib" -e '#~(exit 7)'
    check "eval takes -L" 7
    echo '#~(exit 5)' > "$tmp/five.scm"
    run byre eval -f "$tmp/five.scm"
    check "eval -f FILE" 5
else
    skip "builds (no user namespaces)"
fi

# Progress of adding a large tree: a bar on a terminal, one line elsewhere,
# nothing with -q.
mkdir "$tmp/big"
truncate -s 40M "$tmp/big/sparse"
big_exp="(local-file \"$tmp/big\" #:recursive? #t)"
run byre build -e "$big_exp"
check "adding a large tree: one plain line when not on a terminal" 0 \
      err "adding big (40.0 MiB)..." out "-big"
big_item=$(cat "$tmp/out")
byre gc -d "$big_item" >/dev/null 2>&1
run byre build -q -e "$big_exp"
check_not "adding a large tree with -q: no report" err "adding big"
byre gc -d "$big_item" >/dev/null 2>&1
if command -v script >/dev/null 2>&1; then
    script -qec "byre build -e '$big_exp'" /dev/null > "$tmp/tty" 2>&1 </dev/null
    if grep -q "adding big  40.0 MiB in " "$tmp/tty"; then
        pass "adding a large tree on a terminal: the total and the rate"
    else
        status=0; cp "$tmp/tty" "$tmp/err"; : > "$tmp/out"
        fail "adding a large tree on a terminal: the total and the rate"
    fi
fi

# byre repl for programs: -t machine on standard input, and --listen.
printf '(() repl-version 0 1 1)\n(+ 1 2)\n(values 1 "two")\n(car 1)\n' > "$tmp/machine-in"
byre repl -t machine < "$tmp/machine-in" > "$tmp/out" 2>"$tmp/err"
status=$?
check "repl -t machine announces its protocol" 0 out "(repl-version 0 1 1)"
check "repl -t machine: a value" 0 out "(values (value 3))"
check "repl -t machine: several values" 0 out '(values (value 1) (value "two"))'
check "repl -t machine: an exception with its stack" 0 \
      out "(exception (arguments wrong-type-arg (value \"car\")" out "(stack "
printf '(car 1)\n' | byre repl -t machine > "$tmp/out" 2>"$tmp/err"
check "repl -t machine: protocol (0 0) exceptions" 0 out "(exception wrong-type-arg (value \"car\")"
run byre repl -t emacs
check "repl: an unknown type" 2 err "emacs: unknown REPL type"
run byre repl --listen=udp:1
check "repl: an unknown endpoint" 2 err "--listen=udp:1: unknown endpoint kind 'udp'"
run byre repl --listen=tcp:99999
check "repl: a bad port" 2 err "the port must be a number from 1 to 65535"

# ask_socket FILE: send $tmp/ask to the unix socket FILE, answer in $tmp/out.
ask_socket () {
    guile -c '(let ((s (socket PF_UNIX SOCK_STREAM 0)))
                (connect s AF_UNIX (cadr (command-line)))
                (display (call-with-input-file (caddr (command-line))
                           (@ (ice-9 textual-ports) get-string-all)) s)
                (force-output s)
                (shutdown s 1)
                (display ((@ (ice-9 textual-ports) get-string-all) s)))' \
          "$1" "$tmp/ask" > "$tmp/out" 2>"$tmp/err"
}
wait_for () { i=0; while [ ! -S "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }

byre repl -t machine --listen="unix:$tmp/machine.sock" 2>"$tmp/listen-err" &
server=$!
wait_for "$tmp/machine.sock"
printf '(* 6 7)\n' > "$tmp/ask"
ask_socket "$tmp/machine.sock"; status=$?
check "repl --listen=unix: machine REPL over the socket" 0 out "(values (value 42))"
kill -TERM $server; wait $server
[ -e "$tmp/machine.sock" ] && { status=0; fail "the socket file is removed when the server stops"; } \
    || pass "the socket file is removed when the server stops"

byre repl --listen="unix:$tmp/guile.sock" 2>"$tmp/listen-err" &
server=$!
wait_for "$tmp/guile.sock"
printf '(+ 40 2)\n,q\n' > "$tmp/ask"
ask_socket "$tmp/guile.sock"; status=$?
check "repl --listen=unix: a Guile REPL over the socket (for Geiser)" 0 out "= 42"
kill -INT $server; wait $server
[ -e "$tmp/guile.sock" ] && { status=0; fail "Ctrl-C stops the server and removes its socket"; } \
    || pass "Ctrl-C stops the server and removes its socket"
touch "$tmp/taken"
run byre repl --listen="unix:$tmp/taken"
check "repl --listen refuses to replace a file" 1 err "already exists"

summary ui
