# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- `byre system container', as a user types it: the bare-bones
# example boots in a container (the init as PID 1, its services started),
# is entered with `byre container exec' and `byre herd --pid', and stops on
# SIGTERM; --exec, -N, --share/--expose and the script's errors.  As root
# and as an unprivileged user (65536 ids through /etc/subuid).
#
#   ./pre-inst-env sh tests/integration/system-container.sh
#
# Waits are bounded (a boot may take a while on a loaded machine: 300 s).

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
scratch system-container
chmod 755 "$tmp"

# A store of this test's own.
scratch_store
# Booting under a loaded machine can take minutes.
wait_seconds=300


if [ "$(id -u)" != 0 ] && ! grep -q "^$(id -un):" /etc/subuid 2>/dev/null; then
    skip "system containers: $(id -un) has no range in /etc/subuid, which \
65536 ids need (the error saying so is tested in tests/scheme/container*.scm)"
    summary system-container
    exit $?
fi

# Building the script.
run byre system container "$top/examples/bare-bones.scm"
script=$(tail -n 1 "$tmp/out")
check "byre system container prints the script's file name" 0 \
      out "-run-container" err "a system container leaves out"
case "$script" in
    "$BYRE_STORE_DIR"/*-run-container) pass "the script is in the store" ;;
    *) fail "the script is in the store" "script: $script" ;;
esac

run "$script" --help
check "the script takes --help" 0 out "--share=SPEC" out "--exec=COMMAND"

run "$script" --frobnicate
check "the script refuses an unknown option" 1 err "--frobnicate: unrecognized option"

run "$script" --share=relative/dir
check "the script refuses a relative --share" 1 err "file names must be absolute"

run byre system container --share=/nonexistent/dir "$top/examples/bare-bones.scm"
check "byre system container refuses a missing --share source" 1 \
      err "/nonexistent/dir does not exist"

run byre system build --run "$top/examples/bare-bones.scm"
check "--run belongs to container" 2 err "is an option of 'byre system container'"

# Booting it.
mkdir "$tmp/shared" "$tmp/exposed"
echo hello-from-the-host > "$tmp/exposed/note"
"$script" --pid-file="$tmp/pid" --share="$tmp/shared=/shared" \
          --expose="$tmp/exposed=/exposed" \
          </dev/null >"$tmp/boot.out" 2>"$tmp/boot.err" &
launcher=$!

herd_running () {
    byre herd --pid "$(cat "$tmp/pid")" status ssh-daemon 2>/dev/null \
        | grep -q "running"
}
wait_for "the pid file" test -s "$tmp/pid"
pid=$(cat "$tmp/pid")
if wait_for "sshd to run" herd_running; then
    pass "the system boots and its sshd runs"
else
    fail "the system boots and its sshd runs"
    sed 's/^/  boot: /' "$tmp/boot.err"
fi
in_container () {
    byre container exec "$pid" "$@"
}

run grep -F "system container is running as PID $pid" "$tmp/boot.err"
check "the script says the container's PID" 0
run grep -F "byre container exec $pid /run/current-system/profile/bin/bash --login" "$tmp/boot.err"
check "and how to enter it" 0

run byre herd --pid "$pid" status
check "byre herd --pid shows every service" 0 \
      out "user-processes" out "syslogd" out "nscd" out "ssh-daemon"
for service in user-processes syslogd nscd ssh-daemon udev root; do
    if grep -E "^$service +running" "$tmp/out" >/dev/null; then
        pass "$service is running"
    else
        fail "$service is running"
    fi
done

run in_container /run/current-system/profile/bin/cat /proc/1/cmdline
check "PID 1 is the init" 0 out "bin/shepherd" out "--config"

run in_container /run/current-system/profile/bin/herd status
check "herd, inside, talks to the init" 0 out "ssh-daemon"

run in_container /run/current-system/profile/bin/cat /proc/sys/kernel/hostname
check "the host name is the declared one" 0 out "komputilo"

run in_container /run/current-system/profile/bin/id alice
check "alice has uid 1000, group users, and wheel, audio, video" 0 \
      out "uid=1000(alice)" out "gid=" out "(users)" out "(wheel)" \
      out "(audio)" out "(video)"

run in_container /run/current-system/profile/bin/stat -c %a /home/alice
check "alice's home is 0700" 0 out "700"

run in_container /run/current-system/profile/bin/readlink /run/current-system
check "/run/current-system is the system" 0 out "-system"

run in_container /run/current-system/profile/bin/bash -c \
    'exec 3<>/dev/tcp/127.0.0.1/2222; head -c 7 <&3'
check "sshd accepts on port 2222" 0 out "SSH-2.0"

run in_container /run/current-system/profile/bin/ls /etc/ssh
check "sshd's host keys were generated" 0 out "ssh_host_ed25519_key"

run in_container /run/current-system/profile/bin/cat /exposed/note
check "--expose shows the host's files" 0 out "hello-from-the-host"
run in_container /run/current-system/profile/bin/touch /exposed/new
check "--expose is read-only" 1
run in_container /run/current-system/profile/bin/touch /shared/made-inside
check "--share is writable" 0
if [ -e "$tmp/shared/made-inside" ]; then
    pass "what is made in --share appears on the host"
else
    fail "what is made in --share appears on the host"
fi

# What alice owns inside is, on the host, the id the map gives uid 1000:
# 1000 for root; the subordinate range's base + 999 for another user
# (uid 0 inside is the user's own).
run in_container /run/current-system/profile/bin/bash -c \
    'touch /shared/alice-file && chown alice /shared/alice-file'
check "chown to alice in a shared directory" 0
if [ "$(id -u)" = 0 ]; then
    expected=1000
else
    base=$(sed -n "s/^$(id -un):\([0-9]*\):.*/\1/p" /etc/subuid | head -n 1)
    expected=$((base + 999))
