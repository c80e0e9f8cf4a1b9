;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system packages): the packages the operating-system layer itself
;;; names (bash for accounts, coreutils for the base profile …), by their
;;; Guix names.

(define-module (byre system packages)
  #:use-module ((srfi srfi-1) #:select (any))
  #:use-module ((byre packages) #:select (host-package))
  #:use-module ((byre packages catalog)
                #:select (package-table catalog-entry-variable
                          catalog-entry-package specification->package))
  #:export (system-package
            system-host-package
            %package-resolver))

;;; Commentary:
;;;
;;; Packages are host packages from (byre packages): a Guix name resolves
;;; (with (byre packages catalog))
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
  ;; A Guix package *variable* name to its host package, through the
  ;; table of (byre packages catalog); else a Guix or Debian package name.
  (lambda (name)
    (let ((symbol (string->symbol name)))
      (or (any (lambda (entry)
                 (and (eq? symbol (catalog-entry-variable entry))
                      (catalog-entry-package entry)))
               (package-table))
          (specification->package name)))))

(define (system-package name)
  "Return the package that Guix's variable NAME, a string such as
\"openssh-sans-x\", stands for, as a file-like object: through %PACKAGE-RESOLVER when it is set, else through (byre
packages), once per process."
  (let ((resolver (%package-resolver)))
    (if resolver
        (resolver name)
        (or (hash-ref %packages name)
            (let ((package ((host-resolver) name)))
              (hash-set! %packages name package)
              package)))))

(define (system-host-package name)
  "Return the host package for the Debian package NAME, for what Guix's
package names do not cover (netbase, tzdata, nscd): through
%PACKAGE-RESOLVER when it is set, else (byre packages)' host-package."
  (let ((resolver (%package-resolver)))
    (if resolver
        (resolver name)
        (or (hash-ref %packages (string-append "debian:" name))
            (let ((package (host-package name)))
              (hash-set! %packages (string-append "debian:" name) package)
              package)))))

;;; packages.scm ends here
