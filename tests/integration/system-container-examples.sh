# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- the acceptance of system containers for the nginx example and
# for Guix's own bare-bones.tmpl, unchanged: each boots with every service
# running (loopback and networking too, in the container's own network
# namespace), has its declared host name, and does what it declares —
# nginx serves the store's site; alice has her ids and home; sshd accepts
# on 2222 with host keys generated and, killed with SIGKILL, is respawned
# with a new PID; stopping loopback takes its address away.  As root and
# as an unprivileged user (65536 ids through /etc/subuid).
#
#   ./pre-inst-env sh tests/integration/system-container-examples.sh
#
# Guix's template is Guix's file and is not in this repository: the test
# reads it from BYRE_GUIX_EXAMPLES, a folder holding Guix's
# gnu/system/examples (a Guix checkout's, or an installed Guix's), and
# skips that part, saying so, where there is none.

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
scratch system-container-examples
chmod 755 "$tmp"
scratch_store
top=${abs_top_srcdir:-.}

if [ "$(id -u)" != 0 ] && ! grep -q "^$(id -un):" /etc/subuid 2>/dev/null; then
    skip "system containers: $(id -un) has no range in /etc/subuid, which \
65536 ids need (the error saying so is tested in tests/scheme/container*.scm)"
    summary system-container-examples
    exit $?
fi

# What the checks run inside, once every service has started (--exec):
# `herd status' first, then one line per check, each saying what it saw.
cat >"$tmp/inside.sh" <<'SH'
herd status
echo "hostname: $(cat /proc/sys/kernel/hostname)"
echo "lo: $(ip -4 -o addr show dev lo | awk '{print $4}')"
case "$1" in
  nginx)
    exec 3<>/dev/tcp/127.0.0.1/8080
    printf 'GET / HTTP/1.0\r\nHost: www\r\n\r\n' >&3
    sed 's/^/page: /' <&3
    exec 3<&-
    ;;
  bare-bones)
    echo "id: $(id alice)"
    echo "home: $(stat -c '%a %U' /home/alice)"
    ls /etc/ssh | sed 's/^/ssh: /'
    exec 3<>/dev/tcp/127.0.0.1/2222
    echo "banner: $(head -c 7 <&3)"
    exec 3<&-
    sshd_pid () { herd status | awk '$1 == "ssh-daemon" && $2 == "running" {print $3}'; }
    old=$(sshd_pid)
    kill -9 "$old"
    new=
    for i in $(seq 3000); do
      new=$(sshd_pid)
      [ -n "$new" ] && [ "$new" != - ] && [ "$new" != "$old" ] && break
      sleep 0.1
    done
    echo "respawn: $old -> $new"
    exec 3<>/dev/tcp/127.0.0.1/2222
    echo "banner again: $(head -c 7 <&3)"
    exec 3<&-
    ;;
esac
herd stop loopback >/dev/null
echo "lo stopped: $(ip -4 -o addr show dev lo | awk '{print $4}')"
echo end
SH
chmod 644 "$tmp/inside.sh"

# boot NAME CONFIG KIND: build CONFIG's script, boot it with the checks of
# KIND, the output in $tmp/out.
boot () {
    run byre system container --expose="$tmp/inside.sh=/inside.sh" "$2"
    check "$1: byre system container builds the script" 0 out "-run-container"
    script=$(tail -n 1 "$tmp/out")
    run "$script" --exec="bash /inside.sh $3"
    check "$1: boots and runs the checks once its services started" 0 out "end"
    # Every service `herd status' lists is running.
    awk '/^SERVICE/ {on = 1; next}
         /^hostname:/ {on = 0}
         on && $2 != "running" {print}' "$tmp/out" >"$tmp/not-running"
    if [ -s "$tmp/not-running" ] || ! grep -q '^root  *running' "$tmp/out"; then
        fail "$1: every service is running" "$(cat "$tmp/not-running")"
    else
        pass "$1: every service is running"
    fi
    for service in loopback user-processes syslogd nscd; do
        if grep -qE "^$service +running" "$tmp/out"; then
            pass "$1: $service is running"
        else
            fail "$1: $service is running"
        fi
    done
    check "$1: loopback has 127.0.0.1 in the container's namespace" 0 \
          out "lo: 127.0.0.1/8"
    if grep -q '^lo stopped: *$' "$tmp/out"; then
        pass "$1: stopping loopback takes its address away"
    else
        fail "$1: stopping loopback takes its address away" \
             "$(grep '^lo stopped' "$tmp/out")"
    fi
    check_not "$1: no backtrace" err "Backtrace"
}

