;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (byre host): the host guile's file closure, and a container that holds
;;; exactly that closure.  Run as root and as an unprivileged user.

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-64)
             (ice-9 match)
             (byre host)
             (byre container)
             (byre file-systems))

(define supported?
  (if (zero? (getuid))
      (user-namespace-supported?)
      (unprivileged-user-namespace-supported?)))

(define closure (host-guile-closure))
(define guile (host-guile-program))
(define mounts (closure->file-systems closure))

(define (entry kind path)
  (find (match-lambda
          ((k p . _) (and (eq? k kind) (string=? p path))))
        closure))

(define (guile-in-container expression)
  ;; The exit value of guile -c EXPRESSION run in a container that holds
  ;; only the host guile's closure, with an empty environment.
  (status:exit-val
   (run-program-in-container (list guile "--no-auto-compile" "-c" expression)
                             #:mounts mounts)))

(test-begin "host")

(test-assert "the closure is sorted and each path appears once"
  (let ((paths (map closure-entry-path closure)))
    (and (equal? paths (sort paths string<?))
         (equal? paths (delete-duplicates paths)))))

(test-assert "the program, libguile by its soname link and the file behind it"
  (and (entry 'file (canonicalize-path guile))
       (any (match-lambda
              (('symlink path target)
               (and (string-suffix? "/libguile-3.0.so.1" path)
                    (entry 'file (canonicalize-path path))))
              (_ #f))
            closure)))

(test-assert "the interpreter and merged /usr's links"
  (call-with-values (lambda () (elf-dependencies (canonicalize-path guile)))
    (lambda (interpreter needed search-path)
      (and (entry 'file (canonicalize-path interpreter))
           (member "libc.so.6" needed)
           (or (not (eq? 'symlink (stat:type (lstat "/lib64"))))
               (entry 'symlink "/lib64"))))))

(test-assert "gconv and the module directories are bound whole"
  (and (any (match-lambda
              (('directory path) (string-suffix? "/gconv" path))
              (_ #f))
            closure)
       (every (lambda (dir)
                (any (match-lambda
                       (('directory path)
                        (or (string=? path dir)
                            (string-prefix? (string-append path "/") dir)))
                       (_ #f))
                     closure))
              (map canonicalize-path (host-guile-directories)))))

(test-assert "nothing is listed beneath a listed directory"
  (every (match-lambda
           (('directory dir)
            (not (any (lambda (e)
                        (string-prefix? (string-append dir "/") (closure-entry-path e)))
                      closure)))
           (_ #t))
         closure))

(test-equal "closure-symlinks"
  (filter-map (match-lambda
                (('symlink path target) (cons path target))
                (_ #f))
              closure)
  (closure-symlinks closure))

(test-assert "the closure is computed once"
  (eq? closure (host-guile-closure)))

(define text-file
  (let ((port (mkstemp (string-append (or (getenv "TMPDIR") "/tmp")
                                      "/byre-host.XXXXXX"))))
    (let ((name (port-filename port)))
      (display "not ELF\n" port)
      (close-port port)
      name)))

(test-equal "file-closure of a file that is not ELF is the file"
  `((file ,text-file))
  (file-closure (list text-file)))

(test-assert "a file that is not there is an error"
  (catch 'system-error
    (lambda () (file-closure '("/no/such/file")) #f)
    (lambda args (= ENOENT (system-error-errno args)))))

(test-assert "elf-dependencies of a file that is not ELF is an error"
  (catch #t
    (lambda () (elf-dependencies text-file) #f)
    (lambda (key subr format args . rest)
      (string-contains (apply simple-format #f format args) "not an ELF file"))))

(skip-unless supported? "user namespaces are not available to this user")
(test-equal "the host guile runs with only its closure"
  42
  (guile-in-container "(exit 42)"))

(skip-unless supported? "no user namespaces")
(test-equal "nothing else of the host is visible: /usr/bin/ls does not exist"
  0
  (guile-in-container
   "(exit (if (or (file-exists? \"/usr/bin/ls\") (file-exists? \"/bin/sh\")) 1 0))"))

(skip-unless supported? "no user namespaces")
(test-equal "modules load: (ice-9 ftw) (srfi srfi-1) (ice-9 match)"
  7
  (guile-in-container
   "(use-modules (ice-9 ftw) (srfi srfi-1) (ice-9 match))
    (exit (match (filter (lambda (x) (string=? x \"bin\")) (scandir \"/usr\"))
            ((\"bin\") 7)
            (_ 1)))"))

(skip-unless supported? "no user namespaces")
(test-equal "/usr/bin holds only what the closure names there"
  0
  (let ((names (filter-map (lambda (fs)
                             (let ((target (file-system-mount-point fs)))
                               (and (string-prefix? "/usr/bin/" target)
                                    (basename target))))
                           mounts)))
    (guile-in-container
     (format #f "(use-modules (ice-9 ftw))
                 (exit (if (equal? (scandir \"/usr/bin\" (lambda (f) (not (member f '(\".\" \"..\")))))
                                   '~s)
                           0 1))"
             (sort names string<?)))))

(delete-file text-file)
;;; Directories the closure holds whole are bound once.

(define (make-tree root files links)
  ;; FILES and LINKS (NAME . TARGET) relative to ROOT.
  (for-each (lambda (file)
              (let ((path (string-append root "/" file)))
                (system* "mkdir" "-p" (dirname path))
                (call-with-output-file path (lambda (port) (display file port)))))
            files)
  (for-each (match-lambda
              ((name . target) (symlink target (string-append root "/" name))))
            links))

(test-equal "collapse-closure: directories held whole become one entry"
  '((directory "/a/full")
    (symlink "/a/part/link" "x")
    (file "/a/part/x")
    (file "/b/out/x")
    (file "/b/out/y"))
  (let* ((root (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-collapse.XXXXXX")))
         (at (lambda (path) (string-append root path))))
    (make-tree root
               '("a/full/x" "a/full/y" "a/full/sub/z" "a/part/x" "a/part/other"
                 "b/out/x" "b/out/y")
               '(("a/full/sub/link" . "z") ("a/part/link" . "x")))
    (let ((result (collapse-closure
                   (list (list 'file (at "/a/full/x")) (list 'file (at "/a/full/y"))
                         (list 'file (at "/a/full/sub/z"))
                         (list 'symlink (at "/a/full/sub/link") "z")
                         (list 'file (at "/a/part/x"))
                         (list 'symlink (at "/a/part/link") "x")
                         (list 'file (at "/b/out/x")) (list 'file (at "/b/out/y")))
                   #:under (list (at "/a")))))
      (system* "rm" "-rf" root)
      ;; The result without ROOT, in the order merge-closures sorts it.
      (sort (map (match-lambda
                   ((kind path . rest)
                    (cons* kind (string-drop path (string-length root)) rest)))
                 result)
            (lambda (a b) (string<? (cadr a) (cadr b)))))))

(test-assert "collapse-closure: a directory that is a symbolic link stays file by file"
  (let* ((root (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-collapse.XXXXXX")))
         (at (lambda (path) (string-append root path))))
    (make-tree root '("u/real/x") '(("u/alias" . "real")))
    (let ((result (collapse-closure (list (list 'file (at "/u/alias/x")))
                                    #:under (list (at "/u")))))
      (system* "rm" "-rf" root)
      (equal? result (list (list 'file (at "/u/alias/x")))))))

(skip-unless supported? "no user namespaces")
(test-equal "a container of a collapsed closure has the same files, fewer mounts"
  '(#t 0)
  (let* ((mounts* (closure-mounts closure)))
    (list (< (length mounts*) (length mounts))
          (status:exit-val
           (run-program-in-container (list guile "--no-auto-compile" "-c" "(exit 0)")
                                     #:mounts mounts*
                                     #:symlinks (closure-symlinks (collapse-closure closure)))))))

(test-end/exit "host")
