;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Linux containers from Guile, with the API of Guix's
;;; (gnu build linux-container).
;;;
;;; Two ways in (DESIGN.md): the exec form (spawn-container,
;;; run-program-in-container, container-exec) runs nothing but prepared
;;; system calls in the child before execve; the thunk form (run-container,
;;; call-with-container, container-excursion) forks this Guile process.
;;; Every container is described by a <container-spec> (byre
;;; container-spec), the one thing handed to the C++ core, which does the
;;; set-up.

(define-module (byre container)
  #:use-module (byre core)
  #:use-module (byre container-spec)
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:re-export (%default-container-capabilities
               %namespaces

               <container-spec>
               container-spec
               container-spec?
               make-container-spec
               this-container-spec
               container-spec-namespaces
               container-spec-host-uids
               container-spec-guest-uid
               container-spec-guest-gid
               container-spec-uid-map
               container-spec-gid-map
               container-spec-root
               container-spec-mounts
               container-spec-symlinks
               container-spec-hostname
               container-spec-capabilities
               container-spec-ambient-capabilities
               container-spec-environment
               container-spec-directory
               container-spec-program
               container-spec-thunk
               container-spec-populate-file-system
               container-spec-init
               container-spec-relayed-signals
               container-spec-limits
               container-spec-seccomp
               container-spec-stdio
               container-spec-console
               container-spec-lock-mounts?
               container-spec-loopback-network?
               container-spec-writable-root?
               container-spec-location
               container-spec-exec?

               <container-limits>
               container-limits
               container-limits?
               container-limits-pids
               container-limits-memory
               container-limits-cpu)
  #:export (release-container-root
            user-namespace-supported?
            unprivileged-user-namespace-supported?
            setgroups-supported?

            start-container
            run-container-spec
            call-with-relayed-signals

            run-container
            call-with-container
            container-excursion
            container-excursion*

            spawn-container
            run-program-in-container
            container-exec

            %container-start-timeout
            %container-stop-grace
            container-start-retries))

(define (user-namespace-supported?)
  "Return true if this kernel has user namespaces."
  (file-exists? "/proc/self/ns/user"))

(define (read-number file)
  (false-if-exception
   (call-with-input-file file read)))

(define (unprivileged-user-namespace-supported?)
  "Return true if users other than root may create user namespaces here."
  (and (user-namespace-supported?)
       ;; Debian's and some other kernels have this switch.
       (let ((switch (read-number "/proc/sys/kernel/unprivileged_userns_clone")))
         (or (not (integer? switch)) (= switch 1)))
       (let ((limit (read-number "/proc/sys/user/max_user_namespaces")))
         (or (not (integer? limit)) (> limit 0)))))

(define (setgroups-supported?)
  "Return true if the kernel has /proc/PID/setgroups, which an unprivileged
user namespace must deny before mapping group ids."
  (file-exists? "/proc/self/setgroups"))

(define %container-start-timeout
  ;; How long, in milliseconds, a forked container may take to say it can
  ;; run Scheme before it is taken for stuck (a lock another thread held at
  ;; fork time), killed and started again.
  (make-parameter 1000))

(define %start-retries 0)
(define (container-start-retries)
  "Return how many forked containers were found stuck at start-up, killed
and started again by this process."
  %start-retries)

(define %max-start-attempts 5)


(define (check-thunk what thunk)
  (unless (procedure? thunk)
    (throw 'wrong-type-arg 'container "~a must be a procedure: ~s"
           (list what thunk) (list thunk))))

(define (call-with-temporary-root proc)
  "Call PROC with the directory on which containers mount their root: an
empty directory, TMPDIR/byre-root-UID, which a container covers with its
tmpfs only in its own mount namespace, so the host always sees it empty
and every container of the user can share it.  It is kept; where that name
is taken by anything but the user's private directory, the process uses one
of its own, removed when it exits."
  (proc (%container-root-directory)))

(define (release-container-root)
  "Remove the empty directory on which this process's containers mount
their root, if this process made one of its own (the user's shared
TMPDIR/byre-root-UID stays).  A process about to exec calls this first,
since its exit handlers, which remove it otherwise, will not run; a later
container chooses again.  Return unspecified."
  (%release-container-root-directory))


;;;
;;; The thunk form.
;;;

