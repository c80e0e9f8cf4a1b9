#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- the Debian package: build it from the committed tree with
# dpkg-buildpackage, check it with lintian, install it on this machine,
# run the README's quick start with the installed /usr/bin/byre (as root and
# as an unprivileged user), then remove it.  Needs root and the packages of
# debian-packages (debhelper, lintian …); run by tests/run-all when
# BYRE_TEST_DEB is set (CI sets it).  Prints "# debian-package: N passed,
# N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/byre-deb.XXXXXX) || exit 1
. "$top/tests/integration/lib.sh"
installed=no
cleanup () {
    [ $installed = yes ] && dpkg -r byre >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" != 0 ]; then
    skip "the Debian package (needs root to install it)"
    summary debian-package
    exit 0
fi
if dpkg -s byre >/dev/null 2>&1; then
    skip "the Debian package (byre is installed already; this test would remove it)"
    summary debian-package
    exit 0
fi

# From what is committed, as a packager gets it.
git -C "$top" archive --format=tar --prefix=byre/ HEAD | tar -x -C "$tmp"
(cd "$tmp/byre" && dpkg-buildpackage -us -uc -b) > "$tmp/build.log" 2>&1
status=$?
deb=$(ls "$tmp"/byre_*_*.deb 2>/dev/null | head -n 1)
if [ $status = 0 ] && [ -n "$deb" ]; then pass "dpkg-buildpackage -us -uc -b builds a .deb"
else
    cp "$tmp/build.log" "$tmp/err"; : > "$tmp/out"
    fail "dpkg-buildpackage -us -uc -b builds a .deb"
    summary debian-package; exit 1
fi

run lintian --fail-on error "$deb"
check "lintian finds no error" 0

run dpkg-deb -c "$deb"
check "the package holds the command, the extension, the manual, completion" 0 \
      out "./usr/bin/byre" out "/guile/3.0/extensions/libguile-byre.so" \
      out "./usr/share/info/byre.info.gz" out "./usr/share/man/man1/byre.1.gz" \
      out "./usr/share/bash-completion/completions/byre" \
      out "./usr/share/byre/modules/guix/gexp.scm" out "./usr/libexec/byre/byre-init"

run dpkg -i "$deb"
check "dpkg -i installs it" 0
[ $status = 0 ] && installed=yes

run /usr/bin/byre --version
check "the installed byre runs" 0 out "GPL version 3 or later"
# The README's quick start, with the installed command, from a copy of the
# examples (nothing of the build tree on the load path).
cp -r "$top/examples" "$tmp/examples"
chmod -R a+rX "$tmp"
(cd "$tmp" && env -u BYRE_UNINSTALLED -u GUILE_LOAD_PATH -u GUILE_LOAD_COMPILED_PATH \
     -u GUILE_EXTENSIONS_PATH /usr/bin/byre repl examples/hello-container.scm) \
    > "$tmp/out" 2> "$tmp/err" </dev/null
status=$?
check "installed byre: examples/hello-container.scm" 0
(cd "$tmp" && env -u BYRE_UNINSTALLED -u GUILE_LOAD_PATH -u GUILE_LOAD_COMPILED_PATH \
     -u GUILE_EXTENSIONS_PATH /usr/bin/byre repl examples/gexp-eval.scm) \
    > "$tmp/out" 2> "$tmp/err" </dev/null
status=$?
check "installed byre: examples/gexp-eval.scm" 0
if id byre-test >/dev/null 2>&1; then
    (cd "$tmp" && runuser -u byre-test -- env -i PATH=/usr/bin:/bin HOME=/tmp TMPDIR=/tmp \
         /usr/bin/byre repl examples/gexp-eval.scm) > "$tmp/out" 2> "$tmp/err" </dev/null
    status=$?
    check "installed byre, unprivileged: examples/gexp-eval.scm" 0
else
    skip "installed byre, unprivileged (no user byre-test)"
fi
BYRE_STORE_DIR=$tmp/store BYRE_STATE_DIR=$tmp/state \
    run /usr/bin/byre build -e '(computed-file "from-the-package" #~(mkdir #$output))'
check "installed byre builds in a container" 0 out "$tmp/store/" err "building "

run dpkg -r byre
check "dpkg -r removes it" 0
[ $status = 0 ] && installed=no
[ -e /usr/bin/byre ] && fail "nothing of byre is left in /usr/bin" || pass "nothing of byre is left in /usr/bin"

summary debian-package
