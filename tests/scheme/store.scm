;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (byre store) and its façades (guix store) and (guix base32): the whole
;;; Scheme API against a temporary store, names against the shared reference
;;; values, garbage collection against roots, bad input, concurrent writers
;;; and writers killed mid-item.  Run as root and as an unprivileged user.

;; The store and its state live in a temporary directory, named before
;; (byre store) is loaded so that the defaults it computes point there.
(define %top
  (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-store.XXXXXX")))
(define %store-dir (string-append %top "/store"))
(define %state-dir (string-append %top "/state"))
(setenv "BYRE_STORE_DIR" %store-dir)
(setenv "BYRE_STATE_DIR" %state-dir)

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-11)
             (srfi srfi-26)
             (srfi srfi-34)
             (srfi srfi-35)
             (srfi srfi-64)
             (ice-9 ftw)
             (ice-9 match)
             (ice-9 rdelim)
             (rnrs bytevectors)
             (byre store)
             (byre store-core)
             ((guix store) #:prefix guix:)
             ((guix base32) #:prefix guix:))

(define (delete-recursively file)
  ;; Store items are read-only: make each directory writable first.
  (match (false-if-exception (lstat file))
    (#f #t)
    (st
     (if (eq? 'directory (stat:type st))
         (begin
           (chmod file #o700)
           (for-each (lambda (entry)
                       (delete-recursively (string-append file "/" entry)))
                     (scandir file (negate (cut member <> '("." "..")))))
           (rmdir file))
         (delete-file file)))))

(define (write-file file content)
  (call-with-output-file file (cut display content <>)))

(define (read-file file)
  (call-with-input-file file read-string))

(define (store-entries)
  ;; The names in the store directory, but for the store's own dot files.
  (sort (scandir %store-dir (lambda (entry)
                              (not (string-prefix? "." entry))))
        string<?))

(define (condition-text thunk)
  ;; The message of the error condition THUNK raises, or #f.
  (guard (c ((message-condition? c) (condition-message c)))
    (thunk)
    #f))

(define (hex->bytevector hex)
  (u8-list->bytevector
   (map (lambda (i) (string->number (substring hex (* 2 i) (+ 2 (* 2 i))) 16))
        (iota (quotient (string-length hex) 2)))))

(define (wait-for pid seconds)
  ;; The waitpid status of PID, or #f (and PID killed) if it has not ended
  ;; after SECONDS: a hung child must fail the test, not stop the suite.
  (let loop ((tenths (* 10 seconds)))
    (match (waitpid pid WNOHANG)
      ((0 . _)
       (if (zero? tenths)
           (begin (kill pid SIGKILL) (waitpid pid) #f)
           (begin (usleep 100000) (loop (- tenths 1)))))
      ((_ . status) status))))

(define-syntax-rule (in-child body ...)
  ;; Fork a child that runs BODY … and exits with 0 if it returns true, 1
  ;; if false or on an error; return its PID.  Output is flushed first or
  ;; the child would print it again (NOTES.md).
  (begin
    (force-output (current-output-port))
    (force-output (current-error-port))
    (match (primitive-fork)
      (0 (primitive-_exit
          (catch #t
            (lambda () (if (begin body ...) 0 1))
            (lambda args
              (false-if-exception
               (format (current-error-port) "child: ~s~%" args))
              1))))
      (pid pid))))


(define (copy-recursively* source target)
  (let ((st (lstat source)))
    (case (stat:type st)
      ((directory)
       (mkdir target)
       (for-each (lambda (entry)
                   (copy-recursively* (string-append source "/" entry)
                                      (string-append target "/" entry)))
                 (scandir source (negate (cut member <> '("." ".."))))))
      ((symlink) (symlink (readlink source) target))
      (else (copy-file source target)))))

(define (with-temporary-tmpdir thunk)
  ;; Run THUNK with TMPDIR in the test's directory, to see what is left.
  (let ((old (getenv "TMPDIR")))
    (dynamic-wind
      (lambda () (setenv "TMPDIR" %top))
      thunk
      (lambda () (if old (setenv "TMPDIR" old) (unsetenv "TMPDIR"))))))

;;;
;;; The reference values, under /gnu/store, with the pure primitives and the
;;; pure procedures: a store literally at /gnu/store cannot be made here.
;;;

(define %vectors
  (call-with-input-file (string-append (dirname (current-filename))
                                       "/data/store-paths.scm")
    (lambda (port)
      (let loop ((entries '()))
        (match (read port)
          ((? eof-object?) (reverse entries))
          (entry (loop (cons entry entries))))))))

(define %vector-prefix
  (match (assq 'prefix %vectors) (('prefix prefix) prefix)))

(define (make-reference-tree directory)
  ;; The files the reference values describe, under DIRECTORY.
  (let ((tree (string-append directory "/tree1")))
    (mkdir tree)
    (write-file (string-append tree "/a.txt") "hello\n")
    (write-file (string-append tree "/run.sh") "#!/bin/sh\necho hi\n")
    (chmod (string-append tree "/run.sh") #o755)
    (symlink "a.txt" (string-append tree "/link"))
    (mkdir (string-append tree "/sub"))
    (write-file (string-append tree "/sub/empty") "")
    (write-file (string-append tree "/sub/k.txt") (make-string 1000 #\x))
    (write-file (string-append directory "/single.txt") "just a file\n")))

(define %files (string-append %top "/files"))
(mkdir %files)
(make-reference-tree %files)

(define (vector-file name)
  (string-append %files "/" name))

(define (file-sha256 file)
  (sha256 (call-with-input-file file
            (lambda (port) (get-bytevector-all* port)))))

(define (get-bytevector-all* port)
  (let ((bv ((@ (ice-9 binary-ports) get-bytevector-all) port)))
    (if (eof-object? bv) (make-bytevector 0) bv)))

(test-begin "store")

(for-each
 (match-lambda
   (('prefix _) #t)
   (('text-path name text references expected)
    (test-equal (string-append "%text-store-path " name)
      expected
      (%text-store-path %vector-prefix name text references))
    (test-equal (string-append "store-path \"text\" " name)
      expected
      (parameterize ((%store-prefix %vector-prefix))
        (store-path (string-join (cons "text" (sort references string<?))
                                 ":")
                    (sha256 (string->utf8 text))
                    name))))
   (('nar-sha256-base16 file hex)
    (test-equal (string-append "%nar-hash " file)
      (hex->bytevector hex)
      (car (%nar-hash (vector-file file)))))
   (('nar-sha256-nix-base32 file expected)
    (test-equal (string-append "NAR hash of " file " in nix-base32")
      expected
      (bytevector->nix-base32-string (car (%nar-hash (vector-file file))))))
   (('source-path file expected)
    (test-equal (string-append "source path of " file)
      expected
      (parameterize ((%store-prefix %vector-prefix))
        (fixed-output-path file (car (%nar-hash (vector-file file)))))))
   (('fixed-output-path-flat-sha256 file expected)
    (test-equal (string-append "flat fixed-output path of " file)
      expected
      (parameterize ((%store-prefix %vector-prefix))
        (fixed-output-path file (file-sha256 (vector-file file))
                           #:recursive? #f))))
   (('output-path output name expected)
    (test-equal (string-append "output-path " output " " name)
      expected
      (parameterize ((%store-prefix %vector-prefix))
        (output-path output (sha256 (string->utf8 "drv")) name))))
   (('nix-base32 what expected)
    (let ((input (match what
                   ("sha256(\"\")" (sha256 (make-bytevector 0)))
                   ("sha256(\"abc\")" (sha256 (string->utf8 "abc"))))))
      (test-equal (string-append "nix-base32 of " what)
        expected
        (bytevector->nix-base32-string input))
      (test-equal (string-append "nix-base32 back from " what)
        input
        (nix-base32-string->bytevector expected)))))
 %vectors)

(test-equal "fixed-output-path of another output than out"
  ;; The Scheme rule and the primitive agree on "out", so the rule is the
  ;; one the primitive implements.
  (parameterize ((%store-prefix %vector-prefix))
    (%fixed-output-path %vector-prefix "x" 'sha1 (make-bytevector 20 1) #f))
  (parameterize ((%store-prefix %vector-prefix))
    (begin
      (store-path "output:out"
                  (sha256 (string->utf8
                           (string-append "fixed:out:sha1:"
                                          (string-concatenate
                                           (make-list 20 "01"))
                                           ":")))
                  "x"))))

(test-equal "sha256 of \"abc\""
  (hex->bytevector
   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  (sha256 (string->utf8 "abc")))


;;;
;;; Where the store is.
;;;

(test-equal "%store-prefix follows BYRE_STORE_DIR"
  %store-dir
  (%store-prefix))

(test-equal "%state-directory follows BYRE_STATE_DIR"
  %state-dir
  (%state-directory))

(define (environment alist)
  (lambda (name) (assoc-ref alist name)))

(test-equal "default-state-directory: BYRE_STATE_DIR first"
  "/x/state"
  (default-state-directory #:environment (environment
                                          '(("BYRE_STATE_DIR" . "/x/state")))
                           #:uid 1000))

(test-assert "default-state-directory: root gets the configured default"
  (let ((directory (default-state-directory #:environment (environment '())
                                            #:uid 0)))
    (and (string-prefix? "/" directory)
         (not (string-prefix? "/gnu/" directory)))))

(test-equal "default-state-directory: users get XDG_DATA_HOME/byre/state"
  "/home/u/data/byre/state"
  (default-state-directory #:environment
                           (environment '(("XDG_DATA_HOME" . "/home/u/data")
                                          ("HOME" . "/home/u")))
                           #:uid 1000))

(test-equal "default-state-directory: ~/.local/share without XDG_DATA_HOME"
  "/home/u/.local/share/byre/state"
  (default-state-directory #:environment (environment '(("HOME" . "/home/u")
                                                        ("BYRE_STATE_DIR" . "")))
                           #:uid 1000))


;;;
;;; Connections and items.
;;;

(define store (open-connection))

(test-assert "open-connection: a store connection"
  (store-connection? store))

(test-equal "open-connection: the store and state directories"
  (list %store-dir %state-dir #t #t)
  (list (store-connection-store-directory store)
        (store-connection-state-directory store)
        (file-is-directory? %store-dir)
        (file-is-directory? %state-dir)))

(test-assert "open-connection of a file:// URI naming the state directory"
  (let ((other (open-connection (string-append "file://" (%daemon-socket-uri))
                                #:reserve-space? #f)))
    (close-connection other)
    (and (string=? %state-dir (%daemon-socket-uri))
         (string=? %store-dir (store-connection-store-directory other)))))

(test-assert "open-connection refuses a daemon's address, saying why"
  (every (lambda (uri)
           (guard (c ((store-protocol-error? c)
                      (string-contains (store-protocol-error-message c) uri)))
             (open-connection uri)
             #f))
         '("/var/guix/daemon-socket/socket" "guix://example.org")))

(test-assert "with-store binds a connection and closes it"
  (with-store s
    (store-connection? s)))

(test-equal "with-store returns the body's value"
  42
  (with-store s 42))

(define hello (add-text-to-store store "hello.txt" "Hello, world!\n"))

(test-equal "add-text-to-store: the name of the same text under this prefix"
  (%text-store-path %store-dir "hello.txt" "Hello, world!\n" '())
  hello)

(test-equal "add-text-to-store: the Scheme rule gives the same name"
  hello
  (store-path "text" (sha256 (string->utf8 "Hello, world!\n")) "hello.txt"))

(test-equal "add-text-to-store: the contents"
  "Hello, world!\n"
  (read-file hello))

(test-equal "add-text-to-store: canonical (read-only, mtime 1)"
  '(#o444 1)
  (let ((st (lstat hello)))
    (list (stat:perms st) (stat:mtime st))))

(test-assert "valid-path?" (valid-path? store hello))
(test-assert "valid-path? of a missing item"
  (not (valid-path? store (string-append %store-dir "/"
                                         (make-string 32 #\a) "-nothing"))))
(test-assert "valid-path? of a file outside the store: &store-protocol-error"
  ;; As Guix's daemon answers (bug 8); a name of the store directory that
  ;; is not an item is merely not valid.
  (and (guard (c ((store-protocol-error? c)
                  (string-contains (store-protocol-error-message c)
                                   "/etc/passwd")))
         (valid-path? store "/etc/passwd")
         #f)
       (guard (c ((store-protocol-error? c) #t))
         (valid-path? store "foo")
         #f)
       (guard (c ((store-protocol-error? c) #t))
         (valid-path? store (string-append hello "/inside"))
         #f)
       (not (valid-path? store (string-append %store-dir "/"
                                              (make-string 32 #\e)
                                              "-not-nix-base32")))))

(test-equal "add-text-to-store is idempotent"
  hello
  (add-text-to-store store "hello.txt" "Hello, world!\n"))

(define data (add-data-to-store store "data.bin" (u8-list->bytevector '(0 1 2 255))))
(test-equal "add-data-to-store: the bytes"
  '(0 1 2 255)
  (bytevector->u8-list
   (call-with-input-file data get-bytevector-all* #:binary #t)))

(define with-ref
  (add-text-to-store store "with-ref" (string-append "uses " hello "\n")
                     (list hello)))
(define with-two
  (add-text-to-store store "with-two" (string-append with-ref " " data)
                     (list data with-ref)))

(test-equal "add-text-to-store with references: the name"
  (%text-store-path %store-dir "with-ref" (string-append "uses " hello "\n")
                    (list hello))
  with-ref)

(test-equal "references"
  (list hello)
  (references store with-ref))

(test-equal "references of an item with two"
  (sort (list data with-ref) string<?)
  (sort (references store with-two) string<?))

(test-equal "referrers"
  (list with-ref)
  (referrers store hello))

(test-equal "requisites: the closure"
  (sort (list with-two with-ref hello data) string<?)
  (sort (requisites store (list with-two)) string<?))

(test-equal "requisites of several items"
  (sort (list with-ref hello data) string<?)
  (sort (requisites store (list with-ref data)) string<?))

(test-assert "topologically-sorted: an item after what it refers to"
  (let ((sorted (topologically-sorted store (list with-two hello with-ref
                                                  data))))
    (define (index item) (list-index (cut string=? item <>) sorted))
    (and (= 4 (length sorted))
         (< (index hello) (index with-ref) (index with-two))
         (< (index data) (index with-two)))))

(test-assert "query-path-info"
  (let ((info (query-path-info store with-ref)))
    (match (%nar-hash with-ref)
      ((hash . size)
       (and (path-info? info)
            (equal? hash (path-info-hash info))
            (= size (path-info-nar-size info))
            (equal? (list hello) (path-info-references info))
            (not (path-info-deriver info))
            (<= (- (current-time) 600) (path-info-registration-time info)
                (+ (current-time) 600)))))))

(test-equal "hash-part->path"
  hello
  (hash-part->path store (store-path-hash-part hello)))

(test-equal "hash-part->path of an unknown hash part is the empty string"
  ""
  (hash-part->path store (make-string 32 #\0)))

(define tree (add-to-store store "tree1" #t "sha256" (vector-file "tree1")))

(test-equal "add-to-store, recursive: the source name under this prefix"
  (fixed-output-path "tree1" (car (%nar-hash (vector-file "tree1"))))
  tree)

(test-equal "add-to-store, recursive: files, links and the executable bit"
  '("hello\n" "a.txt" #o555 #o444 "")
  (list (read-file (string-append tree "/a.txt"))
        (readlink (string-append tree "/link"))
        (stat:perms (stat (string-append tree "/run.sh")))
        (stat:perms (stat (string-append tree "/sub/k.txt")))
        (read-file (string-append tree "/sub/empty"))))

(test-equal "add-to-store, recursive: the NAR hash is the source's"
  (car (%nar-hash (vector-file "tree1")))
  (path-info-hash (query-path-info store tree)))

(test-equal "add-to-store, flat"
  (fixed-output-path "single.txt" (file-sha256 (vector-file "single.txt"))
                     #:recursive? #f)
  (add-to-store store "single.txt" #f 'sha256 (vector-file "single.txt")))

(test-equal "add-to-store of a single file, recursive"
  (fixed-output-path "single.txt" (car (%nar-hash (vector-file "single.txt"))))
  (add-to-store store "single.txt" #t "sha256" (vector-file "single.txt")))

(define (selection-directories)
  (scandir %top (cut string-prefix? "byre-select." <>)))

(test-equal "add-to-store #:select? adds only the selected files"
  (let ((copy (string-append %top "/tree-without-sub")))
    (copy-recursively* (vector-file "tree1") copy)
    (delete-recursively (string-append copy "/sub"))
    (fixed-output-path "tree1" (car (%nar-hash copy))))
  (with-temporary-tmpdir
   (lambda ()
     (add-to-store store "tree1" #t "sha256" (vector-file "tree1")
                   #:select? (lambda (file stat)
                               (not (string-suffix? "/sub" file)))))))

(test-equal "add-to-store #:select?: the selection is removed"
  '()
  (selection-directories))

(test-assert "add-to-store #:select?: removed when SELECT? raises"
  (and (not (false-if-exception
             (with-temporary-tmpdir
              (lambda ()
                (add-to-store store "tree1" #t "sha256" (vector-file "tree1")
                              #:select? (lambda (file stat)
                                          (error "no")))))))
       (null? (selection-directories))))

(define output
  (parameterize ((%store-prefix %store-dir))
    (output-path "out" (sha256 (string->utf8 "a build")) "built-1.0")))

(test-equal "register-output: the item, with the references found in it"
  (list output (list hello) "built by me\n" #t)
  (let ((build (string-append %top "/build")))
    (mkdir build)
    (mkdir (string-append build "/share"))
    (write-file (string-append build "/share/hello-path") hello)
    (write-file (string-append build "/README") "built by me\n")
    (let ((item (register-output store build output
                                 #:candidates (list hello data))))
      (list item
            (references store item)
            (read-file (string-append item "/README"))
            (valid-path? store item)))))

(test-assert "register-output: canonical"
  (= 1 (stat:mtime (lstat (string-append output "/README")))))

(test-assert "store-path?"
  (and (store-path? hello)
       (store-path? (string-append tree "/a.txt"))
       (not (store-path? "/etc/passwd"))
       (not (store-path? %store-dir))))

(test-assert "direct-store-path?"
  (and (direct-store-path? hello)
       (not (direct-store-path? (string-append tree "/a.txt")))
       (not (direct-store-path? %store-dir))
       (not (direct-store-path? "/etc/passwd"))))

(test-equal "direct-store-path"
  tree
  (direct-store-path (string-append tree "/sub/k.txt")))

(test-assert "derivation-path?"
  (and (derivation-path? (string-append %store-dir "/"
                                        (make-string 32 #\a) "-x.drv"))
       (not (derivation-path? hello))))

(test-equal "store-path-package-name"
  '("hello.txt" #f)
  (list (store-path-package-name hello)
        (store-path-package-name "/etc/passwd")))

(test-equal "store-path-hash-part"
  (list (substring hello (+ 1 (string-length %store-dir))
                   (+ 33 (string-length %store-dir)))
        #f)
  (list (store-path-hash-part hello)
        (store-path-hash-part "/etc/passwd")))

(test-assert "the façades export the same procedures"
  (and (eq? add-text-to-store guix:add-text-to-store)
       (eq? open-connection guix:open-connection)
       (eq? %store-prefix guix:%store-prefix)
       (eq? bytevector->nix-base32-string guix:bytevector->nix-base32-string)
       (eq? nix-base32-string->bytevector
            guix:nix-base32-string->bytevector)))

(test-equal "verify-store: a sound store"
  '(#t ())
  (list (verify-store store #:check-contents? #t)
        (store-problems store #:check-contents? #t)))


;;;
;;; Bad input: an error naming the value, and nothing written.
;;;

(define (store-state)
  ;; What bad input must not change.
  (list (store-entries) (sort (live-paths store) string<?)
        (sort (dead-paths store) string<?)))

(define-syntax-rule (test-bad-input name value exp)
  (test-assert (string-append "bad input: " name)
    (let* ((before (store-state))
           (message (condition-text (lambda () exp))))
      (and message
           (string-contains message value)
           (equal? before (store-state))))))

(define missing-item
  (string-append %store-dir "/" (make-string 32 #\a) "-missing"))

(test-bad-input "a name with a slash" "a/b"
  (add-text-to-store store "a/b" "x"))
(test-bad-input "a name starting with a dot" ".hidden"
  (add-text-to-store store ".hidden" "x"))
(test-bad-input "an empty name" "\"\""
  (add-text-to-store store "" "x"))
(test-bad-input "a name too long" (make-string 212 #\n)
  (add-text-to-store store (make-string 212 #\n) "x"))
(test-bad-input "a reference that is not valid" missing-item
  (add-text-to-store store "refers" "x" (list missing-item)))
(test-bad-input "a reference outside the store" "/etc/passwd"
  (add-text-to-store store "refers" "x" (list "/etc/passwd")))
(test-bad-input "a missing file" "/does/not/exist"
  (add-to-store store "x" #t "sha256" "/does/not/exist"))
(test-bad-input "a directory added flat" (vector-file "tree1")
  (add-to-store store "x" #f "sha256" (vector-file "tree1")))
(test-bad-input "an invalid name for add-to-store" "a/b"
  (add-to-store store "a/b" #t "sha256" (vector-file "single.txt")))
(test-bad-input "query-path-info of a file outside the store" "/etc/passwd"
  (query-path-info store "/etc/passwd"))
(test-bad-input "query-path-info of a missing item" missing-item
  (query-path-info store missing-item))
(test-bad-input "references of a missing item" missing-item
  (references store missing-item))
(test-bad-input "requisites of a file outside the store" "/etc/passwd"
  (requisites store (list hello "/etc/passwd")))
(test-bad-input "register-output to a path outside the store" "/tmp/out"
  (register-output store (vector-file "tree1") "/tmp/out"))
(test-bad-input "register-output of a missing file" "/does/not/exist"
  (register-output store "/does/not/exist" output))
(test-bad-input "delete-paths of a missing item" missing-item
  (delete-paths store (list missing-item)))
(test-bad-input "an indirect root inside the store" %store-dir
  (add-indirect-root store (string-append hello "-link")))
(test-bad-input "a relative store directory" "relative/store"
  (open-connection #:store-directory "relative/store"))

(test-assert "bad input: Guix's store-protocol-error? holds"
  (guard (c ((store-protocol-error? c)
             (string-contains (store-protocol-error-message c) "a/b")))
    (add-text-to-store store "a/b" "x")
    #f))


;;;
;;; Garbage collection.
;;;

(define (without-temp-roots proc)
  ;; Call PROC with a connection whose temporary roots (every item it adds
  ;; gets one) end when PROC returns.  A process's temporary roots are
  ;; shared by its connections and last while one is open, so the usual
  ;; connection is closed meanwhile.
  (close-connection store)
  (let ((result (with-store s (proc s))))
    (set! store (open-connection))
    result))

(define %gc-items
  (without-temp-roots
        (lambda (s)
          (let* ((items (map (lambda (name)
                               (add-text-to-store s name
                                                  (string-append "gc " name)))
                             '("kept" "indirect" "temp" "dead")))
                 (parent (add-text-to-store s "rooted-parent"
                                            (string-append "needs "
                                                           (car items))
                                            (list (car items)))))
            (cons parent items)))))
(define rooted-parent (list-ref %gc-items 0))
(define kept (list-ref %gc-items 1))
(define indirect (list-ref %gc-items 2))
(define temp (list-ref %gc-items 3))
(define dead (list-ref %gc-items 4))

(define root-file (add-permanent-root rooted-parent))
(define indirect-link (string-append %top "/result"))
(symlink indirect indirect-link)
(add-indirect-root store indirect-link)
(add-temp-root store temp)

(test-assert "gc-roots: the permanent and the indirect root"
  (let ((roots (gc-roots store)))
    (and (member rooted-parent (map cdr roots))
         (member indirect (map cdr roots)))))

(test-assert "live-paths: roots and their closures"
  (let ((live (live-paths store)))
    (every (cut member <> live) (list rooted-parent kept indirect))))

(test-assert "dead-paths: what nothing holds, this process's own temporary roots included"
  ;; As Guix lists them (bug 15): an item this process just added, or
  ;; gave a temporary root, is dead until a root holds it.
  (let ((dead-items (dead-paths store)))
    (and (member dead dead-items)
         (member temp dead-items)
         (not (member temp (live-paths store)))
         (not (any (cut member <> dead-items)
                   (list rooted-parent kept indirect))))))

(test-assert "dead-paths lists a freshly added item"
  (let ((fresh (add-text-to-store store "fresh" (number->string (random 1000000)))))
    (member fresh (dead-paths store))))

(test-equal "add-permanent-root returns the root's file name, named after the item"
  (string-append %state-dir "/gcroots/" (basename rooted-parent))
  root-file)

(test-equal "add-permanent-root twice does not throw"
  root-file
  (add-permanent-root rooted-parent))

(test-assert "add-permanent-root of an item not valid yet"
  (let ((future (string-append %store-dir "/" (make-string 32 #\a) "-future")))
    (add-permanent-root future)
    (and (member (cons (string-append %state-dir "/gcroots/" (basename future))
                       future)
                 (gc-roots store))
         (begin (remove-permanent-root future) #t)
         (not (member future (map cdr (gc-roots store)))))))

(test-assert "add-permanent-root refuses what is not a store item"
  (guard (c ((store-error? c) #t))
    (add-permanent-root "/etc/passwd")
    #f))

(test-assert "delete-paths refuses a live item, with an error naming it"
  (let ((message (condition-text (lambda ()
                                   (delete-paths store (list kept))))))
    (and message
         (string-contains message kept)
         (valid-path? store kept)
         (file-exists? kept))))

(test-assert "collect-garbage deletes the dead, keeps the rest"
  (let-values (((deleted freed) (collect-garbage store)))
    (and (member dead deleted)
         (positive? freed)
         (not (valid-path? store dead))
         (not (file-exists? dead))
         (every (lambda (item)
                  (and (valid-path? store item) (file-exists? item)))
                (list rooted-parent kept indirect temp)))))

(test-assert "a removed indirect root no longer holds its item"
  (begin
    (delete-file indirect-link)
    (member indirect (dead-paths store))))

(test-assert "remove-permanent-root"
  (begin
    (remove-permanent-root rooted-parent)
    (let ((dead-items (dead-paths store)))
      (and (member rooted-parent dead-items)
           (member kept dead-items)
           (not (member rooted-parent (map cdr (gc-roots store))))))))

(test-assert "delete-paths deletes an item nothing holds"
  (let-values (((deleted freed) (delete-paths store (list rooted-parent))))
    (and (equal? deleted (list rooted-parent))
         (not (file-exists? rooted-parent)))))

(test-assert "run-gc 'return-dead and 'return-live"
  (let-values (((dead-items dead-freed) (run-gc store 'return-dead))
               ((live-items live-freed) (run-gc store 'return-live)))
    (and (member kept dead-items)
         (member temp dead-items)
         (not (member kept live-items)))))

(test-assert "collect-garbage with a minimum to free"
  (begin
    (without-temp-roots
     (lambda (s)
       (for-each (lambda (i)
                   (add-text-to-store s (format #f "filler-~a" i)
                                      (string-append (number->string i)
                                                     (make-string 10000
                                                                  #\f))))
                 (iota 5))))
    ;; The collector deletes in batches and checks the amount between
    ;; them, so a small minimum may still free everything.
    (let-values (((deleted freed) (collect-garbage store 1)))
      (and (pair? deleted)
           (>= freed 1)
           (every (lambda (item) (not (file-exists? item))) deleted)))))

(test-assert "a temporary root of another live process holds its item"
  (let* ((ready (pipe))
         (pid (in-child
               (close-port (car ready))
               (let* ((mine (open-connection))
                      ;; Adding gives the item a temporary root.
                      (item (add-text-to-store mine "other-temp"
                                               "held by a child")))
                 (display item (cdr ready))
                 (newline (cdr ready))
                 (force-output (cdr ready))
                 (sleep 60)
                 #t))))
    (close-port (cdr ready))
    (let ((item (read-line (car ready))))
      (close-port (car ready))
      (let-values (((deleted freed) (collect-garbage store)))
        (let ((held? (and (string? item)
                          (not (member item deleted))
                          (valid-path? store item))))
          (kill pid SIGKILL)
          (waitpid pid)
          (let-values (((deleted freed) (collect-garbage store)))
            (and held?
                 (member item deleted)
                 (not (file-exists? item)))))))))

(test-assert "temporary roots end with the last connection of the process"
  (let ((other (open-connection))
        (temp (without-temp-roots
               (lambda (s) (add-text-to-store s "temp-2" "temporary")))))
    (add-temp-root other temp)
    (close-connection other)
    (and (let-values (((deleted freed) (collect-garbage store)))
           (not (member temp deleted)))
         (begin
           (close-connection store)
           (set! store (open-connection))
           (let-values (((deleted freed) (collect-garbage store)))
             (member temp deleted))))))

(test-equal "verify-store after garbage collection"
  '()
  (store-problems store #:check-contents? #t))


;;;
;;; Several processes writing at once.
;;;

(define %writers 4)
(define %items-per-writer 15)

(test-assert "concurrent writers: every child succeeds"
  (let ((pids (map (lambda (n)
                     (in-child
                      (let ((mine (open-connection)))
                        (every (lambda (i)
                                 (let ((shared (add-text-to-store
                                                mine (format #f "shared-~a" i)
                                                "the same text"))
                                       (own (add-text-to-store
                                             mine (format #f "own-~a-~a" n i)
                                             (format #f "writer ~a" n)))
                                       (tree (add-to-store
                                              mine "tree1" #t "sha256"
                                              (vector-file "tree1"))))
                                   (and (valid-path? mine shared)
                                        (valid-path? mine own)
                                        (valid-path? mine tree))))
                               (iota %items-per-writer)))))
                   (iota %writers))))
    (every (lambda (pid)
             (let ((status (wait-for pid 120)))
               (and status (eqv? 0 (status:exit-val status)))))
           pids)))

(test-assert "concurrent writers: each item is there once and valid"
  (let ((entries (store-entries)))
    (define (count-suffix suffix)
      (count (cut string-suffix? suffix <>) entries))
    (and (every (lambda (i)
                  (= 1 (count-suffix (format #f "-shared-~a" i))))
                (iota %items-per-writer))
         (every (lambda (n)
                  (every (lambda (i)
                           (= 1 (count-suffix (format #f "-own-~a-~a" n i))))
                         (iota %items-per-writer)))
                (iota %writers))
         (every (lambda (entry)
                  (valid-path? store (string-append %store-dir "/" entry)))
                entries))))

(test-equal "concurrent writers: verify-store finds nothing"
  '()
  (store-problems store #:check-contents? #t))


;;;
;;; A writer killed mid-item.
;;;

(define big (string-append %top "/big"))
(mkdir big)
(for-each (lambda (i)
            (let ((directory (string-append big "/d" (number->string
                                                      (quotient i 8)))))
              (unless (file-exists? directory) (mkdir directory))
              (call-with-output-file (string-append directory "/f"
                                                    (number->string i))
                (lambda (port)
                  ;; Different contents, mentioning an item now and then.
                  (let ((chunk (string-append (number->string i) " "
                                              (if (zero? (modulo i 5)) hello "")
                                              (make-string 4000 #\b))))
                    (do ((k 0 (+ k 1))) ((= k 64))
                      (display chunk port)))))))
          (iota 96))

(define %add-duration
  ;; How long adding BIG takes here, in microseconds, so that the kills
  ;; land anywhere in it.
  (let ((start (get-internal-real-time))
        (probe (open-connection
                #:store-directory (string-append %top "/probe-store")
                #:state-directory (string-append %top "/probe-state"))))
    (add-to-store probe "big" #t "sha256" big)
    (close-connection probe)
    (max 1000
         (quotient (* 1000000 (- (get-internal-real-time) start))
                   internal-time-units-per-second))))

(define (item-entries)
  ;; Entries of the store directory shaped like items of "big".
  (filter (cut string-suffix? "-big" <>) (store-entries)))

(test-assert "killed writers: no partial item, no row for a missing item"
  (let loop ((round 0) (state (seed->random-state (getpid))))
    (if (= round 20)
        #t
        (let ((pid (in-child
                    (let ((mine (open-connection)))
                      (add-to-store mine "big" #t "sha256" big)
                      #t))))
          (usleep (random (quotient (* 12 %add-duration) 10) state))
          (kill pid SIGKILL)
          (waitpid pid)
          (let ((mine (open-connection)))
            (let ((sound? (and (null? (scandir %store-dir
                                               (cut string-prefix? ".tmp-" <>)))
                               (every (lambda (entry)
                                        (valid-path?
                                         mine
                                         (string-append %store-dir "/" entry)))
                                      (store-entries))
                               (null? (store-problems mine
                                                      #:check-contents? #t)))))
              (close-connection mine)
              (if sound?
                  (begin
                    ;; Start from scratch: a finished item would make the
                    ;; next writer a no-op.
                    (with-store s
                      (let ((items (filter (cut valid-path? s <>)
                                           (map (cut string-append
                                                     %store-dir "/" <>)
                                                (item-entries)))))
                        (unless (null? items)
                          (delete-paths s items))))
                    (loop (+ round 1) state))
                  (begin
                    (format #t "# round ~a left the store unsound~%" round)
                    #f))))))))

(test-assert "killed writers: a writer left alone finishes the item"
  (let ((pid (in-child
              (let ((mine (open-connection)))
                (add-to-store mine "big" #t "sha256" big)
                #t))))
    (and (eqv? 0 (status:exit-val (wait-for pid 120)))
         (with-store s
           (let ((items (map (cut string-append %store-dir "/" <>)
                             (item-entries))))
             (and (= 1 (length items))
                  (valid-path? s (car items))
                  (equal? (car (%nar-hash big))
                          (path-info-hash (query-path-info s (car items))))
                  (null? (store-problems s #:check-contents? #t))))))))

(test-assert "topologically-sorted: references in name order, whatever the order they were added in"
  ;; Two items, the first added having the greater name, and one that
  ;; refers to both: Guix lists references sorted, so the lesser comes
  ;; first.
  (let loop ((n 0))
    (let* ((first (add-text-to-store store (format #f "topo-a~a" n) "a"))
           (second (add-text-to-store store (format #f "topo-b~a" n) "b")))
      (if (string<? first second)
          (loop (+ n 1))
          (let ((top (add-text-to-store store "topo-top" "top"
                                        (list first second))))
            (equal? (list second first top)
                    (topologically-sorted store (list top))))))))

(test-assert "a state directory belongs to one store"
  (let* ((top (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp")
                                      "/byre-two-stores.XXXXXX")))
         (state (string-append top "/state")))
    (close-connection (open-connection #:store-directory (string-append top "/a")
                                       #:state-directory state))
    (let ((refused (guard (c ((store-error? c)
                              (string-contains (condition-message c)
                                               "belongs to the store")))
                     (open-connection #:store-directory (string-append top "/b")
                                      #:state-directory state)
                     #f)))
      (delete-recursively top)
      refused)))


;;;
;;; Bundles: export-paths and import-paths.
;;;

(use-modules ((rnrs io ports) #:select (call-with-bytevector-output-port
                                         open-bytevector-input-port))
             ((byre serialization) #:prefix nar:))

(define (bundle-of items . options)
  (call-with-bytevector-output-port
   (lambda (port) (apply export-paths store items port options))))

(test-assert "export-paths then import-paths brings items back, references and all"
  (let* ((base (add-text-to-store store "bundle-base" (number->string (random 100000000))))
         (top (add-text-to-store store "bundle-top" "on top" (list base)))
         (bundle (bundle-of (list top base))))
    (delete-paths store (list top base))
    (and (not (file-exists? base))
         (equal? (import-paths store (open-bytevector-input-port bundle))
                 (list base top))
         (equal? (references store top) (list base))
         (string=? "on top" (read-file top)))))

(test-assert "import-paths refuses an item whose reference is missing"
  (let* ((base (add-text-to-store store "lonely-base" (number->string (random 100000000))))
         (top (add-text-to-store store "lonely-top" "alone" (list base)))
         (bundle (bundle-of (list top))))
    (delete-paths store (list top base))
    (guard (c ((store-protocol-error? c)
               (and (string-contains (store-protocol-error-message c) "not valid")
                    (not (file-exists? top)))))
      (import-paths store (open-bytevector-input-port bundle))
      #f)))

(test-assert "import-paths refuses a corrupt text item"
  (let* ((item (add-text-to-store store "to-corrupt" "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
         (bundle (bundle-of (list item)))
         (index (let loop ((i 0))
                  ;; The first byte of the contents: "ABC…" in the NAR.
                  (if (= (bytevector-u8-ref bundle i) (char->integer #\A))
                      i
                      (loop (+ i 1))))))
    (delete-paths store (list item))
    (bytevector-u8-set! bundle index (char->integer #\Z))
    (guard (c ((store-protocol-error? c)
               (and (string-contains (store-protocol-error-message c) "corrupt")
                    (not (valid-path? store item)))))
      (import-paths store (open-bytevector-input-port bundle))
      #f)))

(test-assert "export-paths #:recursive? exports the closure"
  (let* ((base (add-text-to-store store "closure-base" "b"))
         (top (add-text-to-store store "closure-top" "t" (list base))))
    (equal? (bundle-of (list top) #:recursive? #t)
            (bundle-of (list base top)))))

(test-assert "write-file writes the NAR the store hashes"
  (let ((item (add-text-to-store store "nar-me" "some text")))
    (equal? (sha256 (call-with-bytevector-output-port (cut nar:write-file item <>)))
            (path-info-hash (query-path-info store item)))))

(test-assert "restore-file refuses an entry name that climbs out"
  (let* ((dir (string-append %top "/evil"))
         (nar (call-with-bytevector-output-port
               (lambda (port)
                 (for-each (cut nar:write-string <> port)
                           '("nix-archive-1" "(" "type" "directory" "entry" "("
                             "name" ".." "node" "(" "type" "symlink" "target"
                             "/etc" ")" ")" ")"))))))
    (guard (c ((nar:nar-error? c) (not (file-exists? (string-append %top "/etc")))))
      (nar:restore-file (open-bytevector-input-port nar) dir)
      #f)))

(close-connection store)
(delete-recursively %top)

(test-end/exit "store")
