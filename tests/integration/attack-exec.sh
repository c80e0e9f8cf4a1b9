# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- attacks on `byre container exec', from inside the container,
# each harmless: the command must get none of the caller's descriptors but
# 0-2 (not the one on the `byre' launcher script), no controlling
# terminal (a TIOCSTI cannot push input to the caller's shell), and
# nothing that lets it ptrace the process that joined.
#
#   ./pre-inst-env sh tests/integration/attack-exec.sh
#
# Run as root and as an unprivileged user (tests/run-all).

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
helper=
container=
undo_test () {
    [ -n "$container" ] && kill -KILL "$container" 2>/dev/null
    [ -n "$helper" ] && wait "$helper" 2>/dev/null
}
scratch attack

# A container with the host's software, whose PID 1 sleeps; its host PID
# goes to a file.
cat >"$tmp/start.scm" <<'SCHEME'
(use-modules (byre container) (byre file-systems) (ice-9 match))
(match (command-line)
  ((_ root pid-file)
   (let ((pid (run-container root
                             (map (lambda (directory)
                                    (file-system-mapping
                                     (source directory) (target directory)))
                                  (filter file-exists?
                                          '("/bin" "/usr" "/lib" "/lib64" "/sbin")))
                             %namespaces 1
                             (lambda () (let loop () (sleep 60) (loop))))))
     (call-with-output-file (string-append pid-file ".tmp")
       (lambda (port) (display pid port)))
     (rename-file (string-append pid-file ".tmp") pid-file)
     (waitpid pid))))
SCHEME

names="descriptors 0-2 only|no controlling terminal|TIOCSTI refused"
run_input '(use-modules (byre container))
(exit (if (or (zero? (getuid)) (unprivileged-user-namespace-supported?))
          0 77))' byre repl
if [ "$status" -eq 77 ]; then
    echo "$names" | tr '|' '\n' | while read -r name; do
        echo "SKIP: container exec attack: $name (no user namespaces)"
    done
    skipped=3
else
    mkdir "$tmp/root"
    byre repl "$tmp/start.scm" "$tmp/root" "$tmp/pid" \
         >"$tmp/helper.out" 2>"$tmp/helper.err" </dev/null &
    helper=$!
    tries=0
    while [ ! -s "$tmp/pid" ] && [ $tries -lt 300 ] \
              && kill -0 "$helper" 2>/dev/null; do
        sleep 0.1
        tries=$((tries + 1))
    done
    if [ ! -s "$tmp/pid" ]; then
        status=-1
        cp "$tmp/helper.out" "$tmp/out"
        cp "$tmp/helper.err" "$tmp/err"
        fail "container exec attack: the helper starts a container"
    else
        container=$(cat "$tmp/pid")

        # The launcher is a shell script: its shell holds a descriptor on
        # it, which a hostile /bin/sh inside could rewrite through
        # /proc/self/fd/N.  Open more on purpose: 7 on a file of ours.
        echo secret >"$tmp/secret"
        exec 7<"$tmp/secret"
        # ls, a child of the shell, lists the shell's descriptors (a glob
        # in the shell would list the one it reads the directory with).
        run byre container exec "$container" /bin/sh -c \
            'cat /proc/$$/fd/7 && echo leaked; ls /proc/$$/fd'
        exec 7<&-
        fds=$(grep -v leaked "$tmp/out" | sort -n | tr '\n' ' ')
        if [ "$status" -eq 0 ] && [ "$fds" = "0 1 2 " ] \
               && ! grep -q leaked "$tmp/out"; then
            pass "container exec attack: descriptors 0-2 only"
        else
            fail "container exec attack: descriptors 0-2 only" "descriptors: $fds"
        fi

        # Under script(1) the caller has a controlling terminal; the command
        # must not (the 7th field of /proc/PID/stat, tty_nr, is 0), and a
        # TIOCSTI (0x5412) on its standard input must fail.
        if command -v script >/dev/null 2>&1; then
            script -qec "byre container exec $container /bin/sh -c 'cut -d\" \" -f7 /proc/\$\$/stat'" \
                   /dev/null </dev/null >"$tmp/out" 2>"$tmp/err"
            status=$?
            if [ "$status" -eq 0 ] && [ "$(tr -d '\r' <"$tmp/out")" = 0 ]; then
                pass "container exec attack: no controlling terminal"
            else
                fail "container exec attack: no controlling terminal"
            fi
            if command -v perl >/dev/null 2>&1; then
                script -qec "byre container exec $container /usr/bin/perl -e 'my \$c = q(x); print ioctl(STDIN, 0x5412, \$c) ? qq(injected\\n) : qq(refused \$!\\n)'" \
                       /dev/null </dev/null >"$tmp/out" 2>"$tmp/err"
                status=$?
                if grep -q '^refused' "$tmp/out"; then
                    pass "container exec attack: TIOCSTI refused"
                else
                    fail "container exec attack: TIOCSTI refused"
                fi
            else
                skip "container exec attack: TIOCSTI refused (no perl)"
            fi
        else
            skip "container exec attack: no controlling terminal (no script)"
            skip "container exec attack: TIOCSTI refused (no script)"
        fi
    fi
fi

summary attack-exec
