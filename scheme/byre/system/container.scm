;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Evaluating gexps in containers, as Guix's (gnu system linux-container)
;;; has eval/container.

(define-module (byre system container)
  #:use-module (byre container)
  #:use-module (byre derivations)
  #:use-module (byre file-systems)
  #:use-module (byre gexp)
  #:use-module ((byre host) #:select (%host-mounts add-host-item-mounts))
  #:use-module (byre monads)
  #:use-module (byre store)
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:export (eval/container))

(define (item->file-system item)
  (file-system (device item) (mount-point item) (type "none")
               (flags '(bind-mount read-only))))

(define* (eval/container exp
                         #:key
                         (mappings '())
                         (namespaces %namespaces)
                         (guest-uid 0) (guest-gid 0))
  "Return, in the store monad, the waitpid status of EXP, a gexp, evaluated
by the host's guile in a container.  EXP's inputs are built or added to the
store first; the container sees exactly their closure in the store, the
host guile's file closure, and MAPPINGS, a list of
<file-system-mapping>.  NAMESPACES, GUEST-UID and GUEST-GID are as for
run-container."
  (mlet* %store-monad ((store (current-state))
                       (lowered (lower-gexp exp))
                       (_ (built-derivations (lowered-gexp-inputs lowered))))
    (let* ((items (requisites store
                              (delete-duplicates
                               (append (lowered-gexp-sources lowered)
                                       (append-map derivation-input-output-paths
                                                   (lowered-gexp-inputs lowered))))))
           (argv `(,(lowered-gexp-guile lowered)
                   "--no-auto-compile"
                   ,@(append-map (lambda (dir) (list "-L" dir))
                                 (lowered-gexp-load-path lowered))
                   ,@(append-map (lambda (dir) (list "-C" dir))
                                 (lowered-gexp-load-compiled-path lowered))
                   "-c"
                   ,(object->string (lowered-gexp-sexp lowered)))))
      (return
       (call-with-values (lambda ()
                           ;; Host packages among the items bring the
                           ;; host files they record.
                           (call-with-values (%host-mounts)
                             (lambda (mounts links)
                               (add-host-item-mounts items mounts links))))
         (lambda (host-mounts host-links)
           ;; Standard input is /dev/null, not the user's terminal (and no
           ;; /dev/console); byre-init is PID 1, so that SIGINT and SIGTERM
           ;; stop the evaluation.
           (call-with-input-file "/dev/null"
             (lambda (null)
           (run-container-spec
            (container-spec
              (program argv)
              (mounts (append host-mounts
                              (map item->file-system items)
                              (map file-system-mapping->bind-mount mappings)))
              (symlinks host-links)
              (namespaces namespaces)
              (guest-uid guest-uid) (guest-gid guest-gid)
              (init 'byre-init)
              (console #f)
              (stdio (list null #f #f))
              (environment '())))))))))))