(define (probe-locks)
  "Take, in this freshly forked process, the locks of Guile and libgc that
another thread of the parent may have held at fork time and that THUNK is
likely to need: the port table (string ports, flush-all-ports at exit),
the symbol table, the collector's lock.  A lock held at fork time stops us
here, before we say we are ready, where the parent's watchdog sees it."
  (call-with-output-string (lambda (port) (display "probe" port)))
  (flush-all-ports)
  (gensym "byre-probe"))

(define (preload-autoloads)
  ;; Modules that common procedures autoload, such as (ice-9 i18n) for
  ;; (ice-9 ftw)'s scandir, cannot be found once the child has pivoted to
  ;; its new root (NOTES.md): load them now, in the parent.
  (resolve-module '(ice-9 i18n)))

(define (child-exit thunk)
  "Run THUNK in a container's process and exit, never returning to the
caller's code (whose dynamic extent belongs to the parent).  The process
ends with _exit once Guile's ports are flushed: exit would run the exit
handlers of libguile, which abort the process (\"Cannot exit gracefully
when init is in progress\") when a thread of the parent held Guile's
initialisation lock at the fork, and the C library's, which belong to the
parent."
  (catch #t
    (lambda ()
      (thunk)
      (flush-all-ports)
      (primitive-_exit 0))
    (lambda (key . args)
      (define (status value)
        (match value
          ((or () (#t)) 0)
          ((#f) 1)
          (((? integer? n)) n)
          (_ 1)))
      (if (eq? key 'quit)                       ;(exit N) in THUNK
          (begin
            (false-if-exception (flush-all-ports))
            (primitive-_exit (status args)))
          (begin
            (false-if-exception
             (print-exception (current-error-port) #f key args))
            (false-if-exception (flush-all-ports))
            (primitive-_exit 1))))))

;;;
;;; Starting a container from its description.
;;;

(define (start-forked spec plan)
  "Fork this process into the container PLAN, made from SPEC, run SPEC's
thunk there and return the container's pid, retrying a child found stuck
at start-up."
  (define thunk (container-spec-thunk spec))
  (define populate-file-system (container-spec-populate-file-system spec))
  (preload-autoloads)
  ;; Unflushed buffers would be written twice, once by the child.
  (flush-all-ports)
  (let retry ((attempt 1))
    (match (%spawn-container-fork plan (and populate-file-system #t))
      ((0 . fd)
       (child-exit
        (lambda ()
          (probe-locks)
          (%container-ready fd (not populate-file-system))
          (when populate-file-system
            (populate-file-system)
            (%container-continue plan fd)
            (close-fdes fd))
          (thunk))))
      ((pid . fd)
       (cond ((%container-wait-ready plan pid fd (%container-start-timeout)
                                     (not populate-file-system))
              (when populate-file-system
                ;; The rest of the set-up: no time limit, populating may
                ;; take long.
                (%container-wait-ready plan pid fd -1 #t))
              pid)
             (else
              ;; Stuck before running any of THUNK: nothing was done on
              ;; the caller's behalf, so start again.
              (false-if-exception (kill pid SIGKILL))
              (false-if-exception (waitpid pid))
              ;; Without populate-file-system the wait closed FD already.
              (when populate-file-system
                (false-if-exception (close-fdes fd)))
              (set! %start-retries (+ 1 %start-retries))
              (format (current-error-port)
                      "byre: warning: container process ~a was stuck at \
start-up (attempt ~a of ~a); killed it~%"
                      pid attempt %max-start-attempts)
              ;; Flushed now, or the next child would print it again.
              (force-output (current-error-port))
              (if (< attempt %max-start-attempts)
                  (retry (+ attempt 1))
                  (throw 'system-error 'run-container "~A"
                         (list "container processes kept getting stuck at start-up")
                         (list EAGAIN)))))))))

(define (stuck-process! pid attempt)
  "Kill and reap PID, a forked container or excursion process that did not
say it was ready in time (attempt ATTEMPT), with a warning; raise an error
once %max-start-attempts attempts failed."
  (false-if-exception (kill pid SIGKILL))
  (false-if-exception (waitpid pid))
  (set! %start-retries (+ 1 %start-retries))
  (format (current-error-port)
          "byre: warning: container process ~a was stuck at \
start-up (attempt ~a of ~a); killed it~%"
          pid attempt %max-start-attempts)
  ;; Flushed now, or the next child would print it again.
  (force-output (current-error-port))
  (unless (< attempt %max-start-attempts)
    (throw 'system-error 'run-container "~A"
           (list "container processes kept getting stuck at start-up")
           (list EAGAIN))))

(define (start-container spec)
  "Start the container SPEC, a <container-spec>, describes and return the
pid of its first process: once its program runs (the exec form, SPEC has a
program) or once it is ready to run SPEC's thunk in a fork of this process
(the thunk form).  A failed set-up step raises system-error naming it."
  (define (start root)
    (let ((plan (%make-container-plan (container-spec->plan-data spec #:root root))))
      (cond ((container-spec-program spec)
             (flush-all-ports)
             (%spawn-container-exec plan))
            ((container-spec-thunk spec)
             (start-forked spec plan))
            (else
             (throw 'wrong-type-arg 'start-container
                    "container spec has neither a program nor a thunk: ~s"
                    (list spec) (list spec))))))
  (unless (container-spec? spec)
    (throw 'wrong-type-arg 'start-container "not a <container-spec>: ~s"
           (list spec) (list spec)))
  (if (or (container-spec-root spec)
          (not (memq 'mnt (container-spec-namespaces spec))))
      (start #f)
      ;; Once the container has pivoted away from the temporary root, the
      ;; root directory is free again: it is this process's, shared.
      (call-with-temporary-root start)))

(define (run-container-spec spec)
  "Start the container SPEC describes, wait for it and return its waitpid
status.  SPEC's relayed signals received meanwhile are sent to it."
  (let ((pid (start-container spec)))
    (call-with-relayed-signals pid (container-spec-relayed-signals spec)
      (lambda () (wait-status pid)))))


;;;
;;; The thunk form, with Guix's signatures.
;;;

(define* (run-container root mounts namespaces host-uids thunk
                        #:key (guest-uid 0) (guest-gid 0)
                        (lock-mounts? #t)
                        (populate-file-system #f)
                        (writable-root? #t)
                        (loopback-network? #t)
                        (child-is-pid1? #t)
                        (capabilities '())
                        (seccomp #t) (limits #f))
  "Run THUNK in a new container process and return its PID.  The process has
its own NAMESPACES, a list of symbols among mnt, pid, ipc, uts, user, net
and cgroup.  With a mount namespace, a tmpfs is mounted on ROOT, a
directory, and becomes the root of the container's file system after
/proc, /sys, /dev and MOUNTS, a list of <file-system> (or
<file-system-mapping>) records, are mounted in it.  With a user namespace,
HOST-UIDS ids starting from the caller's are mapped to GUEST-UID and
GUEST-GID and up inside.  With a pid namespace, THUNK runs as PID 1 unless
CHILD-IS-PID1? is false, in which case a small init reaps children and
relays signals to it.  POPULATE-FILE-SYSTEM, when given, is called in the
new root before it becomes \"/\".  LOCK-MOUNTS? locks the mounts together;
WRITABLE-ROOT? leaves the tmpfs root writable; LOOPBACK-NETWORK? brings up
\"lo\" and writes /etc/hosts in a new network namespace.  CAPABILITIES, a
list of symbols such as sys_admin, are kept in addition to the default set
(see %default-container-capabilities).  SECCOMP, #t by default, installs
byre's default seccomp filter last before THUNK runs; #f installs none.
LIMITS, a <container-limits> or #f, puts the container in a cgroup of its
own (root, or a delegated cgroup).  The container is described by a
<container-spec> (see start-container)."
  (check-thunk "thunk" thunk)
  (when populate-file-system
    (check-thunk "populate-file-system" populate-file-system))
  (start-container
   (container-spec
     (seccomp seccomp) (limits limits)
     (root root) (mounts mounts) (namespaces namespaces) (host-uids host-uids)
     (guest-uid guest-uid) (guest-gid guest-gid)
     (lock-mounts? lock-mounts?) (writable-root? writable-root?)
     (loopback-network? loopback-network?)
     (init (if child-is-pid1? #f 'byre-init))
     (capabilities (append (%default-container-capabilities) capabilities))
     (ambient-capabilities capabilities)
     (thunk thunk) (populate-file-system populate-file-system))))

(define %container-stop-grace
  ;; Milliseconds a container has to exit once a signal was relayed to it
  ;; (SIGINT or SIGTERM to the caller) before it is killed with SIGKILL.
  (make-parameter 10000))

(define (call-with-relayed-signals pid signals proc)
  "Call PROC while each of SIGNALS sent to this process is relayed to PID;
a PID that has not exited %container-stop-grace milliseconds after the
first relayed signal is killed.  Return what PROC returns.  The relay is
done in C: a Scheme handler would run only once the waiting thread returns
to Scheme.  Each container waited on has a relay of its own, so that
containers waited on by several threads each get their own signals."
  (define handle #f)
  (dynamic-wind
    (lambda () (set! handle (%add-signal-relay pid signals (%container-stop-grace))))
    proc
    (lambda ()
      (when handle
        (%remove-signal-relay handle)
        (set! handle #f)))))

(define (wait-status pid)
  (%wait-process pid))

(define* (call-with-container mounts thunk
                              #:key (namespaces %namespaces)
                              (host-uids 1) (guest-uid 0) (guest-gid 0)
                              (relayed-signals (list SIGINT SIGTERM))
                              (child-is-pid1? #t)
                              (populate-file-system #f)
                              (loopback-network? #t)
                              (lock-mounts? #t)
                              (writable-root? #t)
                              (capabilities '())
                              (seccomp #t) (limits #f)
                              (process-spawned-hook (const #t)))
  "Run THUNK in a new container process, within a temporary root, and
return its waitpid status.  MOUNTS is a list of <file-system> records to
mount in it; the other keywords are those of run-container.  The caller is
root inside (uid and gid 0), or GUEST-UID and GUEST-GID.  RELAYED-SIGNALS
received by the caller meanwhile are sent to the container.
PROCESS-SPAWNED-HOOK is called with the container's PID."
  (check-thunk "thunk" thunk)
  (when populate-file-system
    (check-thunk "populate-file-system" populate-file-system))
  (let ((pid (start-container
              (container-spec
                (seccomp seccomp) (limits limits)
                (mounts mounts) (namespaces namespaces) (host-uids host-uids)
                (guest-uid guest-uid) (guest-gid guest-gid)
                (lock-mounts? lock-mounts?) (writable-root? writable-root?)
                (loopback-network? loopback-network?)
                (init (if child-is-pid1? #f 'byre-init))
                (capabilities (append (%default-container-capabilities)
                                      capabilities))
                (ambient-capabilities capabilities)
                (relayed-signals relayed-signals)
                (thunk thunk) (populate-file-system populate-file-system)))))
    (call-with-relayed-signals pid relayed-signals
      (lambda ()
        (process-spawned-hook pid)
        (wait-status pid)))))

(define (spawn-excursion pid thunk)
  "Fork a process that joins the namespaces of process PID and runs THUNK
there, then exits; return its pid.  As for run-container, the fork takes
the fork guard, and a process that does not say it can run Scheme within
%container-start-timeout is killed and forked again (it has run none of
THUNK)."
  (preload-autoloads)
  (flush-all-ports)
  (let retry ((attempt 1))
    (match (%container-excursion-fork pid)
      ((0 . fd)
       (child-exit (lambda ()
                     (probe-locks)
                     (%container-ready fd #t)
                     (thunk))))
      ((child . fd)
       (if (%container-wait-ready #f child fd (%container-start-timeout) #t)
           child
           (begin
             (stuck-process! child attempt)
             (retry (+ attempt 1))))))))

(define (container-excursion pid thunk)
  "Run THUNK in a child process that joined the namespaces of process PID
and return its exit value.  Nothing in the container can ptrace that
process or open its descriptors; a program THUNK runs gets only standard
input, output and error of the caller's descriptors."
  (check-thunk "thunk" thunk)
  (status:exit-val (wait-status (spawn-excursion pid thunk))))

(define (container-excursion* pid thunk)
  "Like container-excursion, but return the value THUNK returns, which must
have a printed representation that read can read back.  Return #f when
THUNK fails or its value cannot be read."
  (check-thunk "thunk" thunk)
  (match (pipe)
    ((in . out)
     (let ((child #f) (status #f))
       (dynamic-wind
         (const #t)
         (lambda ()
           (set! child (spawn-excursion pid
                                        (lambda ()
                                          (close-port in)
                                          (write (thunk) out)
                                          (close-port out))))
           (close-port out)
           ;; Read before waiting: a large value would fill the pipe.
           (let ((result (false-if-exception (read in))))
             (close-port in)
             (set! status (wait-status child))
             (and (zero? (or (status:exit-val status) 1))
                  (not (eof-object? result))
                  result)))
         (lambda ()
           ;; Whatever the exit: no open port, no zombie.
           (close-port in)
           (close-port out)
           (when (and child (not status))
             (false-if-exception (kill child SIGKILL))
             (false-if-exception (wait-status child)))))))))


;;;
;;; The exec form.
;;;

(define* (spawn-container argv
                          #:key (mounts '()) (symlinks '())
                          (namespaces %namespaces)
                          (host-uids 1) (guest-uid 0) (guest-gid 0)
                          (environment '()) (directory "/")
                          (hostname #f) root
                          (lock-mounts? #t) (writable-root? #t)
                          (loopback-network? #t)
                          (child-is-pid1? #t)
                          (capabilities '())
                          (seccomp #t) (limits #f)
                          (stdio #f))
  "Start ARGV, a list of strings whose first is the program's absolute file
name inside the container, in a new container, and return the pid of its
process once the program runs.  The keywords are those of run-container;
ENVIRONMENT is the program's whole environment, a list of \"NAME=VALUE\"
strings, and DIRECTORY its working directory.  SYMLINKS, a list of (PATH .
TARGET) pairs, are symbolic links made in the container's root after the
mounts.  With CHILD-IS-PID1? false and a pid namespace, byre-init is
PID 1: it runs the program as PID 2, reaps orphans and relays signals.
STDIO, when true, is a list of three file ports or descriptors (or #f for
the caller's own) that become the program's standard input, output and
error.  SECCOMP and LIMITS are as for run-container.  Nothing of the
caller's Scheme runs in the child: it executes
prepared system calls and execs."
  (unless (and (pair? argv) (every string? argv))
    (throw 'wrong-type-arg 'spawn-container
           "argv must be a non-empty list of strings: ~s" (list argv) (list argv)))
  (start-container
   (container-spec
     (seccomp seccomp) (limits limits)
     (program argv) (root root) (mounts mounts) (symlinks symlinks)
     (namespaces namespaces) (host-uids host-uids)
     (guest-uid guest-uid) (guest-gid guest-gid)
     (environment environment) (directory directory) (hostname hostname)
     (lock-mounts? lock-mounts?) (writable-root? writable-root?)
     (loopback-network? loopback-network?)
     (init (if child-is-pid1? #f 'byre-init))
     (capabilities (append (%default-container-capabilities) capabilities))
     (ambient-capabilities capabilities)
     (stdio stdio))))

(define* (run-program-in-container argv
                                   #:key (relayed-signals (list SIGINT SIGTERM))
                                   #:allow-other-keys
                                   #:rest rest)
  "Run ARGV in a new container as spawn-container does, with the same
keywords, wait for it and return its waitpid status.  RELAYED-SIGNALS
received meanwhile are sent to it."
  (let* ((keys (let loop ((rest rest) (out '()))
                 (match rest
                   (() (reverse out))
                   ((#:relayed-signals _ . tail) (loop tail out))
                   ((key value . tail) (loop tail (cons* value key out))))))
         (pid (apply spawn-container argv keys)))
    (call-with-relayed-signals pid relayed-signals
      (lambda () (wait-status pid)))))

(define* (container-exec pid argv #:key (environment '()) (directory #f))
  "Run ARGV in the namespaces of process PID, with ENVIRONMENT, a list of
\"NAME=VALUE\" strings, in DIRECTORY, and return its waitpid status.
ARGV's first element is searched in the PATH of ENVIRONMENT when it has no
slash."
  (unless (and (pair? argv) (every string? argv))
    (throw 'wrong-type-arg 'container-exec
           "argv must be a non-empty list of strings: ~s" (list argv) (list argv)))
  (flush-all-ports)
  (let ((child (%container-excursion-exec pid argv environment directory)))
    (call-with-relayed-signals child (list SIGINT SIGTERM)
      (lambda () (wait-status child)))))
