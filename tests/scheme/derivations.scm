;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (byre derivations): what a derivation says and what building it checks,
;;; in a temporary store.  The builders are the host guile, run with -c.

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-34)
             (srfi srfi-35)
             (srfi srfi-64)
             (ice-9 match)
             (ice-9 textual-ports)
             (ice-9 binary-ports)
             (rnrs bytevectors)
             (byre config)
             (byre store)
             (byre store-core)
             (byre derivations)
             (byre container)
             ((byre gexp) #:select (build-expression->derivation)))

(define supported?
  (if (zero? (getuid))
      (user-namespace-supported?)
      (unprivileged-user-namespace-supported?)))

(define top
  (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-drv.XXXXXX")))
(define store-dir (string-append top "/store"))
(define store (open-connection #:store-directory store-dir
                               #:state-directory (string-append top "/state")))
(%store-prefix store-dir)

(define counter 0)
(define (unique name)
  ;; A new name each time: nothing is built already.
  (set! counter (+ 1 counter))
  (format #f "~a-~a-~a" name (getpid) counter))

(define* (guile-derivation name code #:rest options)
  "A derivation NAME whose builder runs CODE, an S-expression, with the
host guile."
  (apply derivation store name %guile-program
         (list "--no-auto-compile" "-c" (object->string code))
         options))

(define (build-error-of thunk)
  ;; The condition a build raises, or #f.
  (guard (c ((store-protocol-error? c) c))
    (thunk)
    #f))

(define (sha algorithm text)
  ;; ALGORITHM's hash of TEXT, computed from a file as a build's output is.
  (let ((file (string-append top "/hash-input")))
    (call-with-output-file file (lambda (port) (display text port)))
    (%file-hash file #f algorithm)))

(test-begin "derivations")

;;; Fixed outputs.

(for-each
 (lambda (algorithm)
   (skip-unless supported? "no user namespaces")
   (test-assert (format #f "fixed output, ~a: the right content builds" algorithm)
     (let ((drv (guile-derivation (unique "fixed")
                                  '(call-with-output-file (getenv "out")
                                     (lambda (port) (display "hello" port)))
                                  #:hash (sha algorithm "hello")
                                  #:hash-algo algorithm)))
       (and (build-derivations store (list drv))
            (valid-path? store (derivation->output-path drv)))))

   (skip-unless supported? "no user namespaces")
   (test-assert (format #f "fixed output, ~a: another content fails" algorithm)
     (let* ((drv (guile-derivation (unique "fixed")
                                   '(call-with-output-file (getenv "out")
                                      (lambda (port) (display "bye" port)))
                                   #:hash (sha algorithm "hello")
                                   #:hash-algo algorithm))
            (c (build-error-of (lambda () (build-derivations store (list drv))))))
       (and c
            (= 100 (store-protocol-error-status c))
            (string-contains (store-protocol-error-message c) "hash mismatch")
            (not (valid-path? store (derivation->output-path drv)))))))
 '(sha1 sha256 sha512))

(skip-unless supported? "no user namespaces")
(test-assert "fixed output, recursive: the NAR hash is checked"
  (let* ((code '(begin
                  (mkdir (getenv "out"))
                  (call-with-output-file (string-append (getenv "out") "/x")
                    (lambda (port) (display "x" port)))))
         (reference (string-append top "/reference"))
         (_ (begin
              (mkdir reference)
              (call-with-output-file (string-append reference "/x")
                (lambda (port) (display "x" port)))))
         (good (guile-derivation (unique "rec") code
                                 #:hash (%file-hash reference #t 'sha256)
                                 #:recursive? #t))
         (bad (guile-derivation (unique "rec") code
                                ;; The flat hash of x, not the NAR's.
                                #:hash (%file-hash (string-append reference "/x")
                                                   #f 'sha256)
                                #:recursive? #t)))
    (and (build-derivations store (list good))
         (build-error-of (lambda () (build-derivations store (list bad))))
         (not (valid-path? store (derivation->output-path bad))))))

;;; References.

(skip-unless supported? "no user namespaces")
(test-assert "#:allowed-references '(): an output may not refer to itself"
  (let ((drv (guile-derivation (unique "self")
                               '(call-with-output-file (getenv "out")
                                  (lambda (port) (display (getenv "out") port)))
                               #:allowed-references '())))
    (build-error-of (lambda () (build-derivations store (list drv))))))

(skip-unless supported? "no user namespaces")
(test-assert "#:allowed-references '(\"out\"): it may"
  (let ((drv (guile-derivation (unique "self")
                               '(call-with-output-file (getenv "out")
                                  (lambda (port) (display (getenv "out") port)))
                               #:allowed-references '("out"))))
    (build-derivations store (list drv))))

(skip-unless supported? "no user namespaces")
(test-assert "#:disallowed-references names an item"
  (let* ((text (add-text-to-store store "some-text" "hi"))
         (drv (guile-derivation (unique "dis")
                                `(call-with-output-file (getenv "out")
                                   (lambda (port) (display ,text port)))
                                #:sources (list text)
                                #:disallowed-references (list text))))
    (build-error-of (lambda () (build-derivations store (list drv))))))

;;; Failures as Guix reports them.

(skip-unless supported? "no user namespaces")
(test-assert "a failed build is a &store-protocol-error, status 100"
  (let* ((drv (guile-derivation (unique "fail") '(exit 3)))
         (c (build-error-of (lambda () (build-derivations store (list drv))))))
    (and (build-error? c)
         (= 100 (store-protocol-error-status c))
         (string-contains (store-protocol-error-message c)
                          (string-append "build of `" (derivation-file-name drv)
                                         "' failed")))))

(test-assert "a built-in builder is a &store-protocol-error"
  (let ((drv (derivation store (unique "builtin") "builtin:download" '())))
    (build-error-of (lambda () (build-derivations store (list drv))))))

;;; Reading and writing.

(test-assert "a derivation is equal? to itself read back"
  (let* ((sources (map (lambda (n)
                         (add-text-to-store store (format #f "src~a" n)
                                            (number->string n)))
                       '(3 1 2)))
         (drv (derivation store (unique "rt") %guile-program '("-c" "1")
                          #:sources sources
                          #:outputs '("two" "one" "out")
                          #:env-vars '(("zz" . "1") ("aa" . "2")))))
    (equal? drv (call-with-input-file (derivation-file-name drv)
                  read-derivation))))

(test-assert "write-derivation of a derivation read without its inputs"
  (let* ((input (derivation store (unique "in") %guile-program '("-c" "1")))
         (drv (derivation store (unique "user") %guile-program '("-c" "1")
                          #:inputs (list (derivation-input input))))
         (bytes (call-with-input-file (derivation-file-name drv)
                  get-bytevector-all))
         (read (read-derivation (open-bytevector-input-port bytes) identity)))
    (and (string? (derivation-input-derivation (car (derivation-inputs read))))
         (equal? bytes
                 (call-with-values open-bytevector-output-port
                   (lambda (port get)
                     (write-derivation read port)
                     (get)))))))

(test-equal "derivation-path->output-path"
  '(#t #t)
  (let ((drv (derivation store (unique "multi") %guile-program '()
                         #:outputs '("out" "lib"))))
    (list (string=? (derivation->output-path drv "lib")
                    (derivation-path->output-path (derivation-file-name drv) "lib"))
          (string=? (derivation->output-path drv)
                    (derivation-path->output-path (derivation-file-name drv))))))

(test-equal "properties, local build and substitutes as Guix records them"
  '(((kind . test)) #f #f ())
  (let ((drv (derivation store (unique "props") %guile-program '()
                         #:properties '((kind . test))
                         #:local-build? #t #:substitutable? #f))
        (plain (derivation store (unique "plain") %guile-program '())))
    (list (derivation-properties drv)
          (offloadable-derivation? drv)
          (substitutable-derivation? drv)
          (derivation-properties plain))))

(test-assert "the older #:inputs form works, with a warning"
  (let* ((input (derivation store (unique "old-in") %guile-program '()))
         (warnings (open-output-string))
         (drv (parameterize ((current-warning-port warnings))
                (derivation store (unique "old") %guile-program '()
                            #:inputs `((,input) (,input "out"))))))
    (and (string-contains (get-output-string warnings) "deprecated")
         (match (derivation-inputs drv)
           ((one) (eq? input (derivation-input-derivation one)))))))

(test-assert "derivation-input-fold: an input before its own inputs"
  (let* ((a (derivation store (unique "a") %guile-program '()))
         (b (derivation store (unique "b") %guile-program '()
                        #:inputs (list (derivation-input a))))
         (c (derivation store (unique "c") %guile-program '()
                        #:inputs (list (derivation-input b) (derivation-input a)))))
    ;; Each once; C, which needs the others, first.
    (let ((visited (derivation-input-fold (lambda (input result)
                                            (cons (derivation-input-derivation input)
                                                  result))
                                          '()
                                          (list (derivation-input c)))))
      (and (= 3 (length visited))
           (lset= eq? visited (list a b c))
           (eq? c (last visited))))))

(skip-unless supported? "no user namespaces")
(test-assert "derivation-build-plan: what is not built, inputs first"
  (let* ((a (guile-derivation (unique "a") '(mkdir (getenv "out"))))
         (b (derivation store (unique "b") %guile-program
                        (list "-c" "(mkdir (getenv \"out\"))")
                        #:inputs (list (derivation-input a)))))
    (and (equal? (list a b)
                 (derivation-build-plan store (list (derivation-input b))))
         (build-derivations store (list b))
         (null? (derivation-build-plan store (list (derivation-input b)))))))

;;; Build options, modes and the build loop.

(skip-unless supported? "no user namespaces")
(test-assert "derivation-build-plan in check mode: the asked ones, then missing inputs"
  (let* ((dep (guile-derivation (unique "dep") '(mkdir (getenv "out"))))
         (top (derivation store (unique "top") %guile-program
                          (list "-c" "(mkdir (getenv \"out\"))")
                          #:inputs (list (derivation-input dep)))))
    (build-derivations store (list top))
    (delete-paths store (list (derivation->output-path dep)))
    (and (null? (derivation-build-plan store (list (derivation-input top))))
         ;; DEP is missing, so built first; TOP is valid, but checked.
         (equal? (list dep top)
                 (derivation-build-plan store (list (derivation-input top))
                                        #:mode (build-mode check))))))

(test-assert "derivation-build-plan: repair mode is refused"
  (guard (c ((store-protocol-error? c) #t))
    (derivation-build-plan store
                           (list (derivation-input
                                  (guile-derivation (unique "r") '(exit 0))))
                           #:mode (build-mode repair))
    #f))

(define (with-options options thunk)
  ;; Call THUNK with STORE's build options set to OPTIONS, then reset.
  (dynamic-wind
    (lambda () (apply set-build-options store options))
    thunk
    (lambda () (set-build-options store))))

(skip-unless supported? "no user namespaces")
(test-assert "keep-going: the others are built, then the first failure raised"
  (let* ((bad (guile-derivation (unique "bad") '(exit 1)))
         (needs-bad (derivation store (unique "needs-bad") %guile-program
                                (list "-c" "(mkdir (getenv \"out\"))")
                                #:inputs (list (derivation-input bad))))
         (good (guile-derivation (unique "good") '(mkdir (getenv "out"))))
         (c (with-options '(#:keep-going? #t)
              (lambda ()
                (build-error-of
                 (lambda () (build-derivations store (list needs-bad good))))))))
    (and c
         (= 100 (store-protocol-error-status c))
         (string-contains (store-protocol-error-message c)
                          (derivation-file-name bad))
         (valid-path? store (derivation->output-path good))
         (not (valid-path? store (derivation->output-path needs-bad))))))

(skip-unless supported? "no user namespaces")
(test-assert "without keep-going, the first failure stops the builds"
  (let* ((bad (guile-derivation (unique "bad") '(exit 1)))
         (good (guile-derivation (unique "good") '(mkdir (getenv "out"))))
         (c (build-error-of
             (lambda () (build-derivations store (list bad good))))))
    (and c (not (valid-path? store (derivation->output-path good))))))

(skip-unless supported? "no user namespaces")
(test-assert "timeout: a build running too long is killed and fails"
  (let* ((drv (guile-derivation (unique "slow")
                                '(begin (sleep 600) (mkdir (getenv "out")))))
         (c (with-options '(#:timeout 1)
              (lambda ()
                (build-error-of (lambda () (build-derivations store (list drv))))))))
    (and c
         (string-contains (store-protocol-error-message c) "timed out after 1 seconds")
         (not (valid-path? store (derivation->output-path drv))))))

(skip-unless supported? "no user namespaces")
(test-assert "max-silent-time: a silent build fails, a talkative one builds"
  (let* ((silent (guile-derivation (unique "silent")
                                   '(begin (sleep 600) (mkdir (getenv "out")))))
         ;; Talks every 0.2 s for 3 s: longer than the limit, never silent
         ;; for that long.
         (talkative (guile-derivation
                     (unique "talkative")
                     '(begin
                        (let loop ((i 0))
                          (when (< i 15)
                            (display i) (newline) (force-output)
                            (usleep 200000)
                            (loop (+ i 1))))
                        (mkdir (getenv "out")))))
         (c (with-options '(#:max-silent-time 2)
              (lambda ()
                (build-error-of (lambda () (build-derivations store (list silent))))))))
    (and c
         (string-contains (store-protocol-error-message c) "seconds of silence")
         (not (valid-path? store (derivation->output-path silent)))
         (with-options '(#:max-silent-time 2)
           (lambda () (build-derivations store (list talkative))))
         (valid-path? store (derivation->output-path talkative)))))

(test-assert "set-build-options: a negative timeout is refused"
  (guard (c ((store-error? c) #t))
    (set-build-options store #:timeout -3)
    #f))

(skip-unless supported? "no user namespaces")
(test-equal "current-build-output-port gets the log, bad UTF-8 as U+FFFD"
  "garbage: \ufffdλ\n"
  (let ((drv (guile-derivation (unique "talk")
                               '(begin
                                  (use-modules (rnrs io ports) (rnrs bytevectors))
                                  (put-bytevector (current-output-port)
                                                  (string->utf8 "garbage: "))
                                  (put-bytevector (current-output-port) #vu8(128))
                                  ;; λ and a newline, in UTF-8.
                                  (put-bytevector (current-output-port)
                                                  #vu8(206 187 10))
                                  (mkdir (getenv "out"))))))
    (call-with-output-string
      (lambda (port)
        (set-port-encoding! port "UTF-8")
        (parameterize ((current-build-output-port port))
          (build-derivations store (list drv)))))))

(skip-unless supported? "no user namespaces")
(test-assert "identical files of two outputs are one inode; optimise-store the rest"
  (let* ((text "the same bytes\n")
         (one (guile-derivation (unique "one")
                                `(begin
                                   (mkdir (getenv "out"))
                                   (call-with-output-file
                                       (string-append (getenv "out") "/f")
                                     (lambda (port) (display ,text port))))))
         (two (guile-derivation (unique "two")
                                `(call-with-output-file (getenv "out")
                                   (lambda (port) (display ,text port)))))
         (added (add-text-to-store store (unique "added") text)))
    (build-derivations store (list one two))
    (let ((f1 (string-append (derivation->output-path one) "/f"))
          (f2 (derivation->output-path two)))
      (and (= (stat:ino (lstat f1)) (stat:ino (lstat f2)))
           ;; Added, not built: a copy of its own until optimise-store.
           (not (= (stat:ino (lstat added)) (stat:ino (lstat f1))))
           (call-with-values (lambda () (optimise-store store))
             (lambda (files bytes)
               (and (>= files 1) (>= bytes (string-length text)))))
           (= (stat:ino (lstat added)) (stat:ino (lstat f1)))
           ;; Still canonical, still what was registered.
           (= 1 (stat:mtime (lstat (derivation->output-path one))))
           (zero? (logand #o222 (stat:mode (lstat (derivation->output-path one)))))
           (verify-store store #:check-contents? #t)))))

(test-equal "query-path-hash is the NAR hash of query-path-info"
  #t
  (let ((item (add-text-to-store store (unique "q") "q")))
    (equal? (query-path-hash store item)
            (path-info-hash (query-path-info store item)))))

;;; What the builder gets.

(setenv "BYRE_TEST_LEAK" "leaked")
(skip-unless supported? "no user namespaces")
(test-equal "#:leaked-env-vars reach fixed-output builds only"
  '("leaked" "")
  (let* ((code '(call-with-output-file (getenv "out")
                  (lambda (port)
                    (display (or (getenv "BYRE_TEST_LEAK") "") port))))
         (fixed (guile-derivation (unique "leak") code
                                  #:hash (sha 'sha256 "leaked")
                                  #:leaked-env-vars '("BYRE_TEST_LEAK")))
         (other (guile-derivation (unique "noleak") code
                                  #:leaked-env-vars '("BYRE_TEST_LEAK"))))
    (build-derivations store (list fixed other))
    (map (lambda (drv)
           (call-with-input-file (derivation->output-path drv) get-string-all))
         (list fixed other))))

(skip-unless supported? "no user namespaces")
(test-assert "#:references-graphs: the closure, in the build directory"
  (let* ((a (add-text-to-store store "graph-a" "a"))
         (b (add-text-to-store store "graph-b" a (list a)))
         (drv (guile-derivation (unique "graph")
                                '(copy-file "g" (getenv "out"))
                                #:references-graphs `(("g" . ,b)))))
    (build-derivations store (list drv))
    ;; An entry per item of the closure, sorted by file name.
    (string=? (call-with-input-file (derivation->output-path drv) get-string-all)
              (string-concatenate
               (map cdr
                    (sort `((,a . ,(string-append a "\n\n0\n"))
                            (,b . ,(string-append b "\n\n1\n" a "\n")))
                          (lambda (x y) (string<? (car x) (car y)))))))))

(skip-unless supported? "no user namespaces")
(test-assert "unflushed output before a build stays on standard output"
  (let* ((file (string-append top "/stdout"))
         (saved (dup 1))
         (drv (guile-derivation (unique "quiet") '(mkdir (getenv "out")))))
    ;; Standard output (descriptor 1) goes to FILE for the test; its port
    ;; holds the text, unflushed, when the build starts.
    (force-output (current-output-port))
    (let ((fd (open-fdes file (logior O_WRONLY O_CREAT O_TRUNC) #o644)))
      (dup2 fd 1)
      (close-fdes fd))
    (let ((port (current-output-port)))
      (setvbuf port 'block)
      (dynamic-wind
        (const #t)
        (lambda ()
          (display "before the build" port)
          (build-derivations store (list drv))
          (force-output port))
        (lambda ()
          (dup2 saved 1)
          (close-fdes saved)
          (setvbuf port 'line))))
    (and (string=? "before the build" (call-with-input-file file get-string-all))
         (not (string-contains
               (call-with-input-file (derivation-build-log-file store drv)
                 get-string-all)
               "before the build")))))

;;; build-expression->derivation.

(skip-unless supported? "no user namespaces")
(test-equal "build-expression->derivation: %output, %build-inputs"
  "hello from an input"
  (let* ((input (build-expression->derivation
                 store (unique "input")
                 '(call-with-output-file %output
                    (lambda (port) (display "hello from an input" port)))))
         (drv (build-expression->derivation
               store (unique "user")
               '(copy-file (assoc-ref %build-inputs "in") %output)
               #:inputs `(("in" ,input)))))
    (build-derivations store (list drv))
    (call-with-input-file (derivation->output-path drv) get-string-all)))

(skip-unless supported? "no user namespaces")
(test-assert "build-expression->derivation: #f fails the build"
  (let ((drv (build-expression->derivation store (unique "false")
                                           '(begin (mkdir %output) #f))))
    (build-error-of (lambda () (build-derivations store (list drv))))))

(test-assert "build-expression->derivation: a missing module is a &file-search-error"
  (guard (c ((file-search-error? c)
             (string=? "no/such/module.scm" (file-search-error-file-name c))))
    (build-expression->derivation store "x" #t #:modules '((no such module)))
    #f))

(define (delete-recursively file)
  (when (false-if-exception (lstat file))
    (if (eq? 'directory (stat:type (lstat file)))
        (begin
          (chmod file #o755)
          (for-each (lambda (entry)
                      (unless (member entry '("." ".."))
                        (delete-recursively (string-append file "/" entry))))
                    (scandir* file))
          (rmdir file))
        (delete-file file))))

(define (scandir* dir)
  (let ((stream (opendir dir)))
    (let loop ((entries '()))
      (let ((entry (readdir stream)))
        (if (eof-object? entry)
            (begin (closedir stream) entries)
            (loop (cons entry entries)))))))

(close-connection store)
(delete-recursively top)

(test-end/exit "derivations")
