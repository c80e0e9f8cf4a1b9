;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Container start-up benchmarks (issue 2), all in one warm Guile process.
;;;
;;;   ./pre-inst-env guile --no-auto-compile bench/container.scm [N [MIB]]
;;;
;;; Prints, for N runs each (default 300), the median and mean wall time of:
;;;  - fork floor: primitive-fork + primitive-_exit + waitpid;
;;;  - call-with-container, every namespace, a thunk that exits at once;
;;;  - the exec form: /usr/bin/true in a container (every namespace, /usr
;;;    bound read-only, /lib64 for the loader);
;;;  - unshare -Urmpiun -f --mount-proc /usr/bin/true, started with system*;
;;;  - bwrap --unshare-all with /usr read-only running /usr/bin/true;
;;;  - /usr/bin/true itself, started with system*;
;;; and the ratios the issue names.

(use-modules (byre container)
             (byre file-systems)
             (ice-9 match)
             (ice-9 format)
             (ice-9 rdelim)
             (rnrs bytevectors)
             (srfi srfi-1))

(define runs
  (match (command-line)
    ((_ n . _) (string->number n))
    (_ 300)))

;; A second argument, MiB of live heap to hold while measuring: fork's cost
;; grows with the process (page tables), byre's own work does not.
(define ballast
  (match (command-line)
    ((_ _ mib) (let ((n (string->number mib)))
                 (map (lambda (i) (make-bytevector (* 1024 1024) (modulo i 256)))
                      (iota n))))
    (_ '())))

(define (now) (get-internal-real-time))
(define (ms ticks) (/ (* 1000.0 ticks) internal-time-units-per-second))

(define (measure name thunk)
  (thunk) (thunk)                       ;warm up
  (let* ((times (map (lambda (i)
                       (let ((start (now)))
                         (thunk)
                         (ms (- (now) start))))
                     (iota runs)))
         (sorted (sort times <))
         (median (list-ref sorted (quotient runs 2)))
         (mean (/ (apply + times) runs)))
    (format #t "~40a median ~7,3f ms  mean ~7,3f ms~%" name median mean)
    (force-output)
    median))

(define (fork-floor)
  (match (primitive-fork)
    (0 (primitive-_exit 0))
    (pid (waitpid pid))))

(define (thunk-container)
  (call-with-container '() (lambda () (primitive-_exit 0))))

(define read-only-usr
  (list (file-system (device "/usr") (mount-point "/usr") (type "none")
                     (flags '(bind-mount read-only)))
        ;; /lib64/ld-linux-x86-64.so.2 links to /lib/x86_64-linux-gnu/….
        (file-system (device "/usr/lib") (mount-point "/lib") (type "none")
                     (flags '(bind-mount read-only)))
        (file-system (device "/usr/lib64") (mount-point "/lib64") (type "none")
                     (flags '(bind-mount read-only)))))

(define (exec-container)
  (run-program-in-container '("/usr/bin/true") #:mounts read-only-usr))

(define (unshare-true)
  (system* "unshare" "-Urmpiun" "-f" "--mount-proc" "/usr/bin/true"))

(define (bwrap-true)
  (system* "bwrap" "--unshare-all" "--ro-bind" "/usr" "/usr"
           "--symlink" "usr/lib64" "/lib64" "--symlink" "usr/lib" "/lib" "--proc" "/proc" "--dev" "/dev"
           "/usr/bin/true"))

(define (bare-true)
  (system* "/usr/bin/true"))

(format #t "byre container benchmarks: ~a runs each, uid ~a, ~a~%"
        runs (getuid) (utsname:release (uname)))
(format #t "resident set of this process: ~a~%"
        (call-with-input-file "/proc/self/status"
          (lambda (port)
            (let loop ()
              (let ((line (read-line port)))
                (cond ((eof-object? line) "?")
                      ((string-prefix? "VmRSS:" line) (string-trim-both (substring line 6)))
                      (else (loop))))))))

(define floor (measure "fork floor (primitive-fork+_exit+waitpid)" fork-floor))
(define thunk (measure "call-with-container, all namespaces" thunk-container))
(define exec (measure "exec form, /usr/bin/true" exec-container))
(define unshare (and (zero? (status:exit-val (unshare-true)))
                     (measure "unshare -Urmpiun -f --mount-proc true" unshare-true)))
(define bwrap (and (false-if-exception (zero? (status:exit-val (bwrap-true))))
                   (measure "bwrap --unshare-all, /usr ro, true" bwrap-true)))
(define bare (measure "/usr/bin/true via system*" bare-true))

(format #t "~%call-with-container / fork floor: ~,2f (target <= 1.2)~%" (/ thunk floor))
(when unshare
  (format #t "exec form / unshare: ~,2f (target < 1)~%" (/ exec unshare)))
(when bwrap
  (format #t "exec form / bwrap:   ~,2f (target < 1)~%" (/ exec bwrap)))
(format #t "container start-up retries: ~a~%" (container-start-retries))
