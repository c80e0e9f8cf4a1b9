# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- the `byre' command line, as users type it.
#
# Run by `make check' through pre-inst-env, which puts the build tree's
# `byre' first in PATH and its modules on Guile's load path:
#
#   ./pre-inst-env sh tests/integration/command.sh
#
# Prints one line a check and a summary line that .ci/run adds up; exits
# with status 1 if any check failed.  The checks that need a real container
# are skipped, not failed, where user namespaces are not available.

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
helper=
container=
undo_test () {
    if [ -n "$container" ]; then kill -KILL "$container" 2>/dev/null; fi
    if [ -n "$helper" ]; then
        kill "$helper" 2>/dev/null
        wait "$helper" 2>/dev/null
    fi
}
scratch command

version=$(echo '(use-modules (byre config)) (display %byre-version)' \
              | byre repl 2>/dev/null)


## --help, --version.

run byre --version
check "--version prints the version" 0 out "byre (byre) $version"
if [ "$(head -n 1 "$tmp/out")" = "byre (byre) $version" ]; then
    pass "--version's first line is 'byre (byre) VERSION'"
else
    fail "--version's first line is 'byre (byre) VERSION'"
fi
run byre -V
check "-V is --version" 0 out "byre (byre) $version"

run byre --help
check "--help shows usage and commands" 0 \
      out "Usage: byre" out "repl" out "container" out "Report bugs to"
run byre -h
check "-h is --help" 0 out "Usage: byre"
run byre repl --help
check "repl --help" 0 out "Usage: byre repl" out "--load-path"
run byre container --help
check "container --help" 0 out "Usage: byre container" out "exec"
run byre container exec --help
check "container exec --help" 0 out "Usage: byre container exec"


## Command-line errors.

run byre frobnicate
check "unknown command" 2 \
      err "byre: error: frobnicate: command not found" \
      err "Try 'byre --help' for more information."
run byre
check "missing command" 2 err "byre: error: missing command name" \
      err "Try 'byre --help'"
run byre --frobnicate
check "unknown option" 2 err "unrecognized option '--frobnicate'"
run byre repl --frobnicate
check "unknown repl option" 2 err "unrecognized option '--frobnicate'" \
      err "Try 'byre repl --help'"
run byre repl -L
check "repl -L without its argument" 2 \
      err "option '-L' requires an argument"
run byre container frobnicate
check "unknown container action" 2 err "unknown action 'frobnicate'"


## byre repl FILE ARGS.

cat >"$tmp/args.scm" <<'EOF'
(write (command-line))
(newline)
(exit (length (command-line)))
EOF
run byre repl "$tmp/args.scm" one "two words" --three
check "repl FILE ARGS: (command-line) is FILE ARGS" 4 \
      out "(\"$tmp/args.scm\" \"one\" \"two words\" \"--three\")"

printf '(write (command-line))\n' >"$tmp/relative.scm"
(cd "$tmp" && byre repl relative.scm >"$tmp/out" 2>"$tmp/err" </dev/null)
status=$?
check "repl FILE: a relative FILE is found from the working directory" 0 \
      out '("relative.scm")'

printf '(display "done")\n' >"$tmp/plain.scm"
run byre repl "$tmp/plain.scm"
check "repl FILE: status 0 when FILE ends" 0 out "done"

printf '(display "before")\n(car 1)\n' >"$tmp/error.scm"
run byre repl "$tmp/error.scm"
check "repl FILE: an error is reported, status 1" 1 \
      out "before" err "byre: error:" err "car"
check_not "repl FILE: no backtrace" err "Backtrace"

printf '(open-input-file "%s/does-not-exist")\n' "$tmp" >"$tmp/syserr.scm"
run byre repl "$tmp/syserr.scm"
check "repl FILE: a system-error is one line" 1 \
      err "byre: error: No such file or directory"
if [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
    pass "repl FILE: a system-error takes one line"
else
    fail "repl FILE: a system-error takes one line"
fi

cat >"$tmp/location.scm" <<'EOF'
(use-modules (gnu system file-systems))
(file-system (device "none") (mount-point "tmp") (type "tmpfs"))
EOF
run byre repl "$tmp/location.scm"
check "repl FILE: an error in FILE shows FILE:LINE:COLUMN" 1 \
      err "$tmp/location.scm:2:" err "not absolute" err "hint:"

run byre repl "$tmp/does-not-exist.scm"
check "repl FILE: a missing FILE" 1 err "does-not-exist.scm"

mkdir -p "$tmp/modules/extra"
cat >"$tmp/modules/extra/greeting.scm" <<'EOF'
(define-module (extra greeting) #:export (greeting))
(define greeting "hello from -L")
EOF
printf '(use-modules (extra greeting)) (display greeting)\n' >"$tmp/use.scm"
run byre repl -L "$tmp/modules" "$tmp/use.scm"
check "repl -L DIR FILE" 0 out "hello from -L"
run byre repl --load-path="$tmp/modules" "$tmp/use.scm"
check "repl --load-path=DIR FILE" 0 out "hello from -L"


## byre repl reading standard input.

run_input '(display (+ 1 2))' byre repl
check "repl: expressions from standard input" 0 out "3"
run_input '(use-modules (byre container) (gnu build linux-container)) (display (length %namespaces))' byre repl
check "repl: byre's modules and the façades are on the load path" 0 out "6"
run_input '(display "a") (car 1) (display "b")' byre repl
check "repl: the first error stops, status 1" 1 out "a" err "byre: error:"
check_not "repl: nothing evaluated after the error" out "ab"
run_input '(exit 5)' byre repl
check "repl: exit from standard input" 5


## byre container exec: errors.

run byre container exec
check "container exec: missing PID" 2 \
      err "byre: error: no process ID specified" err "hint:" \
      err "Try 'byre container exec --help'"
run byre container exec abc /bin/true
check "container exec: non-numeric PID" 2 \
      err "byre: error: invalid process ID 'abc'"
run byre container exec 12x
check "container exec: malformed PID without command" 2 \
      err "invalid process ID '12x'"
run byre container exec $$
check "container exec: missing command" 2 \
      err "byre: error: no command specified" err "hint:"
# The highest PID this kernel hands out, plus one, names no process.
nopid=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))
run byre container exec $nopid /bin/true
check "container exec: no such process" 1 \
      err "byre: error: no such process $nopid"


