;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (byre modules) and its façade (guix modules).

(use-modules (harness) (srfi srfi-1) (srfi srfi-64) (byre modules) ((guix modules) #:prefix guix:))

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

(test-end/exit "modules")
