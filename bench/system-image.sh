#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- `byre system image' of examples/bare-bones.scm with a warm
# store, against tar of the same files, and its size against the Debian
# packages its host files come from.
#
#   bench/system-image.sh [RUNS]      (from a built tree, as root; default 3)
#
# Builds the image once in a fresh store (the system and its closure are
# then there), then RUNS times: deletes the image and builds it again
# (`byre system image -t docker', gzip layers), and `tar -czf' of the same
# files (the system's closure and the host files the image holds), in the
# page cache.  Prints the medians and their ratio, the image's size, its
# layers' uncompressed size, and the sum of dpkg's Installed-Size of the
# Debian packages that own the image's host files (as listed one by one;
# the files under a whole directory the closure lists are not looked up).
set -eu
runs=${1:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
byre="$top/pre-inst-env byre"
config=$top/examples/bare-bones.scm
tmp=$(mktemp -d /tmp/byre-bench-image.XXXXXX)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export BYRE_STORE_DIR=$tmp/store BYRE_STATE_DIR=$tmp/state

now () { date +%s%N; }
median () { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

image=$($byre system image -t docker "$config" 2>/dev/null)
system=$(tar -xOf "$image" manifest.json | python3 -c '
import json, sys, tarfile
m = json.load(sys.stdin)[0]
t = tarfile.open(sys.argv[1])
c = json.load(t.extractfile(m["Config"]))
print(c["config"]["Labels"]["dev.byre.system"])' "$image")

# The image's files: the closure, and the host files its items record,
# as (byre pack-system) takes them.
"$top/pre-inst-env" guile -c '
(use-modules (byre store) (byre host) (ice-9 match))
(define system (cadr (command-line)))
(define store (open-connection))
(define items (requisites store (list system)))
(define shadowed? ((@ (byre system container) system-etc-shadows) system))
(for-each (lambda (item) (display item) (newline)) items)
(for-each (match-lambda
            ((_ file . _)
             (unless (shadowed? file) (display file) (newline))))
          (store-items-host-closure items))' "$system" > "$tmp/files"
sed 's|^/||' "$tmp/files" > "$tmp/relative"
tar -C / -cf - -T "$tmp/relative" > /dev/null 2>&1   # in the page cache

time_image () {
    for i in $(seq "$runs"); do
        $byre gc -d "$image" > /dev/null 2>&1
        start=$(now)
        $byre system image -t docker "$config" > /dev/null 2>&1
        echo $(( ($(now) - start) / 1000000 ))
    done | median
}
time_tar () {
    for i in $(seq "$runs"); do
        rm -f "$tmp/out.tar.gz"
        start=$(now)
        tar -C / -czf "$tmp/out.tar.gz" -T "$tmp/relative" 2>/dev/null
        echo $(( ($(now) - start) / 1000000 ))
    done | median
}
tar_ms=$(time_tar)
image_ms=$(time_image)
image_bytes=$(stat -c %s "$image")
tar_bytes=$(stat -c %s "$tmp/out.tar.gz")
layers_bytes=$(python3 -c '
import gzip, json, sys, tarfile
t = tarfile.open(sys.argv[1])
m = json.load(t.extractfile("manifest.json"))[0]
total = 0
for layer in m["Layers"]:
    data = t.extractfile(layer).read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    total += len(data)
print(total)' "$image")

# The Debian packages that own the host files listed one by one.
packages=$(grep -v "^$BYRE_STORE_DIR/" "$tmp/files" | while read -r file; do
               [ -f "$file" ] && [ ! -L "$file" ] && echo "$file"
           done | xargs -r dpkg-query -S 2>/dev/null | sed 's/:.*//; s/, /\n/g' |
           sed 's/:[a-z0-9]*$//' | sort -u)
installed_kib=$(dpkg-query -W -f='${Installed-Size}\n' $packages 2>/dev/null |
                awk '{ s += $1 } END { print s }')

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs: $runs (medians)"
echo "byre system image -t docker (gzip), warm store: $image_ms ms"
echo "tar -czf of the same files:                     $tar_ms ms"
echo "ratio: $(echo "scale=2; $image_ms / $tar_ms" | bc)"
echo "image: $image_bytes bytes; its layers uncompressed: $layers_bytes bytes"
echo "tar -czf of the same files: $tar_bytes bytes"
echo "Debian packages owning its host files: $(echo $packages | wc -w), \
Installed-Size sum $installed_kib KiB ($((installed_kib * 1024)) bytes)"
echo "ratio (layers uncompressed / Installed-Size): \
$(echo "scale=2; $layers_bytes / ($installed_kib * 1024)" | bc)"
