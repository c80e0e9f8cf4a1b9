;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; The operating systems of examples/ evaluate and build, with the host's
;;; packages, in a temporary store; the init is a file standing for it
;;; (byre's init has its own tests).

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-64)
             (ice-9 ftw)
             (ice-9 textual-ports)
             (byre gexp)
             (byre store)
             (byre monads)
             (byre derivations)
             (byre container)
             (byre scripts system)
             (gnu system)
             (gnu services)
             (gnu services shepherd))

(%default-init (lambda () (plain-file "fixture-init" "")))

(define examples
  (string-append (getenv "abs_top_srcdir") "/examples/"))

(define packages?
  ;; Host packages are (gnu packages …) modules.
  (search-path %load-path "gnu/packages.scm"))

(define supported?
  (and packages?
       (if (zero? (getuid))
           (user-namespace-supported?)
           (unprivileged-user-namespace-supported?))))

(define top (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp")
                                    "/byre-os-examples.XXXXXX")))
(define store-dir (string-append top "/store"))
(define store (open-connection #:store-directory store-dir
                               #:state-directory (string-append top "/state")))

(define (build os)
  (parameterize ((%store-prefix store-dir))
    (let ((drv (run-with-store store (operating-system-derivation os))))
      (build-derivations store (list drv))
      (derivation->output-path drv))))

(define (file-text file) (call-with-input-file file get-string-all))

(test-begin "os-examples")

(define (example file) (read-operating-system (string-append examples file)))

(skip-unless supported? "no host packages or no user namespaces here")
(test-assert "bare-bones: sshd on port 2222, alice, and the system builds"
  (let* ((os (example "bare-bones.scm"))
         (dir (build os)))
    (and (memq 'sshd (operating-system-shepherd-service-names os))
         (string-contains (file-text (string-append dir "/etc/passwd"))
                          "alice:x:1000:")
         (file-exists? (string-append dir "/shepherd.conf")))))

(skip-unless supported? "no host packages or no user namespaces here")
(test-assert "nginx: the server serves the file-union"
  (let* ((os (example "nginx-server.scm"))
         (dir (build os)))
    (and (memq 'nginx (operating-system-shepherd-service-names os))
         (string-contains (file-text (string-append dir "/etc/passwd"))
                          "nginx:x:"))))

(skip-unless supported? "no host packages or no user namespaces here")
(test-assert "mcron: the job, the simple services"
  (let* ((os (example "mcron-jobs.scm"))
         (dir (build os)))
    (and (every (lambda (name)
                  (memq name (operating-system-shepherd-service-names os)))
                '(mcron boot-stamp))
         (string=? "Hello from byre.\n"
                   (file-text (string-append dir "/etc/greeting"))))))

(close-connection store)
;; Store items are read-only: an unprivileged user cannot remove them as is.
(system* "chmod" "-R" "u+w" top)
(system* "rm" "-rf" top)
(test-end/exit "os-examples")