## byre container exec into a real container.

# The helper starts a container whose PID 1 sets its host name and sleeps,
# writes its host PID to a file and waits for it.  The host's software is
# mapped read-only so that /bin/sh exists inside.
cat >"$tmp/start.scm" <<'EOF'
(use-modules (byre container) (byre file-systems) (ice-9 match))

(match (command-line)
  ((_ root pid-file)
   (let* ((software (filter file-exists?
                            '("/bin" "/usr" "/lib" "/lib64" "/sbin")))
          (pid (run-container root
                              (map (lambda (directory)
                                     (file-system-mapping
                                      (source directory)
                                      (target directory)))
                                   software)
                              %namespaces 1
                              (lambda ()
                                (sethostname "byre-test")
                                (let loop () (sleep 60) (loop)))
                              ;; sethostname needs CAP_SYS_ADMIN, which
                              ;; the default set does not have, in the
                              ;; user namespace that owns the UTS
                              ;; namespace; locking the mounts would put
                              ;; THUNK in a nested one.
                              #:capabilities '(sys_admin)
                              #:lock-mounts? #f)))
     (call-with-output-file (string-append pid-file ".tmp")
       (lambda (port) (display pid port)))
     (rename-file (string-append pid-file ".tmp") pid-file)
     (waitpid pid))))
EOF

run_input '(use-modules (byre container))
(exit (if (or (zero? (getuid)) (unprivileged-user-namespace-supported?))
          0 77))' byre repl
if [ "$status" -eq 77 ]; then
    for name in "status of the command" "hostname of the container" \
                "pid namespace of the container" "TERM is passed" \
                "PATH lookup" "command not found" "killed by a signal"; do
        skip "container exec: $name (no user namespaces)"
    done
elif [ "$status" -ne 0 ]; then
    fail "container exec: (byre container) loads"
else
    mkdir "$tmp/root"
    byre repl "$tmp/start.scm" "$tmp/root" "$tmp/pid" \
         >"$tmp/helper.out" 2>"$tmp/helper.err" </dev/null &
    helper=$!
    tries=0
    while [ ! -s "$tmp/pid" ] && [ $tries -lt 100 ] \
              && kill -0 "$helper" 2>/dev/null; do
        sleep 0.1
        tries=$((tries + 1))
    done
    if [ ! -s "$tmp/pid" ]; then
        status=-1
        cp "$tmp/helper.out" "$tmp/out"
        cp "$tmp/helper.err" "$tmp/err"
        fail "container exec: the helper starts a container"
    else
        container=$(cat "$tmp/pid")

        run byre container exec "$container" /bin/sh -c 'exit 7'
        check "container exec: status of the command" 7

        run byre container exec "$container" /bin/sh -c \
            'cat /proc/sys/kernel/hostname'
        check "container exec: hostname of the container" 0 out "byre-test"

        # In the container's pid namespace, PID 1 is the container's first
        # process and the command is one of a handful of processes; the
        # host's own processes, such as this shell, are not there.
        run byre container exec "$container" /bin/sh -c \
            'echo "self=$$"; ls /proc | grep -c "^[0-9]"; test -d /proc/1'
        count=$(sed -n 2p "$tmp/out")
        if [ "$status" -eq 0 ] && ! grep -qx "self=$container" "$tmp/out" \
               && ! grep -qx 'self=1' "$tmp/out" \
               && [ -n "$count" ] && [ "$count" -lt 10 ]; then
            pass "container exec: pid namespace of the container"
        else
            fail "container exec: pid namespace of the container"
        fi

        run env TERM=byre-term byre container exec "$container" /bin/sh -c \
            'echo "term=$TERM"'
        check "container exec: TERM is passed" 0 out "term=byre-term"

        run byre container exec "$container" sh -c 'echo found'
        check "container exec: PATH lookup" 0 out "found"

        run byre container exec "$container" no-such-command-in-byre
        check "container exec: command not found" 127 \
              err "byre: error:" err "no-such-command-in-byre"

        run byre container exec "$container" /bin/sh -c 'kill -TERM $$'
        check "container exec: killed by a signal" 143

        kill -KILL "$container" 2>/dev/null
        wait "$helper" 2>/dev/null
        helper=
        container=
    fi
fi

summary command
