;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system packages): the packages the operating-system layer itself
;;; names (bash for accounts, coreutils for the base profile …), by their
;;; Guix names.

(define-module (byre system packages)
  #:export (system-package
            %package-resolver))

;;; Commentary:
;;;
;;; Packages are host packages from (byre packages): a Guix name resolves
;;; through its table to installed Debian packages.  The resolution is
;;; done when a package is first needed, so that declaring a system never
;;; loads the package table it does not use.  %PACKAGE-RESOLVER replaces
;;; it, for instance in tests that must not depend on what the host has.
;;;
;;; Code:

(define %package-resolver
  ;; #f, or a procedure from a Guix package name to a file-like object.
  (make-parameter #f))

(define %packages (make-hash-table))

(define (host-resolver)
  (module-ref (resolve-interface '(byre packages)) 'specification->package))

(define (system-package name)
  "Return the package whose Guix name is NAME, a string, as a file-like
object: through %PACKAGE-RESOLVER when it is set, else through (byre
packages), once per process."
  (let ((resolver (%package-resolver)))
    (if resolver
        (resolver name)
        (or (hash-ref %packages name)
            (let ((package ((host-resolver) name)))
              (hash-set! %packages name package)
              package)))))

;;; packages.scm ends here
