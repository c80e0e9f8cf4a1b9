;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; eval/container against running the same guile directly (issue 4):
;;;
;;;   ./pre-inst-env guile --no-auto-compile bench/eval-container.scm [N]
;;;
;;; From one warm Guile process, medians of N runs (default 50) of:
;;;  - (eval/container #~(exit 42)) with a store of its own;
;;;  - guile -c '(exit 42)' started with system*, in an empty environment;
;;;  - the same under bwrap --unshare-all with /usr read-only;
;;; and the ratios.

(use-modules (byre gexp) (byre monads) (byre store)
             (byre system container)
             (ice-9 format) (ice-9 match) (srfi srfi-1))

(define runs
  (match (command-line) ((_ n) (string->number n)) (_ 50)))

(define (now) (get-internal-real-time))
(define (median-ms thunk)
  (thunk)
  (let* ((times (map (lambda (i)
                       (let ((start (now)))
                         (thunk)
                         (/ (* 1000.0 (- (now) start)) internal-time-units-per-second)))
                     (iota runs)))
         (sorted (sort times <)))
    (list-ref sorted (quotient runs 2))))

(define top (mkdtemp "/tmp/byre-bench.XXXXXX"))
(define store-dir (string-append top "/store"))
(define store (open-connection #:store-directory store-dir
                               #:state-directory (string-append top "/state")))
(define guile (@ (byre config) %guile-program))

(define (eval42)
  (parameterize ((%store-prefix store-dir))
    (run-with-store store (eval/container #~(exit 42)))))

(define (direct)
  (system* "env" "-i" guile "--no-auto-compile" "-c" "(exit 42)"))

(define (bwrap)
  (system* "env" "-i" "bwrap" "--unshare-all" "--ro-bind" "/usr" "/usr"
           "--symlink" "usr/lib" "/lib" "--symlink" "usr/lib64" "/lib64"
           "--symlink" "usr/bin" "/bin" "--proc" "/proc" "--dev" "/dev"
           guile "--no-auto-compile" "-c" "(exit 42)"))

(unless (= 42 (status:exit-val (eval42)))
  (error "eval/container did not give 42"))
(format #t "eval/container benchmark: ~a runs each, uid ~a~%" runs (getuid))
(define e (median-ms eval42))
(format #t "~40a ~7,2f ms~%" "eval/container #~(exit 42)" e)
(define d (median-ms direct))
(format #t "~40a ~7,2f ms~%" "guile -c '(exit 42)' (system*)" d)
(define b (and (false-if-exception (= 42 (status:exit-val (bwrap))))
               (median-ms bwrap)))
(when b (format #t "~40a ~7,2f ms~%" "bwrap --unshare-all, /usr ro, guile" b))
(format #t "~%eval/container / direct guile: ~,2f (target <= 1.25)~%" (/ e d))
(when b (format #t "eval/container / bwrap:        ~,2f (target <= 1)~%" (/ e b)))
(close-connection store)
(system* "rm" "-rf" top)
