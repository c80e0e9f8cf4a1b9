#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- `byre pack' with a warm store, against tar of the same files.
#
#   bench/pack.sh [RUNS]      (from a built tree; default 5 runs)
#
# Builds three copies of host directories (Guile's compiled modules, its
# sources and its site modules, about 60 MB) in a fresh store and a
# profile of them, then
# measures, RUNS times each, the wall time of: `tar -cf' and `tar -czf' of
# the closure's files (the comparison), and `byre pack' in each format,
# the previous result deleted before each run so that it is really built
# (the store is warm: the closure is there, nothing else).  Prints the
# medians, the ratios to tar, and the sizes of the results.
set -eu
runs=${1:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
byre="$top/pre-inst-env byre"
tmp=$(mktemp -d /tmp/byre-bench-pack.XXXXXX)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export BYRE_STORE_DIR=$tmp/store BYRE_STATE_DIR=$tmp/state

# Items made by builds, not local-file: evaluating a local-file hashes the
# host files again, which is not what packing costs.  A build sees the
# host guile's directories, which it copies.
cat > "$tmp/profile.scm" <<'EOF'
(define (copy-of name directory)
  (computed-file name
    (with-imported-modules '((guix build utils))
      #~(begin
          (use-modules (guix build utils))
          (copy-recursively #$directory #$output)))))
(file-union "profile"
  `(("lib/guile" ,(copy-of "guile-ccache" "/usr/lib/x86_64-linux-gnu/guile/3.0"))
    ("share/guile" ,(copy-of "guile-modules" "/usr/share/guile/3.0"))
    ("share/guile-site" ,(copy-of "guile-site" "/usr/share/guile/site/3.0"))))
EOF
profile=$($byre build "$tmp/profile.scm" 2>/dev/null)
closure=$($byre gc -R "$profile")
files=$(for item in $closure; do echo "${item#/}"; done)
bytes=$(du -sbc $closure | tail -n 1 | cut -f1)
tar -C / -cf - $files > /dev/null     # in the page cache

now () { date +%s%N; }
median () { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

time_tar () {
    for i in $(seq "$runs"); do
        rm -f "$tmp/out.tar"
        start=$(now)
        tar -C / "$@" "$tmp/out.tar" $files
        echo $(( ($(now) - start) / 1000000 ))
    done | median
}

time_pack () {
    for i in $(seq "$runs"); do
        previous=$($byre pack "$@" --file="$tmp/profile.scm" 2>/dev/null)
        $byre gc -d "$previous" > /dev/null 2>&1
        start=$(now)
        result=$($byre pack "$@" --file="$tmp/profile.scm" 2>/dev/null)
        echo $(( ($(now) - start) / 1000000 ))
    done | median
}

size_of () {
    result=$($byre pack "$@" --file="$tmp/profile.scm" 2>/dev/null)
    du -sb "$result" | cut -f1
}

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
echo "closure: $(echo "$closure" | wc -l) items, $bytes bytes"
tar_plain=$(time_tar -cf)
plain_size=$(du -sb "$tmp/out.tar" | cut -f1)
tar_gzip=$(time_tar -czf)
gzip_size=$(du -sb "$tmp/out.tar" | cut -f1)
printf '%-34s %9s %9s %12s\n' what "ms" "x tar" "bytes"
printf '%-34s %9s %9s %12s\n' "tar -cf" "$tar_plain" 1.00 "$plain_size"
printf '%-34s %9s %9s %12s\n' "tar -czf" "$tar_gzip" 1.00 "$gzip_size"
for args in "-f tarball -C none:$tar_plain" "-f tarball:$tar_gzip" \
            "-f docker -C none:$tar_plain" "-f docker:$tar_gzip" \
            "-f oci:$tar_gzip" "-f bundle --entry-point=lib/guile:$tar_plain"; do
    set -- ${args%%:*}
    reference=${args#*:}
    ms=$(time_pack "$@")
    printf '%-34s %9s %9.2f %12s\n' "byre pack $*" "$ms" \
        "$(echo "$ms / $reference" | bc -l)" "$(size_of "$@")"
done
echo "(x tar: against tar -cf for uncompressed results, tar -czf for gzip)"
