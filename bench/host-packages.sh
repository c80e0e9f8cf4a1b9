#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# Host packages (issue 9): the time to resolve openssh-server's closure
# (dpkg's status, its file list, the ELF closure of its files), from
# nothing in a fresh process and again with nothing changed; and
# `byre shell -C coreutils -- true' against bwrap and unshare started the
# same way (a fork and exec from this shell), N runs each, in turn.
#
#   ./pre-inst-env sh bench/host-packages.sh [N]

set -eu
n=${1:-20}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/byre-bench.XXXXXX")
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT INT TERM
BYRE_STORE_DIR=$tmp/store BYRE_STATE_DIR=$tmp/state XDG_CACHE_HOME=$tmp/cache
export BYRE_STORE_DIR BYRE_STATE_DIR XDG_CACHE_HOME

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
echo "dpkg status: $(stat -c %s /var/lib/dpkg/status) bytes"

guile --no-auto-compile -c '
(use-modules (byre core) (ice-9 format))
(define (ms t0) (/ (- (get-internal-real-time) t0) 1e6))
(define (resolve)
  (let ((p (%dpkg-package "openssh-server" "/var/lib/dpkg")))
    (%package-closure (list-ref p 5) (list))))
(let* ((t0 (get-internal-real-time)) (c (resolve)) (first (ms t0))
       (t1 (get-internal-real-time)) (_ (%dpkg-package "openssh-server" "/var/lib/dpkg"))
       (again (ms t1)))
  (format #t "openssh-server closure from nothing: ~,2f ms (~a entries)~%" first (length c))
  (format #t "openssh-server dpkg data again, nothing changed: ~,3f ms~%" again))'

guile --no-auto-compile -c '
(use-modules (byre packages) (gnu packages ssh) (ice-9 format))
(define (ms t0) (/ (- (get-internal-real-time) t0) 1e6))
(let* ((t0 (get-internal-real-time)) (r (host-package-resolution openssh)) (first (ms t0))
       (t1 (get-internal-real-time)) (r2 (host-package-resolution openssh)) (again (ms t1)))
  (format #t "openssh (3 Debian packages) resolution from nothing: ~,2f ms; again: ~,3f ms~%"
          first again))'

# Warm the store and the shell cache: the profile is built once.  The
# first figure is a shell made again with everything in the store
# (--rebuild-cache), the others a shell from the cache.
byre shell -C coreutils -- true
: >"$tmp/rebuild"
i=0
while [ $i -lt 5 ]; do
  t=$(date +%s%N); byre shell -C --rebuild-cache coreutils -- true
  echo $(( $(date +%s%N) - t )) >>"$tmp/rebuild"; i=$((i + 1))
done
now () { date +%s%N; }
median () { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]/1e6}'; }
: >"$tmp/byre"; : >"$tmp/bwrap"; : >"$tmp/unshare"
i=0
while [ $i -lt "$n" ]; do
  t=$(now); byre shell -C coreutils -- true; echo $(( $(now) - t )) >>"$tmp/byre"
  if command -v bwrap >/dev/null; then
    t=$(now)
    bwrap --unshare-all --ro-bind /usr /usr --symlink usr/lib /lib \
          --symlink usr/lib64 /lib64 --symlink usr/bin /bin --proc /proc \
          --dev /dev true
    echo $(( $(now) - t )) >>"$tmp/bwrap"
  fi
  t=$(now); unshare -Urmpiun -f --mount-proc true; echo $(( $(now) - t )) >>"$tmp/unshare"
  i=$((i + 1))
done
b=$(median <"$tmp/byre"); u=$(median <"$tmp/unshare")
echo "byre shell -C --rebuild-cache coreutils -- true: median $(median <"$tmp/rebuild") ms (5 runs)"
echo "byre --version: median $(i=0; while [ $i -lt 5 ]; do t=$(now); byre --version >/dev/null; echo $(( $(now) - t )); i=$((i + 1)); done | median) ms"
echo "byre shell -C coreutils -- true: median $b ms ($n runs)"
if [ -s "$tmp/bwrap" ]; then
  w=$(median <"$tmp/bwrap")
  echo "bwrap --unshare-all --ro-bind /usr /usr ... true: median $w ms"
  echo "ratio byre/bwrap: $(echo "$b $w" | awk '{printf "%.1f", $1/$2}')"
fi
echo "unshare -Urmpiun -f --mount-proc true: median $u ms"
echo "ratio byre/unshare: $(echo "$b $u" | awk '{printf "%.1f", $1/$2}')"