# The nginx example: nginx serves the site built in the store.
boot nginx "$top/examples/nginx-server.scm" nginx
check "nginx: the host name is the declared one" 0 out "hostname: www"
if grep -qE '^nginx +running' "$tmp/out"; then
    pass "nginx: nginx is running"
else
    fail "nginx: nginx is running"
fi
check "nginx: serves the store's index.html on 8080" 0 \
      out "page: HTTP/1.1 200 OK" out "page: <body><p>Served from the store by nginx.</p></body></html>"

# Guix's bare-bones.tmpl, unchanged.
template=
for dir in "${BYRE_GUIX_EXAMPLES:-}" \
           /usr/share/guile/site/3.0/gnu/system/examples \
           "${HOME:-/nonexistent}/.config/guix/current/share/guile/site/3.0/gnu/system/examples"; do
    if [ -n "$dir" ] && [ -r "$dir/bare-bones.tmpl" ]; then
        template=$dir/bare-bones.tmpl
        break
    fi
done
if [ -z "$template" ]; then
    skip "Guix's bare-bones.tmpl: no Guix here (set BYRE_GUIX_EXAMPLES to \
a folder holding Guix's gnu/system/examples; the template is Guix's file, \
not this repository's)"
else
    # A copy this test's user may read, byte for byte the same.
    cp "$template" "$tmp/bare-bones.tmpl"
    chmod 644 "$tmp/bare-bones.tmpl"
    boot bare-bones.tmpl "$tmp/bare-bones.tmpl" bare-bones
    check "bare-bones.tmpl: the host name is the declared one" 0 \
          out "hostname: komputilo"
    for service in ssh-daemon networking; do
        if grep -qE "^$service +running" "$tmp/out"; then
            pass "bare-bones.tmpl: $service is running"
        else
            fail "bare-bones.tmpl: $service is running"
        fi
    done
    check "bare-bones.tmpl: alice has uid 1000, group users, and wheel, audio, video" 0 \
          out "id: uid=1000(alice)" out "(users)" out "(wheel)" out "(audio)" \
          out "(video)"
    check "bare-bones.tmpl: alice's home is hers, 0700" 0 out "home: 700 alice"
    check "bare-bones.tmpl: sshd's host keys were generated" 0 \
          out "ssh: ssh_host_ed25519_key" out "ssh: ssh_host_rsa_key"
    check "bare-bones.tmpl: sshd accepts on 2222" 0 out "banner: SSH-2.0"
    respawn=$(sed -n 's/^respawn: //p' "$tmp/out")
    case "$respawn" in
        [0-9]*" -> "[0-9]*)
            old=${respawn%% -> *}
            new=${respawn##* -> }
            if [ "$old" != "$new" ]; then
                pass "bare-bones.tmpl: sshd, killed with SIGKILL, is respawned with a new PID"
            else
                fail "bare-bones.tmpl: sshd, killed with SIGKILL, is respawned with a new PID" "$respawn"
            fi ;;
        *) fail "bare-bones.tmpl: sshd, killed with SIGKILL, is respawned with a new PID" "$respawn" ;;
    esac
    check "bare-bones.tmpl: the respawned sshd accepts on 2222" 0 \
          out "banner again: SSH-2.0"
fi

summary system-container-examples
