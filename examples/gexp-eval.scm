;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Gexps evaluated in containers, with no daemon.  Run with
;;;   ./pre-inst-env byre repl examples/gexp-eval.scm     (build tree)
;;;   byre repl examples/gexp-eval.scm                    (installed)
;;;
;;; It uses a store of its own under /tmp, so it leaves your store alone,
;;; and removes it when it is done.

(use-modules (guix gexp) (guix store) (guix monads) (guix derivations)
             (gnu system linux-container) (gnu system file-systems)
             (ice-9 textual-ports))

(define top (mkdtemp "/tmp/byre-example.XXXXXX"))
(define store-directory (string-append top "/store"))
(define result (string-append top "/result"))
(mkdir result)

(define greeting (plain-file "greeting" "Hello from the store!\n"))

;; A build: a computed file made in a container that sees only GREETING.
(define shouted
  (computed-file "shouted"
                 #~(begin
                     (use-modules (ice-9 textual-ports))
                     (call-with-output-file #$output
                       (lambda (port)
                         (display (string-upcase
                                   (call-with-input-file #$greeting get-string-all))
                                  port))))))

;; An evaluation: read both, write to a directory shared with the host.
(define program
  (with-imported-modules '((guix build utils))
    #~(begin
        (use-modules (guix build utils) (ice-9 ftw) (ice-9 textual-ports))
        (mkdir-p "/result/report")
        (call-with-output-file "/result/report/store"
          (lambda (port)
            (write (scandir #$store-directory) port)
            (newline port)
            (display (call-with-input-file #$shouted get-string-all) port))))))

(dynamic-wind
  (const #t)
  (lambda ()
    (parameterize ((%store-prefix store-directory))
      (let ((store (open-connection #:store-directory store-directory
                                    #:state-directory (string-append top "/state"))))
        (let ((status (run-with-store store
                        (eval/container program
                                        #:mappings
                                        (list (file-system-mapping
                                               (source result) (target "/result")
                                               (writable? #t)))))))
          (format #t "eval/container returned ~a; the container wrote:~%~a"
                  (status:exit-val status)
                  (call-with-input-file (string-append result "/report/store")
                    get-string-all))
          (close-connection store)))))
  (lambda ()
    ;; Store items are read-only; make them writable to remove them.
    (system* "chmod" "-R" "u+w" top)
    (system* "rm" "-rf" top)))
