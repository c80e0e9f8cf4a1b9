;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre file-systems): file systems to mount, and host files to map into
;;; containers.

(define-module (byre file-systems)
  #:use-module ((byre core) #:select (%mount-flags %mount-point-problem))
  #:use-module (byre records)
  #:use-module (byre diagnostics)
  #:use-module (byre store-directory)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-26)
  #:use-module (srfi srfi-34)
  #:use-module (ice-9 format)
  #:use-module (ice-9 match)
  #:export (<file-system>
            file-system
            file-system?
            make-file-system
            file-system-device
            file-system-mount-point
            file-system-type
            file-system-flags
            file-system-options
            file-system-mount?
            file-system-mount-may-fail?
            file-system-needed-for-boot?
            file-system-check?
            file-system-create-mount-point?
            file-system-dependencies
            file-system-location

            %file-system-flags
            validate-file-system
            file-system-type-predicate
            %pseudo-file-system-types
            pseudo-file-system?

            file-system->spec
            spec->file-system

            <file-system-mapping>
            file-system-mapping
            file-system-mapping?
            make-file-system-mapping
            file-system-mapping-source
            file-system-mapping-target
            file-system-mapping-writable?
            file-system-mapping->bind-mount

            %store-mapping
            %network-configuration-files
            %network-file-mappings
            %container-file-systems))

;;; Commentary:
;;;
;;; A <file-system> says what to mount where, as Guix's does; a
;;; <file-system-mapping> says which host file or directory a container
;;; sees, and where.  Mount points are checked when a record is built, so a
;;; relative mount point or one with ".." is reported at the line that
;;; wrote it, before anything is mounted.
;;;
;;; Code:


;;;
;;; Checks.
;;;

(define %file-system-flags
  ;; The flags a file system may have: the names of the C++ core's one
  ;; table of them (src/mount/rules.cc), which turns them into mount(2)
  ;; flags.
  (map car (%mount-flags)))

