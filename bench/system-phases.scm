;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- where the time of `byre system build CONFIG' goes, phase by
;;; phase, in one process, as the command does it: loading byre's modules,
;;; reading CONFIG, lowering its host packages (made into store items, or
;;; found again), computing the system's derivation (the rest of the
;;; lowering: text files, the init, the build modules, every .drv), and
;;; building.  Wall and CPU milliseconds per phase.  Run by
;;; bench/system-build.sh; alone:
;;;
;;;   ./pre-inst-env guile --no-auto-compile bench/system-phases.scm CONFIG

(define start (get-internal-real-time))
(define start-cpu (get-internal-run-time))

(use-modules (byre store)
             (byre monads)
             (byre gexp)
             (byre derivations)
             (byre packages)
             (byre scripts system)
             (gnu system)
             (srfi srfi-1)
             (ice-9 format))

(define (report what wall cpu)
  (format #t "  ~32a ~9,1f ms wall ~9,1f ms cpu~%" what
          (/ wall 1e6) (/ cpu 1e6)))

(define (phase what thunk)
  (let ((t0 (get-internal-real-time))
        (c0 (get-internal-run-time)))
    (let ((value (thunk)))
      (report what (- (get-internal-real-time) t0)
              (- (get-internal-run-time) c0))
      value)))

(report "loading byre's modules" (- (get-internal-real-time) start)
        (- (get-internal-run-time) start-cpu))

(define file (cadr (command-line)))
(define os (phase "reading the configuration"
                  (lambda () (read-operating-system file))))

(with-store store
  (let* ((os (operating-system-with-provenance
              os (local-file (canonicalize-path file) "configuration.scm")))
         (packages (filter host-package? (operating-system-packages os))))
    (phase (format #f "lowering ~a host packages" (length packages))
           (lambda ()
             (for-each (lambda (package)
                         (run-with-store store (lower-object package)))
                       packages)))
    (let ((drv (phase "computing the derivation"
                      (lambda ()
                        (run-with-store store
                          (operating-system-derivation os))))))
      (phase "building" (lambda () (build-derivations store (list drv)))))))

(report "total" (- (get-internal-real-time) start)
        (- (get-internal-run-time) start-cpu))
