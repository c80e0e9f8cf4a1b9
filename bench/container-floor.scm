;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre's container start against the physical floor (issue 7), in one
;;; run.  bench/container-floor.sh builds bench/floor.c and runs this:
;;;
;;;   ./pre-inst-env guile --no-auto-compile bench/container-floor.scm FLOOR [N [ROUNDS]]
;;;
;;; FLOOR is the built floor program.  In each of ROUNDS rounds (default 5),
;;; N runs (default 60) of each contender, interleaved so that a busy spell
;;; of this shared machine does not favour one; medians over every run:
;;;  - the exec form, run-program-in-container of /usr/bin/true with /usr,
;;;    /lib, /lib64 bound read-only, against FLOOR doing the same plan's
;;;    kernel work and exec (FLOOR -b /usr:usr -b /usr/lib:lib …);
;;;  - the thunk form, call-with-container with the same mounts and a thunk
;;;    that exits, against the fork floor of this process (primitive-fork,
;;;    _exit, waitpid) plus FLOOR -x (the same plan, exit instead of exec);
;;;  - `byre container exec PID /bin/true' against `nsenter -a -t PID
;;;    /bin/true', both started with system* from here, PID a container
;;;    made by spawn-container; and container-exec called in this process.

(use-modules (byre container)
             (byre file-systems)
             (ice-9 match)
             (ice-9 format)
             (ice-9 popen)
             (ice-9 rdelim)
             (ice-9 threads)
             (srfi srfi-1))

(define-values (floor-program runs rounds)
  (match (command-line)
    ((_ floor) (values floor 60 5))
    ((_ floor n) (values floor (string->number n) 5))
    ((_ floor n r . _) (values floor (string->number n) (string->number r)))
    (_ (format (current-error-port)
               "usage: container-floor.scm FLOOR [N [ROUNDS]]~%")
       (exit 2))))

(define (now) (get-internal-real-time))
(define (ms ticks) (/ (* 1000.0 ticks) internal-time-units-per-second))
(define (median lst)
  (let ((sorted (sort lst <)))
    (list-ref sorted (quotient (length sorted) 2))))

(define (timed thunk)
  "Run THUNK RUNS times; return the list of wall times in ms."
  (map (lambda (i)
         (let ((start (now)))
           (thunk)
           (ms (- (now) start))))
       (iota runs)))

(define (check-status what status)
  (unless (eqv? 0 (status:exit-val status))
    (format (current-error-port) "~a failed: ~s~%" what status)
    (exit 1)))

