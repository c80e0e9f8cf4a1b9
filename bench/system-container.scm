;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- system containers (issue 12): from the launch to every service
;;; started, against the same container running `guile -c 0' instead of
;;; the system's boot, measured in the same run.
;;;
;;;   ./pre-inst-env guile --no-auto-compile -s bench/system-container.scm \
;;;       [CONFIG] [RUNS]
;;;
;;; CONFIG defaults to examples/bare-bones.scm, RUNS to 20.  The system is
;;; built first (not timed).  "boot" is the time from start-container to
;;; the init's first reply on its socket, which it sends only once every
;;; service was started (see wait-for-boot); "bare" is start-container to
;;; the exit of a container with the same mounts running guile -c 0.  The
;;; medians are printed, with their ratio; the machine may be shared.

(use-modules (byre store) (byre monads) (byre derivations) (byre gexp)
             (byre system) (byre system container) (byre container)
             (byre container-spec) (byre file-systems)
             ((byre scripts system) #:select (read-operating-system))
             (srfi srfi-1) (ice-9 match) (ice-9 format))

(define config
  (match (command-line)
    ((_ config . _) config)
    (_ "examples/bare-bones.scm")))

(define runs
  (match (command-line)
    ((_ _ runs . _) (string->number runs))
    (_ 20)))

(define (now) (get-internal-real-time))
(define (ms ticks) (/ (* 1000.0 ticks) internal-time-units-per-second))
(define (median values)
  (let ((sorted (sort values <)) (n (length values)))
    (if (odd? n)
        (list-ref sorted (quotient n 2))
        (/ (+ (list-ref sorted (- (quotient n 2) 1))
              (list-ref sorted (quotient n 2)))
           2))))

(define os
  (containerized-operating-system (read-operating-system config) '()
                                  #:extra-file-systems
                                  %container-file-systems))

(define system
  (with-store store
    (let ((drv (run-with-store store (operating-system-derivation os))))
      (build-derivations store (list drv))
      (derivation->output-path drv))))

(define file-systems
  (filter (lambda (fs)
            (and (file-system-needed-for-boot? fs)
                 (not (string=? "/" (file-system-mount-point fs)))))
          (operating-system-file-systems os)))

(define null
  ;; Open for the whole run: the containers' standard streams.
  (open-file "/dev/null" "r+"))

(define spec
  (system-container-spec system file-systems
                         #:host-name (operating-system-host-name os)
                         #:console #f
                         #:stdio (list null null null)))

(define (boot-once)
  (let* ((start (now))
         (pid (start-container spec)))
    ((@@ (byre system container) wait-for-boot) pid)
    (let ((elapsed (- (now) start)))
      (kill pid SIGTERM)
      (waitpid pid)
      (ms elapsed))))

(define (bare-once)
  (let* ((bare (container-spec
                 (inherit spec)
                 (program (list (car (container-spec-program spec))
                                "--no-auto-compile" "-c" "0"))))
         (start (now))
         (pid (start-container bare)))
    (waitpid pid)
    (ms (- (now) start))))

(format #t "system: ~a~%" system)
(boot-once)                                     ;warm the caches
(let* ((boots (map (lambda (_) (boot-once)) (iota runs)))
       (bares (map (lambda (_) (bare-once)) (iota runs)))
       (boot (median boots))
       (bare (median bares)))
  (format #t "runs: ~a~%boot (launch -> every service started): median ~,1f ms \
(min ~,1f, max ~,1f)~%bare container, guile -c 0: median ~,1f ms~%ratio: ~,2f~%"
          runs boot (apply min boots) (apply max boots) bare (/ boot bare)))
