;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Tests of (byre utils) and its façade (guix utils).

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-64)
             (ice-9 textual-ports)
             (byre utils))

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

(test-end/exit "utils")
