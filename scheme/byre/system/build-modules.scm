;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system build-modules): byre's build-side modules, sources and the
;;; compiled files byre was installed with, as one store item that a
;;; system's programs put on their load paths.

(define-module (byre system build-modules)
  #:use-module (byre gexp)
  #:use-module (byre monads)
  #:use-module (byre store)
  #:use-module (byre diagnostics)
  #:use-module (byre item-cache)
  #:use-module ((byre utils) #:select (call-with-temporary-directory))
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-34)
  #:export (build-modules
            build-modules?
            build-modules-names
            %system-build-modules
            with-build-modules))

;;; Commentary:
;;;
;;; `with-imported-modules' compiles the modules it imports in a build,
;;; every time their list differs: seconds per list.  The system's own
;;; build-side code ((byre build …), (guix build utils)) is compiled when
;;; byre is built; this object bundles those .scm and .go files, unchanged,
;;; into one store item, so that a system needs no compilation.  A .go
;;; older than its source (a byre being edited) is left out, and Guile
;;; then reads the source.
;;;
;;; Code:

(define-record-type <build-modules>
  (build-modules names)
  build-modules?
  (names build-modules-names))           ;list of module names

(define %system-build-modules
  ;; What activation, the boot script and the init's files use.
  (build-modules '((guix build utils)
                   (byre build accounts)
                   (byre build activation))))

(define (module-file name extension)
  (string-append (string-join (map symbol->string name) "/") extension))

(define (mkdir-p* directory)
  (unless (file-exists? directory)
    (mkdir-p* (dirname directory))
    (mkdir directory)))

(define (module-files name)
  ;; NAME's source and, when it is not older, its compiled file.
  (let* ((scm (module-file name ".scm"))
         (source (or (search-path %load-path scm)
                     (raise (make-user-error
                             "module ~s is not on the load path"
                             (list name)))))
         (compiled (search-path %load-compiled-path
                                (module-file name ".go"))))
    (if (and compiled
             (>= (stat:mtime (stat compiled)) (stat:mtime (stat source))))
        (list source compiled)
        (list source))))

(define (build-modules->store-item store modules)
  ;; The item holding MODULES' files at their module file names; made
  ;; once for these files, then found again (see (byre item-cache)).
  (let ((files (map (lambda (name)
                      (cons name (module-files name)))
                    (build-modules-names modules))))
    (call-with-item-cache
     store "build-modules"
     (map (match-lambda
            ((name . files) (cons name (map file-stamp files))))
          files)
     (lambda ()
       (call-with-temporary-directory
        (lambda (dir)
          (for-each
           (match-lambda
             ((name source . compiled)
              (let ((scm (module-file name ".scm")))
                (mkdir-p* (string-append dir "/" (dirname scm)))
                (copy-file source (string-append dir "/" scm))
                (for-each (lambda (go)
                            (copy-file go (string-append
                                           dir "/" (module-file name ".go"))))
                          compiled))))
           files)
          (add-to-store store "byre-build-modules" #t "sha256" dir)))))))

(define-gexp-compiler (build-modules-compiler (modules build-modules?)
                                              system target)
  (mlet %store-monad ((store (current-state)))
    (return (build-modules->store-item store modules))))

(define (with-build-modules modules exp)
  "Return a gexp that puts MODULES, a <build-modules>, on the load paths,
at expansion time too, and then evaluates EXP, a gexp."
  (gexp (begin
          (eval-when (expand load eval)
            (set! %load-path (cons (ungexp modules) %load-path))
            (set! %load-compiled-path (cons (ungexp modules)
                                            %load-compiled-path)))
          (ungexp exp))))

;;; build-modules.scm ends here
