;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Tests of (guix build utils): the helpers build code uses.

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-11)
             (srfi srfi-34)
             (srfi srfi-35)
             (srfi srfi-64)
             (ice-9 match)
             (ice-9 popen)
             (ice-9 rdelim)
             (rnrs bytevectors)
             (rnrs io ports)
             (guix build utils))

;; Each test works in a directory of its own under this one, removed at
;; the end whatever happens.
(define %top
  (let ((template (string-append (or (getenv "TMPDIR") "/tmp")
                                 "/byre-build-utils.XXXXXX")))
    (mkdtemp template)))

(define counter 0)
(define (fresh-directory)
  "Return a new empty directory under %TOP."
  (set! counter (+ 1 counter))
  (let ((dir (string-append %top "/" (number->string counter))))
    (mkdir dir)
    dir))

(define (write-file file content)
  (call-with-output-file file (lambda (port) (display content port))))

(define (read-file file)
  (call-with-input-file file get-string-all))

(define (command-output program . args)
  "Run PROGRAM with ARGS and return its standard output."
  (let* ((port (apply open-pipe* OPEN_READ program args))
         (output (get-string-all port)))
    (close-pipe port)
    output))

(define (with-environment variable value thunk)
  (let ((old (getenv variable)))
    (dynamic-wind
      (lambda () (setenv variable value))
      thunk
      (lambda () (if old (setenv variable old) (unsetenv variable))))))

