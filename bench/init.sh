#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre's init (issue 11): the time from the exec of `byre init' to 50
# services of a dependency chain running; how soon a killed respawnable
# service runs again; the init's resident set with 20 services against a
# bare `guile -c "(sleep 100)"'; `byre herd status' against
# `byre --version'.  N runs each where it says so.
#
#   ./pre-inst-env sh bench/init.sh [N]

set -eu
n=${1:-10}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/byre-bench-init.XXXXXX")
pids=
trap 'for p in $pids; do kill $p 2>/dev/null || true; done; rm -rf "$tmp"' EXIT INT TERM
now () { date +%s%N; }
median () { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wait_file () { i=0; until [ -s "$1" ] || [ $i -gt 2000 ]; do sleep 0.005; i=$((i + 1)); done; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"

# services COUNT FILE: a configuration of COUNT services, each requiring
# the one before, that writes the time to FILE once all run.
services () {
  cat <<END
(use-modules (shepherd service) (oop goops))
(define count $1)
(define (name i) (string->symbol (string-append "s" (number->string i))))
(apply register-services
       (map (lambda (i)
              (make <service> #:provides (list (name i))
                    #:requires (if (zero? i) '() (list (name (- i 1))))
                    #:start (make-forkexec-constructor '("/bin/sleep" "1000"))
                    #:stop (make-kill-destructor)))
            (iota count)))
(start (name (- count 1)))
(let ((t (gettimeofday)))
  (call-with-output-file "$2"
    (lambda (port)
      (display (+ (* (car t) 1000000000) (* (cdr t) 1000)) port))))
END
}

# 1. 50 services.
: >"$tmp/start50"
i=0
while [ $i -lt "$n" ]; do
  services 50 "$tmp/ready" >"$tmp/c50.scm"
  rm -f "$tmp/ready"
  t=$(now)
  byre init --config "$tmp/c50.scm" --socket "$tmp/s50" </dev/null >/dev/null 2>&1 &
  p=$!; pids="$pids $p"
  wait_file "$tmp/ready"
  echo $(( $(cat "$tmp/ready") - t )) >>"$tmp/start50"
  kill -TERM $p; wait $p || true
  i=$((i + 1))
done
echo "50 services, exec of byre init to all running: median $(median <"$tmp/start50" | awk '{printf "%.1f", $1/1e6}') ms ($n runs)"

# 2. Respawn: the service writes the time it starts; kill it, read the next.
cat >"$tmp/respawn.scm" <<END
(use-modules (shepherd service) (oop goops))
(register-services
 (make <service> #:provides '(r) #:respawn? #t
       #:start (make-forkexec-constructor
                '("/bin/sh" "-c" "date +%s%N >>$tmp/starts; echo \$\$ >$tmp/pid; exec sleep 1000"))
       #:stop (make-kill-destructor)))
(start 'r)
END
byre init --config "$tmp/respawn.scm" --socket "$tmp/sr" </dev/null >/dev/null 2>&1 &
p=$!; pids="$pids $p"
wait_file "$tmp/pid"
: >"$tmp/respawns"
i=0
while [ $i -lt 4 ]; do   # Shepherd's limit: 5 respawns within 7 s
  lines=$(wc -l <"$tmp/starts")
  sleep 0.2
  t=$(now); kill -KILL "$(cat "$tmp/pid")"
  j=0; until [ "$(wc -l <"$tmp/starts")" -gt "$lines" ] || [ $j -gt 2000 ]; do sleep 0.002; j=$((j + 1)); done
  echo $(( $(tail -n 1 "$tmp/starts") - t )) >>"$tmp/respawns"
  i=$((i + 1))
done
kill -TERM $p; wait $p || true
# What /bin/sh and date take to write the time, measured alone.
t=$(now); /bin/sh -c 'date +%s%N >/dev/null'; sh_cost=$(( $(now) - t ))
echo "respawn, SIGKILL to the new process's first line: median $(median <"$tmp/respawns" | awk '{printf "%.1f", $1/1e6}') ms (4 kills; sh + date alone: $(echo $sh_cost | awk '{printf "%.1f", $1/1e6}') ms)"

# 3. Resident set with 20 services.
services 20 "$tmp/ready20" >"$tmp/c20.scm"
byre init --config "$tmp/c20.scm" --socket "$tmp/s20" </dev/null >/dev/null 2>&1 &
p=$!; pids="$pids $p"
wait_file "$tmp/ready20"
sleep 0.5
rss_init=$(awk '/^VmRSS/ {print $2}' /proc/$p/status)
guile -c '(sleep 100)' &
g=$!; pids="$pids $g"
sleep 1
rss_guile=$(awk '/^VmRSS/ {print $2}' /proc/$g/status)
kill $g; wait $g 2>/dev/null || true
echo "resident set: byre init with 20 services $rss_init kB; guile -c '(sleep 100)' $rss_guile kB; ratio $(echo "$rss_init $rss_guile" | awk '{printf "%.2f", $1/$2}')"

# 4. herd status against --version.
: >"$tmp/herd"; : >"$tmp/version"
i=0
while [ $i -lt "$n" ]; do
  t=$(now); byre herd --socket "$tmp/s20" status >/dev/null; echo $(( $(now) - t )) >>"$tmp/herd"
  t=$(now); byre --version >/dev/null; echo $(( $(now) - t )) >>"$tmp/version"
  i=$((i + 1))
done
kill -TERM $p; wait $p || true
h=$(median <"$tmp/herd"); v=$(median <"$tmp/version")
echo "byre herd status: median $(echo $h | awk '{printf "%.1f", $1/1e6}') ms; byre --version: $(echo $v | awk '{printf "%.1f", $1/1e6}') ms; ratio $(echo "$h $v" | awk '{printf "%.2f", $1/$2}')"
