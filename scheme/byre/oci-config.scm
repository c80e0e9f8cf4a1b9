;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre oci-config): OCI runtime configurations (config.json) with the
;;; isolation byre's own containers have.

(define-module (byre oci-config)
  #:use-module (byre diagnostics)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-26)
  #:use-module (srfi srfi-34)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:use-module (byre container-spec)
  #:use-module ((byre core) #:select (%seccomp-default-rules))
  #:autoload (byre file-systems) (file-system? file-system-mapping?
                                  file-system-mapping->bind-mount
                                  file-system-device file-system-mount-point
                                  file-system-type file-system-options
                                  file-system-flags file-system-mount?)
  #:export (%oci-version
            %oci-masked-paths
            %oci-read-only-paths
            %oci-default-capabilities
            %oci-namespace-names
            oci-capability-name
            oci-id-mappings
            oci-mount
            oci-seccomp
            oci-runtime-config
            container-spec->oci-config))

;;; Commentary:
;;;
;;; The runtime specification (github.com/opencontainers/runtime-spec,
;;; config.md and config-linux.md) describes a container as crun and runc
;;; run it.  `oci-runtime-config' writes one as a guile-json value from the
;;; same things a byre container is made of: namespaces, id maps,
;;; capabilities, mounts, limits, the program and its environment.  The
;;; masked and read-only /proc paths are those byre's containers get
;;; (src/container/plan.cc), so a container runs with the same isolation
;;; under byre and under crun.
;;;
;;; Code:

(define %oci-version "1.0.2")

(define %oci-masked-paths
  ;; What a container may not even read: the host kernel's memory, keys,
  ;; timers and firmware (runc's and crun's list, and byre's).
  '("/proc/kcore" "/proc/keys" "/proc/timer_list" "/proc/timer_stats"
    "/proc/latency_stats" "/proc/sched_debug" "/proc/kallsyms" "/proc/acpi"
    "/proc/asound" "/proc/scsi" "/sys/firmware"
    "/sys/devices/virtual/powercap"))

(define %oci-read-only-paths
  ;; What it may read but not write: /proc/sys (core_pattern and friends
  ;; act on the host) and the other host-wide /proc files.
  '("/proc/sys" "/proc/sysrq-trigger" "/proc/irq" "/proc/bus" "/proc/fs"))

(define %oci-default-capabilities
  ;; Docker's, crun's and byre's default bounding set, as libcap names
  ;; them.
  '(chown dac_override fowner fsetid kill setgid setuid setpcap
    net_bind_service net_raw sys_chroot mknod audit_write setfcap))

(define %oci-namespace-names
  ;; byre's namespace names and the specification's.
  '((mnt . "mount") (pid . "pid") (ipc . "ipc") (uts . "uts")
    (user . "user") (net . "network") (cgroup . "cgroup")))

(define (oci-capability-name capability)
  "Return the specification's name of CAPABILITY, a symbol as libcap names
it, such as 'net_bind_service: \"CAP_NET_BIND_SERVICE\"."
  (unless (symbol? capability)
    (raise (make-user-error "capability ~s is not a symbol" (list capability)
                            #:hint "name it as libcap does, e.g. 'chown.")))
  (string-append "CAP_" (string-upcase (symbol->string capability))))

(define (oci-id-mappings id-map)
  "Return ID-MAP, a list of (INSIDE OUTSIDE COUNT), as the specification's
uidMappings or gidMappings array."
  (list->vector
   (map (match-lambda
          (((? exact-integer? inside) (? exact-integer? outside)
            (? exact-integer? count))
           `(("containerID" . ,inside) ("hostID" . ,outside) ("size" . ,count)))
          (range
           (raise (make-user-error "id map range ~s is not (INSIDE OUTSIDE COUNT)"
                                   (list range)
                                   #:hint "write each range as (INSIDE OUTSIDE \
COUNT), e.g. (0 1000 1)."))))
        id-map)))

(define %flag-options
  ;; byre's mount flags (those of (byre file-systems) records) and the
  ;; options the specification writes for them.
  '((read-only . "ro") (bind-mount . "rbind") (no-suid . "nosuid")
    (no-dev . "nodev") (no-exec . "noexec") (no-atime . "noatime")
    (no-diratime . "nodiratime") (strict-atime . "strictatime")
    (lazy-time . "lazytime") (private . "rprivate") (shared . "rshared")
    (slave . "rslave")))

