# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- `byre shell', as users type it: host packages on the host and
# in a container that holds exactly their closure.
#
# Run by `make check' through pre-inst-env, as root and (tests/run-all) as
# an unprivileged user.  Uses a store of its own.  The checks that need a
# container are skipped where user namespaces are not available.

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
scratch shell
scratch_store
# The shell cache too (~/.cache/byre/shell otherwise).
XDG_CACHE_HOME=$tmp/cache
export XDG_CACHE_HOME

containers=yes
if ! guile -c '(use-modules (byre container))
               (exit (if (zero? (getuid))
                         (user-namespace-supported?)
                         (unprivileged-user-namespace-supported?)))'; then
    containers=no
fi

# TMPDIR of its own: building the shell makes containers, and nothing of
# theirs may outlive the exec of the command: only the user's kept root
# directory (TMPDIR/byre-root-UID, empty) may be there.
mkdir "$tmp/tmpdir"
TMPDIR=$tmp/tmpdir run byre shell coreutils -- ls --version
check "on the host: the profile's ls" 0 out "GNU coreutils"
left=$(ls -A "$tmp/tmpdir" | grep -vx "byre-root-$(id -u)")
[ -z "$left" ] && [ -z "$(ls -A "$tmp/tmpdir/byre-root-$(id -u)" 2>/dev/null)" ] \
    && pass "building then exec leaves no temporary directory" \
    || fail "building then exec leaves no temporary directory" "left: $left"

run byre shell byre-test-absent-package -- true
check "an unknown package" 1 err "byre-test-absent-package: unknown package"

if dpkg-query -W -f='${Status}' hello 2>/dev/null | grep -q " installed"; then
    skip "a package that is not installed (hello is installed here)"
else
    run byre shell hello -- true
    check "a package that is not installed: the error and the apt-get hint" 1 \
          err "hello needs the Debian package hello, which is not installed" \
          err "hint: apt-get install hello"
fi

FOO=bar run byre shell --pure coreutils -- env
check_not "--pure unsets the caller's variables" out "FOO=bar"
FOO=bar run byre shell --pure -E '^FOO$' coreutils -- env
check "--preserve keeps those it names" 0 out "FOO=bar" out "GUIX_ENVIRONMENT="

