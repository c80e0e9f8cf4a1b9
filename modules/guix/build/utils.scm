;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (guix build utils): the helpers build code uses every day.
;;;
;;; This is not a façade over a (byre …) module but the implementation
;;; itself, and it must stay self-contained: build code imports it with
;;; `with-imported-modules', so it is copied into the store and loaded by the
;;; host guile inside a build container that sees nothing but the store.
;;; There is no byre extension and no other byre module in there, so this
;;; file may use Guile's own modules only.
;;;
;;; Written for byre after the documented behaviour of Guix's module of the
;;; same name, so that package code written for Guix runs unchanged:
;;;
;;;   (use-modules (guix build utils))
;;;   (mkdir-p "out/bin")
;;;   (with-directory-excursion "src"
;;;     (substitute* "Makefile"
;;;       (("^PREFIX = .*") "PREFIX = /out\n")
;;;       (("gcc-([0-9]+)" all version) (string-append "cc-" version))))
;;;   (invoke "make" "install")
;;;   (wrap-program "out/bin/tool" `("PATH" prefix ("/extra/bin")))

(define-module (guix build utils)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:use-module (ice-9 match)
  #:use-module (ice-9 regex)
  #:use-module (ice-9 rdelim)
  #:use-module (ice-9 format)
  #:use-module (ice-9 ftw)
  #:use-module (ice-9 threads)
  #:use-module (rnrs bytevectors)
  #:use-module (rnrs io ports)
  #:export (%store-directory
            store-file-name?
            strip-store-file-name
            package-name->name+version
            parallel-job-count

            directory-exists?
            executable-file?
            symbolic-link?
            call-with-ascii-input-file
            elf-file?
            ar-file?
            gzip-file?
            reset-gzip-timestamp
            with-directory-excursion
            mkdir-p
            install-file
            make-file-writable
            copy-recursively
            delete-file-recursively
            file-name-predicate
            find-files
            which
            symlink-relative
            set-file-time
            dump-port

            &search-error
            search-error?
            search-error-path
            search-error-file
            search-input-file
            search-input-directory

            search-path-as-list
            set-path-environment-variable
            search-path-as-string->list
            list->search-path-as-string

            every*
            alist-cons-before
            alist-cons-after
            alist-replace
            modify-phases

            &invoke-error
            invoke-error?
            invoke-error-program
            invoke-error-arguments
            invoke-error-exit-status
            invoke-error-term-signal
            invoke-error-stop-signal
            invoke
            report-invoke-error
            invoke/quiet

            with-atomic-file-replacement
            &substitute-error
            substitute-error?
            substitute-error-file
            substitute-error-unmatched-regexps
            substitute
            substitute*
            patch-shebang
            patch-makefile-SHELL
            fold-port-matches
            remove-store-references

            &wrap-error
            wrap-error?
            wrap-error-program
            wrap-error-reason
            wrap-program
            wrap-script))