(define read-only-mounts
  (map (match-lambda
         ((source . target)
          (file-system (device source) (mount-point target) (type "none")
                       (flags '(bind-mount read-only)))))
       '(("/usr" . "/usr") ("/usr/lib" . "/lib") ("/usr/lib64" . "/lib64"))))
(define floor-binds
  '("-b" "/usr:usr" "-b" "/usr/lib:lib" "-b" "/usr/lib64:lib64"))

(define (floor-median . args)
  "Run the floor program with ARGS and RUNS runs; return its median (ms)."
  (let* ((port (apply open-pipe* OPEN_READ floor-program "-n" (number->string runs)
                      args))
         (line (read-line port))
         (status (close-pipe port)))
    (check-status (string-join (cons floor-program args)) status)
    (match (string-split line #\space)
      (("median" figure . _) (string->number figure)))))

(define (fork-floor)
  (match (primitive-fork)
    (0 (primitive-_exit 0))
    (pid (waitpid pid))))

(define (exec-form)
  (check-status "exec form"
                (run-program-in-container '("/usr/bin/true") #:mounts read-only-mounts)))

(define (thunk-form)
  (call-with-container read-only-mounts (lambda () (primitive-_exit 0))))

;; The container entered by `byre container exec' and nsenter.  Its mounts
;; are not locked in a nested user namespace (#:lock-mounts? #f): nsenter
;; cannot enter a pid and mount namespace owned by a user namespace that no
;; process is in, which an unprivileged caller would need.
(define target
  (spawn-container '("/bin/sleep" "600")
                   #:lock-mounts? #f
                   #:mounts (append read-only-mounts
                                    (list (file-system (device "/usr/bin")
                                                       (mount-point "/bin")
                                                       (type "none")
                                                       (flags '(bind-mount read-only)))))))
(define target-pid (number->string target))
(define (byre-exec)
  (check-status "byre container exec"
                (system* "byre" "container" "exec" target-pid "/bin/true")))

;; nsenter -a enters every namespace, which an unprivileged caller cannot do
;; for those the container shares with it (its cgroup namespace): the
;; options of the namespaces that differ, which as root is what -a does.
(define nsenter-options
  (if (zero? (getuid))
      '("-a")
      (cons "--preserve-credentials"       ;setgroups is denied in its map
       (filter-map (match-lambda
                    ((name . option)
                     (and (not (string=? (readlink (string-append "/proc/self/ns/" name))
                                         (readlink (string-append "/proc/" target-pid
                                                                  "/ns/" name))))
                          option)))
                  '(("user" . "-U") ("mnt" . "-m") ("pid" . "-p") ("uts" . "-u")
                    ("ipc" . "-i") ("net" . "-n") ("cgroup" . "-C"))))))
(define (nsenter-exec)
  (check-status "nsenter"
                (apply system* "nsenter" (append nsenter-options
                                                 (list "-t" target-pid "/bin/true")))))
(define (in-process-exec)
  (check-status "container-exec" (container-exec target '("/bin/true"))))

(format #t "nsenter ~a~%" (string-join nsenter-options))
(format #t "byre against the floor: ~a rounds of ~a runs, uid ~a, Linux ~a, ~a cores, load ~a~%"
        rounds runs (getuid) (utsname:release (uname))
        (total-processor-count)
        (call-with-input-file "/proc/loadavg" read-line))

(define results (make-hash-table))
(define (record! key values)
  (hash-set! results key (append values (hash-ref results key '()))))

;; Warm up each contender once.
(exec-form) (thunk-form) (fork-floor) (byre-exec) (nsenter-exec) (in-process-exec)
(for-each
 (lambda (round)
   (record! 'floor-exec (list (apply floor-median floor-binds)))
   (record! 'exec (timed exec-form))
   (record! 'floor-exit (list (apply floor-median "-x" floor-binds)))
   (record! 'fork (timed fork-floor))
   (record! 'thunk (timed thunk-form))
   (record! 'nsenter (timed nsenter-exec))
   (record! 'byre-exec (timed byre-exec))
   (record! 'in-process (timed in-process-exec)))
 (iota rounds))

(kill target SIGKILL)
(waitpid target)

(define (m key) (median (hash-ref results key)))
(define (row name value) (format #t "~52a ~8,3f ms~%" name value))
(row "C floor, exec /usr/bin/true (median of rounds)" (m 'floor-exec))
(row "exec form, run-program-in-container" (m 'exec))
(row "C floor, same plan, exit (median of rounds)" (m 'floor-exit))
(row "fork floor of this process" (m 'fork))
(row "thunk form, call-with-container" (m 'thunk))
(row (format #f "nsenter ~a -t PID /bin/true (system*)" (string-join nsenter-options)) (m 'nsenter))
(row "byre container exec PID /bin/true (system*)" (m 'byre-exec))
(row "container-exec in this process" (m 'in-process))
(format #t "~%exec form / C floor: ~,2f (target <= 1.1)~%" (/ (m 'exec) (m 'floor-exec)))
(format #t "thunk form / (fork floor + C floor): ~,2f (target <= 1.25)~%"
        (/ (m 'thunk) (+ (m 'fork) (m 'floor-exit))))
(format #t "byre container exec / nsenter: ~,2f (target <= 1.2)~%"
        (/ (m 'byre-exec) (m 'nsenter)))
(format #t "container-exec in process / nsenter: ~,2f~%" (/ (m 'in-process) (m 'nsenter)))