cat > "$tmp/manifest.scm" <<'SCM'
(specifications->manifest '("coreutils"))
SCM
run byre shell -m "$tmp/manifest.scm" -- ls --version
check "-m: the packages of a manifest" 0 out "GNU coreutils"

cat > "$tmp/package.scm" <<'SCM'
(specification->package "coreutils")
SCM
run byre shell -f "$tmp/package.scm" -- ls --version
check "-f: the package a file evaluates to" 0 out "GNU coreutils"
echo '(+ 1 2)' > "$tmp/not-a-package.scm"
run byre shell -f "$tmp/not-a-package.scm" -- true
check "-f: a file that is not a package" 1 err "evaluates to 3, not a package"

# The cache: a second run takes the shell from it; a changed manifest,
# --rebuild-cache and a collected profile make it again.
ls "$tmp/cache/byre/shell"/*.scm >/dev/null 2>&1 \
    && pass "the cache records the shells made" \
    || fail "the cache records the shells made"
run byre gc
run byre shell -m "$tmp/manifest.scm" -- ls --version
check "the cached profile outlives byre gc (an indirect root)" 0 out "GNU coreutils"
cat > "$tmp/manifest.scm" <<'SCM'
(specifications->manifest '("sed"))
SCM
run byre shell -m "$tmp/manifest.scm" -- sed --version
check "a changed manifest is read again" 0 out "GNU sed"
run byre shell --pure -m "$tmp/manifest.scm" -- ls --version
check "... and its old packages are gone" 127 err "ls: command not found"
run byre shell --rebuild-cache coreutils -- ls --version
check "--rebuild-cache" 0 out "GNU coreutils"
for link in "$tmp/cache/byre/shell"/*; do
    case "$link" in *.scm) ;; *) rm -f "$link" ;; esac
done
run byre gc
run byre shell coreutils -- ls --version
check "a shell whose profile was collected is made again" 0 out "GNU coreutils"

run byre shell -N coreutils -- true
check "-N without -C is a usage error" 2 err "needs -C"

if [ "$containers" = no ]; then
    skip "containers (no user namespaces)"
    summary shell
    exit $?
fi

run byre shell -C coreutils -- ls /
check "-C: the container runs the package's ls" 0

run byre shell -C coreutils -- ls /usr/bin/ssh
check "-C: exact closure, no ssh without openssh" 2

run byre shell -C bash -- bash -c 'ls /'
check "-C: no ls unless coreutils is listed" 127 err "ls: command not found"

run byre shell -C coreutils -- ssh -V
check "-C: a command not in the packages" 127 err "ssh: command not found in the container"

run byre shell -C openssh -- ssh -V
check "-C: openssh's ssh runs" 0 err "OpenSSH"

run byre shell -C -f "$tmp/package.scm" -- ls /
check "-C -f: the file's package in the container" 0

if [ -L /bin ]; then
    run byre shell -C coreutils -- /bin/ls /
    check "without -F: no /bin" 127
    run byre shell -C -F coreutils -- /bin/ls /
    check "-F: /bin leads to /usr/bin, as on the host" 0 out "usr"
    run byre shell -C -F coreutils -- /sbin/chroot --version
    check "-F: /sbin too" 0 out "chroot"
else
    run byre shell -C -F coreutils -- /bin/ls /
    check "-F: /bin/ls" 0 out "usr"
fi

run byre shell -C bash -- bash -c 'exit 7'
check "-C: the exit status is passed through" 7

mkdir "$tmp/work"
(cd "$tmp/work" && run byre shell -C coreutils -- touch made-inside
 check "-C: the current directory is shared, writable" 0) 
if [ -e "$tmp/work/made-inside" ]; then pass "-C: what is made there is on the host"
else fail "-C: what is made there is on the host"; fi
(cd "$tmp/work" && run byre shell -C --no-cwd coreutils -- ls "$tmp/work/made-inside"
 check "--no-cwd: the current directory is not there" 2)

mkdir "$tmp/shared" "$tmp/exposed"
echo secret > "$tmp/exposed/file"
run byre shell -C --share="$tmp/shared=/shared" coreutils -- touch /shared/x
check "--share: writable" 0
[ -e "$tmp/shared/x" ] && pass "--share: the file is on the host" || fail "--share: the file is on the host"
run byre shell -C --expose="$tmp/exposed=/exposed" coreutils -- cat /exposed/file
check "--expose: readable" 0 out "secret"
run byre shell -C --expose="$tmp/exposed=/exposed" coreutils -- touch /exposed/y
check "--expose: read-only" 1 err "Read-only file system"
[ -e "$tmp/exposed/y" ] && fail "--expose: nothing written on the host" || pass "--expose: nothing written on the host"

if [ -e /etc/resolv.conf ]; then
    run byre shell -C -N coreutils -- cat /etc/resolv.conf
    check "-N: /etc/resolv.conf is there" 0
    run byre shell -C coreutils -- cat /etc/resolv.conf
    check "without -N: no /etc/resolv.conf" 1
else
    skip "-N (the host has no /etc/resolv.conf)"
fi

run byre shell -C --no-cwd --user=alice coreutils -- sh -c true
run byre shell -C --no-cwd --user=alice coreutils -- pwd
check "--user: the home directory is /home/NAME" 0 out "/home/alice"
run byre shell -C --no-cwd --user=alice coreutils -- whoami
check "--user: the user is NAME" 0 out "alice"

# Ctrl-C: SIGINT to byre stops the command in the container.
byre shell -C coreutils -- sleep 60 >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 3
kill -INT "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    status=-1
    fail "SIGINT stops it"
else
    wait "$pid"
    status=$?
    check "SIGINT stops it (status 130)" 130
fi

summary shell
