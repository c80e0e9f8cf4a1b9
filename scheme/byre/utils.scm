;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre utils): temporary files, atomic output, versions and systems.
;;;
;;; The part of Guix's (guix utils) that user code reaches for, re-exported
;;; under that name by the (guix utils) façade:
;;;
;;;   (call-with-temporary-directory
;;;     (lambda (dir)
;;;       (with-atomic-file-output (string-append dir "/config")
;;;         (lambda (port) (write '(x . 1) port)))
;;;       …))                       ; DIR is gone, however this returns
;;;
;;;   (version>? "2.10" "2.9")      ⇒ #t
;;;   (%current-system)             ⇒ "x86_64-linux"

(define-module (byre utils)
  #:use-module (srfi srfi-1)
  #:use-module (ice-9 match)
  #:use-module (ice-9 string-fun)
  #:use-module ((ice-9 textual-ports) #:select (get-string-all))
  #:export (call-with-temporary-directory
            call-with-temporary-output-file
            with-atomic-file-output
            file-stamp

            current-source-directory
            absolute-dirname
            %current-system
            %current-target-system

            version-compare
            version>?
            version>=?
            version-prefix
            version-major+minor
            version-major
            version-prefix?
            version-unique-prefix
            guile-version>?

            gnu-triplet->nix-system
            package-name->name+version

            strip-keyword-arguments
            ensure-keyword-arguments
            default-keyword-arguments
            substitute-keyword-arguments

            string-distance
            string-closest
            readlink*
            edit-expression)
  #:re-export (string-replace-substring))

;;; Commentary:
;;;
;;; Temporary files and directories are removed in the `after' thunk of a
;;; `dynamic-wind', so they go away on a normal return, an exception, a
;;; `throw' or an escape through a continuation alike.
;;;
;;; Code:


;;;
;;; Temporary files.
;;;

(define* (temporary-template name #:optional parent)
  "Return a mkstemp!/mkdtemp template for NAME under PARENT, or else
$TMPDIR or /tmp."
  (string-append (or parent (getenv "TMPDIR") "/tmp") "/" name ".XXXXXX"))

(define (delete-tree file)
  "Delete FILE and, when it is a directory, everything under it, without
following symlinks.  Errors are ignored: this is clean-up."
  ;; Not (guix build utils)'s delete-file-recursively: that module is a
  ;; façade-level name that may not be on byre's own load path.
  (let ((st (false-if-exception (lstat file))))
    (when st
      (if (eq? 'directory (stat:type st))
          (begin
            ;; Code may leave read-only directories behind (copies of
            ;; store items); their entries could not be removed otherwise.
            (false-if-exception (chmod file #o700))
            (let ((dir (false-if-exception (opendir file))))
              (when dir
                (let loop ()
                  (let ((name (readdir dir)))
                    (unless (eof-object? name)
                      (unless (member name '("." ".."))
                        (delete-tree (string-append file "/" name)))
                      (loop))))
                (closedir dir)))
            (false-if-exception (rmdir file)))
          (false-if-exception (delete-file file))))))

(define* (call-with-temporary-directory proc #:key parent)
  "Call PROC with the name of a new, empty, private directory under PARENT
(by default $TMPDIR or /tmp) and return its result.  The directory and
everything in it are deleted when PROC returns or exits non-locally."
  (let ((directory #f))
    (dynamic-wind
      (lambda ()
        (set! directory (mkdtemp (temporary-template "byre-directory" parent))))
      (lambda () (proc directory))
      (lambda ()
        (delete-tree directory)))))

(define (call-with-temporary-output-file proc)
  "Call PROC with the name of a new temporary file and an output port to it,
and return its result.  The port is closed and the file deleted when PROC
returns or exits non-locally."
  (let ((template #f)
        (port #f))
    (dynamic-wind
      (lambda ()
        (set! template (temporary-template "byre-file"))
        (set! port (mkstemp! template)))
      (lambda () (proc template port))
      (lambda ()
        (close-port port)
        (false-if-exception (delete-file template))))))

(define (file-stamp file)
  "Return what tells that FILE changed: its name, device, inode, size and
modification time, or FILE's name alone when it does not exist."
  (let ((st (and file (stat file #f))))
    (if st
        (list file (stat:dev st) (stat:ino st) (stat:size st)
              (stat:mtime st) (stat:mtimensec st))
        (list file))))

(define (with-atomic-file-output file proc)
  "Call PROC with an output port to a new file that will replace FILE.  When
PROC returns, the new file is renamed to FILE in one step, so that readers
see either the old contents or the new ones, and PROC's result is returned.
When PROC exits non-locally, FILE is left as it was.  The new file keeps
the permissions of FILE, or gets those of a new file."
  (let* ((template (string-append file ".XXXXXX"))
         (out (mkstemp! template))
         (done? #f))
    (dynamic-wind
      (const #t)
      (lambda ()
        (let ((result (proc out)))
          (force-output out)
          ;; Data on disk before the rename, or a crash could leave an
          ;; empty FILE behind.
          (fsync out)
          (close-port out)
          (chmod template
                 (match (stat file #f)
                   (#f (logand #o666 (lognot (umask))))
                   (st (stat:perms st))))
          (rename-file template file)
          (set! done? #t)
          result))
      (lambda ()
        (unless done?
          (close-port out)
          (false-if-exception (delete-file template)))))))


;;;
;;; Where code is, and what it runs on.
;;;

(define (absolute-dirname file)
  "Return the absolute name of the directory of FILE, a file name relative
to an entry of %LOAD-PATH, or #f."
  (match (search-path %load-path file)
    (#f #f)
    (found (dirname (canonicalize-path found)))))

(define-syntax current-source-directory
  (lambda (s)
    "Return the absolute name of the directory of the source file this form
appears in, or #f when it is not known (code typed at the REPL)."
    (syntax-case s ()
      ((_)
       (match (assq-ref (or (syntax-source s) '()) 'filename)
         ((? string? file)
          (if (string-prefix? "/" file)
              (dirname file)
              ;; Guile may record the name relative to the load path: look
              ;; it up when the code runs, as the tree may have moved since
              ;; it was compiled.
              #`(absolute-dirname #,file)))
         (_ #f))))))

(define (machine->system-cpu machine)
  "Return the Guix name of the processor type MACHINE, as `uname -m' gives
it."
  (cond ((member machine '("i386" "i486" "i586" "i686")) "i686")
        ((string-prefix? "armv7" machine) "armhf")
        ((string=? machine "arm64") "aarch64")
        ((string=? machine "ppc64le") "powerpc64le")
        ((string=? machine "ppc64") "powerpc64")
        (else machine)))

(define %current-system
  ;; Guix's system names pair the processor with the kernel, lower case:
  ;; "x86_64-linux", "aarch64-linux", "i686-linux".
  (make-parameter
   (let ((uts (uname)))
     (string-append (machine->system-cpu (utsname:machine uts))
                    "-"
                    (string-downcase (utsname:sysname uts))))))

(define %current-target-system
  ;; A GNU triplet when cross-building; byre builds natively only.
  (make-parameter #f))


;;;
;;; Versions.
;;;

(define (version-compare a b)
  "Compare A and B, two version strings, and return '> when A is newer,
'< when it is older and '= when they are the same version.  Runs of digits
compare as numbers, so \"2.10\" is newer than \"2.9\", and a version
that extends another is newer: \"1.0.1\" after \"1.0\"."
  (define la (string-length a))
  (define lb (string-length b))

  (define (digits-end s len i)
    (let loop ((i i))
      (if (and (< i len) (char-numeric? (string-ref s i)))
          (loop (+ i 1))
          i)))

  (let loop ((i 0) (j 0))
    (cond ((and (= i la) (= j lb)) '=)
          ((= i la) '<)
          ((= j lb) '>)
          ((and (char-numeric? (string-ref a i))
                (char-numeric? (string-ref b j)))
           (let* ((ei (digits-end a la i))
                  (ej (digits-end b lb j))
                  (na (string->number (substring a i ei)))
                  (nb (string->number (substring b j ej))))
             (cond ((> na nb) '>)
                   ((< na nb) '<)
                   (else (loop ei ej)))))
          (else
           (let ((ca (string-ref a i))
                 (cb (string-ref b j)))
             (cond ((char>? ca cb) '>)
                   ((char<? ca cb) '<)
                   (else (loop (+ i 1) (+ j 1)))))))))

(define (version>? a b)
  "Return #t when version A is newer than version B."
  (eq? '> (version-compare a b)))

(define (version>=? a b)
  "Return #t when version A is newer than or the same as version B."
  (memq (version-compare a b) '(> =)))

(define (version-prefix version-string num-parts)
  "Return the first NUM-PARTS dot-separated components of VERSION-STRING:
(version-prefix \"2.1.47.4\" 3) is \"2.1.47\".  A shorter version is
returned whole."
  (let ((parts (string-split version-string #\.)))
    (string-join (take parts (min num-parts (length parts))) ".")))

(define (version-major+minor version-string)
  "Return \"MAJOR.MINOR\" from VERSION-STRING: \"2.1\" for \"2.1.47\"."
  (version-prefix version-string 2))

(define (version-major version-string)
  "Return the major version number of VERSION-STRING: \"2\" for \"2.1.47\"."
  (version-prefix version-string 1))

(define (string-distance a b)
  "Return the Levenshtein distance between the strings A and B: the least
number of one-character insertions, deletions and substitutions that turn
A into B."
  ;; One row of the classic dynamic programme at a time.
  (let loop ((i 0)
             (row (list->vector (iota (+ 1 (string-length b))))))
    (if (= i (string-length a))
        (vector-ref row (string-length b))
        (let ((next (make-vector (+ 1 (string-length b)) (+ i 1))))
          (do ((j 1 (+ j 1)))
              ((> j (string-length b)))
            (vector-set! next j
                         (min (+ 1 (vector-ref row j))
                              (+ 1 (vector-ref next (- j 1)))
                              (+ (vector-ref row (- j 1))
                                 (if (char=? (string-ref a i)
                                             (string-ref b (- j 1)))
                                     0 1)))))
          (loop (+ i 1) next)))))

(define* (string-closest word candidates #:key threshold)
  "Return the string of CANDIDATES closest to WORD, the first of equally
close ones, or #f when none is close: closer than THRESHOLD when it is
given (as Guix's #:threshold), else within a third of WORD's length (at
least 2)."
  (let ((best (fold (lambda (candidate best)
                      (let ((distance (string-distance word candidate)))
                        (if (or (not best) (< distance (cdr best)))
                            (cons candidate distance)
                            best)))
                    #f candidates)))
    (and best
         (if threshold
             (< (cdr best) threshold)
             (<= (cdr best) (max 2 (quotient (string-length word) 3))))
         (car best))))

(define (version-prefix? prefix version)
  "Return #t if the dot-separated parts of PREFIX, a version string, are
the first parts of VERSION: \"4.1\" is a prefix of \"4.1.2\" and of
\"4.1\", not of \"4.16\" nor of \"4\"."
  (let ((prefix (string-split prefix #\.))
        (version (string-split version #\.)))
    (and (<= (length prefix) (length version))
         (every string=? prefix version))))

(define (version-unique-prefix version versions)
  "Return the shortest prefix of VERSION, in whole dot-separated parts,
that is a prefix of no other element of VERSIONS, or \"\" when VERSIONS
has no other element (so the name alone is unique)."
  (let ((others (delete version versions))
        (parts (string-split version #\.)))
    (if (null? others)
        ""
        (let loop ((n 1))
          (let ((prefix (string-join (list-head parts n) ".")))
            (if (or (= n (length parts))
                    (not (any (lambda (other) (version-prefix? prefix other))
                              others)))
                prefix
                (loop (+ n 1))))))))

(define (guile-version>? version)
  "Return #t if the running Guile's effective version (such as \"3.0\")
is newer than VERSION, a version string."
  (version>? (effective-version) version))


;;;
;;; System names and package specifications.
;;;

(define (gnu-triplet->nix-system triplet)
  "Return the system name, as Guix writes it, of TRIPLET, a GNU triplet:
\"x86_64-linux\" for \"x86_64-unknown-linux-gnu\", \"i686-gnu\" for
\"i586-gnu0.3\" (the kernel part loses its version)."
  (let* ((parts (string-split triplet #\-))
         (cpu (car parts))
         (rest (cdr parts)))
    (string-append
     (cond ((member cpu '("i386" "i486" "i586" "i686")) "i686")
           ((and (string-prefix? "arm" cpu)
                 (any (lambda (part) (string-suffix? "eabihf" part)) rest))
            "armhf")
           (else cpu))
     "-"
     (cond ((null? rest) "unknown")
           ((any (lambda (part) (string-prefix? "linux" part)) rest) "linux")
           (else (string-trim-right (last rest)
                                    (char-set-union char-set:digit
                                                    (char-set #\.))))))))

(define (package-name->name+version spec)
  "Return two values: the name and the version of SPEC, a package
specification \"NAME@VERSION\" as Guix's commands take it; the version is
#f when SPEC has no \"@\"."
  (match (string-rindex spec #\@)
    (#f (values spec #f))
    (at (values (substring spec 0 at) (substring spec (+ at 1))))))


;;;
;;; Keyword arguments, as build systems pass them around.
;;;

(define (keyword-argument-index args keyword)
  "Return the index in ARGS of KEYWORD when it stands as a keyword (not as
the value of another keyword), or #f."
  (let loop ((args args) (index 0))
    (match args
      (() #f)
      (((? keyword? key) value . rest)
       (if (eq? key keyword) index (loop rest (+ index 2))))
      ((_ . rest) (loop rest (+ index 1))))))

(define (set-keyword-argument args keyword value)
  "Return ARGS with the value of KEYWORD, which ARGS has, replaced by VALUE."
  (let ((index (keyword-argument-index args keyword)))
    (append (list-head args (+ index 1))
            (list value)
            (list-tail args (+ index 2)))))

(define (strip-keyword-arguments keywords args)
  "Return ARGS, a list of arguments, without the keywords of KEYWORDS and
the value after each."
  (let loop ((args args) (result '()))
    (match args
      (() (reverse result))
      (((? keyword? key) value . rest)
       (loop rest (if (memq key keywords) result (cons* value key result))))
      ((head . rest) (loop rest (cons head result))))))

(define (ensure-keyword-arguments args kw/values)
  "Return ARGS, a keyword argument list, with each keyword of KW/VALUES
(another one) set to its value there: replaced where ARGS has it, added at
the end where it does not."
  (let loop ((kw/values kw/values) (args args))
    (match kw/values
      (() args)
      (((? keyword? key) value . rest)
       (loop rest (if (keyword-argument-index args key)
                      (set-keyword-argument args key value)
                      (append args (list key value))))))))

(define (default-keyword-arguments args defaults)
  "Return ARGS, a keyword argument list, with each keyword of DEFAULTS that
ARGS lacks added in front with its value in DEFAULTS."
  (let loop ((defaults defaults) (args args))
    (match defaults
      (() args)
      (((? keyword? key) value . rest)
       (loop rest (if (keyword-argument-index args key)
                      args
                      (cons* key value args)))))))

(define (substitute-keyword-arguments* args clauses)
  "Apply CLAUSES, a list of (KEYWORD DEFAULT PROC), to ARGS in order: the
value of each KEYWORD ARGS has becomes (PROC VALUE); a missing one is added
in front as (PROC (DEFAULT)) when DEFAULT is a thunk, left out when it is
#f."
  (fold (lambda (clause args)
          (match clause
            ((key default proc)
             (cond ((keyword-argument-index args key)
                    => (lambda (index)
                         (set-keyword-argument args key
                                               (proc (list-ref args (+ index 1))))))
                   (default (cons* key (proc (default)) args))
                   (else args)))))
        args
        clauses))

(define-syntax substitute-keyword-arguments
  (syntax-rules ()
    "Return ARGS, a keyword argument list, with the value of each KEYWORD
replaced by EXP, evaluated with VAR bound to the old value.  A clause with
a DEFAULT adds KEYWORD when ARGS lacks it, VAR then bound to DEFAULT:

  (substitute-keyword-arguments '(#:tests? #t)
    ((#:tests? _) #f)
    ((#:flags flags ''()) (cons \"-j2\" flags)))
  ⇒ (#:flags (\"-j2\") #:tests? #f)"
    ((_ args ((keyword var default ...) exp) ...)
     (substitute-keyword-arguments* args
                                    (list (list keyword
                                                (keyword-default default ...)
                                                (lambda (var) exp))
                                          ...)))))

(define-syntax keyword-default
  (syntax-rules ()
    ((_) #f)
    ((_ default) (lambda () default))))


;;;
;;; Files.
;;;

(define (readlink* file)
  "Return the file name that FILE finally names: FILE itself if it is not
a symbolic link, else its target (relative targets taken from the link's
directory), followed in turn.  Raise a system-error if FILE or a target
does not exist, and ELOOP after 40 links, as the kernel would."
  (let loop ((file file) (links 0))
    (if (not (eq? 'symlink (stat:type (lstat file))))
        file
        (if (= links 40)
            (throw 'system-error "readlink*" "~A: ~S"
                   (list (strerror ELOOP) file) (list ELOOP))
            (let ((target (readlink file)))
              (loop (if (string-prefix? "/" target)
                        target
                        (string-append (dirname file) "/" target))
                    (+ links 1)))))))

(define* (edit-expression source-properties proc #:key (encoding "UTF-8"))
  "Replace, in place, the text of the expression of a file that
SOURCE-PROPERTIES (an alist with filename, line and column counted from 0,
as `source-properties' returns) points to, by what PROC, given that text,
returns.  The file is replaced atomically; the rest is kept byte for byte.
Raise an error if the file has no expression there."
  (let* ((file (assq-ref source-properties 'filename))
         (line (assq-ref source-properties 'line))
         (column (assq-ref source-properties 'column))
         (text (call-with-input-file file
                 (lambda (port)
                   (set-port-encoding! port encoding)
                   (get-string-all port))))
         (start (let loop ((index 0) (current 0))
                  (cond ((= current line) (+ index column))
                        ((string-index text #\newline index)
                         => (lambda (end) (loop (+ end 1) (+ current 1))))
                        (else
                         (error (format #f "~a:~a:~a: no such line in the file"
                                        file (+ line 1) column))))))
         (end (call-with-input-string (substring text start)
                (lambda (port)
                  (when (eof-object? (read port))
                    (error (format #f "~a:~a:~a: no expression there"
                                   file (+ line 1) column)))
                  ;; What `read' left says where the expression ends.
                  (- (string-length text)
                     (match (get-string-all port)
                       ((? eof-object?) 0)
                       (rest (string-length rest))))))))
    (with-atomic-file-output file
      (lambda (port)
        (set-port-encoding! port encoding)
        (display (substring text 0 start) port)
        (display (proc (substring text start end)) port)
        (display (substring text end) port)))))

;;; utils.scm ends here