;;; Commentary:
;;;
;;; Everything here works on plain file names and ports.  Errors that build
;;; code may want to catch are SRFI-35 conditions (`&invoke-error',
;;; `&substitute-error', `&search-error', `&wrap-error'), as in Guix, so
;;; that `guard' and `report-invoke-error' work the same way.
;;;
;;; Code:


;;;
;;; Store file names.
;;;

(define (%store-directory)
  "Return the store directory the build sees: $NIX_STORE, which the builder's
environment sets as Guix's daemon does, else $BYRE_STORE_DIR, else
\"/gnu/store\"."
  ;; Not (byre store-directory): no byre module exists inside a build.
  (or (getenv "NIX_STORE")
      (getenv "BYRE_STORE_DIR")
      "/gnu/store"))

(define (store-file-name? file)
  "Return true if FILE is a file name in the store."
  (string-prefix? (string-append (%store-directory) "/") file))

(define (strip-store-file-name file)
  "Return FILE, a store file name, without the store directory and the hash:
\"/gnu/store/…-foo-1.2/bin\" becomes \"foo-1.2/bin\"."
  (let* ((prefix (string-append (%store-directory) "/"))
         (base   (if (string-prefix? prefix file)
                     (string-drop file (string-length prefix))
                     file)))
    (match (string-index base #\-)
      (#f base)
      (dash (string-drop base (+ dash 1))))))

(define* (package-name->name+version name #:optional (delimiter #\-))
  "Given NAME, a package name like \"foo-0.9.1b\", return two values: \"foo\"
and \"0.9.1b\".  The first DELIMITER (a hyphen by default) followed by a
digit introduces the version.  When there is none, return NAME and #f."
  (let loop ((start 0))
    (match (string-index name delimiter start)
      (#f (values name #f))
      (index
       (if (and (< (+ index 1) (string-length name))
                (char-numeric? (string-ref name (+ index 1))))
           (values (string-take name index) (string-drop name (+ index 1)))
           (loop (+ index 1)))))))

(define parallel-job-count
  ;; The daemon tells builds how many cores they may use; "0" means all.
  (make-parameter
   (match (getenv "NIX_BUILD_CORES")
     (#f 1)
     ("0" (current-processor-count))
     (n (or (string->number n) 1)))))


;;;
;;; Files.
;;;

(define (directory-exists? dir)
  "Return #t if DIR exists and is a directory (after following symlinks)."
  (let ((s (stat dir #f)))
    (and s (eq? 'directory (stat:type s)))))

(define (executable-file? file)
  "Return #t if FILE exists and its owner may execute it."
  (let ((s (stat file #f)))
    (and s (not (zero? (logand (stat:mode s) #o100))))))

(define (symbolic-link? file)
  "Return #t if FILE is a symbolic link (it is not followed)."
  (let ((s (lstat file)))
    (eq? 'symlink (stat:type s))))

(define (call-with-ascii-input-file file proc)
  "Open FILE as an input port with one character per byte (Latin-1), call
PROC with it and return its result.  The port is closed when PROC returns
or exits non-locally.  Suitable for files that may hold any byte."
  (let ((port #f))
    (dynamic-wind
      (lambda () (set! port (open-file file "rb")))
      (lambda () (proc port))
      (lambda () (close-port port)))))

(define (file-header-predicate magic)
  "Return a predicate that says whether a file starts with the bytes of
MAGIC, a bytevector; unreadable and short files do not."
  (lambda (file)
    (false-if-exception
     (call-with-input-file file
       (lambda (port)
         (let ((header (get-bytevector-n port (bytevector-length magic))))
           (and (bytevector? header) (bytevector=? header magic))))
       #:binary #t))))

(define elf-file?
  (let ((elf? (file-header-predicate #vu8(#x7f #x45 #x4c #x46))))
    (lambda (file)
      "Return true if FILE starts with the ELF magic number."
      (elf? file))))

(define ar-file?
  (let ((ar? (file-header-predicate (string->utf8 "!<arch>\n"))))
    (lambda (file)
      "Return true if FILE is an ar archive (a static library)."
      (ar? file))))

(define gzip-file?
  (let ((gzip? (file-header-predicate #vu8(#x1f #x8b))))
    (lambda (file)
      "Return true if FILE starts with the gzip magic number."
      (gzip? file))))

(define* (reset-gzip-timestamp file #:key (keep-mtime? #t))
  "If FILE is a gzip file, set the time stamp in its header to zero, as
`gzip --no-name' would have, and return #t; otherwise return #f.  With
KEEP-MTIME?, FILE keeps its modification time."
  (and (gzip-file? file)
       (let ((before (stat file))
             (port (open-file file "r+b")))
         ;; Bytes 4 to 7 of the header are the time stamp (RFC 1952).
         (seek port 4 SEEK_SET)
         (put-bytevector port (make-bytevector 4 0))
         (close-port port)
         (when keep-mtime?
           (set-file-time file before))
         #t)))

(define-syntax-rule (with-directory-excursion dir body ...)
  "Run BODY with DIR as the current directory, and go back to the previous
one however BODY exits."
  (let ((init (getcwd)))
    (dynamic-wind
      (lambda () (chdir dir))
      (lambda () body ...)
      (lambda () (chdir init)))))

(define (mkdir-p dir)
  "Create directory DIR and its missing parents, like `mkdir -p'.  It is not
an error for DIR to exist already as a directory."
  (define absolute? (string-prefix? "/" dir))

  (let loop ((components (remove string-null? (string-split dir #\/)))
             (prefix (if absolute? "" ".")))
    (match components
      (() #t)
      ((head tail ...)
       (let ((path (if (and (not absolute?) (string=? prefix "."))
                       head
                       (string-append prefix "/" head))))
         (catch 'system-error
           (lambda () (mkdir path))
           (lambda args
             ;; Another process may create it meanwhile, so EEXIST is
             ;; fine as long as it is a directory in the end.
             (unless (and (= EEXIST (system-error-errno args))
                          (directory-exists? path))
               (apply throw args))))
         (loop tail path))))))

(define (install-file file directory)
  "Create DIRECTORY if it does not exist and copy FILE into it under the
same base name."
  (mkdir-p directory)
  (copy-file file (string-append directory "/" (basename file))))

(define (make-file-writable file)
  "Make FILE readable and writable by its owner; leave symlinks alone."
  (let ((s (lstat file)))
    (unless (eq? 'symlink (stat:type s))
      (chmod file (logior #o600 (stat:perms s))))))

(define (set-file-time file stat)
  "Set the access and modification times of FILE to those recorded in STAT,
a stat buffer.  When STAT is that of a symlink, the link itself is
changed, not its target."
  (utime file
         (stat:atime stat) (stat:mtime stat)
         (stat:atimensec stat) (stat:mtimensec stat)
         (if (eq? 'symlink (stat:type stat)) AT_SYMLINK_NOFOLLOW 0)))

(define (directory-entries directory)
  "Return the names in DIRECTORY, without \".\" and \"..\", sorted."
  (or (scandir directory (lambda (name)
                           (not (member name '("." "..")))))
      (throw 'system-error 'scandir "~A: ~A"
             (list directory (strerror ENOENT)) (list ENOENT))))

(define* (copy-recursively source destination
                           #:key
                           (log (current-output-port))
                           (follow-symlinks? #f)
                           (copy-file copy-file)
                           keep-mtime?
                           (keep-permissions? #t)
                           (select? (const #t)))
  "Copy SOURCE, a directory, to DESTINATION.  Symlinks are copied as
symlinks, unless FOLLOW-SYMLINKS? is true, in which case what they point to
is copied.  Regular files are copied by calling COPY-FILE with the source
and destination file names.  With KEEP-PERMISSIONS?, the default, copies
get the permissions of their source; with KEEP-MTIME?, its modification
time too.  SELECT? is called with each file name under SOURCE and its stat
buffer; a file, or a whole directory, for which it returns false is
skipped.  Each copy is reported on LOG, a port, unless LOG is #f."
  (define stat* (if follow-symlinks? stat lstat))

  (define (report from to)
    (when log
      (format log "`~a' -> `~a'~%" from to)))

  (define (copy-entry file dest st)
    (case (stat:type st)
      ((directory)
       (mkdir-p dest)
       (for-each (lambda (name)
                   (let* ((from (string-append file "/" name))
                          (st (stat* from)))
                     (when (select? from st)
                       (copy-entry from (string-append dest "/" name) st))))
                 (directory-entries file))
       ;; Only now: a read-only directory could not have received its
       ;; entries, and adding them would have changed its mtime.
       (when keep-permissions?
         (chmod dest (stat:perms st)))
       (when keep-mtime?
         (set-file-time dest st)))
      ((symlink)
       (let ((target (readlink file)))
         (report file dest)
         (catch 'system-error
           (lambda () (symlink target dest))
           (lambda args
             ;; Copying over an earlier copy replaces what is there.
             (if (= EEXIST (system-error-errno args))
                 (begin
                   (delete-file dest)
                   (symlink target dest))
                 (apply throw args))))
         (when keep-mtime?
           (set-file-time dest st))))
      (else
       (report file dest)
       (when (file-exists? dest)
         ;; A read-only earlier copy would make COPY-FILE fail.
         (make-file-writable dest))
       (copy-file file dest)
       (when keep-permissions?
         (chmod dest (stat:perms st)))
       (when keep-mtime?
         (set-file-time dest st)))))

  (copy-entry source destination (stat* source)))

(define* (delete-file-recursively dir #:key follow-mounts?)
  "Delete DIR and everything under it, like `rm -rf', without following
symlinks: a symlink is deleted, never what it points to.  Directories on
another file system than DIR (mount points) are left alone unless
FOLLOW-MOUNTS? is true.  Errors are reported on the current error port and
otherwise ignored."
  (define (warn file args)
    (format (current-error-port)
            "warning: failed to delete ~a: ~a~%"
            file (strerror (system-error-errno args))))

  (define (delete-entry file device)
    (catch 'system-error
      (lambda ()
        (let ((st (lstat file)))
          (cond ((not (eq? 'directory (stat:type st)))
                 (delete-file file))
                ((and (not follow-mounts?) (not (= device (stat:dev st))))
                 ;; A mount point: its contents belong to someone else.
                 #f)
                (else
                 (for-each (lambda (name)
                             (delete-entry (string-append file "/" name)
                                           device))
                           (directory-entries file))
                 (rmdir file)))))
      (lambda args (warn file args))))

  (catch 'system-error
    (lambda ()
      (delete-entry dir (stat:dev (lstat dir))))
    (lambda args (warn dir args))))

(define (file-name-predicate regexp)
  "Return a predicate of a file name and a stat buffer that is true when the
base name of the file matches REGEXP, a string."
  (let ((rx (if (regexp? regexp) regexp (make-regexp regexp))))
    (lambda (file stat)
      (regexp-exec rx (basename file)))))

(define* (find-files dir #:optional (pred (const #t))
                     #:key (stat lstat) directories? fail-on-error?)
  "Return the sorted list of files under DIR for which PRED is true.  PRED is
called with a file name and its stat buffer; it can also be a regular
expression, a string, that the base name must match (see
`file-name-predicate').  STAT obtains the stat buffers: with `lstat', the
default, symlinks are not followed.  With DIRECTORIES?, directories (DIR
included) are listed too when PRED accepts them.  An unreadable file or
directory is reported and skipped, or raises an error with FAIL-ON-ERROR?."
  (define pred*
    (if (procedure? pred) pred (file-name-predicate pred)))

  (define (failed file args)
    (if fail-on-error?
        (apply throw args)
        (begin
          (format (current-error-port) "find-files: ~a: ~a~%"
                  file (strerror (system-error-errno args)))
          #f)))

  ;; Directories already entered, as (device . inode): with `stat', a
  ;; symlink to an ancestor would otherwise make the walk endless.
  (define seen (make-hash-table))

  (define (walk file result)
    (let ((st (catch 'system-error
                (lambda () (stat file))
                (lambda args
                  ;; A dangling symlink is still a file, seen as itself.
                  (or (and (= ENOENT (system-error-errno args))
                           (false-if-exception (lstat file)))
                      (failed file args))))))
      (cond ((not st) result)
            ((eq? 'directory (stat:type st))
             (let ((key (cons (stat:dev st) (stat:ino st))))
               (if (hash-ref seen key)
                   result
                   (let ((result (if (and directories? (pred* file st))
                                     (cons file result)
                                     result))
                         (names (catch 'system-error
                                  (lambda () (directory-entries file))
                                  (lambda args (failed file args) '()))))
                     (hash-set! seen key #t)
                     (fold (lambda (name result)
                             (walk (string-append file "/" name) result))
                           result
                           names)))))
            ((pred* file st) (cons file result))
            (else result))))

  (sort (walk dir '()) string<?))

(define (which program)
  "Return the absolute file name of PROGRAM as found in $PATH, or #f."
  (let ((st (lambda (file) (stat file #f))))
    (find (lambda (file)
            (let ((s (st file)))
              (and s
                   (not (eq? 'directory (stat:type s)))
                   (executable-file? file))))
          (map (lambda (dir) (string-append dir "/" program))
               (search-path-as-string->list (getenv "PATH"))))))

(define (file-name-components file)
  (remove (lambda (c) (or (string-null? c) (string=? c ".")))
          (string-split file #\/)))

(define (absolute-file-name file)
  "Return FILE made absolute, with its symlinks resolved when it exists."
  (if (file-exists? file)
      (canonicalize-path file)
      (if (string-prefix? "/" file)
          file
          (string-append (getcwd) "/" file))))

(define (relative-file-name from to)
  "Return the file name of TO, an absolute file name, relative to the
absolute directory FROM."
  (let loop ((from (file-name-components from))
             (to (file-name-components to)))
    (match (list from to)
      (((a . from*) (b . to*))
       (if (string=? a b)
           (loop from* to*)
           (string-join (append (map (const "..") from) to) "/")))
      ((from to)
       (match (append (map (const "..") from) to)
         (() ".")
         (parts (string-join parts "/")))))))

(define (symlink-relative old new)
  "Create NEW as a symbolic link to OLD, with a link text relative to the
directory of NEW, so that the pair can be moved together."
  (let ((old (absolute-file-name old))
        (directory (absolute-file-name (dirname new))))
    (symlink (relative-file-name directory old) new)))

(define* (dump-port in out
                    #:key (buffer-size 32768)
                    (progress (lambda (total continue) (continue))))
  "Copy everything that can be read from port IN to port OUT, BUFFER-SIZE
bytes at a time.  PROGRESS is called before the first chunk and after each
one with the number of bytes copied so far and a thunk that carries on."
  (define buffer (make-bytevector buffer-size))

  (let loop ((total 0))
    (progress total
              (lambda ()
                (let ((count (get-bytevector-n! in buffer 0 buffer-size)))
                  (unless (eof-object? count)
                    (put-bytevector out buffer 0 count)
                    (loop (+ total count))))))))


;;;
;;; Inputs and search paths.
;;;

(define-condition-type &search-error &error
  search-error?
  (path search-error-path)
  (file search-error-file))

(define (input-directories inputs)
  "INPUTS, an alist of labels and directories, or a list of directories, as
a list of directories."
  (map (match-lambda
         ((label . (? string? directory)) directory)
         ((? string? directory) directory))
       inputs))

(define (search-input-file inputs file)
  "Return the absolute name of FILE, a relative name such as \"bin/sh\", in
the first of INPUTS that has it.  INPUTS is an alist of labels and
directories, or a list of directories.  Raise a `&search-error' when none
has a file (other than a directory) of that name."
  (let ((directories (input-directories inputs)))
    (or (and (not (string-prefix? "/" file))
             (any (lambda (dir)
                    (let* ((name (string-append dir "/" file))
                           (s (stat name #f)))
                      (and s (not (eq? 'directory (stat:type s))) name)))
                  directories))
        (raise (condition (&search-error (path directories) (file file)))))))

(define (search-input-directory inputs directory)
  "Return the absolute name of DIRECTORY, a relative name such as
\"lib/perl5\", in the first of INPUTS that has it as a directory.  Raise a
`&search-error' otherwise."
  (let ((directories (input-directories inputs)))
    (or (and (not (string-prefix? "/" directory))
             (any (lambda (dir)
                    (let ((name (string-append dir "/" directory)))
                      (and (directory-exists? name) name)))
                  directories))
        (raise (condition (&search-error (path directories)
                                         (file directory)))))))

(define* (search-path-as-list files input-dirs
                              #:key (type 'directory) pattern)
  "Return the files among FILES, relative names, that exist in INPUT-DIRS
as files of TYPE (a symbol as returned by `stat:type').  When PATTERN, a
regular expression, is given, return instead the files of TYPE whose base
name matches it anywhere under the directories designated by FILES:

  (search-path-as-list '(\"lib/pkgconfig\") (list \"/a\" \"/b\"))
  ⇒ (\"/b/lib/pkgconfig\")"
  (append-map
   (lambda (input)
     (append-map
      (lambda (file)
        (let ((file (string-append input "/" file)))
          (if pattern
              (find-files file
                          (lambda (name st)
                            (and (eq? type (stat:type st))
                                 ((file-name-predicate pattern) name st)))
                          #:stat stat
                          #:directories? #t)
              (let ((st (stat file #f)))
                (if (and st (eq? type (stat:type st)))
                    (list file)
                    '())))))
      files))
   (delete-duplicates input-dirs)))

(define (list->search-path-as-string lst separator)
  "Return the elements of LST, strings, joined by SEPARATOR; when SEPARATOR
is #f, return the first element only (a variable that holds a single
file), or \"\"."
  (if separator
      (string-join lst separator)
      (match lst
        ((first . _) first)
        (() ""))))

(define* (search-path-as-string->list path #:optional (separator #\:))
  "Split PATH, a search path string such as $PATH, at SEPARATOR into a list
of its non-empty elements.  PATH may be #f, which gives the empty list."
  (if path
      (string-tokenize path (char-set-complement (char-set separator)))
      '()))

(define* (set-path-environment-variable env-var files input-dirs
                                        #:key (separator ":")
                                        (type 'directory)
                                        pattern)
  "Set the environment variable ENV-VAR to the SEPARATOR-separated list of
the files found by `search-path-as-list' for FILES, INPUT-DIRS, TYPE and
PATTERN; unset it when there are none.  The new value is reported on the
current output port:

  (set-path-environment-variable \"PKG_CONFIG_PATH\" '(\"lib/pkgconfig\")
                                 (list pkg-a pkg-b))"
  (let* ((found (search-path-as-list files input-dirs
                                     #:type type #:pattern pattern))
         (value (list->search-path-as-string found separator)))
    (if (string-null? value)
        (begin
          (unsetenv env-var)
          (format #t "environment variable `~a' unset~%" env-var))
        (begin
          (setenv env-var value)
          (format #t "environment variable `~a' set to `~a'~%"
                  env-var value)))))


;;;
;;; Phases.
;;;

(define (every* pred lst)
  "Return #t when PRED is true for every element of LST.  Unlike `every',
PRED is applied to all of them, so that each one reports its own problem."
  (fold (lambda (x result)
          (and (pred x) result))
        #t
        lst))

(define (split-at-key key alist key=?)
  "Return two values: the pairs of ALIST before the first one whose car is
KEY by KEY=?, and the rest (starting with it, or empty)."
  (break (match-lambda
           ((k . _) (key=? k key)))
         alist))

(define* (alist-cons-before reference key value alist
                            #:optional (key=? equal?))
  "Return ALIST with the pair (KEY . VALUE) inserted before the first pair
whose car is REFERENCE (compared with KEY=?), or at the end when there is
none."
  (let-values (((before after) (split-at-key reference alist key=?)))
    (append before (cons (cons key value) after))))

(define* (alist-cons-after reference key value alist
                           #:optional (key=? equal?))
  "Return ALIST with the pair (KEY . VALUE) inserted after the first pair
whose car is REFERENCE (compared with KEY=?), or at the end when there is
none."
  (let-values (((before after) (split-at-key reference alist key=?)))
    (match after
      ((found . rest) (append before (cons* found (cons key value) rest)))
      (() (append before (list (cons key value)))))))

(define* (alist-replace key value alist #:optional (key=? equal?))
  "Return ALIST with its first pair whose car is KEY replaced by
(KEY . VALUE).  It is an error for ALIST to have no such pair."
  (let-values (((before after) (split-at-key key alist key=?)))
    (match after
      ((_ . rest) (append before (cons (cons key value) rest)))
      (() (error "alist-replace: no such key" key)))))

(define-syntax modify-phases
  (lambda (s)
    "Return PHASES, an alist of phase names and procedures, modified by each
clause in turn:

  (modify-phases %standard-phases
    (delete 'check)
    (replace 'configure (lambda _ (invoke \"./configure.sh\")))
    (add-before 'build 'set-cc (lambda _ (setenv \"CC\" \"gcc\")))
    (add-after 'install 'wrap (lambda* (#:key outputs #:allow-other-keys) …)))"
    ;; The clause names are compared as symbols: `delete' in particular is
    ;; bound differently with and without SRFI-1, and both must work.
    (define (clause phases clause)
      (syntax-case clause ()
        ((kw name)
         (eq? 'delete (syntax->datum #'kw))
         #`(alist-delete name #,phases))
        ((kw name proc)
         (eq? 'replace (syntax->datum #'kw))
         #`(alist-replace name proc #,phases))
        ((kw old new proc)
         (eq? 'add-before (syntax->datum #'kw))
         #`(alist-cons-before old new proc #,phases))
        ((kw old new proc)
         (eq? 'add-after (syntax->datum #'kw))
         #`(alist-cons-after old new proc #,phases))
        (_
         (syntax-violation 'modify-phases
                           "expected (delete …), (replace …), (add-before …) or (add-after …)"
                           s clause))))
    (syntax-case s ()
      ((_ phases clauses ...)
       (fold (lambda (c expression) (clause expression c))
             #'phases
             #'(clauses ...))))))


;;;
;;; Running programs.
;;;

(define-condition-type &invoke-error &error
  invoke-error?
  (program      invoke-error-program)
  (arguments    invoke-error-arguments)
  (exit-status  invoke-error-exit-status)
  (term-signal  invoke-error-term-signal)
  (stop-signal  invoke-error-stop-signal))

(define (status->invoke-error program args status)
  (condition (&invoke-error
              (program program)
              (arguments args)
              (exit-status (status:exit-val status))
              (term-signal (status:term-sig status))
              (stop-signal (status:stop-sig status)))))

(define (invoke program . args)
  "Run PROGRAM, looked up in $PATH unless it has a slash, with ARGS.  Return
#t when it exits with status 0; otherwise raise an `&invoke-error' whose
fields say how it ended."
  (let ((status (apply system* program args)))
    (unless (zero? status)
      (raise (status->invoke-error program args status)))
    #t))

(define* (report-invoke-error c #:optional (port (current-error-port)))
  "Write on PORT a one-line account of C, an `&invoke-error': the command
and its exit status or the signal that ended it."
  (format port "command~{ ~s~} ~a~%"
          (cons (invoke-error-program c) (invoke-error-arguments c))
          (cond ((invoke-error-exit-status c)
                 => (lambda (status)
                      (format #f "failed with status ~a" status)))
                ((invoke-error-term-signal c)
                 => (lambda (signal)
                      (format #f "terminated by signal ~a" signal)))
                ((invoke-error-stop-signal c)
                 => (lambda (signal)
                      (format #f "stopped by signal ~a" signal)))
                (else "failed"))))

(define (invoke/quiet program . args)
  "Run PROGRAM with ARGS like `invoke', capturing its standard output and
error.  On success print nothing and return #t; otherwise raise an
`&invoke-error' that is also a `&message' whose text includes the output."
  ;; A file rather than a pipe: a program that writes more than a pipe
  ;; holds would block before we read it.
  (let* ((template (string-append (or (getenv "TMPDIR") "/tmp")
                                  "/invoke-quiet.XXXXXX"))
         (port (mkstemp! template))
         (error-port (dup->port port "w"))
         (file template))
    (dynamic-wind
      (const #t)
      (lambda ()
        ;; Standard error on a descriptor of its own that shares the
        ;; file's offset: the child's set-up closes the one it duplicates.
        (let ((status (with-output-to-port port
                        (lambda ()
                          (with-error-to-port error-port
                            (lambda ()
                              (apply system* program args)))))))
          (unless (zero? status)
            (let ((output (call-with-input-file file get-string-all)))
              (raise
               (make-compound-condition
                (status->invoke-error program args status)
                (condition
                 (&message
                  (message
                   (format #f "'~a~{ ~a~}' exited with status ~a; \
output follows:~%~%~a"
                           program args
                           (or (status:exit-val status)
                               (status:term-sig status))
                           output))))))))
          #t))
      (lambda ()
        (close-port port)
        (close-port error-port)
        (false-if-exception (delete-file file))))))


;;;
;;; Editing files.
;;;

(define (with-atomic-file-replacement file proc)
  "Call PROC with an input port on FILE and an output port on a new file
next to it; when PROC returns, the new file, with FILE's permissions,
replaces FILE in one step and PROC's result is returned.  If PROC exits
non-locally, FILE is left as it was."
  (let* ((in (open-input-file file))       ;first: FILE may not exist
         (template (string-append file ".XXXXXX"))
         (out (mkstemp! template))
         (done? #f))
    (dynamic-wind
      (const #t)
      (lambda ()
        (let ((result (proc in out)))
          (close-port out)
          (chmod template (stat:perms (stat file)))
          (rename-file template file)
          (set! done? #t)
          result))
      (lambda ()
        (close-port in)
        (unless done?
          (close-port out)
          (false-if-exception (delete-file template)))))))

(define-condition-type &substitute-error &error
  substitute-error?
  (file               substitute-error-file)
  (unmatched-regexps  substitute-error-unmatched-regexps))

(define* (substitute file pattern+procs #:key (require-matches? #t))
  "Edit FILE, or each file of a list, line by line.  PATTERN+PROCS is a list
of pairs of a regular expression (a string) and a procedure.  For each line
and each pattern it matches, in order, the line becomes the result of
calling the procedure with the line and the list of matches.  Lines include
their newline, so a `$' alone does not match the end of a line.  With
REQUIRE-MATCHES?, the default, a pattern that matches no line of a file
raises a `&substitute-error' and the file is left unchanged."
  (define compiled
    (map (match-lambda
           ((regexp . proc)
            (list regexp (make-regexp regexp regexp/extended) proc)))
         pattern+procs))

  (define (edit file)
    (with-atomic-file-replacement file
      (lambda (in out)
        (let loop ((unmatched (map car compiled)))
          (let ((line (read-line in 'concat)))
            (if (eof-object? line)
                (when (and require-matches? (pair? unmatched))
                  (raise (condition
                          (&substitute-error
                           (file file)
                           (unmatched-regexps unmatched)))))
                (let-values (((line unmatched)
                              (fold2 (lambda (entry line unmatched)
                                       (match entry
                                         ((source rx proc)
                                          (match (list-matches rx line)
                                            (() (values line unmatched))
                                            (matches
                                             (values (proc line matches)
                                                     (delete source
                                                             unmatched)))))))
                                     line unmatched compiled)))
                  (display line out)
                  (loop unmatched))))))))

  (for-each edit (if (list? file) file (list file))))

(define (fold2 proc seed1 seed2 lst)
  "Fold PROC over LST with two seeds, returned as two values."
  (if (null? lst)
      (values seed1 seed2)
      (let-values (((seed1 seed2) (proc (car lst) seed1 seed2)))
        (fold2 proc seed1 seed2 (cdr lst)))))

(define-syntax let-matches
  (syntax-rules (_)
    "Bind each VAR to the substring of MATCH for its position, starting at
INDEX; `_' skips a position."
    ((let-matches index match (_ vars ...) body ...)
     (let-matches (+ 1 index) match (vars ...) body ...))
    ((let-matches index match (var vars ...) body ...)
     (let ((var (match:substring match index)))
       (let-matches (+ 1 index) match (vars ...) body ...)))
    ((let-matches index match () body ...)
     (begin body ...))))

(define (replace-matches line matches replacement)
  "Return LINE with each of MATCHES replaced by the result of calling
REPLACEMENT with the match."
  (let loop ((matches matches) (start 0) (pieces '()))
    (match matches
      (()
       (string-concatenate-reverse pieces (substring line start)))
      ((m . rest)
       (loop rest (match:end m)
             (cons* (replacement m)
                    (substring line start (match:start m))
                    pieces))))))

(define-syntax substitute*
  (syntax-rules ()
    "Replace in FILE, or in each file of a list, every match of each REGEXP
with the string BODY returns; BODY sees MATCH-VAR … bound to the whole
match and then to each parenthesised group, `_' skipping one:

  (substitute* \"Makefile\"
    ((\"^CC = .*\") \"CC = gcc\\n\")
    ((\"/usr/(bin|lib)\" all dir) (string-append out \"/\" dir)))

A pattern that matches nowhere raises a `&substitute-error', unless the
last argument is #:require-matches? #f."
    ((_ file ((regexp match-var ...) body ...) ... #:require-matches? require?)
     (%substitute* file ((regexp match-var ...) body ...) ... require?))
    ((_ file ((regexp match-var ...) body ...) ...)
     (%substitute* file ((regexp match-var ...) body ...) ... #t))))

(define-syntax-rule (%substitute* file ((regexp match-var ...) body ...) ...
                                  require?)
  (substitute file
              (list (cons regexp
                          (lambda (line matches)
                            (replace-matches
                             line matches
                             (lambda (m)
                               (let-matches 0 m (match-var ...)
                                 body ...)))))
                    ...)
              #:require-matches? require?))

(define (find-interpreter path name)
  "Return the file NAME in the directories PATH, or #f."
  (find (lambda (file) (and (file-exists? file) (executable-file? file)))
        (map (lambda (dir) (string-append dir "/" name)) path)))

(define shebang-rx
  (make-regexp "^[[:blank:]]*(/[^[:blank:]]+)[[:blank:]]*(.*)$"))

(define* (patch-shebang file
                        #:optional
                        (path (search-path-as-string->list (getenv "PATH")))
                        #:key (keep-comment? #t))
  "Replace the interpreter on the `#!' line of FILE by the program of the
same name found in PATH, a list of directories: \"#!/bin/sh -e\" becomes
\"#!/gnu/store/…-bash/bin/sh -e\", and \"#!/usr/bin/env python3\" becomes
\"#!/gnu/store/…/bin/python3\".  Interpreters already in the store are
left alone, and so is FILE's modification time.  Return #t when FILE was
changed.  KEEP-COMMENT? is accepted for compatibility with Guix."
  (define (rewrite first-line)
    (let* ((before (stat file)))
      (with-fluids ((%default-port-encoding "ISO-8859-1"))
        (with-atomic-file-replacement file
          (lambda (in out)
            (read-line in 'concat)
            (display first-line out)
            (dump-port in out))))
      (set-file-time file before)
      #t))

  (define (warn name)
    (format (current-error-port)
            "patch-shebang: ~a: warning: no binary for interpreter `~a' \
found in $PATH~%" file name)
    #f)

  (let ((line (call-with-ascii-input-file file
                (lambda (port)
                  (let ((magic (get-bytevector-n port 2)))
                    (and (bytevector? magic)
                         (bytevector=? magic (string->utf8 "#!"))
                         (read-line port 'concat)))))))
    (match (and (string? line) (regexp-exec shebang-rx line))
      (#f #f)
      (m
       (let* ((interpreter (match:substring m 1))
              (rest (match:substring m 2))
              (newline? (string-suffix? "\n" line))
              (rest (if newline? (string-drop-right rest 1) rest))
              (end (if newline? "\n" "")))
         (cond ((store-file-name? interpreter) #f)
               ((string=? (basename interpreter) "env")
                ;; "#!/usr/bin/env prog args": the program is the first
                ;; argument, unless it is an option of env itself.
                (match (string-tokenize rest)
                  (((? (lambda (a) (not (string-prefix? "-" a))) prog)
                    . args)
                   (let ((found (find-interpreter path prog)))
                     (if found
                         (rewrite (string-append
                                   "#!" found
                                   (string-concatenate
                                    (map (lambda (a) (string-append " " a))
                                         args))
                                   end))
                         (warn prog))))
                  (_ #f)))
               (else
                (let ((found (find-interpreter path (basename interpreter))))
                  (cond ((not found) (warn (basename interpreter)))
                        ((string=? found interpreter) #f)
                        (else
                         (rewrite (string-append
                                   "#!" found
                                   (if (string-null? rest) "" " ")
                                   rest end))))))))))))

(define* (patch-makefile-SHELL file #:key (keep-mtime? #t))
  "Replace the shell named on `SHELL = /bin/sh' lines of FILE, a makefile,
with the shell of the same name found in $PATH.  With KEEP-MTIME?, FILE
keeps its modification time so that make does not think it changed."
  (define (found-shell name)
    (or (which name)
        (begin
          (format (current-error-port)
                  "patch-makefile-SHELL: warning: no binary for shell `~a' \
found in $PATH~%" name)
          #f)))

  (let ((before (stat file)))
    (substitute* file
      (("^( *SHELL[[:blank:]]*:?=[[:blank:]]*)([[:graph:]]*/)([[:graph:]]+)(.*)$"
        _ assignment dir shell rest)
       (let ((found (found-shell shell)))
         (string-append assignment
                        (or found (string-append dir shell))
                        rest)))
      #:require-matches? #f)
    (when keep-mtime?
      (set-file-time file before))))

(define* (fold-port-matches proc init pattern port
                            #:optional (unmatched (lambda (_ r) r)))
  "Read PORT character by character; for each sequence that matches
PATTERN, call (PROC MATCH RESULT) with MATCH the matching string and RESULT
seeded with INIT, and call (UNMATCHED CHAR RESULT) for every character that
is not part of a match.  PATTERN is a string, or a list of SRFI-14 char-sets
that each match one character.  Return the final RESULT."
  (define pattern*
    (if (string? pattern)
        (map char-set (string->list pattern))
        pattern))

  ;; PENDING holds characters already read that must be looked at again
  ;; after a partial match fails: a match may start inside the failed one.
  (let loop ((result init) (matched '()) (remaining pattern*) (pending '()))
    (let-values (((c pending) (match pending
                                ((c . rest) (values c rest))
                                (() (values (read-char port) '())))))
      (cond ((eof-object? c)
             (fold unmatched result (reverse matched)))
            ((char-set-contains? (car remaining) c)
             (if (null? (cdr remaining))
                 (loop (proc (list->string (reverse (cons c matched))) result)
                       '() pattern* pending)
                 (loop result (cons c matched) (cdr remaining) pending)))
            ((null? matched)
             (loop (unmatched c result) '() pattern* pending))
            (else
             (match (reverse matched)
               ((first . others)
                (loop (unmatched first result) '() pattern*
                      (append others (cons c pending))))))))))

(define* (remove-store-references file
                                  #:optional (store (%store-directory)))
  "Replace the hash part of every STORE file name in FILE by e's, as
`nuke-refs' does in Nixpkgs, so that FILE no longer refers to those store
items.  Return #t when FILE had such references, #f otherwise."
  (define base32-chars (string->char-set "0123456789abcdfghijklmnpqrsvwxyz"))

  (define pattern
    (append (map char-set (string->list (string-append store "/")))
            (make-list 32 base32-chars)
            (list (char-set #\-))))

  (define replacement
    (string-append store "/" (make-string 32 #\e) "-"))

  (with-fluids ((%default-port-encoding "ISO-8859-1"))
    (let ((found? #f))
      (with-atomic-file-replacement file
        (lambda (in out)
          (set-port-encoding! in "ISO-8859-1")
          (set-port-encoding! out "ISO-8859-1")
          (fold-port-matches (lambda (match _)
                               (set! found? #t)
                               (display replacement out))
                             #f pattern in
                             (lambda (c _) (write-char c out)))))
      found?)))


;;;
;;; Wrappers.
;;;

(define-condition-type &wrap-error &error
  wrap-error?
  (program wrap-error-program)
  (reason  wrap-error-reason))

(define (wrapper-real-name prog)
  "The file name under which `wrap-program' keeps the real PROG."
  (string-append (dirname prog) "/." (basename prog) "-real"))

(define (export-variable prog spec)
  "Return the shell line that sets the variable described by SPEC, a
`wrap-program' specification."
  (define (line var delimiter position values)
    (let ((value (string-join values delimiter)))
      (match position
        ('=
         (format #f "export ~a=\"~a\"~%" var value))
        ('prefix
         (format #f "export ~a=\"~a${~a:+~a}$~a\"~%"
                 var value var delimiter var))
        ('suffix
         (format #f "export ~a=\"$~a${~a:+~a}~a\"~%"
                 var var var delimiter value))
        (_
         (raise (condition (&wrap-error (program prog)
                                        (reason spec))))))))

  (match spec
    (((? string? var) (? string? delimiter) (? symbol? position)
      ((? string? values) ...))
     (line var delimiter position values))
    (((? string? var) (? symbol? position) ((? string? values) ...))
     (line var ":" position values))
    (_
     (raise (condition (&wrap-error (program prog) (reason spec)))))))

(define* (wrap-program prog #:key (sh (which "bash")) #:rest specs)
  "Replace PROG by a shell script, run by SH, that sets environment
variables and then runs the real PROG, kept as .PROG-real beside it.  Each
of SPECS is (VAR DELIMITER POSITION VALUES) or (VAR POSITION VALUES), with
DELIMITER \":\" by default and POSITION one of:

  =       VAR is set to VALUES joined by DELIMITER;
  prefix  VALUES come before the current value of VAR, if any;
  suffix  VALUES come after it.

For example

  (wrap-program \"out/bin/foo\"
                '(\"PATH\" prefix (\"/x/bin\"))
                '(\"CERTS\" = (\"/etc/certs\")))

writes out/bin/foo as

  #!/bin/bash
  export PATH=\"/x/bin${PATH:+:}$PATH\"
  export CERTS=\"/etc/certs\"
  exec -a \"$0\" \"/…/out/bin/.foo-real\" \"$@\"

The `-a \"$0\"' that keeps the name PROG was called by is written only
when SH is bash; other shells lack it.  Wrapping PROG again adds the new
variables to the existing wrapper."
  (define specs*
    ;; #:rest also collects the keyword arguments.
    (let loop ((specs specs))
      (match specs
        ((#:sh _ . rest) (loop rest))
        (_ specs))))

  (define real (wrapper-real-name prog))
  (define exports (map (lambda (spec) (export-variable prog spec)) specs*))

  (unless (file-exists? prog)
    (raise (condition (&wrap-error (program prog) (reason 'no-such-file)))))

  (if (file-exists? real)
      ;; Already a wrapper: the new lines go just before its `exec'.
      (let ((lines (call-with-input-file prog
                     (lambda (port)
                       (let loop ((lines '()))
                         (match (read-line port 'concat)
                           ((? eof-object?) (reverse lines))
                           (line (loop (cons line lines)))))))))
        (call-with-output-file prog
          (lambda (port)
            (for-each (lambda (line) (display line port))
                      (drop-right lines 1))
            (for-each (lambda (line) (display line port)) exports)
            (display (last lines) port))))
      (begin
        (unless sh
          (raise (condition (&wrap-error (program prog) (reason 'no-shell)))))
        (rename-file prog real)
        (call-with-output-file prog
          (lambda (port)
            (format port "#!~a~%" sh)
            (for-each (lambda (line) (display line port)) exports)
            ;; `exec -a' keeps the name the program was called by, but
            ;; only bash has it; a POSIX shell runs the program plainly.
            (format port "exec ~a\"~a\" \"$@\"~%"
                    (if (string=? "bash" (basename sh)) "-a \"$0\" " "")
                    (canonicalize-path real))))
        (chmod prog #o755)))
  #t)

(define (encoding-declaration? line)
  "Return true if LINE is a comment declaring the encoding of its file, as
\"# -*- coding: utf-8 -*-\" or \"# vim:fileencoding=utf-8\" (PEP 263)."
  (let ((comment (string-index line #\#)))
    (and comment
         (let ((coding (string-contains line "coding" comment)))
           (and coding
                (let ((after (+ coding (string-length "coding"))))
                  (and (< after (string-length line))
                       (memv (string-ref line after) '(#\: #\=))
                       (let ((name (string-trim (substring line (+ after 1)))))
                         (and (not (string-null? name))
                              (char-set-contains?
                               (string->char-set
                                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
                               (string-ref name 0)))))))))))

(define* (wrap-script prog #:key (guile (which "guile")) #:rest specs)
  "Like `wrap-program', but keep PROG, a script, in place and make it its
own wrapper: a few lines read by GUILE are put before the script, hidden
from its interpreter as `#' comments; they set the variables of SPECS and
run the script's own interpreter on PROG.  This suits programs that look
at their own file name, which a separate wrapper would hide."
  (define specs*
    (let loop ((specs specs))
      (match specs
        (((? keyword?) _ . rest) (loop rest))
        (_ specs))))

  (define (setter spec)
    ;; The same specifications as `wrap-program', applied by Guile.
    (define (update var delimiter position values)
      (let ((value (string-join values delimiter)))
        (match position
          ('= `(setenv ,var ,value))
          ('prefix
           `(let ((old (getenv ,var)))
              (setenv ,var (if (and old (not (string-null? old)))
                               (string-append ,value ,delimiter old)
                               ,value))))
          ('suffix
           `(let ((old (getenv ,var)))
              (setenv ,var (if (and old (not (string-null? old)))
                               (string-append old ,delimiter ,value)
                               ,value))))
          (_ (raise (condition (&wrap-error (program prog) (reason spec))))))))
    (match spec
      (((? string? var) (? string? delimiter) (? symbol? position)
        ((? string? values) ...))
       (update var delimiter position values))
      (((? string? var) (? symbol? position) ((? string? values) ...))
       (update var ":" position values))
      (_ (raise (condition (&wrap-error (program prog) (reason spec)))))))

  (define-values (interpreter+args coding-line)
    ;; The script's interpreter and its arguments, from its first line, and
    ;; its second line when that declares the file's encoding, as Python's
    ;; "# -*- coding: utf-8 -*-" (Python and Emacs look for it on the first
    ;; two lines only, so the wrapper repeats it on its own second line).
    (call-with-ascii-input-file prog
      (lambda (port)
        (match (read-line port)
          ((? eof-object?) (values #f #f))
          (line
           (values (and (string-prefix? "#!" line)
                        (string-tokenize (string-drop line 2)))
                   (match (read-line port)
                     ((? eof-object?) #f)
                     (second (and (encoding-declaration? second)
                                  second)))))))))

  (unless (and guile interpreter+args (pair? interpreter+args))
    (raise (condition (&wrap-error (program prog)
                                   (reason (if guile
                                               'no-interpreter
                                               'no-guile))))))

  (let* ((code `(begin
                  ,@(map setter specs*)
                  (let ((cl (command-line)))
                    (apply execl ,(car interpreter+args)
                           (car cl)
                           (append ',(cdr interpreter+args)
                                   (list ,(canonicalize-path prog))
                                   (cdr cl))))))
         (header (string-append
                  "#!" guile " --no-auto-compile\n"
                  ;; `!#' ends Guile's block comment; a `#\\x' character
                  ;; datum makes the Scheme line a comment for the script's
                  ;; interpreter too.
                  "#!#; " (or coding-line "Guix wrapper") "\n"
                  "#\\-" (object->string code) "\n"))
         (before (stat prog)))
    (with-fluids ((%default-port-encoding "ISO-8859-1"))
      (with-atomic-file-replacement prog
        (lambda (in out)
          (display header out)
          (dump-port in out))))
    (chmod prog (stat:perms before))
    #t))

;;; utils.scm ends here
