;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Tests of (byre file-systems), its façade (gnu system file-systems),
;;; (byre store-directory) and (byre diagnostics).  Mounting in real
;;; containers is tested with (byre container).

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-34)
             (srfi srfi-35)
             (srfi srfi-64)
             (ice-9 match)
             (byre diagnostics)
             (byre store-directory)
             (byre file-systems))

(define-syntax-rule (condition-of expression)
  "Return the condition EXPRESSION raises, or 'no-condition."
  (guard (c (#t c))
    expression
    'no-condition))

(define (report c)
  (call-with-output-string
    (lambda (port) (report-condition c port))))

(test-begin "file-systems")

;;; The record.

(define fs
  (file-system
    (device "/dev/sda1")
    (mount-point "/home")
    (type "ext4")))

(test-equal "given fields"
  '("/dev/sda1" "/home" "ext4")
  (list (file-system-device fs) (file-system-mount-point fs)
        (file-system-type fs)))

(test-equal "defaults"
  '(() #f #t #f #f #t #f ())
  (list (file-system-flags fs)
        (file-system-options fs)
        (file-system-mount? fs)
        (file-system-mount-may-fail? fs)
        (file-system-needed-for-boot? fs)
        (file-system-check? fs)
        (file-system-create-mount-point? fs)
        (file-system-dependencies fs)))

(test-assert "location is where the record is written"
  (match (file-system-location fs)
    ((? pair? location)
     (string-suffix? "file-systems.scm" (assq-ref location 'filename)))
    (_ #f)))

(define every-field
  (file-system
    (device "tmpfs")
    (mount-point "/tmp")
    (type "tmpfs")
    (flags '(read-only bind-mount no-suid no-dev no-exec no-atime
             strict-atime lazy-time))
    (options "size=1m")
    (mount? #f)
    (mount-may-fail? #t)
    (needed-for-boot? #t)
    (check? #f)
    (create-mount-point? #t)
    (dependencies (list fs))))

(test-equal "every field, every flag"
  (list "tmpfs" "/tmp" "tmpfs"
        '(read-only bind-mount no-suid no-dev no-exec no-atime
          strict-atime lazy-time)
        "size=1m" #f #t #t #f #t (list fs))
  (list (file-system-device every-field)
        (file-system-mount-point every-field)
        (file-system-type every-field)
        (file-system-flags every-field)
        (file-system-options every-field)
        (file-system-mount? every-field)
        (file-system-mount-may-fail? every-field)
        (file-system-needed-for-boot? every-field)
        (file-system-check? every-field)
        (file-system-create-mount-point? every-field)
        (file-system-dependencies every-field)))

(test-equal "%file-system-flags"
  '(read-only bind-mount no-suid no-dev no-exec no-atime no-diratime
    strict-atime lazy-time)
  %file-system-flags)

(for-each (lambda (flag)
            (test-equal (format #f "flag ~a" flag)
              (list flag)
              (file-system-flags
               (file-system (inherit fs) (flags (list flag))))))
          %file-system-flags)

(test-equal "inherit"
  '("/dev/sda1" "/srv" "ext4" #f)
  (let ((other (file-system (inherit fs) (mount-point "/srv") (mount? #f))))
    (list (file-system-device other) (file-system-mount-point other)
          (file-system-type other) (file-system-mount? other))))

(test-assert "needed for boot: the root file system"
  (file-system-needed-for-boot?
   (file-system (inherit fs) (mount-point "/"))))

(test-assert "needed for boot: the store and its parents"
  (parameterize ((%store-directory "/var/lib/byre/store"))
    (and (file-system-needed-for-boot?
          (file-system (inherit fs) (mount-point "/var/lib/byre/store")))
         (file-system-needed-for-boot?
          (file-system (inherit fs) (mount-point "/var/lib")))
         (not (file-system-needed-for-boot?
               (file-system (inherit fs) (mount-point "/var/lib/byre/st")))))))

(test-equal "missing field is a syntax error"
  '(file-system "missing field 'type'")
  (catch 'syntax-error
    (lambda ()
      (eval '(file-system (device "none") (mount-point "/mnt"))
            (current-module)))
    (lambda (key who message . rest)
      (list who message))))

(test-equal "unknown field is a syntax error naming the closest field"
  '(file-system "unknown field 'typo' (did you mean 'type'?)")
  (catch 'syntax-error
    (lambda ()
      (eval '(file-system (inherit fs) (typo 1)) (current-module)))
    (lambda (key who message . rest)
      (list who message))))

;;; Bad input.

(define (mount-point-error mount-point)
  (condition-of (file-system (inherit fs) (mount-point mount-point))))

(test-assert "relative mount point"
  (let ((c (mount-point-error "home")))
    (and (error? c)
         (message-condition? c)
         (string=? "mount point \"home\" is not absolute"
                   (condition-message c))
         (fix-hint? c))))

(test-assert "mount point with \"..\""
  (let ((c (mount-point-error "/home/../etc")))
    (and (error? c)
         (string-contains (condition-message c) "\"..\""))))

(test-assert "mount point ending in \"..\""
  (error? (mount-point-error "/home/..")))

(test-assert "mount point with \".\": the rule the C++ core applies too"
  (let ((c (mount-point-error "/home/./etc")))
    (and (error? c)
         (string-contains (condition-message c) "\".\" component"))))

(test-assert "mount point not a string"
  (error? (mount-point-error 'home)))

(test-assert "\"...\" and \"..x\" are names, not \"..\""
  (every (lambda (mount-point)
           (file-system? (file-system (inherit fs)
                                      (mount-point mount-point))))
         '("/a/..." "/..x" "/a..")))

(test-assert "the error is located where the record is written"
  (let* ((here (current-source-location))
         (c (condition-of
             (file-system (device "x") (mount-point "x") (type "none")))))
    (and (error-location? c)
         (= (assq-ref (error-location c) 'line)
              (+ 2 (assq-ref here 'line)))
         (string-prefix?
          (format #f "~a:~a:"
                  (assq-ref here 'filename) (+ 3 (assq-ref here 'line)))
          (report c)))))

(test-equal "report-condition"
  "f.scm:3:7: error: mount point \"x\" is not absolute\nhint: write it from the root: \"/x\".\n"
  (report (condition-of
           (validate-file-system
            (make-file-system "none" "x" "tmpfs" '() #f #t #f #f #t #f '()
                              '((filename . "f.scm")
                                (line . 2) (column . 7)))))))

(test-equal "report-condition without a location"
  "error: boom 42\n"
  (report (make-user-error "boom ~a" '(42))))

(test-assert "unknown flag"
  (let ((c (condition-of (file-system (inherit fs) (flags '(read-only rw))))))
    (and (error? c)
         (string-contains (condition-message c) "'rw'")
         (string-contains (condition-fix-hint c) "no-exec"))))

(test-assert "flags not a list"
  (error? (condition-of (file-system (inherit fs) (flags 'read-only)))))

(test-assert "validate-file-system accepts a good record"
  (eq? fs (validate-file-system fs)))

(test-assert "validate-file-system checks records from make-file-system"
  (let ((raw (make-file-system "none" "relative" "tmpfs" '() #f #t #f #f
                               #t #f '() #f)))
    (error? (condition-of (validate-file-system raw)))))

(test-assert "validate-file-system checks flags"
  (let ((raw (make-file-system "none" "/mnt" "tmpfs" '(bogus) #f #t #f #f
                               #t #f '() #f)))
    (error? (condition-of (validate-file-system raw)))))

;;; Types.

(test-equal "file-system-type-predicate"
  '(#t #f)
  (let ((ext4? (file-system-type-predicate "ext4")))
    (list (ext4? fs) (ext4? every-field))))

(test-assert "pseudo-file-system?"
  (and (pseudo-file-system? every-field)
       (not (pseudo-file-system? fs))
       (member "devpts" %pseudo-file-system-types)))

;;; Specs.

(test-equal "file-system->spec"
  '("tmpfs" "/tmp" "tmpfs"
    (read-only bind-mount no-suid no-dev no-exec no-atime strict-atime
     lazy-time)
    "size=1m" #t #f)
  (file-system->spec every-field))

(test-assert "spec round trip"
  (every (lambda (fs)
           (let* ((spec (file-system->spec fs))
                  (back (spec->file-system spec)))
             (and (file-system? back)
                  (equal? spec (file-system->spec back)))))
         (cons* fs every-field %container-file-systems)))

(test-equal "spec->file-system"
  '("none" "/dev/pts" "devpts" (no-exec) "mode=0620" #t #f #t)
  (let ((fs (spec->file-system
             '("none" "/dev/pts" "devpts" (no-exec) "mode=0620" #t #f))))
    (list (file-system-device fs) (file-system-mount-point fs)
          (file-system-type fs) (file-system-flags fs)
          (file-system-options fs) (file-system-mount-may-fail? fs)
          (file-system-check? fs) (file-system-mount? fs))))

(test-equal "spec->file-system takes Guix's longer spec"
  '("/dev/sda1" "/" "ext4")
  (let ((fs (spec->file-system
             '("/dev/sda1" "/" "ext4" () #f #f #t #t #f))))
    (list (file-system-device fs) (file-system-mount-point fs)
          (file-system-type fs))))

(test-assert "spec->file-system rejects a bad spec"
  (error? (condition-of (spec->file-system '("none" "/mnt")))))

(test-assert "spec->file-system checks the mount point"
  (error? (condition-of
           (spec->file-system '("none" "mnt" "tmpfs" () #f #f #f)))))

;;; Mappings.

(test-equal "mapping defaults to read-only"
  '("/src" "/dst" #f)
  (let ((m (file-system-mapping (source "/src") (target "/dst"))))
    (list (file-system-mapping-source m) (file-system-mapping-target m)
          (file-system-mapping-writable? m))))

(test-assert "file-system-mapping?"
  (and (file-system-mapping? %store-mapping)
       (not (file-system-mapping? fs))))

(test-equal "read-only mapping->bind-mount"
  '("/src" "/dst" "none" (bind-mount read-only) #f #t)
  (let ((fs (file-system-mapping->bind-mount
             (file-system-mapping (source "/src") (target "/dst")))))
    (list (file-system-device fs) (file-system-mount-point fs)
          (file-system-type fs) (file-system-flags fs)
          (file-system-check? fs) (file-system-create-mount-point? fs))))

(test-equal "writable mapping->bind-mount"
  '(bind-mount)
  (file-system-flags
   (file-system-mapping->bind-mount
    (file-system-mapping (source "/src") (target "/dst") (writable? #t)))))

(test-assert "relative mapping target"
  (error? (condition-of (file-system-mapping (source "/a") (target "b")))))

(test-assert "mapping target with \"..\""
  (error? (condition-of
           (file-system-mapping (source "/a") (target "/b/../c")))))

(test-equal "%store-mapping"
  (list (%store-directory) (%store-directory) #f)
  (list (file-system-mapping-source %store-mapping)
        (file-system-mapping-target %store-mapping)
        (file-system-mapping-writable? %store-mapping)))

(test-equal "%network-configuration-files"
  '("/etc/resolv.conf" "/etc/nsswitch.conf" "/etc/services" "/etc/hosts")
  %network-configuration-files)

(test-equal "%network-file-mappings: the host's, read-only"
  (filter file-exists? %network-configuration-files)
  (map (lambda (m)
         (and (not (file-system-mapping-writable? m))
              (string=? (file-system-mapping-source m)
                        (file-system-mapping-target m))
              (file-system-mapping-target m)))
       %network-file-mappings))

(test-equal "%container-file-systems"
  '(("none" "/dev/pts" "devpts" (no-suid no-exec)
     "newinstance,ptmxmode=0666,mode=0620")
    ("tmpfs" "/dev/shm" "tmpfs" (no-suid no-dev) "size=65536k")
    ("mqueue" "/dev/mqueue" "mqueue" () #f))
  (map (lambda (fs)
         (list (file-system-device fs) (file-system-mount-point fs)
               (file-system-type fs) (file-system-flags fs)
               (file-system-options fs)))
       %container-file-systems))

;;; The store directory.

(define (environment alist)
  (lambda (name) (assoc-ref alist name)))

(test-equal "store directory: BYRE_STORE_DIR wins"
  "/tmp/store"
  (default-store-directory
    #:uid 0
    #:environment (environment '(("BYRE_STORE_DIR" . "/tmp/store")))))

(test-assert "store directory: root's default"
  (let ((directory (default-store-directory #:uid 0
                                            #:environment (environment '()))))
    (and (string-prefix? "/" directory)
         (not (string=? directory "/gnu/store")))))

(test-equal "store directory: XDG_DATA_HOME"
  "/home/u/data/byre/store"
  (default-store-directory
    #:uid 1000
    #:environment (environment '(("XDG_DATA_HOME" . "/home/u/data")
                                 ("HOME" . "/home/u")))))

(test-equal "store directory: XDG_DATA_HOME defaults to ~/.local/share"
  "/home/u/.local/share/byre/store"
  (default-store-directory
    #:uid 1000
    #:environment (environment '(("HOME" . "/home/u")))))

(test-equal "store directory is a parameter"
  "/elsewhere"
  (parameterize ((%store-directory "/elsewhere"))
    (%store-directory)))

;;; The façade.

(test-assert "(gnu system file-systems) exports what (byre file-systems) does"
  ;; With Guix's labels, UUIDs and base file systems, from (byre system …).
  (let ((byre (let ((union (make-module)))
                (for-each (lambda (name)
                            (module-use! union (resolve-interface name)))
                          '((byre file-systems)
                            (byre system base-file-systems)))
                (module-use! union
                             (resolve-interface
                              '(byre system uuid)
                              #:select '(uuid uuid? uuid-type uuid-bytevector
                                         uuid->string string->uuid)))
                union))
        (guix (resolve-interface '(gnu system file-systems))))
    (define (names interface)
      (sort (delete-duplicates
             (append-map (lambda (m)
                           (module-map (lambda (name variable) name) m))
                         (if (null? (module-uses interface))
                             (list interface)
                             (module-uses interface))))
            (lambda (a b) (string<? (symbol->string a) (symbol->string b)))))
    (and (equal? (names byre) (names guix))
         (every (lambda (name)
                  (eq? (module-variable byre name)
                       (module-variable guix name)))
                (names byre)))))

(test-assert "exported procedures are documented"
  (let ((interface (resolve-interface '(byre file-systems))))
    (every (lambda (name)
             (let ((value (module-ref interface name)))
               (or (not (procedure? value))
                   (record-type? value)
                   (string? (procedure-documentation value)))))
           '(file-system-needed-for-boot? validate-file-system
             file-system-type-predicate pseudo-file-system?
             file-system->spec spec->file-system
             file-system-mapping->bind-mount))))

(test-end/exit "file-systems")