(define (scandir* dir)
  (sort (filter (lambda (n) (not (member n '("." ".."))))
                (let ((d (opendir dir)))
                  (let loop ((names '()))
                    (let ((n (readdir d)))
                      (if (eof-object? n)
                          (begin (closedir d) names)
                          (loop (cons n names)))))))
        string<?))

(test-begin "build-utils")

;;; Store file names and package names.

(test-equal "strip-store-file-name"
  "foo-1.2/bin/foo"
  (with-environment "NIX_STORE" "/gnu/store"
    (lambda ()
      (strip-store-file-name
       "/gnu/store/0123456789abcdfghijklmnpqrsvwxyz-foo-1.2/bin/foo"))))

(test-equal "%store-directory and store-file-name? follow NIX_STORE"
  '("/x/store" #t #f)
  (with-environment "NIX_STORE" "/x/store"
    (lambda ()
      (list (%store-directory)
            (store-file-name? "/x/store/abc-foo")
            (store-file-name? "/x/storex/abc-foo")))))

(test-equal "package-name->name+version"
  '(("foo" "0.9.1b") ("guile-json" "4.7") ("bar" #f) ("guile" "3.0"))
  (list (call-with-values (lambda () (package-name->name+version "foo-0.9.1b"))
          list)
        (call-with-values
            (lambda () (package-name->name+version "guile-json-4.7"))
          list)
        (call-with-values (lambda () (package-name->name+version "bar"))
          list)
        (call-with-values
            (lambda () (package-name->name+version "guile@3.0" #\@))
          list)))

(test-assert "parallel-job-count is a positive integer"
  (and (integer? (parallel-job-count)) (positive? (parallel-job-count))))

;;; Files.

(test-equal "mkdir-p creates parents and accepts an existing directory"
  '(#t #t)
  (let ((dir (fresh-directory)))
    (mkdir-p (string-append dir "/a/b/c"))
    (mkdir-p (string-append dir "/a/b/c"))
    (list (directory-exists? (string-append dir "/a/b/c"))
          (with-directory-excursion dir
            (mkdir-p "x/y")
            (directory-exists? "x/y")))))

(test-assert "mkdir-p fails on a file in the way"
  (let ((dir (fresh-directory)))
    (write-file (string-append dir "/f") "")
    (catch 'system-error
      (lambda () (mkdir-p (string-append dir "/f/g")) #f)
      (const #t))))

(test-equal "with-directory-excursion restores the directory on a throw"
  (getcwd)
  (let ((dir (fresh-directory)))
    (catch 'oops
      (lambda ()
        (with-directory-excursion dir
          (throw 'oops)))
      (const #f))
    (getcwd)))

(test-equal "directory-exists?, executable-file?, symbolic-link?"
  '(#t #f #t #f #t #f)
  (let ((dir (fresh-directory)))
    (write-file (string-append dir "/x") "")
    (chmod (string-append dir "/x") #o755)
    (write-file (string-append dir "/y") "")
    (symlink "x" (string-append dir "/l"))
    (list (directory-exists? dir)
          (directory-exists? (string-append dir "/x"))
          (executable-file? (string-append dir "/x"))
          (executable-file? (string-append dir "/y"))
          (symbolic-link? (string-append dir "/l"))
          (symbolic-link? (string-append dir "/x")))))

(test-equal "install-file and make-file-writable"
  '("hello" #o644)
  (let ((dir (fresh-directory)))
    (write-file (string-append dir "/f") "hello")
    (chmod (string-append dir "/f") #o444)
    (install-file (string-append dir "/f") (string-append dir "/share/doc"))
    (let ((copy (string-append dir "/share/doc/f")))
      (make-file-writable copy)
      (list (read-file copy) (stat:perms (stat copy))))))

(test-equal "call-with-ascii-input-file reads bytes as characters"
  '(255 0 1)
  (let ((file (string-append (fresh-directory) "/bin")))
    (call-with-output-file file
      (lambda (port) (put-bytevector port #vu8(255 0 1)))
      #:binary #t)
    (call-with-ascii-input-file file
      (lambda (port)
        (map char->integer (string->list (get-string-all port)))))))

(test-equal "elf-file?, ar-file?, gzip-file?"
  '((#t #f #f) (#f #t #f) (#f #f #t) (#f #f #f))
  (let ((dir (fresh-directory)))
    (define (make name bytes)
      (let ((file (string-append dir "/" name)))
        (call-with-output-file file
          (lambda (port) (put-bytevector port bytes))
          #:binary #t)
        file))
    (map (lambda (file)
           (list (elf-file? file) (ar-file? file) (gzip-file? file)))
         (list (make "elf" #vu8(#x7f #x45 #x4c #x46 2 1))
               (make "ar" (string->utf8 "!<arch>\nfoo"))
               (make "gz" #vu8(#x1f #x8b 8 0 1 2 3 4 0 3))
               (make "short" #vu8(#x7f))))))

(test-equal "reset-gzip-timestamp clears the header's time and keeps mtime"
  '(#t #vu8(#x1f #x8b 8 0 0 0 0 0 0 3) 1234 #f)
  (let* ((dir (fresh-directory))
         (file (string-append dir "/f.gz"))
         (other (string-append dir "/other")))
    (call-with-output-file file
      (lambda (port) (put-bytevector port #vu8(#x1f #x8b 8 0 1 2 3 4 0 3)))
      #:binary #t)
    (utime file 1234 1234)
    (write-file other "plain")
    (list (reset-gzip-timestamp file)
          (call-with-input-file file get-bytevector-all #:binary #t)
          (stat:mtime (stat file))
          (reset-gzip-timestamp other))))

(test-equal "set-file-time"
  '(100 200)
  (let ((file (string-append (fresh-directory) "/f")))
    (write-file file "")
    (set-file-time file (let ((s (stat file)))
                          (vector-set! s 8 100) ; atime
                          (vector-set! s 9 200) ; mtime
                          s))
    (let ((s (stat file)))
      (list (stat:atime s) (stat:mtime s)))))

(test-equal "dump-port copies everything and reports progress"
  '(100000 #t)
  (let* ((data (make-bytevector 100000 7))
         (in (open-bytevector-input-port data))
         (totals '()))
    (let-values (((out get) (open-bytevector-output-port)))
      (dump-port in out #:buffer-size 4096
                 #:progress (lambda (total continue)
                              (set! totals (cons total totals))
                              (continue)))
      (let ((copied (get)))
        (list (bytevector-length copied)
              (and (bytevector=? copied data)
                   (= 100000 (first totals))))))))

;;; Copying and deleting trees.

(define (make-tree dir)
  "Fill DIR with a small tree: files with various modes, a symlink, an
empty directory and a read-only directory."
  (mkdir-p (string-append dir "/sub/deeper"))
  (mkdir-p (string-append dir "/empty"))
  (mkdir-p (string-append dir "/ro"))
  (write-file (string-append dir "/a") "a")
  (write-file (string-append dir "/run") "#!/bin/sh\n")
  (chmod (string-append dir "/run") #o755)
  (write-file (string-append dir "/sub/b") "b")
  (chmod (string-append dir "/sub/b") #o600)
  (write-file (string-append dir "/sub/deeper/c") "c")
  (write-file (string-append dir "/ro/d") "d")
  (chmod (string-append dir "/ro") #o555)
  (symlink "../a" (string-append dir "/sub/link-to-a"))
  (symlink "/nonexistent/target" (string-append dir "/dangling")))

(test-equal "copy-recursively keeps symlinks and permissions"
  '(("a" "dangling" "empty" "ro" "run" "sub")
    "../a" "/nonexistent/target" #o755 #o600 #o555 "d" "c")
  (let* ((dir (fresh-directory))
         (src (string-append dir "/src"))
         (dst (string-append dir "/dst")))
    (make-tree src)
    (copy-recursively src dst #:log #f)
    (list (scandir* dst)
          (readlink (string-append dst "/sub/link-to-a"))
          (readlink (string-append dst "/dangling"))
          (stat:perms (stat (string-append dst "/run")))
          (stat:perms (stat (string-append dst "/sub/b")))
          (stat:perms (stat (string-append dst "/ro")))
          (read-file (string-append dst "/ro/d"))
          (read-file (string-append dst "/sub/deeper/c")))))

(test-equal "copy-recursively: follow-symlinks?, keep-mtime?, select?, log"
  '(#f "a" 4242 ("a" "run" "sub") #t)
  (let* ((dir (fresh-directory))
         (src (string-append dir "/src"))
         (dst (string-append dir "/dst"))
         (log (open-output-string)))
    (make-tree src)
    (delete-file (string-append src "/dangling"))
    (utime (string-append src "/sub/b") 4242 4242)
    (copy-recursively src dst
                      #:log log
                      #:follow-symlinks? #t
                      #:keep-mtime? #t
                      #:select? (lambda (file stat)
                                  (not (member (basename file)
                                               '("ro" "empty")))))
    (list (symbolic-link? (string-append dst "/sub/link-to-a"))
          (read-file (string-append dst "/sub/link-to-a"))
          (stat:mtime (stat (string-append dst "/sub/b")))
          (scandir* dst)
          (and (string-contains (get-output-string log)
                                (string-append "`" src "/a' -> `" dst "/a'"))
               #t))))

(test-equal "copy-recursively with a custom #:copy-file"
  "copied by hand"
  (let* ((dir (fresh-directory))
         (src (string-append dir "/src"))
         (dst (string-append dir "/dst")))
    (mkdir src)
    (write-file (string-append src "/f") "original")
    (copy-recursively src dst
                      #:log #f
                      #:copy-file (lambda (from to)
                                    (write-file to "copied by hand")))
    (read-file (string-append dst "/f"))))

(test-equal "delete-file-recursively does not follow symlinks"
  '(#f #t "precious")
  (let* ((dir (fresh-directory))
         (victim (string-append dir "/victim"))
         (keep (string-append dir "/keep")))
    (mkdir keep)
    (write-file (string-append keep "/file") "precious")
    (make-tree victim)
    ;; As with `rm -rf', a read-only directory's entries stay unless the
    ;; user is root; this test is about symlinks.
    (chmod (string-append victim "/ro") #o755)
    (symlink keep (string-append victim "/sub/link-to-keep"))
    (symlink (string-append keep "/file")
             (string-append victim "/link-to-file"))
    (delete-file-recursively victim)
    (list (file-exists? victim)
          (directory-exists? keep)
          (read-file (string-append keep "/file")))))

(test-equal "delete-file-recursively on a symlink deletes the link only"
  '(#f #t)
  (let* ((dir (fresh-directory))
         (target (string-append dir "/target"))
         (link (string-append dir "/link")))
    (mkdir target)
    (write-file (string-append target "/f") "")
    (symlink target link)
    (delete-file-recursively link)
    (list (false-if-exception (lstat link))
          (file-exists? (string-append target "/f")))))

(test-assert "delete-file-recursively reports a missing directory"
  (let ((err (open-output-string)))
    (with-error-to-port err
      (lambda ()
        (delete-file-recursively (string-append %top "/does-not-exist"))))
    (string-contains (get-output-string err) "does-not-exist")))

;;; Finding files and programs.

(test-equal "find-files with a regexp, a predicate, directories?"
  '(("ro/d" "sub/b" "sub/deeper/c")
    ("run")
    ("" "/empty" "/ro" "/sub" "/sub/deeper")
    ("/dangling" "/sub/link-to-a")
    (("dangling" . symlink) ("link-to-a" . regular)))
  (let* ((dir (fresh-directory))
         (relative (lambda (files)
                     (map (lambda (f) (string-drop f (string-length dir)))
                          files))))
    (make-tree dir)
    (list (map (lambda (f) (string-drop f (+ 1 (string-length dir))))
               (find-files dir "^[bcd]$"))
          (map basename
               (find-files dir (lambda (file stat)
                                 (and (eq? 'regular (stat:type stat))
                                      (executable-file? file)))))
          (relative (find-files dir (lambda (file stat)
                                      (eq? 'directory (stat:type stat)))
                                #:directories? #t))
          (relative (find-files dir (lambda (file stat)
                                      (eq? 'symlink (stat:type stat)))))
          ;; With `stat', links are followed: a regular file, and the
          ;; dangling link as itself.
          (let ((seen '()))
            (find-files dir (lambda (file stat)
                              (when (member (basename file)
                                            '("link-to-a" "dangling"))
                                (set! seen (cons (cons (basename file)
                                                       (stat:type stat))
                                                 seen)))
                              #f)
                        #:stat stat)
            (sort seen (lambda (a b) (string<? (car a) (car b))))))))

(test-equal "find-files: file-name-predicate, sorted, missing directory"
  '(#t ("x1" "x2" "x3") ())
  (let ((dir (fresh-directory)))
    (for-each (lambda (n) (write-file (string-append dir "/" n) ""))
              '("x3" "x1" "y" "x2"))
    (list (procedure? (file-name-predicate "^x"))
          (map basename (find-files dir (file-name-predicate "^x")))
          (with-error-to-port (open-output-string)
            (lambda ()
              (find-files (string-append dir "/missing")))))))

(test-assert "find-files #:fail-on-error? raises"
  (catch 'system-error
    (lambda ()
      (find-files (string-append %top "/missing") #:fail-on-error? #t)
      #f)
    (const #t)))

(test-equal "which"
  '(#t #f)
  (let ((sh (which "sh")))
    (list (and (string? sh) (string-prefix? "/" sh) (executable-file? sh))
          (which "no-such-program-anywhere"))))

(test-equal "search-input-file and search-input-directory"
  '(#t #t #t #t)
  (let* ((dir (fresh-directory))
         (in1 (string-append dir "/in1"))
         (in2 (string-append dir "/in2")))
    (mkdir-p (string-append in1 "/lib/perl5"))
    (mkdir-p (string-append in2 "/bin"))
    (write-file (string-append in2 "/bin/sh") "")
    (let ((inputs `(("one" . ,in1) ("two" . ,in2))))
      (list (string=? (search-input-file inputs "bin/sh")
                      (string-append in2 "/bin/sh"))
            (string=? (search-input-directory inputs "lib/perl5")
                      (string-append in1 "/lib/perl5"))
            (guard (c ((search-error? c)
                       (and (string=? "bin/bash" (search-error-file c))
                            (equal? (list in1 in2) (search-error-path c)))))
              (search-input-file inputs "bin/bash")
              #f)
            ;; A directory is not a file, and a file not a directory.
            (guard (c ((search-error? c) #t))
              (search-input-file inputs "lib/perl5")
              #f)))))

(test-equal "search paths"
  '(("a" "b" "c") () "a:b" "a" "" ("/in2/lib/pkgconfig")
    ("/in1/xml/catalog.xml" "/in2/xml/sub/catalog.xml"))
  (let* ((dir (fresh-directory))
         (in1 (string-append dir "/in1"))
         (in2 (string-append dir "/in2"))
         (strip (lambda (files)
                  (map (lambda (f) (string-drop f (string-length dir)))
                       files))))
    (mkdir-p (string-append in2 "/lib/pkgconfig"))
    (mkdir-p (string-append in1 "/xml"))
    (mkdir-p (string-append in2 "/xml/sub"))
    (write-file (string-append in1 "/xml/catalog.xml") "")
    (write-file (string-append in2 "/xml/sub/catalog.xml") "")
    (list (search-path-as-string->list "a::b:c")
          (search-path-as-string->list #f)
          (list->search-path-as-string '("a" "b") ":")
          (list->search-path-as-string '("a" "b") #f)
          (list->search-path-as-string '() ":")
          (strip (search-path-as-list '("lib/pkgconfig") (list in1 in2)))
          (strip (search-path-as-list '("xml") (list in1 in2)
                                      #:type 'regular
                                      #:pattern "^catalog\\.xml$")))))

(test-equal "set-path-environment-variable sets and unsets"
  '("/in/share/x" #f)
  (let* ((dir (fresh-directory))
         (in (string-append dir "/in")))
    (mkdir-p (string-append in "/share/x"))
    (with-output-to-port (open-output-string)
      (lambda ()
        (set-path-environment-variable "BYRE_TEST_PATH" '("share/x")
                                       (list in))
        (let ((set (string-drop (getenv "BYRE_TEST_PATH")
                                (string-length dir))))
          (set-path-environment-variable "BYRE_TEST_PATH" '("share/y")
                                         (list in))
          (list set (getenv "BYRE_TEST_PATH")))))))

(test-equal "symlink-relative"
  '("../share/data" "data")
  (let ((dir (fresh-directory)))
    (mkdir-p (string-append dir "/share"))
    (mkdir-p (string-append dir "/bin"))
    (write-file (string-append dir "/share/data") "data")
    (symlink-relative (string-append dir "/share/data")
                      (string-append dir "/bin/data"))
    (list (readlink (string-append dir "/bin/data"))
          (read-file (string-append dir "/bin/data")))))

;;; Phases.

(test-equal "alist-cons-before, alist-cons-after, alist-replace"
  '(((a . 1) (x . 9) (b . 2))
    ((a . 1) (b . 2) (x . 9))
    ((a . 1) (b . 2) (x . 9))
    ((a . 1) (b . 7))
    #t)
  (let ((alist '((a . 1) (b . 2))))
    (list (alist-cons-before 'b 'x 9 alist)
          (alist-cons-after 'b 'x 9 alist)
          (alist-cons-after 'missing 'x 9 alist)
          (alist-replace 'b 7 alist)
          (catch #t
            (lambda () (alist-replace 'missing 7 alist) #f)
            (const #t)))))

(test-equal "modify-phases"
  '(unpack set-cc build install wrap)
  (let ((phases `((unpack . ,(const 1))
                  (configure . ,(const 2))
                  (build . ,(const 3))
                  (check . ,(const 4))
                  (install . ,(const 5)))))
    (map car
         (modify-phases phases
           (delete 'check)
           (replace 'configure (const 'replaced))
           (add-before 'build 'set-cc (const 'cc))
           (add-after 'install 'wrap (const 'wrapped))
           (delete 'configure)))))

(test-equal "modify-phases: replace and add run the new procedures"
  '(a new b)
  (let ((phases (modify-phases `((a . ,(const 'a)) (b . ,(const 'old)))
                  (replace 'b (const 'b))
                  (add-after 'a 'new (const 'new)))))
    (map (lambda (phase) ((cdr phase))) phases)))

(test-equal "every* applies the predicate to all elements"
  '(#f 3 #t)
  (let ((calls 0))
    (define (pred x) (set! calls (+ 1 calls)) (odd? x))
    (let ((result (every* pred '(1 2 3))))
      (list result calls (every* odd? '(1 3 5))))))

;;; Running programs.

(test-assert "invoke returns #t on success"
  (invoke "true"))

(test-equal "invoke raises an &invoke-error with the exit status"
  '("sh" ("-c" "exit 3") 3 #f #f)
  (guard (c ((invoke-error? c)
             (list (invoke-error-program c)
                   (invoke-error-arguments c)
                   (invoke-error-exit-status c)
                   (invoke-error-term-signal c)
                   (invoke-error-stop-signal c))))
    (invoke "sh" "-c" "exit 3")))

(test-equal "invoke raises an &invoke-error with the terminating signal"
  (list #f SIGTERM)
  (guard (c ((invoke-error? c)
             (list (invoke-error-exit-status c)
                   (invoke-error-term-signal c))))
    (invoke "sh" "-c" "kill -TERM $$")))

(test-equal "report-invoke-error"
  '("command \"sh\" \"-c\" \"exit 3\" failed with status 3\n"
    "command \"sh\" \"-c\" \"kill -KILL $$\" terminated by signal 9\n")
  (map (lambda (script)
         (guard (c ((invoke-error? c)
                    (call-with-output-string
                      (lambda (port) (report-invoke-error c port)))))
           (invoke "sh" "-c" script)))
       '("exit 3" "kill -KILL $$")))

(test-equal "invoke/quiet: silent on success, output in the error otherwise"
  '("" #t #t 4)
  (let ((out (open-output-string)))
    (with-output-to-port out
      (lambda ()
        (invoke/quiet "sh" "-c" "echo hidden; echo hidden too >&2")))
    (list (get-output-string out)
          #t
          (guard (c ((and (message-condition? c) (invoke-error? c))
                     (and (string-contains (condition-message c) "to stdout")
                          (string-contains (condition-message c) "to stderr")
                          #t)))
            (invoke/quiet "sh" "-c"
                          "echo to stdout; echo to stderr >&2; exit 4"))
          (guard (c ((invoke-error? c) (invoke-error-exit-status c)))
            (invoke/quiet "sh" "-c" "exit 4")))))

;;; Editing files.

(test-equal "substitute* with several clauses and match variables"
  "CC = gcc\nprefix = /out/usr\nLIBS = -lfoo-2 -lbar-3\nunchanged\n"
  (let ((file (string-append (fresh-directory) "/Makefile")))
    (write-file file
                "CC = cc\nprefix = /usr/local\nLIBS = -lfoo -lbar\nunchanged\n")
    (substitute* file
      (("^CC = .*$") "CC = gcc\n")
      (("/usr/(local)" all local)
       (string-append "/out/usr" (if (string=? all "/usr/local") "" local)))
      (("-l(foo|bar)" _ name)
       (string-append "-l" name "-"
                      (if (string=? name "foo") "2" "3"))))
    (read-file file)))

(test-equal "substitute* on a list of files, keeping permissions"
  '("one X\n" "two X\n" #o750)
  (let* ((dir (fresh-directory))
         (files (list (string-append dir "/1") (string-append dir "/2"))))
    (write-file (first files) "one x\n")
    (write-file (second files) "two x\n")
    (chmod (second files) #o750)
    (substitute* files (("x") "X"))
    (list (read-file (first files))
          (read-file (second files))
          (stat:perms (stat (second files))))))

(test-equal "substitute* raises when a pattern matches nothing"
  '("f" ("nomatch") "abc\n")
  (let ((file (string-append (fresh-directory) "/f")))
    (write-file file "abc\n")
    (guard (c ((substitute-error? c)
               (list (basename (substitute-error-file c))
                     (substitute-error-unmatched-regexps c)
                     (read-file file))))
      (substitute* file
        (("a") "A")
        (("nomatch") "x")))))

(test-equal "substitute* #:require-matches? #f"
  "Abc\n"
  (let ((file (string-append (fresh-directory) "/f")))
    (write-file file "abc\n")
    (substitute* file
      (("a") "A")
      (("nomatch") "x")
      #:require-matches? #f)
    (read-file file)))

(test-equal "substitute with procedures"
  "1: hello\n2: world\n"
  (let ((file (string-append (fresh-directory) "/f"))
        (n 0))
    (write-file file "hello\nworld\n")
    (substitute file
                `(("^" . ,(lambda (line matches)
                            (set! n (+ 1 n))
                            (string-append (number->string n) ": " line)))))
    (read-file file)))

(test-equal "patch-shebang uses the interpreter in PATH and keeps mtime"
  (list (string-append "#!" (which "sh") " -e\necho hi\n")
        (string-append "#!" (which "sh") "\n")
        1234
        #f)
  (let* ((dir (fresh-directory))
         (script (string-append dir "/script"))
         (env-script (string-append dir "/env-script"))
         (binary (string-append dir "/binary")))
    (write-file script "#!/bin/sh -e\necho hi\n")
    (write-file env-script "#!/usr/bin/env sh\n")
    (write-file binary "\x7fELF")
    (chmod script #o755)
    (utime script 1234 1234)
    (with-error-to-port (open-output-string)
      (lambda ()
        (patch-shebang script)
        (patch-shebang env-script)))
    (list (read-file script)
          (read-file env-script)
          (stat:mtime (stat script))
          (patch-shebang binary))))

(test-equal "patch-makefile-SHELL"
  (string-append "SHELL = " (which "sh") "\nall:\n")
  (let ((file (string-append (fresh-directory) "/Makefile")))
    (write-file file "SHELL = /bin/sh\nall:\n")
    (patch-makefile-SHELL file)
    (read-file file)))

(test-equal "fold-port-matches, including a match inside a partial one"
  '(("ab" "ab") "xay.")
  (let ((unmatched '()))
    (list (reverse
           (fold-port-matches cons '() "ab"
                              (open-input-string "xaaby.ab")
                              (lambda (c result)
                                (set! unmatched (cons c unmatched))
                                result)))
          (list->string (reverse unmatched)))))

(test-equal "fold-port-matches with char-sets"
  '("a1" "b2")
  (reverse (fold-port-matches cons '()
                              (list char-set:letter char-set:digit)
                              (open-input-string "a1-b2-c"))))

(test-equal "remove-store-references"
  (list #t
        "x /gnu/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-foo/bin y\n"
        #f)
  (let ((file (string-append (fresh-directory) "/f")))
    (write-file file
                "x /gnu/store/0123456789abcdfghijklmnpqrsvwxyz-foo/bin y\n")
    (list (remove-store-references file "/gnu/store")
          (read-file file)
          (remove-store-references file "/other/store"))))

;;; Wrappers.

(test-equal "wrap-program: the wrapper sets the variables and runs PROG"
  '("/extra/bin:/usr/bin:/bin" "/set" "/base:/more" "arg1 arg2")
  (let* ((dir (fresh-directory))
         (prog (string-append dir "/prog")))
    (write-file prog "#!/bin/sh
echo \"$PATH\"; echo \"$SET_ME\"; echo \"$SUFFIXED\"; echo \"$@\"\n")
    (chmod prog #o755)
    (wrap-program prog
                  #:sh (which "bash")
                  '("PATH" prefix ("/extra/bin"))
                  '("SET_ME" = ("/set"))
                  '("SUFFIXED" ":" suffix ("/more")))
    (with-environment "PATH" "/usr/bin:/bin"
      (lambda ()
        (with-environment "SUFFIXED" "/base"
          (lambda ()
            (string-split (string-trim-right
                           (command-output prog "arg1" "arg2"))
                          #\newline)))))))

(test-equal "wrap-program twice extends the wrapper"
  '(#t "/first" "/second")
  (let* ((dir (fresh-directory))
         (prog (string-append dir "/prog")))
    (write-file prog "#!/bin/sh\necho \"$A\"; echo \"$B\"\n")
    (chmod prog #o755)
    (wrap-program prog #:sh (which "sh") '("A" = ("/first")))
    (wrap-program prog #:sh (which "sh") '("B" = ("/second")))
    (cons (file-exists? (string-append dir "/.prog-real"))
          (string-split (string-trim-right (command-output prog))
                        #\newline))))

(test-assert "wrap-program rejects a bad specification"
  (let ((prog (string-append (fresh-directory) "/prog")))
    (write-file prog "#!/bin/sh\n")
    (guard (c ((wrap-error? c) #t))
      (wrap-program prog #:sh "/bin/sh" '("PATH" sideways ("/x")))
      #f)))

(test-equal "wrap-script: the script wraps itself"
  '("/extra" "one two")
  (let* ((dir (fresh-directory))
         (prog (string-append dir "/script")))
    (write-file prog "#!/bin/sh\necho \"$WRAPPED\"\necho \"$@\"\n")
    (chmod prog #o755)
    (wrap-script prog
                 #:guile (or (which "guile") "guile")
                 '("WRAPPED" = ("/extra")))
    (string-split (string-trim-right (command-output prog "one" "two"))
                  #\newline)))

(test-equal "wrap-script keeps a second-line encoding declaration on its second line"
  ;; Bug 16: Python reads "coding" only on the first two lines.
  '("#!#; # vim:fileencoding=utf-8" "# vim:fileencoding=utf-8" "ok")
  (let* ((dir (fresh-directory))
         (prog (string-append dir "/script")))
    (write-file prog "#!/bin/sh\n# vim:fileencoding=utf-8\necho ok\n")
    (chmod prog #o755)
    (wrap-script prog #:guile (or (which "guile") "guile") '("X" = ("1")))
    (let ((lines (string-split (call-with-input-file prog get-string-all)
                               #\newline)))
      (list (list-ref lines 1)
            (find (lambda (line) (string=? "# vim:fileencoding=utf-8" line)) (drop lines 4))
            (string-trim-right (command-output prog))))))

(test-equal "wrap-script: a second line that is not an encoding declaration"
  "#!#; Guix wrapper"
  (let* ((dir (fresh-directory))
         (prog (string-append dir "/script")))
    (write-file prog "#!/bin/sh\n# a comment that says nothing of encodings\necho ok\n")
    (chmod prog #o755)
    (wrap-script prog #:guile (or (which "guile") "guile") '("X" = ("1")))
    (list-ref (string-split (call-with-input-file prog get-string-all) #\newline)
              1)))

;; Read-only directories made by the copy tests would keep their entries.
(for-each (lambda (dir) (chmod dir #o755))
          (find-files %top (lambda (file stat)
                             (eq? 'directory (stat:type stat)))
                      #:directories? #t))
(delete-file-recursively %top)
(test-end/exit "build-utils")