(define (check-mount-point mount-point location)
  "Raise an error condition, located at LOCATION, unless MOUNT-POINT is an
absolute file name without \".\" or \"..\" components (the C++ core's one
rule, %mount-point-problem); return MOUNT-POINT."
  (define (fail format-string hint)
    (raise (make-user-error format-string (list mount-point)
                            #:location location
                            #:hint hint)))

  (if (not (string? mount-point))
      (fail "mount point ~s is not a string"
            "a mount point is an absolute file name such as \"/mnt\".")
      (match (%mount-point-problem mount-point)
        (#f mount-point)
        ('not-absolute
         (fail "mount point ~s is not absolute"
               (format #f "write it from the root: \"/~a\"." mount-point)))
        ('dot-component
         (fail "mount point ~s has a \".\" component"
               "name the target directly, without \".\"."))
        ('dot-dot-component
         ;; ".." could lead a mount out of the container's root.
         (fail "mount point ~s has a \"..\" component"
               "name the target directly, without \"..\".")))))

(define (check-flags flags location)
  "Raise an error condition, located at LOCATION, unless FLAGS is a list of
known file system flags; return FLAGS."
  (unless (list? flags)
    (raise (make-user-error "file system flags ~s are not a list"
                            (list flags)
                            #:location location
                            #:hint "write them as a list of symbols, \
such as '(read-only no-exec).")))
  (match (remove (cut memq <> %file-system-flags) flags)
    (() flags)
    (unknown
     (raise (make-user-error "unknown file system flag~p ~{'~s'~^, ~}"
                             (list (length unknown) unknown)
                             #:location location
                             #:hint (format #f "the known flags are ~{~a~^, ~}."
                                            %file-system-flags))))))

;; Sanitizers for `define-record-type*': each is called with the location of
;; the record being built, because `current-source-location' in a `sanitize'
;; expression expands where the record is built.
(define (located check)
  "Return a procedure that takes a LOCATION and returns a sanitizer calling
CHECK with the value and LOCATION."
  (lambda (location)
    (lambda (value)
      (check value location))))


;;;
;;; File systems.
;;;

(define-record-type* <file-system> file-system
  make-file-system
  file-system?
  this-file-system
  (device             file-system-device)            ;string
  (mount-point        file-system-mount-point        ;string
                      (sanitize ((located check-mount-point)
                                 (current-source-location))))
  (type               file-system-type)              ;string
  (flags              file-system-flags              ;list of symbols
                      (default '())
                      (sanitize ((located check-flags)
                                 (current-source-location))))
  (options            file-system-options            ;string or #f
                      (default #f))
  (mount?             file-system-mount?             ;Boolean
                      (default #t))
  (mount-may-fail?    file-system-mount-may-fail?    ;Boolean
                      (default #f))
  (needed-for-boot?   %file-system-needed-for-boot?  ;Boolean
                      (default #f))
  (check?             file-system-check?             ;Boolean
                      (default #t))
  (create-mount-point? file-system-create-mount-point? ;Boolean
                       (default #f))
  (dependencies       file-system-dependencies       ;list of <file-system>
                      (default '()))
  (location           file-system-location           ;source properties
                      (default (current-source-location))
                      (innate)))

(define (file-system-needed-for-boot? fs)
  "Return true if FS must be mounted before the system starts its services:
when its needed-for-boot? field says so, when it is the root file system,
or when it holds the store (its mount point is the store directory or one
of its parents)."
  (let ((mount-point (file-system-mount-point fs))
        (store (%store-directory)))
    (or (%file-system-needed-for-boot? fs)
        (string=? mount-point "/")
        (string=? mount-point store)
        (string-prefix? (string-append mount-point "/") store))))

(define (validate-file-system fs)
  "Check FS, a <file-system>, as its construction does: its mount point is
absolute with no \"..\" component and its flags are known.  Raise an error
condition located where FS was written otherwise; return FS.  Useful for
records made with `make-file-system', which checks nothing."
  (let ((location (file-system-location fs)))
    (check-mount-point (file-system-mount-point fs) location)
    (check-flags (file-system-flags fs) location)
    fs))

(define (file-system-type-predicate type)
  "Return a predicate that is true of a <file-system> whose type is the
string TYPE."
  (lambda (fs)
    (string=? (file-system-type fs) type)))

(define %pseudo-file-system-types
  ;; Types of file systems that have no device behind them.
  '("binfmt_misc" "cgroup" "cgroup2" "configfs" "debugfs" "devpts"
    "devtmpfs" "efivarfs" "fusectl" "hugetlbfs" "mqueue" "overlay" "proc"
    "pstore" "securityfs" "sysfs" "tmpfs" "tracefs"))

(define (pseudo-file-system? fs)
  "Return true if FS, a <file-system>, is of one of the
%pseudo-file-system-types, which have no device to check."
  (member (file-system-type fs) %pseudo-file-system-types))


;;;
;;; Specs: file systems as plain data.
;;;

;; A spec is the list
;;
;;   (DEVICE MOUNT-POINT TYPE FLAGS OPTIONS MOUNT-MAY-FAIL? CHECK?)
;;
;; the shape Guix gives the file systems it hands to its initrd and to code
;; running in a container, where records are not available.  Guix's longer
;; form, which adds SKIP-CHECK-IF-CLEAN? and REPAIR, is accepted too; byre
;; has neither field.  Fields not in a spec take their defaults.

(define (file-system->spec fs)
  "Return FS, a <file-system>, as a list (DEVICE MOUNT-POINT TYPE FLAGS
OPTIONS MOUNT-MAY-FAIL? CHECK?) of plain data, which `spec->file-system'
turns back into an equivalent file system."
  (list (file-system-device fs)
        (file-system-mount-point fs)
        (file-system-type fs)
        (file-system-flags fs)
        (file-system-options fs)
        (file-system-mount-may-fail? fs)
        (file-system-check? fs)))

(define (spec->file-system spec)
  "Return the <file-system> that SPEC, a list (DEVICE MOUNT-POINT TYPE FLAGS
OPTIONS MOUNT-MAY-FAIL? CHECK?) as `file-system->spec' returns, describes.
Guix's form with two more elements, SKIP-CHECK-IF-CLEAN? and REPAIR, is
accepted and those two are ignored.  Raise an error for any other shape."
  (match spec
    ((device mount-point type flags options mount-may-fail? check?
             _ ...)
     ;; Not `file-system', whose checks would report this line as the
     ;; location: a spec has none.
     (validate-file-system
      (make-file-system device mount-point type flags options
                        #t                ;mount?
                        mount-may-fail?
                        #f                ;needed-for-boot?
                        check?
                        #f                ;create-mount-point?
                        '()               ;dependencies
                        #f)))             ;location
    (_
     (raise (make-user-error "invalid file system spec: ~s" (list spec)
                             #:hint "a spec is a list (DEVICE MOUNT-POINT \
TYPE FLAGS OPTIONS MOUNT-MAY-FAIL? CHECK?).")))))


;;;
;;; Mappings of host files into containers.
;;;

(define-record-type* <file-system-mapping> file-system-mapping
  make-file-system-mapping
  file-system-mapping?
  (source    file-system-mapping-source)              ;string
  (target    file-system-mapping-target               ;string
             (sanitize ((located check-mount-point)
                        (current-source-location))))
  (writable? file-system-mapping-writable?            ;Boolean
             (default #f)))

(define (file-system-mapping->bind-mount mapping)
  "Return a <file-system> that bind-mounts the source of MAPPING, a
<file-system-mapping>, on its target: read-only unless MAPPING is writable,
with the mount point created (as a file or a directory, like the source)
when missing."
  (match mapping
    (($ <file-system-mapping> source target writable?)
     (file-system
       (device source)
       (mount-point target)
       (type "none")
       (flags (if writable?
                  '(bind-mount)
                  '(bind-mount read-only)))
       (check? #f)
       (create-mount-point? #t)))))

(define %store-mapping
  ;; The store, read-only at the same place, as computed when this module
  ;; was loaded (see (byre store-directory)).
  (file-system-mapping
    (source (%store-directory))
    (target (%store-directory))
    (writable? #f)))

(define %network-configuration-files
  ;; The files a process reads to reach the network: name resolution,
  ;; service names and static host names.
  '("/etc/resolv.conf"
    "/etc/nsswitch.conf"
    "/etc/services"
    "/etc/hosts"))

(define %network-file-mappings
  ;; Read-only mappings of those of the files above that this host has,
  ;; for containers that share the host's network.
  (filter-map (lambda (file)
                (and (file-exists? file)
                     (file-system-mapping
                       (source file)
                       (target file)
                       (writable? #f))))
              %network-configuration-files))

(define %container-file-systems
  ;; The file systems a container needs on top of those byre sets up for
  ;; it: its own pseudo-terminals, shared memory and POSIX message queues.
  (list (file-system
          ;; A new instance, so the container cannot reach the host's
          ;; terminals; ptmxmode lets its users open /dev/ptmx.
          (device "none")
          (mount-point "/dev/pts")
          (type "devpts")
          (flags '(no-suid no-exec))
          (options "newinstance,ptmxmode=0666,mode=0620")
          (check? #f)
          (create-mount-point? #t))
        (file-system
          (device "tmpfs")
          (mount-point "/dev/shm")
          (type "tmpfs")
          (flags '(no-suid no-dev))
          (options "size=65536k")
          (check? #f)
          (create-mount-point? #t))
        (file-system
          (device "mqueue")
          (mount-point "/dev/mqueue")
          (type "mqueue")
          (check? #f)
          (create-mount-point? #t))))

;;; file-systems.scm ends here