fi
owner=$(stat -c %u "$tmp/shared/alice-file" 2>/dev/null)
if [ "$owner" = "$expected" ]; then
    pass "alice's file is owned on the host by uid $expected"
else
    fail "alice's file is owned on the host by uid $expected" "owner: $owner"
fi
# Removed from inside: a user other than root could not, from the host.
run in_container /run/current-system/profile/bin/rm -f /shared/alice-file
check "the file is removed from inside" 0

# The store holds the system's closure, not the whole store.
run in_container /run/current-system/profile/bin/ls "$BYRE_STORE_DIR"
if grep -q -- "-run-container$" "$tmp/out"; then
    fail "the container's store holds only the system's closure"
else
    pass "the container's store holds only the system's closure"
fi

# sshd, killed, is respawned with a new PID.
sshd_pid () {
    byre herd --pid "$pid" status \
        | sed -n 's/^ssh-daemon *running *\([0-9][0-9]*\).*/\1/p'
}
old=$(sshd_pid)
run in_container /run/current-system/profile/bin/kill -9 "$old"
check "kill -9 of sshd inside" 0
respawned () {
    new=$(sshd_pid)
    [ -n "$new" ] && [ "$new" != "$old" ]
}
if [ -n "$old" ] && wait_for "sshd to be respawned" respawned; then
    pass "sshd is respawned with a new PID"
else
    fail "sshd is respawned with a new PID" "old: $old"
fi

# SIGTERM stops it cleanly.
kill -TERM "$launcher"
wait "$launcher"
status=$?
launcher=
check "SIGTERM stops the container, status 0" 0
if [ -e "/proc/$pid" ]; then
    fail "no process of the container is left"
else
    pass "no process of the container is left"
fi

# --exec: booted, a command, stopped, its status.
run "$script" --exec='herd status; echo done-in-the-container; exit 3'
check "--exec runs the command once the services run, then stops" 3 \
      out "ssh-daemon" out "done-in-the-container"

run byre system container --run --exec='herd status ssh-daemon' \
    "$top/examples/bare-bones.scm"
check "byre system container --run --exec" 0 out "running"

# -N: the host's network, no dhcp-client, the host's resolv.conf.
run byre system container -N "$top/examples/bare-bones.scm"
netscript=$(tail -n 1 "$tmp/out")
check "byre system container -N" 0
run "$netscript" --exec='herd status; readlink /proc/self/ns/net; cat /etc/resolv.conf 2>/dev/null; echo end'
check "-N boots, loopback and networking provided by dummy-networking" 0 \
      out "loopback" out "end"
# dhcp-client's service is the one whose first name is networking.
if grep -qE '^networking ' "$tmp/out"; then
    fail "-N drops dhcp-client"
else
    pass "-N drops dhcp-client"
fi
if grep -qF "$(readlink /proc/self/ns/net)" "$tmp/out"; then
    pass "-N shares the host's network namespace"
else
    fail "-N shares the host's network namespace"
fi
if [ -f /etc/resolv.conf ]; then
    if grep -qF "$(head -n 1 /etc/resolv.conf)" "$tmp/out"; then
        pass "-N shares the host's resolv.conf"
    else
        fail "-N shares the host's resolv.conf"
    fi
else
    skip "-N shares the host's resolv.conf: this host has none"
fi

summary system-container
