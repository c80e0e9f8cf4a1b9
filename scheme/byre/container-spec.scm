;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre container-spec): the one description of a container.
;;;
;;; A <container-spec> says everything about a container: its namespaces
;;; and ids, its root and mounts, what it runs and how.  It is the only
;;; thing byre's Scheme layer hands to the C++ core, through one converter,
;;; `container-spec->plan-data'.  `call-with-container', `run-container',
;;; the exec form, builds and eval/container all make one; an operating
;;; system becomes one, and one becomes an OCI config.json.

(define-module (byre container-spec)
  #:use-module (byre core)
  #:use-module (byre records)
  #:use-module (byre diagnostics)
  #:use-module ((byre config) #:select (%byre-init-program))
  ;; Loaded when a description is converted, not when `byre' starts.
  #:autoload (byre file-systems) (file-system? file-system-mapping?
                                  file-system-mapping->bind-mount
                                  file-system-device file-system-mount-point
                                  file-system-type file-system-options
                                  file-system-flags file-system-mount?
                                  file-system-mount-may-fail?)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-34)
  #:use-module (ice-9 format)
  #:use-module (ice-9 match)
  #:export (%namespaces

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

            <container-limits>
            container-limits
            container-limits?
            container-limits-pids
            container-limits-memory
            container-limits-cpu

            <seccomp-filter>
            seccomp-filter
            seccomp-filter?
            seccomp-filter-base
            seccomp-filter-deny
            seccomp-filter-allow
            seccomp-filter-errno

            container-spec-exec?
            container-spec->plan-data
            caller-terminal))

;;; Commentary:
;;;
;;; How the description reaches C++.  `container-spec->plan-data' turns a
;;; record into a vector whose slots are the fields the C++ core names, in
;;; the order it gives (%container-plan-fields); mounts, limits and a
;;; seccomp filter are
;;; vectors of the same kind.  The slots are filled by name here and read
;;; by name there; a field one side has and the other lacks is an error
;;; when this module is loaded, never a silent shift.
;;;
;;; Code:

(define %namespaces
  ;; The namespaces a container has unless told otherwise (Guix's list).
  '(mnt pid ipc uts user net))


;;;
;;; Checks, made when a record is built and located where it was written.
;;;

(define (located check)
  "Return a procedure that takes a LOCATION and returns a sanitizer calling
CHECK with the value and LOCATION."
  (lambda (location)
    (lambda (value)
      (check value location))))

(define (fail location format-string arguments hint)
  (raise (make-user-error format-string arguments
                          #:location location #:hint hint)))

(define (check-namespaces namespaces location)
  (let ((known (%namespace-names)))
    (unless (and (list? namespaces) (every symbol? namespaces))
      (fail location "namespaces ~s are not a list of symbols" (list namespaces)
            (format #f "write them as a list such as '~s." %namespaces)))
    (match (remove (lambda (ns) (memq ns known)) namespaces)
      (() namespaces)
      (unknown
       (fail location "unknown namespace~p ~{~s~^, ~}" (list (length unknown) unknown)
             (format #f "the namespaces are ~{~a~^, ~}." known))))))

(define (check-id what)
  (lambda (id location)
    (unless (and (exact-integer? id) (<= 0 id #xfffffffe))
      (fail location "~a ~s is not an id" (list what id)
            "an id is an integer from 0 to 4294967294."))
    id))

(define (check-host-uids count location)
  (unless (and (exact-integer? count) (positive? count))
    (fail location "host-uids ~s is not a positive integer" (list count)
          "host-uids is how many ids the container maps, 1 or more."))
  count)

(define (check-id-map map location)
  (unless (and (list? map)
               (every (match-lambda
                        (((? exact-integer?) (? exact-integer?)
                          (? exact-integer? count))
                         (positive? count))
                        (_ #f))
                      map))
    (fail location "id map ~s is not a list of (INSIDE OUTSIDE COUNT)"
          (list map) "write each range as (INSIDE OUTSIDE COUNT), e.g. (0 1000 1)."))
  map)

(define (check-strings what)
  (lambda (value location)
    (unless (and (list? value) (every string? value))
      (fail location "~a ~s is not a list of strings" (list what value) #f))
    value))

(define (check-program program location)
  (unless (or (not program)
              (and (pair? program) (every string? program)))
    (fail location "program ~s is not a non-empty list of strings" (list program)
          "write it as a command line, e.g. '(\"/bin/sh\" \"-c\" \"true\")."))
  program)

(define (check-procedure what)
  (lambda (value location)
    (unless (or (not value) (procedure? value))
      (fail location "~a ~s is not a procedure" (list what value) #f))
    value))

(define (check-capabilities capabilities location)
  (unless (and (list? capabilities) (every symbol? capabilities))
    (fail location "capabilities ~s are not a list of symbols" (list capabilities)
          "name them as libcap does, e.g. '(chown sys_admin)."))
  (for-each (lambda (cap)
              (catch #t
                (lambda () (%capability-number cap))
                (lambda _
                  (fail location "unknown capability ~s" (list cap)
                        "name it as libcap does, e.g. sys_admin or net_bind_service."))))
            capabilities)
  capabilities)

(define (check-init init location)
  (unless (memq init '(#f byre-init))
    (fail location "init ~s is neither #f nor byre-init" (list init)
          "#f runs the container's program or thunk as PID 1; byre-init \
runs it as PID 2 under a small init that reaps orphans and relays signals."))
  init)

(define (check-signals signals location)
  (unless (and (list? signals)
               (every (lambda (s) (and (exact-integer? s) (< 0 s 65))) signals))
    (fail location "relayed signals ~s are not a list of signal numbers"
          (list signals) "write them as (list SIGINT SIGTERM)."))
  signals)

(define (check-stdio stdio location)
  (define (descriptor? x)
    (or (not x) (and (exact-integer? x) (>= x 0)) (file-port? x)))
  (unless (or (not stdio)
              (and (list? stdio) (= 3 (length stdio)) (every descriptor? stdio)))
    (fail location "stdio ~s is not #f or a list of three descriptors" (list stdio)
          "give standard input, output and error as file ports, descriptor \
numbers or #f (the caller's own), e.g. (list #f log-port log-port)."))
  stdio)

(define (check-seccomp seccomp location)
  (unless (or (boolean? seccomp) (seccomp-filter? seccomp))
    (fail location "seccomp ~s is neither a boolean nor a <seccomp-filter>" (list seccomp)
          "write #t for byre's default filter, #f for none, or \
(seccomp-filter (deny '(\"ptrace\"))) for a filter of your own."))
  seccomp)

(define (check-base base location)
  (unless (memq base '(default none))
    (fail location "seccomp filter base ~s is neither default nor none" (list base)
          "default starts from byre's default filter; none from a filter \
that blocks nothing."))
  base)

(define (check-call-names what known?)
  (lambda (names location)
    (unless (and (list? names) (every string? names))
      (fail location "seccomp filter ~a ~s is not a list of strings" (list what names)
            "name the system calls as syscalls(2) does, e.g. '(\"ptrace\" \"personality\")."))
    (for-each (lambda (name)
                (unless (known? name)
                  (fail location "~a: system call ~s ~a" (list what name
                                                              (if (eq? what 'allow)
                                                                  "is not one byre's default filter blocks"
                                                                  "does not exist on this machine"))
                        (if (eq? what 'allow)
                            (format #f "the default filter blocks ~{~a~^ ~}."
                                    (%seccomp-default-calls))
                            "name it as syscalls(2) does, e.g. \"ptrace\"."))))
              names)
    names))

(define (check-errno value location)
  (unless (and (exact-integer? value) (<= 1 value 4095))
    (fail location "seccomp filter errno ~s is not an error number" (list value)
          "write an errno constant such as EPERM or ENOSYS."))
  value)

(define (check-limits limits location)
  (unless (or (not limits) (container-limits? limits))
    (fail location "limits ~s are not a <container-limits> record" (list limits)
          "write (container-limits (pids 100) (memory (* 512 1024 1024)))."))
  limits)

(define (check-positive what)
  (lambda (value location)
    (unless (or (not value) (and (real? value) (positive? value)
                                 (or (eq? what 'cpu) (exact-integer? value))))
      (fail location "~a limit ~s is not a positive ~a" (list what value
                                                           (if (eq? what 'cpu) "number" "integer"))
            #f))
    value))


;;;
;;; Limits.
;;;

(define-record-type* <container-limits> container-limits
  make-container-limits
  container-limits?
  ;; The most processes (and threads) the container may have, or #f.
  (pids    container-limits-pids (default #f)
           (sanitize ((located (check-positive 'pids)) (current-source-location))))
  ;; The most memory, in bytes, or #f.
  (memory  container-limits-memory (default #f)
           (sanitize ((located (check-positive 'memory)) (current-source-location))))
  ;; How many CPUs' worth of time, e.g. 0.5, or #f.
  (cpu     container-limits-cpu (default #f)
           (sanitize ((located (check-positive 'cpu)) (current-source-location)))))


;;;
;;; A system call filter of the container's own.
;;;

(define-record-type* <seccomp-filter> seccomp-filter
  make-seccomp-filter
  seccomp-filter?
  ;; default: start from byre's default filter; none: from a filter that
  ;; blocks nothing.
  (base    seccomp-filter-base (default 'default)
           (sanitize ((located check-base) (current-source-location))))
  ;; System calls that fail with ERRNO, names as in syscalls(2).
  (deny    seccomp-filter-deny (default '())
           (sanitize ((located (check-call-names 'deny %system-call-number))
                      (current-source-location))))
  ;; System calls of the default filter let through (base default only).
  (allow   seccomp-filter-allow (default '())
           (sanitize ((located (check-call-names 'allow
                                                 (lambda (name)
                                                   (member name (%seccomp-default-calls)))))
                      (current-source-location))))
  (errno   seccomp-filter-errno (default EPERM)
           (sanitize ((located check-errno) (current-source-location))))
  (location seccomp-filter-location
            (default (current-source-location)) (innate)))


;;;
;;; The description.
;;;

(define (user-name)
  (or (false-if-exception (passwd:name (getpwuid (getuid))))
      (number->string (getuid))))

(define (default-id-map spec kind)
  "Return the id map of KIND, uid or gid, that SPEC's host-uids, guest-uid and
guest-gid ask for: the caller's own id at the guest id, plus, for host-uids
above 1, a range from /etc/subuid (or /etc/subgid) when the caller is not
root."
  (define count (container-spec-host-uids spec))
  (define guest (if (eq? kind 'uid)
                    (container-spec-guest-uid spec)
                    (container-spec-guest-gid spec)))
  (define own (if (eq? kind 'uid) (getuid) (getgid)))
  (define file (if (eq? kind 'uid) "/etc/subuid" "/etc/subgid"))
  (cond ((zero? (getuid))
         `((,guest 0 ,count)))
        ((= count 1)
         `((,guest ,own 1)))
        (else
         (match (%subordinate-range file (user-name) own)
           ((start . available)
            (if (>= available (- count 1))
                `((,guest ,own 1) (,(+ guest 1) ,start ,(- count 1)))
                (raise (make-user-error
                        "~a grants ~a only ~a ids; ~a are needed for host-uids ~a"
                        (list file (user-name) available (- count 1) count)
                        #:location (container-spec-location spec)))))
           (#f
            (raise (make-user-error
                    "no subordinate id range for ~a in ~a; host-uids ~a needs one"
                    (list (user-name) file count)
                    #:location (container-spec-location spec)
                    #:hint (format #f "as root, add one, e.g.: usermod \
--add-subuids 100000-165535 --add-subgids 100000-165535 ~a" (user-name)))))))))

(define (caller-terminal)
  "Return the file name of the caller's terminal when standard input is one,
else #f: the default console of a container."
  (let ((port (current-input-port)))
    (and (file-port? port)
         (false-if-exception (isatty? port))
         (false-if-exception (ttyname port)))))

(define-record-type* <container-spec> container-spec
  make-container-spec
  container-spec?
  this-container-spec
  ;; The namespaces the container has, among mnt, pid, ipc, uts, user, net
  ;; and cgroup.
  (namespaces         container-spec-namespaces (default %namespaces)
                      (sanitize ((located check-namespaces) (current-source-location))))
  ;; How many ids the user namespace maps: 1 is the caller's own id only;
  ;; more adds a subordinate range (/etc/subuid) for a user other than root.
  (host-uids          container-spec-host-uids (default 1)
                      (sanitize ((located check-host-uids) (current-source-location))))
  ;; The ids the caller's own uid and gid become inside, which the
  ;; container's process runs as.
  (guest-uid          container-spec-guest-uid (default 0)
                      (sanitize ((located (check-id "guest uid")) (current-source-location))))
  (guest-gid          container-spec-guest-gid (default 0)
                      (sanitize ((located (check-id "guest gid")) (current-source-location))))
  ;; The user namespace's maps, lists of (INSIDE OUTSIDE COUNT); by default
  ;; what host-uids, guest-uid and guest-gid ask for.
  (uid-map            container-spec-uid-map (thunked)
                      (default (default-id-map this-container-spec 'uid))
                      (sanitize ((located check-id-map) (current-source-location))))
  (gid-map            container-spec-gid-map (thunked)
                      (default (default-id-map this-container-spec 'gid))
                      (sanitize ((located check-id-map) (current-source-location))))
  ;; The host directory the container's tmpfs root is mounted on, in its
  ;; own mount namespace only; #f for one of this process's.
  (root               container-spec-root (default #f))
  ;; <file-system> and <file-system-mapping> records, mounted in order.
  (mounts             container-spec-mounts (default '()))
  ;; Symbolic links made in the root after the mounts: (PATH . TARGET).
  (symlinks           container-spec-symlinks (default '()))
  ;; The host name set in the container's uts namespace, or #f.
  (hostname           container-spec-hostname (default #f))
  ;; The capabilities the container's root keeps, as symbols.
  (capabilities       container-spec-capabilities
                      (default (%default-container-capabilities))
                      (sanitize ((located check-capabilities) (current-source-location))))
  ;; Those of them a program running as another user keeps across exec.
  (ambient-capabilities container-spec-ambient-capabilities (default '())
                      (sanitize ((located check-capabilities) (current-source-location))))
  ;; The program's whole environment, "NAME=VALUE" strings (exec form).
  (environment        container-spec-environment (default '())
                      (sanitize ((located (check-strings "environment"))
                                 (current-source-location))))
  ;; The working directory, inside the container.
  (directory          container-spec-directory (default "/"))
  ;; What runs: PROGRAM, a command line whose first element is the file
  ;; name of the program inside the container (the exec form), or THUNK, a procedure
  ;; called in a fork of this process (the thunk form).
  (program            container-spec-program (default #f)
                      (sanitize ((located check-program) (current-source-location))))
  (thunk              container-spec-thunk (default #f)
                      (sanitize ((located (check-procedure "thunk"))
                                 (current-source-location))))
  ;; Thunk form only: called in the new root before it becomes "/".
  (populate-file-system container-spec-populate-file-system (default #f)
                      (sanitize ((located (check-procedure "populate-file-system"))
                                 (current-source-location))))
  ;; #f: the program or thunk is PID 1; byre-init: a small init is, which
  ;; reaps orphans and relays signals to it.
  (init               container-spec-init (default #f)
                      (sanitize ((located check-init) (current-source-location))))
  ;; Signals received by the caller while it waits that go to the container.
  (relayed-signals    container-spec-relayed-signals (default (list SIGINT SIGTERM))
                      (sanitize ((located check-signals) (current-source-location))))
  ;; Resource limits, a <container-limits>, or #f.
  (limits             container-spec-limits (default #f)
                      (sanitize ((located check-limits) (current-source-location))))
  ;; #t for byre's default system call filter, #f for none, or a
  ;; <seccomp-filter>.
  (seccomp            container-spec-seccomp (default #t)
                      (sanitize ((located check-seccomp) (current-source-location))))
  ;; Standard input, output and error: #f for the caller's own, or a list
  ;; of three, each a file port, a descriptor number or #f.
  (stdio              container-spec-stdio (default #f)
                      (sanitize ((located check-stdio) (current-source-location))))
  ;; The terminal bound to /dev/console, or #f.
  (console            container-spec-console (default (caller-terminal)))
  ;; Lock the mounts (a nested user and mount namespace).
  (lock-mounts?       container-spec-lock-mounts? (default #t))
  ;; With a network namespace: bring "lo" up, write /etc/hosts.
  (loopback-network?  container-spec-loopback-network? (default #t))
  ;; Leave the tmpfs root writable.
  (writable-root?     container-spec-writable-root? (default #t))
  (location           container-spec-location
                      (default (current-source-location)) (innate)))

(define (container-spec-exec? spec)
  "Return true if SPEC runs a program (the exec form) rather than a thunk."
  (and (container-spec-program spec) #t))


;;;
;;; The converter.
;;;

(define %plan-fields
  ;; The C++ core's names of the slots: the description's, a mount's, the
  ;; limits', a seccomp filter's.
  (%container-plan-fields))

(define (fields->vector names values what)
  "Return a vector of VALUES, an alist of field names and values, in the
order of NAMES.  Every name must have exactly one value: anything else is
a disagreement between this module and the C++ core, reported as such."
  (let ((given (map car values)))
    (unless (and (= (length given) (length names))
                 (lset= eq? given names))
      (error (format #f "byre: ~a: Scheme gives the fields ~s, the C++ core wants ~s"
                     what given names))))
  (list->vector (map (lambda (name) (assq-ref values name)) names)))

(define (mount->plan-data fs)
  (fields->vector (second %plan-fields)
                  `((source . ,(file-system-device fs))
                    (target . ,(file-system-mount-point fs))
                    (type . ,(file-system-type fs))
                    (flags . ,(file-system-flags fs))
                    (options . ,(file-system-options fs))
                    (may-fail? . ,(file-system-mount-may-fail? fs))
                    ;; The root is a fresh tmpfs: every mount point is
                    ;; created, as a file or a directory to match a bind's
                    ;; source.
                    (create-mount-point? . #t))
                  "mount"))

(define (mounts->plan-data mounts)
  (unless (list? mounts)
    (raise (make-user-error "mounts ~s are not a list of file systems" (list mounts))))
  (filter-map (lambda (fs)
                (cond ((file-system? fs)
                       (and (file-system-mount? fs) (mount->plan-data fs)))
                      ((file-system-mapping? fs)
                       (mount->plan-data (file-system-mapping->bind-mount fs)))
                      (else
                       (raise (make-user-error
                               "~s is not a file system or a file system mapping"
                               (list fs)
                               #:hint "use (file-system …) or (file-system-mapping …).")))))
              mounts))

(define (limits->plan-data limits)
  (and limits
       (fields->vector (third %plan-fields)
                       `((pids . ,(container-limits-pids limits))
                         (memory . ,(container-limits-memory limits))
                         (cpu . ,(container-limits-cpu limits)))
                       "limits")))

(define (seccomp->plan-data seccomp)
  (if (seccomp-filter? seccomp)
      (begin
        (when (and (eq? 'none (seccomp-filter-base seccomp))
                   (pair? (seccomp-filter-allow seccomp)))
          (raise (make-user-error "a seccomp filter with base none allows ~s, \
which nothing blocks" (list (seccomp-filter-allow seccomp))
                                  #:location (seccomp-filter-location seccomp)
                                  #:hint "drop allow, or use base default.")))
        (fields->vector (fourth %plan-fields)
                        `((from-default? . ,(eq? 'default (seccomp-filter-base seccomp)))
                          (deny . ,(seccomp-filter-deny seccomp))
                          (allow . ,(seccomp-filter-allow seccomp))
                          (errno . ,(seccomp-filter-errno seccomp)))
                        "seccomp filter"))
      seccomp))

(define (map-writer uid-map gid-map)
  "Return how the caller writes the maps: itself (root, or a user mapping
its own ids only, denying setgroups) or through newuidmap and newgidmap."
  (cond ((zero? (getuid)) 'caller)
        ((match (list uid-map gid-map)
           ((((_ uid 1)) ((_ gid 1)))
            (and (= uid (getuid)) (= gid (getgid))))
           (_ #f))
         'caller-deny-setgroups)
        (else 'helpers)))

(define (stdio->plan-data stdio)
  ;; A port's descriptor stays the port's: the caller keeps it open.
  (map (lambda (x) (if (port? x) (fileno x) x))
       (or stdio '(#f #f #f))))

(define* (container-spec->plan-data spec #:key root)
  "Return the vector of plain data the C++ core makes a container plan from
(%make-container-plan) for SPEC, a <container-spec>.  ROOT, when true,
replaces SPEC's root (the directory chosen for this container)."
  (define namespaces (container-spec-namespaces spec))
  (define user? (memq 'user namespaces))
  (define uid-map (if user? (container-spec-uid-map spec) '()))
  (define gid-map (if user? (container-spec-gid-map spec) '()))
  (define program (container-spec-program spec))
  (when (and program (container-spec-thunk spec))
    (raise (make-user-error "container spec has both a program and a thunk" '()
                            #:location (container-spec-location spec)
                            #:hint "give one: program for the exec form, thunk \
for the thunk form.")))
  (when (and (not program) (pair? (container-spec-environment spec)))
    (raise (make-user-error "container spec gives an environment to a thunk" '()
                            #:location (container-spec-location spec)
                            #:hint "environment is the exec form's; a thunk \
runs in a copy of this process and its environment: call setenv in it.")))
  (when (and program (container-spec-populate-file-system spec))
    (raise (make-user-error "container spec gives populate-file-system to a program" '()
                            #:location (container-spec-location spec)
                            #:hint "populate-file-system is the thunk form's; \
for a program, bind the files it needs with mounts.")))
  (fields->vector
   (first %plan-fields)
   `((namespaces . ,namespaces)
     (uid-map . ,uid-map)
     (gid-map . ,gid-map)
     (map-writer . ,(map-writer uid-map gid-map))
     (uid . ,(container-spec-guest-uid spec))
     (gid . ,(container-spec-guest-gid spec))
     (root . ,(or root (container-spec-root spec)))
     (mounts . ,(mounts->plan-data (container-spec-mounts spec)))
     (symlinks . ,(container-spec-symlinks spec))
     (console . ,(container-spec-console spec))
     (hostname . ,(container-spec-hostname spec))
     (capabilities . ,(container-spec-capabilities spec))
     (ambient-capabilities . ,(container-spec-ambient-capabilities spec))
     (init-program . ,(and program
                           (eq? (container-spec-init spec) 'byre-init)
                           %byre-init-program))
     (program . ,program)
     (environment . ,(container-spec-environment spec))
     (directory . ,(container-spec-directory spec))
     (stdio . ,(stdio->plan-data (container-spec-stdio spec)))
     (limits . ,(limits->plan-data (container-spec-limits spec)))
     (seccomp . ,(seccomp->plan-data (container-spec-seccomp spec)))
     (lock-mounts? . ,(container-spec-lock-mounts? spec))
     (loopback-network? . ,(container-spec-loopback-network? spec))
     (writable-root? . ,(container-spec-writable-root? spec))
     (child-is-pid1? . ,(not (container-spec-init spec))))
   "container spec"))

;;; container-spec.scm ends here
