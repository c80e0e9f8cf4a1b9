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
  #:export (call-with-temporary-directory
            call-with-temporary-output-file
            with-atomic-file-output

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

            string-distance
            string-closest)
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

(define (temporary-template name)
  "Return a mkstemp!/mkdtemp template for NAME under $TMPDIR or /tmp."
  (string-append (or (getenv "TMPDIR") "/tmp") "/" name ".XXXXXX"))

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

(define (call-with-temporary-directory proc)
  "Call PROC with the name of a new, empty, private directory and return its
result.  The directory and everything in it are deleted when PROC returns
or exits non-locally."
  (let ((directory #f))
    (dynamic-wind
      (lambda ()
        (set! directory (mkdtemp (temporary-template "byre-directory"))))
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

(define (string-closest word candidates)
  "Return the string of CANDIDATES closest to WORD (within a distance of a
third of its length, at least 2), or #f when none is close."
  (let ((best (fold (lambda (candidate best)
                      (let ((distance (string-distance word candidate)))
                        (if (or (not best) (< distance (cdr best)))
                            (cons candidate distance)
                            best)))
                    #f candidates)))
    (and best
         (<= (cdr best) (max 2 (quotient (string-length word) 3)))
         (car best))))

;;; utils.scm ends here
