;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Linux containers from Guile, with the API of Guix's
;;; (gnu build linux-container).
;;;
;;; Two ways in (DESIGN.md): the exec form (spawn-container,
;;; run-program-in-container, container-exec) runs nothing but prepared
;;; system calls in the child before execve; the thunk form (run-container,
;;; call-with-container, container-excursion) forks this Guile process.
;;; Set-up is always done in C++ from a plan prepared here.

(define-module (byre container)
  #:use-module (byre core)
  #:use-module ((byre config) #:select (%byre-init-program))
  ;; Loaded when a container is made, not when `byre' starts.
  #:autoload (byre file-systems) (file-system? file-system-mapping?
                                  file-system-mapping->bind-mount
                                  file-system-device file-system-mount-point
                                  file-system-type file-system-options
                                  file-system-flags file-system-mount?
                                  file-system-mount-may-fail?)
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:re-export (%default-container-capabilities)
  #:export (%namespaces
            user-namespace-supported?
            unprivileged-user-namespace-supported?
            setgroups-supported?

            run-container
            call-with-container
            container-excursion
            container-excursion*

            spawn-container
            run-program-in-container
            container-exec

            %container-start-timeout
            container-start-retries))

(define %namespaces
  '(mnt pid ipc uts user net))

(define %known-namespaces
  (cons 'cgroup %namespaces))

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


;;;
;;; From Scheme values to the plan's plain data.
;;;

(define (check-namespaces namespaces)
  (unless (list? namespaces)
    (throw 'wrong-type-arg 'container "namespaces must be a list of symbols: ~s"
           (list namespaces) (list namespaces)))
  (for-each (lambda (ns)
              (unless (memq ns %known-namespaces)
                (throw 'wrong-type-arg 'container
                       "unknown namespace ~s (known: ~a)"
                       (list ns (string-join (map symbol->string %known-namespaces)))
                       (list ns))))
            namespaces))

(define (check-id what id)
  (unless (and (exact-integer? id) (<= 0 id #xfffffffe))
    (throw 'wrong-type-arg 'container "~a must be an integer from 0 to 4294967294: ~s"
           (list what id) (list id))))

(define (check-thunk what thunk)
  (unless (procedure? thunk)
    (throw 'wrong-type-arg 'container "~a must be a procedure: ~s"
           (list what thunk) (list thunk))))

(define (user-name)
  (or (false-if-exception (passwd:name (getpwuid (getuid))))
      (number->string (getuid))))

(define (id-maps namespaces host-uids guest-uid guest-gid)
  "Return the spec entries mapping HOST-UIDS ids of the caller into a new
user namespace, GUEST-UID and GUEST-GID being the caller's own ids inside."
  (define (subordinate file id)
    (match (%subordinate-range file (user-name) id)
      ((start . count)
       (if (>= count (- host-uids 1))
           start
           (throw 'misc-error 'container
                  "~a grants ~a only ~a ids; ~a are needed for host-uids ~a"
                  (list file (user-name) count (- host-uids 1) host-uids) #f)))
      (#f
       (throw 'misc-error 'container
              "no subordinate id range for ~a in ~a; host-uids ~a needs one.  \
As root, add one, e.g.: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ~a"
              (list (user-name) file host-uids (user-name)) #f))))

  (unless (and (exact-integer? host-uids) (positive? host-uids))
    (throw 'wrong-type-arg 'container "host-uids must be a positive integer: ~s"
           (list host-uids) (list host-uids)))
  (cond ((not (memq 'user namespaces))
         '())
        ((zero? (getuid))
         `((uid-map (,guest-uid 0 ,host-uids))
           (gid-map (,guest-gid 0 ,host-uids))
           (deny-setgroups? . #f)))
        ((= host-uids 1)
         `((uid-map (,guest-uid ,(getuid) 1))
           (gid-map (,guest-gid ,(getgid) 1))
           (deny-setgroups? . #t)))
        (else
         ;; The caller's own id plus a range from /etc/subuid, written by
         ;; the setuid helpers newuidmap and newgidmap.
         (let ((uids (subordinate "/etc/subuid" (getuid)))
               (gids (subordinate "/etc/subgid" (getgid))))
           `((uid-map (,guest-uid ,(getuid) 1)
                      (,(+ guest-uid 1) ,uids ,(- host-uids 1)))
             (gid-map (,guest-gid ,(getgid) 1)
                      (,(+ guest-gid 1) ,gids ,(- host-uids 1)))
             (deny-setgroups? . #f)
             (id-helpers? . #t))))))

(define (file-system->mount fs)
  "Return the plan's form of FS: (SOURCE TARGET TYPE OPTIONS FLAGS MAY-FAIL?
CREATE?)."
  (list (file-system-device fs)
        (file-system-mount-point fs)
        (file-system-type fs)
        (file-system-options fs)
        (file-system-flags fs)
        (file-system-mount-may-fail? fs)
        ;; The root is a fresh tmpfs: every mount point is created, as a
        ;; file or a directory to match a bind's source.
        #t))

(define (mounts->plan mounts)
  (unless (list? mounts)
    (throw 'wrong-type-arg 'container "mounts must be a list of file systems: ~s"
           (list mounts) (list mounts)))
  (filter-map (lambda (fs)
                (cond ((file-system? fs)
                       (and (file-system-mount? fs) (file-system->mount fs)))
                      ((file-system-mapping? fs)
                       (file-system->mount (file-system-mapping->bind-mount fs)))
                      (else
                       (throw 'wrong-type-arg 'container
                              "not a file system or a mapping: ~s"
                              (list fs) (list fs)))))
              mounts))

(define (terminal)
  ;; The caller's terminal, bound to /dev/console when standard input is one.
  (let ((port (current-input-port)))
    (and (file-port? port)
         (false-if-exception (isatty? port))
         (false-if-exception (ttyname port)))))

(define* (container-spec #:key root mounts (symlinks '()) namespaces host-uids
                         guest-uid guest-gid lock-mounts? writable-root?
                         loopback-network? child-is-pid1? capabilities
                         hostname exec? argv environment directory
                         (init-program #f))
  (check-namespaces namespaces)
  (check-id "guest-uid" guest-uid)
  (check-id "guest-gid" guest-gid)
  `((namespaces . ,namespaces)
    ,@(id-maps namespaces host-uids guest-uid guest-gid)
    (uid . ,guest-uid)
    (gid . ,guest-gid)
    (root . ,root)
    (mounts . ,(mounts->plan mounts))
    (symlinks . ,symlinks)
    (lock-mounts? . ,lock-mounts?)
    (writable-root? . ,writable-root?)
    (loopback-network? . ,loopback-network?)
    (child-is-pid1? . ,child-is-pid1?)
    (capabilities . ,capabilities)
    (console . ,(terminal))
    (hostname . ,hostname)
    (exec? . ,exec?)
    (argv . ,argv)
    (environment . ,environment)
    (directory . ,directory)
    (init-program . ,init-program)))

(define (call-with-temporary-root proc)
  "Call PROC with the directory on which containers mount their root: an
empty directory of this process's own, which a container covers with its
tmpfs only in its own mount namespace, so the host always sees it empty
and containers can share it.  It is removed when this process exits."
  (proc (%container-root-directory)))


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
caller's code (whose dynamic extent belongs to the parent)."
  (catch #t
    (lambda ()
      (thunk)
      (flush-all-ports)
      (primitive-exit 0))
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
            (primitive-exit (status args)))
          (begin
            (false-if-exception
             (print-exception (current-error-port) #f key args))
            (false-if-exception (flush-all-ports))
            (primitive-exit 1))))))

(define* (run-container root mounts namespaces host-uids thunk
                        #:key (guest-uid 0) (guest-gid 0)
                        (lock-mounts? #t)
                        (populate-file-system #f)
                        (writable-root? #t)
                        (loopback-network? #t)
                        (child-is-pid1? #t)
                        (capabilities '()))
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
(see %default-container-capabilities)."
  (check-thunk "thunk" thunk)
  (when populate-file-system
    (check-thunk "populate-file-system" populate-file-system))
  (preload-autoloads)
  (let ((plan (%make-container-plan
               (container-spec #:root root #:mounts mounts
                               #:namespaces namespaces #:host-uids host-uids
                               #:guest-uid guest-uid #:guest-gid guest-gid
                               #:lock-mounts? lock-mounts?
                               #:writable-root? writable-root?
                               #:loopback-network? loopback-network?
                               #:child-is-pid1? child-is-pid1?
                               #:capabilities capabilities
                               #:exec? #f #:argv '() #:environment '()
                               #:directory "/"))))
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
                           (list EAGAIN))))))))))

(define (call-with-relayed-signals pid signals proc)
  "Call PROC while each of SIGNALS sent to this process is relayed to PID.
The relay is done in C: a Scheme handler would run only once the waiting
thread returns to Scheme."
  (dynamic-wind
    (lambda () (%install-signal-relay pid signals))
    proc
    (lambda () (%remove-signal-relay))))

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
                              (process-spawned-hook (const #t)))
  "Run THUNK in a new container process, within a temporary root, and
return its waitpid status.  MOUNTS is a list of <file-system> records to
mount in it; the other keywords are those of run-container.  The caller is
root inside (uid and gid 0), or GUEST-UID and GUEST-GID.  RELAYED-SIGNALS
received by the caller meanwhile are sent to the container.
PROCESS-SPAWNED-HOOK is called with the container's PID."
  (check-thunk "thunk" thunk)
  (call-with-temporary-root
   (lambda (root)
     (let ((pid (run-container root mounts namespaces host-uids thunk
                               #:guest-uid guest-uid #:guest-gid guest-gid
                               #:lock-mounts? lock-mounts?
                               #:populate-file-system populate-file-system
                               #:writable-root? writable-root?
                               #:loopback-network? loopback-network?
                               #:child-is-pid1? child-is-pid1?
                               #:capabilities capabilities)))
       (call-with-relayed-signals pid relayed-signals
         (lambda ()
           (process-spawned-hook pid)
           (wait-status pid)))))))

(define (container-excursion pid thunk)
  "Run THUNK in a child process that joined the namespaces of process PID
and return its exit value."
  (check-thunk "thunk" thunk)
  (preload-autoloads)
  (flush-all-ports)
  (match (%container-excursion-fork pid)
    (0 (child-exit thunk))
    (child (status:exit-val (wait-status child)))))

(define (container-excursion* pid thunk)
  "Like container-excursion, but return the value THUNK returns, which must
have a printed representation that read can read back."
  (check-thunk "thunk" thunk)
  (preload-autoloads)
  (match (pipe)
    ((in . out)
     (flush-all-ports)
     (match (%container-excursion-fork pid)
       (0
        (close-port in)
        (child-exit (lambda ()
                      (write (thunk) out)
                      (close-port out))))
       (child
        (close-port out)
        ;; Read before waiting: a large value would fill the pipe.
        (let ((result (read in)))
          (close-port in)
          (let ((status (wait-status child)))
            (and (zero? (or (status:exit-val status) 1))
                 (not (eof-object? result))
                 result))))))))


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
                          (capabilities '()))
  "Start ARGV, a list of strings whose first is the program's absolute file
name inside the container, in a new container, and return the pid of its
process once the program runs.  The keywords are those of run-container;
ENVIRONMENT is the program's whole environment, a list of \"NAME=VALUE\"
strings, and DIRECTORY its working directory.  SYMLINKS, a list of (PATH .
TARGET) pairs, are symbolic links made in the container's root after the
mounts.  With CHILD-IS-PID1? false and a pid namespace, byre-init is
PID 1: it runs the program as PID 2, reaps orphans and relays signals.
Nothing of the caller's Scheme runs in the child: it executes prepared
system calls and execs."
  (unless (and (pair? argv) (every string? argv))
    (throw 'wrong-type-arg 'spawn-container
           "argv must be a non-empty list of strings: ~s" (list argv) (list argv)))
  (define (spawn root)
    (%spawn-container-exec
     (%make-container-plan
      (container-spec #:root root #:mounts mounts #:symlinks symlinks
                      #:namespaces namespaces
                      #:host-uids host-uids #:guest-uid guest-uid
                      #:guest-gid guest-gid #:lock-mounts? lock-mounts?
                      #:writable-root? writable-root?
                      #:loopback-network? loopback-network?
                      #:child-is-pid1? child-is-pid1?
                      #:init-program (and (not child-is-pid1?) %byre-init-program)
                      #:capabilities capabilities
                      #:hostname hostname #:exec? #t #:argv argv
                      #:environment environment #:directory directory))))
  (flush-all-ports)
  (if (or root (not (memq 'mnt namespaces)))
      (spawn root)
      ;; Once the program runs, the container has pivoted away from the
      ;; temporary root: it can go at once.
      (call-with-temporary-root spawn)))

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
