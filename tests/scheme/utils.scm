;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Tests of (byre utils) and its façade (guix utils).

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-64)
             (srfi srfi-11)
             (srfi srfi-34)
             (ice-9 match)
             (ice-9 textual-ports)
             ((rnrs io ports) #:select (get-bytevector-all put-bytevector
                                        open-bytevector-input-port))
             (rnrs bytevectors)
             (byre utils)
             (byre ports)
             (byre base32)
             (byre config))

(define (write-file file content)
  (call-with-output-file file (lambda (port) (display content port))))

(define (read-file file)
  (call-with-input-file file get-string-all))

(define (scandir* dir)
  (let ((d (opendir dir)))
    (let loop ((names '()))
      (let ((n (readdir d)))
        (if (eof-object? n)
            (begin
              (closedir d)
              (sort (filter (lambda (n) (not (member n '("." ".."))))
                            names)
                    string<?))
            (loop (cons n names)))))))

(test-begin "utils")

;;; Temporary directories and files.

(test-equal "call-with-temporary-directory: a usable directory, then gone"
  '(#t 42 #f)
  (let* ((seen #f)
         (result (call-with-temporary-directory
                  (lambda (dir)
                    (set! seen dir)
                    (mkdir (string-append dir "/sub"))
                    (write-file (string-append dir "/sub/f") "x")
                    42))))
    (list (string? seen) result (file-exists? seen))))

(test-equal "call-with-temporary-directory: removed after an exception"
  '(caught #f)
  (let* ((seen #f)
         (outcome (catch 'oops
                    (lambda ()
                      (call-with-temporary-directory
                       (lambda (dir)
                         (set! seen dir)
                         (write-file (string-append dir "/f") "x")
                         (throw 'oops))))
                    (const 'caught))))
    (list outcome (file-exists? seen))))

(test-equal "call-with-temporary-directory: removed after a continuation escape"
  '(escaped #f)
  (let* ((seen #f)
         (outcome (call/cc
                   (lambda (escape)
                     (call-with-temporary-directory
                      (lambda (dir)
                        (set! seen dir)
                        (escape 'escaped)))))))
    (list outcome (file-exists? seen))))

(test-equal "call-with-temporary-directory: read-only contents removed too"
  #f
  (let ((seen #f))
    (call-with-temporary-directory
     (lambda (dir)
       (set! seen dir)
       (mkdir (string-append dir "/ro"))
       (write-file (string-append dir "/ro/f") "x")
       (chmod (string-append dir "/ro") #o555)
       (symlink "/" (string-append dir "/root-link"))))
    (file-exists? seen)))

(test-equal "call-with-temporary-directory does not follow symlinks"
  "kept"
  (call-with-temporary-directory
   (lambda (outer)
     (write-file (string-append outer "/precious") "kept")
     (call-with-temporary-directory
      (lambda (dir)
        (symlink outer (string-append dir "/link"))))
     (read-file (string-append outer "/precious")))))

(test-equal "call-with-temporary-output-file: name and port, then gone"
  '("hello" #f #t)
  (let* ((seen-file #f)
         (seen-port #f)
         (content (call-with-temporary-output-file
                   (lambda (file port)
                     (set! seen-file file)
                     (set! seen-port port)
                     (display "hello" port)
                     (force-output port)
                     (read-file file)))))
    (list content (file-exists? seen-file) (port-closed? seen-port))))

(test-equal "call-with-temporary-output-file: removed after an exception"
  #f
  (let ((seen #f))
    (false-if-exception
     (call-with-temporary-output-file
      (lambda (file port)
        (set! seen file)
        (error "failure"))))
    (file-exists? seen)))

(test-equal "with-atomic-file-output replaces the file and keeps its mode"
  '(result "new" #o640 ("f"))
  (call-with-temporary-directory
   (lambda (dir)
     (let ((file (string-append dir "/f")))
       (write-file file "old")
       (chmod file #o640)
       (list (with-atomic-file-output file
               (lambda (port)
                 (display "new" port)
                 'result))
             (read-file file)
             (stat:perms (stat file))
             (scandir* dir))))))

(test-equal "with-atomic-file-output leaves the file alone on failure"
  '("old" ("f"))
  (call-with-temporary-directory
   (lambda (dir)
     (let ((file (string-append dir "/f")))
       (write-file file "old")
       (catch 'oops
         (lambda ()
           (with-atomic-file-output file
             (lambda (port)
               (display "half-written" port)
               (throw 'oops))))
         (const #f))
       (list (read-file file) (scandir* dir))))))

(test-equal "with-atomic-file-output creates a new file"
  "created"
  (call-with-temporary-directory
   (lambda (dir)
     (let ((file (string-append dir "/new")))
       (with-atomic-file-output file
         (lambda (port) (display "created" port)))
       (read-file file)))))

;;; Source directory and systems.

(test-equal "current-source-directory is this file's directory"
  (dirname (canonicalize-path (current-filename)))
  ;; The name is the one the file was loaded by, "./" and all.
  (canonicalize-path (current-source-directory)))

(test-assert "%current-system looks like x86_64-linux"
  (let ((system (%current-system)))
    (and (string? system)
         (string-suffix? "-linux" system)
         (not (string-prefix? "-" system)))))

(test-equal "%current-system and %current-target-system are parameters"
  '("riscv64-linux" #f "aarch64-linux-gnu")
  (list (parameterize ((%current-system "riscv64-linux"))
          (%current-system))
        (%current-target-system)
        (parameterize ((%current-target-system "aarch64-linux-gnu"))
          (%current-target-system))))

;;; Versions.

(test-equal "version-compare"
  '(> < = > < > <)
  (list (version-compare "2.10" "2.9")
        (version-compare "1.0" "1.0.1")
        (version-compare "3.0.8" "3.0.8")
        (version-compare "1.10rc2" "1.10rc1")
        (version-compare "0.9" "1.0")
        (version-compare "20230101" "9999")
        (version-compare "a" "b")))

(test-equal "version>? and version>=?"
  '(#t #f #t #f)
  (list (version>? "2.10" "2.9")
        (version>? "2.9" "2.9")
        (and (version>=? "2.9" "2.9") #t)
        (and (version>=? "2.8" "2.9") #t)))

(test-equal "version-prefix, version-major+minor, version-major"
  '("2.1.47" "2.1" "2" "3")
  (list (version-prefix "2.1.47.4.23" 3)
        (version-major+minor "2.1.47")
        (version-major "2.1.47")
        (version-major+minor "3")))

(test-equal "string-replace-substring"
  "a-b-c"
  (string-replace-substring "a::b::c" "::" "-"))

;;; The façade.

(test-assert "(guix utils) re-exports the same bindings"
  (let ((guix (resolve-interface '(guix utils))))
    (every (lambda (name)
             (eq? (module-ref guix name)
                  (module-ref (resolve-interface '(byre utils)) name)))
           '(call-with-temporary-directory call-with-temporary-output-file
             with-atomic-file-output %current-system %current-target-system
             version-compare version>? version>=? version-prefix
             version-major+minor string-replace-substring
             string-distance string-closest))))

(test-equal "string-distance: insertions, deletions, substitutions"
  '(0 1 1 1 3 2)
  (list (string-distance "build" "build")
        (string-distance "build" "buid")
        (string-distance "buld" "build")
        (string-distance "build" "built")
        (string-distance "" "abc")
        (string-distance "biuld" "build")))

(test-equal "string-closest: a close word, or none"
  '("build" #f "plain-file")
  (list (string-closest "biuld" '("repl" "gc" "build" "eval"))
        (string-closest "frobnicate" '("repl" "gc" "build" "eval"))
        (string-closest "plain-fle" '("plain-file" "local-file"))))

;;; Versions, systems and package specifications.

(test-equal "version-prefix?: whole parts only"
  '(#t #t #f #f #f)
  (list (version-prefix? "4.1" "4.1.2") (version-prefix? "4.1" "4.1")
        (version-prefix? "4.1" "4.16") (version-prefix? "4.1" "4")
        (version-prefix? "5" "4.1")))

(test-equal "version-unique-prefix: the shortest that tells VERSION apart"
  '("3" "1.2" "1.2.3" "")
  (list (version-unique-prefix "3.1" '("3.1" "1.0" "2.7"))
        (version-unique-prefix "1.2" '("1.2.9" "1.3" "1.2"))
        (version-unique-prefix "1.2.3" '("1.2.3" "1.2.4"))
        (version-unique-prefix "7" '("7"))))

(test-equal "guile-version>? compares the running Guile's effective version"
  '(#t #f #f)
  (list (guile-version>? "2.2") (guile-version>? "99.0")
        (guile-version>? (effective-version))))

(test-equal "gnu-triplet->nix-system"
  '("aarch64-linux" "i686-linux" "armhf-linux" "x86_64-gnu" "riscv64-freebsd")
  (map gnu-triplet->nix-system
       '("aarch64-linux-gnu" "i486-pc-linux-gnu" "arm-unknown-linux-gnueabihf"
         "x86_64-pc-gnu0.9" "riscv64-unknown-freebsd13.1")))

(test-equal "package-name->name+version: the last @ splits"
  '(("guile" "3.0.8") ("hello" #f) ("@scope/pkg" "1.0"))
  (map (lambda (spec)
         (call-with-values (lambda () (package-name->name+version spec)) list))
       '("guile@3.0.8" "hello" "@scope/pkg@1.0")))

;;; Keyword arguments.

(test-equal "strip-keyword-arguments keeps positional values and other keys"
  '(x #:keep 1 y)
  (strip-keyword-arguments '(#:drop #:gone)
                           '(x #:drop 2 #:keep 1 #:gone #:keep y)))

(test-equal "ensure-keyword-arguments replaces, then appends"
  '(#:a 10 #:b 2 #:c 3)
  (ensure-keyword-arguments '(#:a 1 #:b 2) '(#:c 3 #:a 10)))

(test-equal "a keyword standing as a value is not taken for a key"
  '(#:flags #:a #:a 5)
  (ensure-keyword-arguments '(#:flags #:a) '(#:a 5)))

(test-equal "default-keyword-arguments adds only what is missing"
  '(#:c 3 #:a 1 #:b 2)
  (default-keyword-arguments '(#:a 1 #:b 2) '(#:a 9 #:c 3)))

(test-equal "substitute-keyword-arguments: values replaced, defaults added"
  '((#:tests? #f #:flags ("-j2"))
    (#:flags ("-j2") #:tests? #f))
  (list (substitute-keyword-arguments '(#:tests? #t #:flags ())
          ((#:tests? _) #f)
          ((#:flags flags) (cons "-j2" flags)))
        (substitute-keyword-arguments '(#:tests? #t)
          ((#:tests? _) #f)
          ((#:flags flags '()) (cons "-j2" flags))
          ((#:absent x) (error "never evaluated" x)))))

;;; Files.

(test-equal "readlink* follows links, relative ones from their directory"
  '(#t #t)
  (call-with-temporary-directory
   (lambda (dir)
     (write-file (string-append dir "/target") "x")
     (mkdir (string-append dir "/sub"))
     (symlink "../target" (string-append dir "/sub/one"))
     (symlink (string-append dir "/sub/one") (string-append dir "/two"))
     (list (string=? (readlink* (string-append dir "/two"))
                     (string-append dir "/sub/../target"))
           (string=? (readlink* (string-append dir "/target"))
                     (string-append dir "/target"))))))

(test-equal "readlink* raises ELOOP on a cycle, ENOENT on a missing file"
  (list ELOOP ENOENT)
  (call-with-temporary-directory
   (lambda (dir)
     (symlink "b" (string-append dir "/a"))
     (symlink "a" (string-append dir "/b"))
     (map (lambda (file)
            (catch 'system-error
              (lambda () (readlink* file) 'no-error)
              (lambda args (system-error-errno args))))
          (list (string-append dir "/a") (string-append dir "/missing"))))))

(test-equal "edit-expression replaces one expression, the rest byte for byte"
  "; é first\n(define x 1)\n  (list \"b\" \"a\")  ; kept\n(end)\n"
  (call-with-temporary-directory
   (lambda (dir)
     (let ((file (string-append dir "/f.scm")))
       (write-file file "; é first\n(define x 1)\n  (list \"a\" \"b\")  ; kept\n(end)\n")
       (edit-expression `((filename . ,file) (line . 2) (column . 2))
                        (lambda (text)
                          (string-replace-substring
                           (string-replace-substring
                            (string-replace-substring text "\"a\"" "@")
                            "\"b\"" "\"a\"")
                           "@" "\"b\"")))
       (read-file file)))))

(test-assert "edit-expression: a line past the end is an error naming it"
  (call-with-temporary-directory
   (lambda (dir)
     (let ((file (string-append dir "/f.scm")))
       (write-file file "(a)\n")
       (catch 'misc-error
         (lambda ()
           (edit-expression `((filename . ,file) (line . 8) (column . 0))
                            identity)
           #f)
         (lambda (key who message args . rest)
           (string-contains (apply format #f message args) "f.scm:9:0")))))))

;;; Ports through programs.

(define %data
  ;; Enough to fill several pipe buffers.
  (string->utf8 (string-concatenate (map (lambda (i) (format #f "line ~a\n" i))
                                         (iota 20000)))))

(define (statuses pids)
  (map (lambda (pid) (status:exit-val (cdr (waitpid pid)))) pids))

(test-equal "filtered-port: a file port fed to a program"
  '("3" (0))
  (call-with-temporary-directory
   (lambda (dir)
     (write-file (string-append dir "/in") "a\nb\nc\n")
     (let-values (((port pids)
                   (filtered-port '("wc" "-l")
                                  (open-file (string-append dir "/in") "r0b"))))
       (let ((text (string-trim-both (get-string-all port))))
         (close-port port)
         (list text (statuses pids)))))))

(test-equal "filtered-port: a port that is not a file, through two programs"
  '(#t (0 0 0))
  (let*-values (((compressed pids1)
                 (filtered-port (list %gzip-program "-c")
                                (open-bytevector-input-port %data)))
                ((plain pids2) (filtered-port (list %gzip-program "-dc")
                                              compressed)))
    (let ((result (get-bytevector-all plain)))
      (close-port plain)
      (list (bytevector=? result %data) (statuses (append pids1 pids2))))))

(test-equal "filtered-port: a program that does not exist exits 127"
  '(127)
  (let-values (((port pids)
                (filtered-port '("/nonexistent/program")
                               (open-file "/dev/null" "r0b"))))
    (close-port port)
    (statuses pids)))

(for-each
 (lambda (method)
   (test-assert (format #f "compressed-output-port then decompressed-port [~a]"
                        method)
     (call-with-temporary-directory
      (lambda (dir)
        (let ((file (string-append dir "/data")))
          (call-with-compressed-output-port method (open-file file "w0b")
            (lambda (port) (put-bytevector port %data)))
          (and (not (bytevector=? (call-with-input-file file get-bytevector-all
                                    #:binary #t)
                                  %data))
               (bytevector=? (call-with-decompressed-port method
                                 (open-file file "r0b")
                               get-bytevector-all)
                             %data)))))))
 '(gzip bzip2 xz lzip zstd))

(test-equal "compressed-port, decompressed-port of a bytevector port [xz]"
  #t
  (let*-values (((compressed pids1)
                 (compressed-port 'xz (open-bytevector-input-port %data)))
                ((bytes) (get-bytevector-all compressed))
                ((plain pids2)
                 (decompressed-port 'xz (open-bytevector-input-port bytes))))
    (let ((result (get-bytevector-all plain)))
      (close-port plain)
      (and (every zero? (statuses (append pids1 pids2)))
           (bytevector=? result %data)))))

(test-equal "no compression: the port itself, no process"
  '(#t ())
  (let ((port (open-bytevector-input-port %data)))
    (call-with-values (lambda () (decompressed-port 'none port))
      (lambda (result pids) (list (eq? result port) pids)))))

(test-assert "an unknown compression method is refused, naming the known ones"
  (catch 'wrong-type-arg
    (lambda () (compressed-port 'rar (open-bytevector-input-port %data)) #f)
    (lambda (key who message args rest)
      (string-contains (apply format #f message args) "gzip, bzip2"))))

(test-assert "call-with-decompressed-port: corrupt input is an error"
  (call-with-temporary-directory
   (lambda (dir)
     (write-file (string-append dir "/bad") "not gzip at all")
     (catch 'misc-error
       (lambda ()
         (call-with-decompressed-port 'gzip
             (open-file (string-append dir "/bad") "r0b")
           get-bytevector-all)
         #f)
       (lambda (key who message args . rest)
         (string-contains (apply format #f message args)
                          "decompression failed"))))))

(test-equal "canonical-newline-port: CRLF and lone CR read as LF"
  "one\ntwo\nthree\n\nfour"
  (get-string-all
   (canonical-newline-port (open-input-string "one\r\ntwo\rthree\n\r\nfour"))))

;;; Base32.

(test-equal "RFC 4648 base32, as Guix writes it (lower case, no padding)"
  '("" "my" "mzxw6" "mzxw6ytboi" "74")
  (map bytevector->base32-string
       (append (map string->utf8 '("" "f" "foo" "foobar"))
               (list #vu8(255)))))

(test-assert "RFC 4648 base32 round trip over 0 to 40 random bytes"
  (every (lambda (n)
           (let ((bv (u8-list->bytevector
                      (map (lambda (_) (random 256)) (iota n)))))
             (equal? bv (base32-string->bytevector
                         (bytevector->base32-string bv)))))
         (iota 41)))

(test-equal "&invalid-base32-character: the character and the string"
  '((#\e "0e") (#\= "my======") (#\M "MY"))
  (map (match-lambda
         ((decode string)
          (guard (c ((invalid-base32-character? c)
                     (list (invalid-base32-character-value c)
                           (invalid-base32-character-string c))))
            (decode string))))
       (list (list nix-base32-string->bytevector "0e")
             (list base32-string->bytevector "my======")
             (list base32-string->bytevector "MY"))))

(test-end/exit "utils")
