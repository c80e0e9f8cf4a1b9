;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; The thunk form under stress (issue 2's reliability target):
;;;
;;;   ./pre-inst-env guile --no-auto-compile bench/fork-stress.scm [N]
;;;
;;; N call-with-container calls (default 2,000), every child allocating and
;;; running (gc), while another thread of this process allocates
;;; continuously.  A child stuck on a lock held at fork time would be
;;; killed and started again by the watchdog (container-start-retries);
;;; one stuck for good would hang this program.  Prints the count of
;;; calls, of retries, of wrong exit statuses, and the time per call.

(use-modules (byre container)
             (ice-9 format)
             (ice-9 match)
             (ice-9 threads))

(define n
  (match (command-line)
    ((_ n) (string->number n))
    (_ 2000)))

(define stop? #f)
(define allocator
  (call-with-new-thread
   (lambda ()
     (let loop ((count 0))
       (make-list 100)
       (if stop? count (loop (+ count 1)))))))

(define start (get-internal-real-time))
(define wrong
  (let loop ((i 0) (wrong 0))
    (if (= i n)
        wrong
        (let ((status (call-with-container '()
                        (lambda ()
                          (make-list 1000)
                          (gc)
                          (primitive-exit 0)))))
          (loop (+ i 1) (if (eqv? 0 (status:exit-val status)) wrong (+ wrong 1)))))))
(define elapsed (- (get-internal-real-time) start))
(set! stop? #t)
(define allocations (join-thread allocator))

(format #t "~a containers, ~a stuck at start-up and restarted, ~a wrong statuses; \
~,2f ms a container; the other thread made ~a lists meanwhile~%"
        n (container-start-retries) wrong
        (/ elapsed 1e6 n) allocations)
(exit (and (zero? wrong) (zero? (container-start-retries))))
