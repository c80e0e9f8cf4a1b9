;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; The host guile in a container that holds exactly its file closure
;;; (issue 4, point 3), all in one warm Guile process.
;;;
;;;   ./pre-inst-env guile --no-auto-compile bench/host-guile.scm [N]
;;;
;;; Prints, for N runs each (default 200, the variants in turn so that a
;;; change in the machine's load touches them alike), the median and mean
;;; wall time of `guile -c (exit 42)':
;;;  - bare, started with system* in an empty environment (as in the
;;;    containers);
;;;  - byre's exec form with exactly the closure (closure->file-systems:
;;;    read-only binds; links to directories stand as binds of what is
;;;    beneath them);
;;;  - the same without the binds that stand for /lib (the loader does not
;;;    need them: it falls back to /usr/lib/TRIPLET), to show their cost;
;;;  - byre's exec form with /usr, /lib and /lib64 bound whole;
;;;  - bwrap --unshare-all with exactly the closure, links as links;
;;; and the time to compute the closure itself (uncached).

(use-modules (byre host)
             (byre core)
             (byre container)
             (byre file-systems)
             (ice-9 match)
             (ice-9 format)
             (srfi srfi-1))

(define runs
  (match (command-line)
    ((_ n . _) (string->number n))
    (_ 200)))

(define (now) (get-internal-real-time))
(define (ms ticks) (/ (* 1000.0 ticks) internal-time-units-per-second))

(define (median+mean times)
  (let ((sorted (sort times <)))
    (values (list-ref sorted (quotient (length times) 2))
            (/ (apply + times) (length times)))))

(define (time-of thunk)
  (let ((start (now)))
    (thunk)
    (ms (- (now) start))))

(define (measure-all variants)
  ;; VARIANTS: (NAME . THUNK) pairs, run in turn RUNS times, so that a
  ;; change in the machine's load touches them alike.  Return the medians.
  (for-each (match-lambda ((_ . thunk) (thunk) (thunk))) variants) ;warm up
  (let ((times (map (lambda (variant) (list 'times)) variants)))
    (do ((i 0 (+ i 1))) ((= i runs))
      (for-each (lambda (variant cell)
                  (set-cdr! cell (cons (time-of (cdr variant)) (cdr cell))))
                variants times))
    (map (lambda (variant cell)
           (call-with-values (lambda () (median+mean (cdr cell)))
             (lambda (median mean)
               (format #t "~55a median ~7,3f ms  mean ~7,3f ms~%"
                       (car variant) median mean)
               median)))
         variants times)))

(define guile (host-guile-program))
(define argv (list guile "-c" "(exit 42)"))
(define closure (host-guile-closure))
(define mounts (closure->file-systems closure))
(define mounts/no-lib
  (remove (lambda (fs) (string-prefix? "/lib/" (file-system-mount-point fs)))
          mounts))

(define (read-bind dir)
  (file-system (device dir) (mount-point dir) (type "none")
               (flags '(bind-mount read-only))))
(define whole-usr
  (list (read-bind "/usr")
        (file-system (inherit (read-bind "/usr/lib")) (mount-point "/lib"))
        (file-system (inherit (read-bind "/usr/lib64")) (mount-point "/lib64"))))

(define (check status)
  (unless (eqv? 42 (status:exit-val status))
    (error "guile did not exit with 42:" status)))

(define (bare)
  ;; In an empty environment, as in the container.
  (let ((saved (environ)))
    (dynamic-wind
      (lambda () (environ '()))
      (lambda () (check (apply system* argv)))
      (lambda () (environ saved)))))
(define (in-closure) (check (run-program-in-container argv #:mounts mounts)))
(define (in-closure/no-lib)
  (check (run-program-in-container argv #:mounts mounts/no-lib)))
(define (in-usr) (check (run-program-in-container argv #:mounts whole-usr)))

(define bwrap-arguments
  (append-map (match-lambda
                (((or 'file 'directory) path) (list "--ro-bind" path path))
                (('symlink path target) (list "--symlink" target path)))
              closure))
(define (bwrap)
  (check (apply system* "bwrap" "--unshare-all" "--clearenv"
                "--proc" "/proc" "--dev" "/dev"
                (append bwrap-arguments argv))))

(format #t "byre host guile benchmarks: ~a runs each, uid ~a, ~a~%"
        runs (getuid) (utsname:release (uname)))
(format #t "~a: closure of ~a entries (~a files, ~a directories, ~a links), ~a mounts~%"
        guile (length closure)
        (count (lambda (e) (eq? 'file (car e))) closure)
        (count (lambda (e) (eq? 'directory (car e))) closure)
        (count (lambda (e) (eq? 'symlink (car e))) closure)
        (length mounts))

(define (compute-closure)
  (%host-guile-closure guile (host-guile-directories)))
(let ((times (map (lambda (i) (time-of compute-closure)) (iota 20))))
  (call-with-values (lambda () (median+mean times))
    (lambda (median mean)
      (format #t "~55a median ~7,3f ms  mean ~7,3f ms~%"
              "computing the closure (uncached), 20 runs" median mean))))

(define bwrap-works? (false-if-exception (begin (bwrap) #t)))
(match (measure-all
        `(("guile -c (exit 42), bare (system*, empty environment)" . ,bare)
          ("exec form, exactly the closure" . ,in-closure)
          ("exec form, the closure without /lib's binds" . ,in-closure/no-lib)
          ("exec form, /usr /lib /lib64 bound whole" . ,in-usr)
          ,@(if bwrap-works?
                `(("bwrap --unshare-all, the closure (links as links)" . ,bwrap))
                '())))
  ((bare-time closure-time _ _ . bwrap-time)
   (format #t "~%exactly the closure / bare: ~,2f~%" (/ closure-time bare-time))
   (match bwrap-time
     ((bwrap-time)
      (format #t "exactly the closure / bwrap with the closure: ~,2f~%"
              (/ closure-time bwrap-time)))
     (_ #f))))
