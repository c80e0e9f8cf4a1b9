;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; The build side of (guix store): build handlers, accumulated builds,
;;; build options, logs and derivers, file trees, the store monad's system
;;; and target, against a temporary store.  Run as root and unprivileged.

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-34)
             (srfi srfi-64)
             (ice-9 match)
             (ice-9 textual-ports)
             (rnrs bytevectors)
             (byre config)
             (byre store)
             (byre store-builds)
             (byre monads)
             (byre derivations)
             (byre container)
             ((guix store) #:prefix guix:))

(define supported?
  (if (zero? (getuid))
      (user-namespace-supported?)
      (unprivileged-user-namespace-supported?)))

(define top
  (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-builds.XXXXXX")))
(define store-dir (string-append top "/store"))
(%store-prefix store-dir)
(%state-directory (string-append top "/state"))
(define store (open-connection))

(define counter 0)
(define (shell-derivation name script)
  ;; A derivation NAME whose builder runs SCRIPT with the host guile,
  ;; different each time.
  (set! counter (+ 1 counter))
  (derivation store (format #f "~a-~a-~a" name (getpid) counter)
              %guile-program
              (list "--no-auto-compile" "-c" (object->string script))))

(define (writes-cores)
  (shell-derivation "cores"
                    '(call-with-output-file (getenv "out")
                       (lambda (port)
                         (display (getenv "NIX_BUILD_CORES") port)))))

(test-begin "store-builds")

(test-assert "the (guix store) façade has the build API"
  (every (lambda (name) (module-defined? (resolve-interface '(guix store)) name))
         '(with-build-handler build-things map/accumulate-builds
           mapm/accumulate-builds set-build-options log-file valid-derivers
           find-roots add-file-tree-to-store store-lower set-current-system
           current-target-system %daemon-socket-uri build-mode)))

(skip-unless supported? "no user namespaces")
(test-equal "a build handler sees the .drv file names and may decline"
  '(declined #f)
  (let* ((drv (writes-cores))
         (seen #f))
    (list (with-build-handler (lambda (continue store things mode)
                                (set! seen things)
                                'declined)
            (build-derivations store (list drv))
            'built)
          (and (equal? seen (list (derivation-file-name drv)))
               (valid-path? store (derivation->output-path drv))))))

(skip-unless supported? "no user namespaces")
(test-assert "a build handler that continues gets the build done"
  (let ((drv (writes-cores)))
    (with-build-handler (lambda (continue store things mode)
                          (continue #t))
      (build-derivations store (list drv)))
    (valid-path? store (derivation->output-path drv))))

(skip-unless supported? "no user namespaces")
(test-equal "map/accumulate-builds hands the handler every request at once"
  2
  (let ((drvs (list (writes-cores) (writes-cores)))
        (calls '()))
    (with-build-handler (lambda (continue store things mode)
                          (set! calls (cons things calls))
                          (continue #t))
      (map/accumulate-builds store
                             (lambda (drv)
                               (build-derivations store (list drv))
                               (derivation->output-path drv))
                             drvs))
    (match calls
      ((things) (length things))
      (_ calls))))

(skip-unless supported? "no user namespaces")
(test-equal "set-build-options #:build-cores: NIX_BUILD_CORES, 0 (all) unless set"
  '("0" "3")
  (let ((first (writes-cores))
        (second (writes-cores)))
    (build-derivations store (list first))
    (set-build-options store #:build-cores 3)
    (build-derivations store (list second))
    (set-build-options store)
    (map (lambda (drv)
           (call-with-input-file (derivation->output-path drv) get-string-all))
         (list first second))))

(skip-unless supported? "no user namespaces")
(test-assert "log-file and valid-derivers of a built output"
  (let* ((drv (writes-cores))
         (out (derivation->output-path drv)))
    (build-derivations store (list drv))
    (and (equal? (valid-derivers store out) (list (derivation-file-name drv)))
         (string? (log-file store out))
         (string=? (log-file store out)
                   (log-file store (derivation-file-name drv)))
         (equal? (query-derivation-outputs store (derivation-file-name drv))
                 (list out)))))

(test-assert "log-file of what was never built"
  (not (log-file store (add-text-to-store store "plain" "no log"))))

(test-equal "set-build-options refuses a bad number of cores"
  #t
  (guard (c ((store-protocol-error? c) #t))
    (set-build-options store #:build-cores -1)
    #f))

(test-equal "add-file-tree-to-store"
  '("hello" "#!/bin/sh\n" #o555 "hello")
  (let ((item (add-file-tree-to-store
               store
               `("tree" directory
                 ("greeting" regular (data "hello"))
                 ("bin" directory
                  ("run" executable (data ,(string->utf8 "#!/bin/sh\n"))))
                 ("link" symlink "greeting")))))
    (list (call-with-input-file (string-append item "/greeting") get-string-all)
          (call-with-input-file (string-append item "/bin/run") get-string-all)
          (stat:perms (stat (string-append item "/bin/run")))
          (call-with-input-file (string-append item "/link") get-string-all))))

(test-assert "add-file-tree-to-store refuses a malformed tree"
  (guard (c ((store-protocol-error? c) #t))
    (add-file-tree-to-store store '("bad" fifo))
    #f))

(test-assert "find-roots lists an indirect root"
  (let ((item (add-text-to-store store "rooted" "rooted"))
        (link (string-append top "/link")))
    (symlink item link)
    (add-indirect-root store link)
    (member (cons link item) (find-roots store))))

(test-equal "store-lower"
  "lowered"
  (call-with-input-file ((store-lower text-file) store "lowered" "lowered")
    get-string-all))

(test-equal "set-current-system and current-target-system in a run"
  '("bar" "i586-pc-gnu")
  (run-with-store store
    (mbegin %store-monad
      (set-current-system "bar")
      (mlet* %store-monad ((system (current-system))
                           (target (current-target-system)))
        (return (list system target))))
    #:system "foo" #:target "i586-pc-gnu"))

(test-equal "add-to-store with every hash algorithm Guix knows"
  '(#t #t #t #t #t #t)
  (let ((file (string-append top "/input")))
    (call-with-output-file file (lambda (port) (display "some input" port)))
    (map (lambda (algorithm)
           (direct-store-path? (add-to-store store "input" #f algorithm file)))
         '("sha1" "sha256" "sha512" "sha3-256" "sha3-512" "blake2s-256"))))

(close-connection store)
(system* "chmod" "-R" "u+w" top)
(system* "rm" "-rf" top)
(test-end/exit "store-builds")
