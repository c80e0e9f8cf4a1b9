;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; A first container: run with
;;;   ./pre-inst-env byre repl examples/hello-container.scm   (build tree)
;;;   byre repl examples/hello-container.scm                  (installed)
;;;
;;; It starts two containers, as root or as any user with user namespaces:
;;; one that runs Scheme (the thunk form, as Guix's call-with-container) and
;;; one that runs the host's /bin/sh with /usr bound read-only (the exec form).

(use-modules (gnu build linux-container)  ;Guix's names
             (gnu system file-systems)
             (byre container)             ;byre's exec form
             (srfi srfi-1)
             (ice-9 ftw))

(define status
  (call-with-container '()
    (lambda ()
      (format #t "Scheme in a container: I am PID ~a, uid ~a; / holds ~s~%"
              (getpid) (getuid) (scandir "/"))
      (exit 0))))
(format #t "call-with-container returned status ~a~%" status)

(define read-only-binds
  ;; The host's programs and libraries, read-only: /usr, and the /bin and
  ;; /lib links of a merged-/usr system.
  (filter-map (lambda (dir)
                (and (file-exists? dir)
                     (file-system (device dir) (mount-point dir) (type "none")
                                  (flags '(bind-mount read-only)))))
              '("/usr" "/bin" "/lib" "/lib64")))

(define exec-status
  (run-program-in-container
   '("/bin/sh" "-c"
     "echo \"A shell in a container: PID $$ on $(cat /proc/sys/kernel/hostname), as $(id -u)\"; \
touch /usr/x 2>/dev/null || echo '/usr is read-only inside'")
   #:mounts read-only-binds
   #:hostname "byre-demo"
   #:environment '("PATH=/usr/bin:/bin")))
(format #t "run-program-in-container returned status ~a~%" exec-status)
(exit (if (and (zero? status) (zero? exec-status)) 0 1))
