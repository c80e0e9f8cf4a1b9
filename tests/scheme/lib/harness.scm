;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre's SRFI-64 harness: one line a test, a summary line, an exit status.
;;;
;;; Guile 3.0.8's SRFI-64 sets no exit status and writes a log file into the
;;; current directory; this runner does neither.  A test file reads:
;;;
;;;   (use-modules (harness) (srfi srfi-64))
;;;   (test-begin "container")
;;;   (test-equal "name" 42 (+ 40 2))
;;;   (test-end/exit "container")

(define-module (harness)
  #:use-module (srfi srfi-64)
  #:use-module (ice-9 format)
  #:export (test-end/exit
            skip-unless))

(define (result-line runner)
  (let ((kind (test-result-kind runner))
        (name (test-runner-test-name runner)))
    (format #t "~a: ~a~%"
            (case kind
              ((pass) "PASS") ((xpass) "XPASS") ((fail) "FAIL")
              ((xfail) "XFAIL") ((skip) "SKIP") (else kind))
            name)
    (when (memq kind '(fail xpass))
      (let ((result (test-result-alist runner)))
        (for-each (lambda (key)
                    (let ((entry (assq key result)))
                      (when entry
                        (format #t "  ~a: ~s~%" key (cdr entry)))))
                  '(source-file source-line expected-value actual-value
                    actual-error))))
    (force-output)))

(define (byre-runner)
  (let ((runner (test-runner-null)))
    (test-runner-on-test-end! runner result-line)
    (test-runner-on-final! runner (lambda (runner) #t))
    runner))

(test-runner-factory byre-runner)

(define (test-end/exit suite)
  "End SUITE, print its summary line and exit with a status that says
whether every test passed."
  (let* ((runner (test-runner-current))
         (passed (+ (test-runner-pass-count runner)
                    (test-runner-xfail-count runner)))
         (failed (+ (test-runner-fail-count runner)
                    (test-runner-xpass-count runner)))
         (skipped (test-runner-skip-count runner)))
    (test-end suite)
    (format #t "# ~a: ~a passed, ~a failed, ~a skipped~%"
            suite passed failed skipped)
    (force-output)
    (exit (if (zero? failed) 0 1))))

(define-syntax-rule (skip-unless condition reason)
  (unless condition
    (format #t "# skipping next test: ~a~%" reason)
    (test-skip 1)))
