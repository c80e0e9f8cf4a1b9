# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- one <container-spec>, run by byre and, through
# container-spec->oci-config, by runc and crun: the same seccomp filter
# and cgroup limits.  An attack probe (a static program in the container)
# tries what the filter refuses and forks past the pids limit; a control
# bundle without the filter and limits shows that the probe can tell.
#
# Skipped checks say why: crun refuses this machine's hybrid cgroup layout
# rootless, and an unprivileged user has no cgroup to limit.

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
containers_started=
undo_test () {
    delete_runtime_containers
}
scratch oci-config
who=root
[ "$(id -u)" = 0 ] || who=rootless
schemas=/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema

# The probe: each system call the filter refuses, with its errno (or
# "allowed"), then how many of 40 children it could fork.
cat > "$tmp/probe.c" <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
static void report(const char *what, long rc) {
  printf("%s: %s\n", what, rc < 0 ? strerrorname_np(errno) : "allowed");
}
int main(void) {
  pid_t children[40];
  int forked = 0;
  report("unshare-user", unshare(CLONE_NEWUSER));
  report("add_key", syscall(SYS_add_key, "user", "byre-probe", "x", 1, -2));
  report("clone3", syscall(SYS_clone3, NULL, 0));
  report("bpf", syscall(SYS_bpf, -1, NULL, 0));
  report("open_by_handle_at", syscall(SYS_open_by_handle_at, -1, NULL, 0));
  report("mount", mount("none", "/tmp", "tmpfs", 0, NULL));
  fflush(stdout);
  for (; forked < 40; forked++) {
    pid_t pid = fork();
    if (pid < 0) break;
    if (pid == 0) { pause(); _exit(0); }
    children[forked] = pid;
  }
  for (int i = 0; i < forked; i++) kill(children[i], SIGKILL);
  while (wait(NULL) > 0) ;
  printf("forks: %d\n", forked);
  return 0;
}
C
if ! ${CC:-cc} -static -O -o "$tmp/probe" "$tmp/probe.c" 2>"$tmp/err"; then
    skip "no static C compiler to build the probe: $(head -n 1 "$tmp/err")"
    summary oci-config
    exit 0
fi
mkdir -p "$tmp/rootfs" "$tmp/limited" "$tmp/open"
cp "$tmp/probe" "$tmp/rootfs/probe"

# One spec, two configurations (with the filter and limits, and without),
# and the spec run by byre itself.
cat > "$tmp/make.scm" <<SCM
(use-modules (byre container-spec) (byre container) (byre file-systems)
             (byre oci-config) (json))
(define limits (container-limits (pids 16) (memory (* 256 1024 1024)) (cpu 1)))
(define spec
  (container-spec
    (program '("/probe"))
    (mounts (list (file-system-mapping (source "$tmp/probe") (target "/probe"))))
    (limits (and (zero? (getuid)) limits))
    (seccomp #t)
    (console #f)))
(define (write-config file spec)
  (call-with-output-file file
    (lambda (port)
      (scm->json (container-spec->oci-config spec #:root "$tmp/rootfs") port))))
(write-config "$tmp/limited/config.json" spec)
(write-config "$tmp/open/config.json"
              (container-spec (inherit spec) (seccomp #f) (limits #f)))
(exit (status:exit-val (run-container-spec spec)))
SCM
run guile --no-auto-compile -s "$tmp/make.scm"
check "byre runs the spec, $who" 0 out "forks:"
cp "$tmp/out" "$tmp/byre.out"
check "byre: unshare(CLONE_NEWUSER) refused, $who" 0 out "unshare-user: EPERM"

if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null \
   && [ -d "$schemas" ]; then
    cat > "$tmp/validate.py" <<'PY'
import json, pathlib, sys
import jsonschema
schemas = sys.argv[1]
with open(pathlib.Path(schemas) / 'config-schema.json') as f:
    schema = json.load(f)
resolver = jsonschema.RefResolver(pathlib.Path(schemas).as_uri() + '/', schema)
for config in sys.argv[2:]:
    with open(config) as f:
        jsonschema.validate(json.load(f), schema, resolver=resolver)
print('valid')
PY
    run /usr/bin/python3 "$tmp/validate.py" "$schemas" "$tmp/limited/config.json" "$tmp/open/config.json"
    check "config.json with seccomp and limits valid against the runtime-spec schema" 0 out valid
else
    skip "schema validation (python3-jsonschema or the runtime-spec schemas missing)"
fi
run jq -r '.linux.seccomp.syscalls[] | select(.names | index("clone3")) | .errnoRet' \
    "$tmp/limited/config.json"
check "config.json: clone3 fails with ENOSYS, as in byre's filter" 0 out 38

mkdir -p "$tmp/xdg" && chmod 700 "$tmp/xdg"
for runtime in runc crun; do
    if ! have $runtime; then skip "$runtime (not installed)"; continue; fi
    run_runtime $runtime "$tmp/limited" byre-oci-config-$$-$runtime-limited
    if [ "$who" = rootless ] && [ $runtime = crun ] \
       && grep -q "hybrid mode not supported" "$tmp/err"; then
        skip "$runtime, rootless (crun refuses this machine's hybrid cgroup layout)"
        continue
    fi
    check "$runtime runs the bundle, $who" 0 out "forks:"
    for call in unshare-user:EPERM add_key:EPERM clone3:ENOSYS bpf:EPERM \
                open_by_handle_at:EPERM mount:EPERM; do
        check "$runtime: ${call%%:*} refused with ${call#*:}, $who" 0 \
              out "${call%%:*}: ${call#*:}"
    done
    # The same answers as under byre (the fork count aside: byre's and the
    # runtime's own processes in the cgroup differ).
    if diff "$tmp/byre.out" "$tmp/out" | grep -v forks | grep -q '^[<>]'; then
        fail "$runtime: the probe sees what it sees under byre, $who" \
             "$(diff "$tmp/byre.out" "$tmp/out")"
    else
        pass "$runtime: the probe sees what it sees under byre, $who"
    fi
    forks=$(sed -n 's/^forks: //p' "$tmp/out")
    if [ "$who" = root ]; then
        if [ "${forks:-40}" -lt 16 ]; then pass "$runtime: the pids limit holds, $who"
        else fail "$runtime: the pids limit holds, $who" "forks: $forks"; fi
    fi
    # The control: without the filter and limits, the probe gets through.
    run_runtime $runtime "$tmp/open" byre-oci-config-$$-$runtime-open
    check "$runtime control: unshare(CLONE_NEWUSER) allowed without the filter, $who" 0 \
          out "unshare-user: allowed"
    check "$runtime control: clone3 reaches the kernel without the filter, $who" 0 \
          out "clone3: EINVAL"
    check "$runtime control: 40 forks without limits, $who" 0 out "forks: 40"
done
[ "$who" = root ] || skip "cgroup limits, rootless (no delegated cgroup for this user)"

summary oci-config