(define* (oci-mount destination #:key (type "none") (source "none")
                    (flags '()) (options #f))
  "Return the mount at DESTINATION, an absolute file name inside, of a file
system of TYPE from SOURCE, with FLAGS (symbols of (byre file-systems),
such as 'read-only and 'bind-mount) and OPTIONS (a comma-separated string
of file-system options, or #f), as an element of the specification's
mounts array."
  (unless (and (string? destination) (string-prefix? "/" destination))
    (raise (make-user-error "mount point ~s is not absolute" (list destination)
                            #:hint "write it from the root, as \"/tmp\".")))
  (let ((flag-options
         (map (lambda (flag)
                (or (assq-ref %flag-options flag)
                    (raise (make-user-error
                            "mount flag ~s has no OCI equivalent" (list flag)
                            #:hint (format #f "the flags are ~{~a~^, ~}."
                                           (map car %flag-options))))))
              flags)))
    `(("destination" . ,destination)
      ("type" . ,(if (memq 'bind-mount flags) "bind" type))
      ("source" . ,source)
      ("options" . ,(list->vector
                     (append flag-options
                             (if (and options (not (string-null? options)))
                                 (string-split options #\,)
                                 '())))))))

(define (standard-mounts user? network? tmp?)
  ;; What every container has: /proc, a /dev with pseudo-terminals, shared
  ;; memory and message queues, a read-only /sys, a fresh /tmp.
  `(,(oci-mount "/proc" #:type "proc" #:source "proc"
                #:flags '(no-suid no-dev no-exec))
    ,(oci-mount "/dev" #:type "tmpfs" #:source "tmpfs"
                #:flags '(no-suid strict-atime) #:options "mode=755,size=65536k")
    ,(oci-mount "/dev/pts" #:type "devpts" #:source "devpts"
                #:flags '(no-suid no-exec)
                ;; gid 5 (tty) exists inside only when ids are not remapped.
                #:options (if user?
                              "newinstance,ptmxmode=0666,mode=0620"
                              "newinstance,ptmxmode=0666,mode=0620,gid=5"))
    ,(oci-mount "/dev/shm" #:type "tmpfs" #:source "shm"
                #:flags '(no-suid no-dev no-exec) #:options "mode=1777,size=65536k")
    ,(oci-mount "/dev/mqueue" #:type "mqueue" #:source "mqueue"
                #:flags '(no-suid no-dev no-exec))
    ;; sysfs can be mounted only by the owner of the network namespace;
    ;; without one of its own, the container gets the host's, read-only.
    ,(if network?
         (oci-mount "/sys" #:type "sysfs" #:source "sysfs"
                    #:flags '(no-suid no-dev no-exec read-only))
         (oci-mount "/sys" #:source "/sys"
                    #:flags '(bind-mount no-suid no-dev no-exec read-only)))
    ,@(if tmp?
          (list (oci-mount "/tmp" #:type "tmpfs" #:source "tmpfs"
                           #:flags '(no-suid no-dev) #:options "mode=1777"))
          '())))

(define (positive-integer? n)
  (and (exact-integer? n) (positive? n)))

(define (resources limits)
  ;; LIMITS: an alist with pids, memory (bytes) and cpu (CPUs' worth), as
  ;; byre's cgroup code applies them (src/cgroup/limits.cc): no swap beyond
  ;; the memory limit (the specification's swap counts memory and swap
  ;; together), a quota per period of 100 ms, never under the kernel's
  ;; minimum of 1 ms.
  (define period 100000)
  (define (check name valid? value)
    (unless (valid? value)
      (raise (make-user-error "~a limit ~s is not a positive number" (list name value)
                              #:hint "give pids and memory (bytes) as positive \
integers, cpu as a positive number of CPUs, e.g. 0.5."))))
  (append (match (assq-ref limits 'pids)
            (#f '())
            (n (check 'pids positive-integer? n)
               `(("pids" . (("limit" . ,n))))))
          (match (assq-ref limits 'memory)
            (#f '())
            (n (check 'memory positive-integer? n)
               `(("memory" . (("limit" . ,n) ("swap" . ,n))))))
          (match (assq-ref limits 'cpu)
            (#f '())
            (n (check 'cpu (lambda (n) (and (real? n) (positive? n))) n)
               `(("cpu" . (("quota" . ,(max 1000 (inexact->exact
                                                   (truncate (* n period)))))
                           ("period" . ,period))))))))

(define (json-object? value)
  ;; Whether VALUE is a guile-json object: an alist with string keys.
  (and (list? value)
       (every (lambda (pair) (and (pair? pair) (string? (car pair)))) value)))

(define* (oci-seccomp #:key sys-admin?)
  "Return byre's default seccomp filter (the one its own containers get)
as the specification's seccomp object, a guile-json value: every system
call allowed but those the filter refuses, which fail with the same errno
(EPERM; clone3 ENOSYS, so that the C library falls back on clone), with
the same condition on the first argument (unshare and clone only with
CLONE_NEWUSER).  With SYS-ADMIN?, the variant for a container whose root
keeps CAP_SYS_ADMIN: mounting, joining and making namespaces allowed.
Like byre's, the filter is for the native architecture only."
  (define rules (%seccomp-default-rules (and sys-admin? #t)))
  (define (entry names errno . args)
    `(("names" . ,(list->vector names))
      ("action" . "SCMP_ACT_ERRNO")
      ("errnoRet" . ,errno)
      ,@(if (null? args) '() `(("args" . ,(list->vector args))))))
  (define plain
    ;; Unconditional rules, grouped by errno in their order.
    (let loop ((rules rules) (groups '()))
      (match rules
        (() (reverse groups))
        (((name errno 0) rest ...)
         (loop rest
               (match (assv errno groups)
                 (#f (cons (list errno name) groups))
                 ((_ names ...)
                  (map (lambda (group)
                         (if (eqv? (car group) errno)
                             (append group (list name))
                             group))
                       groups)))))
        ((_ rest ...) (loop rest groups)))))
  `(("defaultAction" . "SCMP_ACT_ALLOW")
    ("syscalls"
     . ,(list->vector
         (append (map (match-lambda ((errno names ...) (entry names errno)))
                      plain)
                 (filter-map (match-lambda
                               ((name errno 0) #f)
                               ((name errno mask)
                                (entry (list name) errno
                                       `(("index" . 0) ("value" . ,mask)
                                         ("valueTwo" . ,mask)
                                         ("op" . "SCMP_CMP_MASKED_EQ")))))
                             rules))))))

(define* (oci-runtime-config #:key
                             program
                             (environment '())
                             (directory "/")
                             (root "rootfs")
                             (read-only-root? #t)
                             (namespaces
                              (if (zero? (getuid))
                                  '(mnt pid ipc uts net)
                                  '(mnt pid ipc uts user net)))
                             (uid-map
                              (if (zero? (getuid))
                                  '()
                                  `((0 ,(getuid) 1))))
                             (gid-map
                              (if (zero? (getuid))
                                  '()
                                  `((0 ,(getgid) 1))))
                             (uid 0) (gid 0)
                             (hostname #f)
                             (capabilities %oci-default-capabilities)
                             (ambient-capabilities '())
                             (mounts '())
                             (limits '())
                             (open-files 1024)
                             (seccomp #t)
                             (tmp? #t)
                             (terminal? #f))
  "Return an OCI runtime configuration, the contents of a bundle's
config.json as a guile-json value, for a container that runs PROGRAM, a
command line whose first element is an absolute file name inside, with
ENVIRONMENT (\"NAME=VALUE\" strings) in DIRECTORY, as UID and GID, on the
root file system ROOT (relative to the bundle), read-only unless
READ-ONLY-ROOT? is false.

NAMESPACES are byre's names (mnt pid ipc uts user net cgroup); with a user
namespace, UID-MAP and GID-MAP, lists of (INSIDE OUTSIDE COUNT), map ids
(by default, for a user other than root, the caller's own ids to 0, which
is what a rootless crun or runc can set up).  CAPABILITIES, symbols as
libcap names them, bound what the container's root can do;
AMBIENT-CAPABILITIES are kept across exec by a program running as another
user.  MOUNTS, made of `oci-mount', come after the standard ones (/proc,
/dev, /dev/pts, /dev/shm, /dev/mqueue, /sys, and a fresh /tmp unless TMP?
is false).  LIMITS is an alist
with pids, memory (bytes) and cpu (a number of CPUs) limits for the
container's cgroup.  OPEN-FILES is its RLIMIT_NOFILE.  SECCOMP is #t for
byre's default filter (see `oci-seccomp'; the variant for CAPABILITIES),
#f for none, or the specification's seccomp object (a guile-json value).  The
container never gains privileges (no_new_privs), and /proc's host-wide
files are masked or read-only."
  (define user? (memq 'user namespaces))
  (define network? (memq 'net namespaces))
  (define capability-names
    (list->vector (map oci-capability-name capabilities)))

  (unless (and (pair? program) (every string? program)
               (string-prefix? "/" (car program)))
    (raise (make-user-error "program ~s is not a command line starting with \
an absolute file name" (list program)
                            #:hint "give it as '(\"/bin/sh\" \"-c\" \"true\").")))
  (unless (every (cut assq <> %oci-namespace-names) namespaces)
    (raise (make-user-error "unknown namespace in ~s" (list namespaces)
                            #:hint (format #f "the namespaces are ~{~a~^, ~}."
                                           (map car %oci-namespace-names)))))
  (unless (memq 'mnt namespaces)
    (raise (make-user-error "an OCI container needs a mount namespace" '()
                            #:hint "keep mnt among the namespaces.")))
  `(("ociVersion" . ,%oci-version)
    ("process"
     . (("terminal" . ,(and terminal? #t))
        ("user" . (("uid" . ,uid) ("gid" . ,gid)))
        ("args" . ,(list->vector program))
        ("env" . ,(list->vector environment))
        ("cwd" . ,directory)
        ("capabilities"
         . (("bounding" . ,capability-names)
            ("effective" . ,capability-names)
            ("permitted" . ,capability-names)
            ("ambient" . ,(list->vector
                           (map oci-capability-name ambient-capabilities)))))
        ("rlimits" . #((("type" . "RLIMIT_NOFILE")
                        ("hard" . ,open-files)
                        ("soft" . ,open-files))))
        ("noNewPrivileges" . #t)))
    ("root" . (("path" . ,root) ("readonly" . ,(and read-only-root? #t))))
    ,@(if hostname `(("hostname" . ,hostname)) '())
    ("mounts" . ,(list->vector (append (standard-mounts user? network? tmp?) mounts)))
    ("linux"
     . (("namespaces"
         . ,(list->vector
             (map (lambda (ns)
                    `(("type" . ,(assq-ref %oci-namespace-names ns))))
                  namespaces)))
        ,@(if user?
              `(("uidMappings" . ,(oci-id-mappings uid-map))
                ("gidMappings" . ,(oci-id-mappings gid-map)))
              '())
        ,@(match (resources limits)
            (() '())
            (resources `(("resources" . ,resources))))
        ,@(match seccomp
            (#f '())
            (#t `(("seccomp"
                   . ,(oci-seccomp #:sys-admin? (memq 'sys_admin capabilities)))))
            ((? json-object?) `(("seccomp" . ,seccomp)))
            (_ (raise (make-user-error "seccomp ~s is not #t, #f or an OCI \
seccomp object" (list seccomp)
                                       #:hint "give #t for byre's default filter, \
or an alist such as '((\"defaultAction\" . \"SCMP_ACT_ALLOW\"))."))))
        ("maskedPaths" . ,(list->vector %oci-masked-paths))
        ("readonlyPaths" . ,(list->vector %oci-read-only-paths))))))

;;;
;;; Container descriptions.
;;;

(define (file-system->oci-mount fs)
  ;; A <file-system> record, or a mapping, as a config.json mount.
  (let ((fs (if (file-system-mapping? fs)
                (file-system-mapping->bind-mount fs)
                fs)))
    (oci-mount (file-system-mount-point fs)
               #:type (file-system-type fs)
               #:source (file-system-device fs)
               #:flags (file-system-flags fs)
               #:options (file-system-options fs))))

(define* (container-spec->oci-config spec #:key (root "rootfs"))
  "Return the OCI runtime configuration (see `oci-runtime-config') of SPEC,
a <container-spec> that runs a program (the exec form), on the root file
system ROOT of its bundle: its namespaces, id maps, ids, hostname,
capabilities, environment, working directory, mounts, limits (as cgroup
resources), seccomp filter (byre's default, see `oci-seccomp', or none)
and read-only root.  A thunk cannot be written in a configuration: a
SPEC with one is refused."
  (define namespaces (container-spec-namespaces spec))
  (define user? (memq 'user namespaces))
  (define location (container-spec-location spec))

  (unless (container-spec-program spec)
    (raise (make-user-error "container spec runs a thunk, which config.json \
cannot hold" '()
                            #:location location
                            #:hint "give it a program, a command line, instead.")))
  (let ((limits (container-spec-limits spec)))
    (oci-runtime-config
     #:program (container-spec-program spec)
     #:environment (container-spec-environment spec)
     #:directory (container-spec-directory spec)
     #:root root
     #:read-only-root? (not (container-spec-writable-root? spec))
     #:namespaces namespaces
     #:uid-map (if user? (container-spec-uid-map spec) '())
     #:gid-map (if user? (container-spec-gid-map spec) '())
     #:uid (container-spec-guest-uid spec)
     #:gid (container-spec-guest-gid spec)
     #:hostname (container-spec-hostname spec)
     #:capabilities (container-spec-capabilities spec)
     #:ambient-capabilities (container-spec-ambient-capabilities spec)
     #:mounts (filter-map (lambda (fs)
                            (and (or (file-system-mapping? fs)
                                     (file-system-mount? fs))
                                 (file-system->oci-mount fs)))
                          (container-spec-mounts spec))
     #:limits (if limits
                  `((pids . ,(container-limits-pids limits))
                    (memory . ,(container-limits-memory limits))
                    (cpu . ,(container-limits-cpu limits)))
                  '())
     #:seccomp (container-spec-seccomp spec)
     #:terminal? (and (container-spec-console spec) #t))))

;;; oci-config.scm ends here
