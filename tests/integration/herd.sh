# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- `byre init' and `byre herd', end to end, with a temporary socket.
#
#   ./pre-inst-env sh tests/integration/herd.sh
#
# Prints one line a check and a summary line that .ci/run adds up; exits
# with status 1 if any check failed.  Waits are bounded (20 s).

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
init_pid=
undo_test () {
    [ -n "$init_pid" ] && kill "$init_pid" 2>/dev/null && wait "$init_pid" 2>/dev/null
}
scratch herd

socket=$tmp/run/socket


cat >"$tmp/config.scm" <<'END'
(use-modules (shepherd service) (oop goops))
(register-services
 (make <service> #:provides '(base)
       #:start (make-forkexec-constructor '("/bin/sh" "-c" "exec sleep 1000"))
       #:stop (make-kill-destructor))
 (make <service> #:provides '(app) #:requires '(base)
       #:docstring "The application."
       #:respawn? #t
       #:start (make-forkexec-constructor '("/bin/sh" "-c" "exec sleep 1000"))
       #:stop (make-kill-destructor)
       #:actions (make-actions
                  (ping "Answer pong." (lambda (running) (display "pong\n") #t)))))
(for-each start '(app))
END

run byre init --help
check "byre init --help" 0 out "--config=FILE" out "--socket=FILE"
run byre herd --help
check "byre herd --help" 0 out "--pid=PID"
run byre init --config "$tmp/nowhere.scm" --socket "$socket"
check "a missing configuration is named" 1 err "nowhere.scm"
run byre herd --pid zero status
check "a bad PID is a usage error" 2 err "invalid PID 'zero'"
run byre herd --socket "$tmp/none" status
check "no init behind the socket" 1 err "$tmp/none"

byre init --config "$tmp/config.scm" --socket "$socket" \
     --logfile "$tmp/init.log" </dev/null >"$tmp/init.out" 2>&1 &
init_pid=$!
wait_for "the socket" test -S "$socket"

run byre herd --socket "$socket" status
check "status lists every service" 0 out "SERVICE" out "app " out "base " out "root "
if grep -Eq '^app +running +[0-9]+ +0$' "$tmp/out"; then
    pass "status: app is running, with its PID and no respawn"
else
    fail "status: app is running, with its PID and no respawn"
fi

app_pid=$(sed -n 's/^app *running *\([0-9]*\).*/\1/p' "$tmp/out")
kill -9 "$app_pid"
respawned () {
    byre herd --socket "$socket" status | grep -Eq '^app +running +[0-9]+ +1$'
}
if wait_for "app respawned" respawned; then
    pass "a killed respawnable service is back, respawn count 1"
else
    fail "a killed respawnable service is back, respawn count 1"
fi

run byre herd --socket "$socket" status app
check "status of one service" 0 out "Status of app:" out "It is running." \
      out "Requires (base)." out "Will be respawned."
run byre herd --socket "$socket" ping app
check "a service's own action" 0 out "pong"
run byre herd --socket "$socket" doc app
check "doc" 0 out "The application."
run byre herd --socket "$socket" dance app
check "an unknown action" 1 err "service 'app' does not have an action 'dance'"
run byre herd --socket "$socket" start nope
check "an unknown service" 1 err "service 'nope' could not be found"
run byre herd --socket "$socket" stop base
check "stop stops the dependents first" 0 out "Stopping service app..." \
      out "Service base stopped."
run byre herd --socket "$socket" status
if grep -Eq '^app +stopped' "$tmp/out" && grep -Eq '^base +stopped' "$tmp/out"; then
    pass "both stopped"
else
    fail "both stopped"
fi
run byre herd --socket "$socket" disable app
check "disable" 0 out "Disabled service app."
run byre herd --socket "$socket" start app
check "a disabled service does not start" 1 out "Service app is currently disabled."
run byre herd --socket "$socket" enable app
check "enable" 0 out "Enabled service app."
run byre herd --socket "$socket" start app
check "start starts the requirements" 0 out "Service base has been started." \
      out "Service app has been started."
# --pid: the same socket, reached through /proc/PID/root of the init.
run byre herd --pid "$init_pid" --socket "$socket" status
check "--pid reaches the socket through /proc/PID/root" 0 out "app "
test -f "$(dirname "$socket")/services/app" && pass "a status file per service" \
    || fail "a status file per service"

run byre herd --socket "$socket" stop root
check "stop root" 0
if wait "$init_pid"; then
    pass "the init exits 0 after stop root"
else
    fail "the init exits 0 after stop root"
fi
init_pid=
test -e "$socket" && fail "the socket is removed" || pass "the socket is removed"

summary herd
