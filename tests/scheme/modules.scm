;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (byre modules) and its façade (guix modules).

(use-modules (harness) (srfi srfi-1) (srfi srfi-34) (srfi srfi-64)
             (byre modules) ((guix modules) #:prefix guix:))

(define (with-module-tree files proc)
  ;; Write FILES, pairs (NAME . DEFINE-MODULE-FORM), as sources under a new
  ;; directory, call PROC with it, and remove it.
  (let ((directory (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp")
                                           "/byre-modules.XXXXXX"))))
    (dynamic-wind
      (const #t)
      (lambda ()
        (for-each (lambda (file)
                    (call-with-output-file (string-append directory "/"
                                                          (car file) ".scm")
                      (lambda (port) (write (cdr file) port))))
                  files)
        (proc directory))
      (lambda ()
        (for-each (lambda (file)
                    (delete-file (string-append directory "/" (car file) ".scm")))
                  files)
        (rmdir directory)))))

(test-begin "modules")

(test-eq "the façade re-exports source-module-closure"
  source-module-closure guix:source-module-closure)

(test-equal "a module with no Guix dependency is its own closure"
  '((guix build utils))
  (source-module-closure '((guix build utils))))

(test-assert "(guix gexp) brings what it imports from Guix's name spaces"
  ;; (guix gexp) is byre's façade; it imports (byre gexp), which the
  ;; default selection leaves out.
  (equal? '((guix gexp)) (source-module-closure '((guix gexp)))))

(test-assert "with another selection, byre's modules come along"
  (let ((closure (source-module-closure '((guix gexp)) %load-path
                                        #:select? (lambda (name)
                                                    (memq (car name) '(guix byre))))))
    (and (equal? (car closure) '(guix gexp))
         (member '(byre gexp) closure)
         (member '(byre store) closure)
         ;; Each once.
         (= (length closure) (length (delete-duplicates closure))))))

(test-equal "module-dependencies reads define-module's imports"
  '((byre gexp))
  (module-dependencies '(guix gexp) %load-path))

(test-equal "a module without a source file has no known dependencies"
  #f
  (module-dependencies '(no such module) %load-path))

(test-equal "a missing dependency raises &missing-dependency-error"
  ;; Bug 13: the missing name used to be returned as part of the closure.
  '((not there at all) #t)
  (with-module-tree
   '(("top" . (define-module (top) #:use-module (middle)))
     ("middle" . (define-module (middle)
                   #:use-module ((not there at all) #:select (x))))
     ("leaf" . (define-module (leaf))))
   (lambda (directory)
     (guard (c ((guix:missing-dependency-error? c)
                (list (missing-dependency-module c)
                      (equal? (list directory)
                              (missing-dependency-search-path c)))))
       (source-module-closure '((top)) (list directory) #:select? (const #t))))))

(test-equal "closures are depth first, as Guix's"
  '((a) (b) (d) (c))
  (with-module-tree
   '(("a" . (define-module (a) #:use-module (b) #:autoload (c) (f)))
     ("b" . (define-module (b) #:use-module (d)))
     ("c" . (define-module (c)))
     ("d" . (define-module (d) #:use-module (a))))
   (lambda (directory)
     (source-module-closure '((a)) (list directory) #:select? (const #t)))))

(test-equal "modules SELECT? refuses are left out, the requested ones too"
  '((guix build utils))
  (source-module-closure '((srfi srfi-1) (guix build utils))))

(test-assert "live-module-closure agrees with source-module-closure"
  (let ((modules '((guix modules) (guix build utils))))
    (lset= equal?
           (live-module-closure modules)
           (source-module-closure modules))))

(test-equal "module names and file names"
  '("guix/build/utils.scm" (guix build utils))
  (list (module-name->file-name '(guix build utils))
        (file-name->module-name "guix/build/utils.scm")))

(test-end/exit "modules")
