;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; The thunk form under stress (issue 2's reliability target):
;;;
;;;   ./pre-inst-env guile --no-auto-compile bench/fork-stress.scm [N]
;;;   ./pre-inst-env guile --no-auto-compile bench/fork-stress.scm --excursion [N]
;;;
;;; N call-with-container calls (default 2,000), every child allocating and
;;; running (gc), while another thread of this process allocates
;;; continuously.  With --excursion, N container-excursion calls instead
;;; (issue 7's stress): half into this process's own namespaces, half into
;;; a running container, each child allocating and running (gc).  A child stuck on a lock held at fork time would be
;;; killed and started again by the watchdog (container-start-retries);
;;; one stuck for good would hang this program.  Prints the count of
;;; calls, of retries, of wrong exit statuses, and the time per call.

(use-modules (byre container)
             (ice-9 format)
             (ice-9 match)
             (ice-9 threads))

(define excursion? (member "--excursion" (command-line)))

(define n
  (match (delete "--excursion" (command-line))
    ((_ n) (string->number n))
    (_ 2000)))

(define root
  (and excursion?
       (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-stress.XXXXXX"))))

(define container
  ;; The running container half of the excursions go into.
  (and excursion?
       (run-container root '() %namespaces 1
                      (lambda () (let loop () (sleep 60) (loop))))))

(define (child)
  (make-list 1000)
  (gc)
  (primitive-exit 0))

(define (one i)
  "Return the exit value of the Ith container or excursion."
  (if excursion?
      (container-excursion (if (even? i) (getpid) container) child)
      (status:exit-val (call-with-container '() child))))

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
        (loop (+ i 1) (if (eqv? 0 (one i)) wrong (+ wrong 1))))))
(define elapsed (- (get-internal-real-time) start))
(set! stop? #t)
(define allocations (join-thread allocator))

(when container
  (kill container SIGKILL)
  (waitpid container)
  (rmdir root))

(format #t "~a ~a, ~a stuck at start-up and restarted, ~a wrong statuses; \
~,2f ms each; the other thread made ~a lists meanwhile~%"
        n (if excursion? "excursions (half into this process's namespaces, half into a container)" "containers")
        (container-start-retries) wrong
        (/ elapsed 1e6 n) allocations)
(exit (and (zero? wrong) (zero? (container-start-retries))))
