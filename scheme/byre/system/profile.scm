;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system profile): the system profile, what
;;; /run/current-system/profile holds.

(define-module (byre system profile)
  #:use-module (byre gexp)
  #:export (system-profile))

;;; Commentary:
;;;
;;; A union tree of the packages: directories are merged, a file is a link
;;; to the first package that has it, as Guix's profiles resolve
;;; collisions.  etc/profile sets the search paths a login shell needs.
;;;
;;; Code:

(define (system-profile packages)
  "Return the profile of PACKAGES, file-like objects, as a file-like
object: their union, with an etc/profile setting PATH."
  (computed-file
   "profile"
   (gexp (begin
           (define (union target sources top?)
             ;; Link into TARGET, a new directory, the entries of SOURCES,
             ;; directories; recurse where two of them have a directory.
             (mkdir target)
             (let ((table (make-hash-table)))
               (for-each
                (lambda (source)
                  (for-each
                   (lambda (name)
                     (unless (member name '("." ".."))
                       (hash-set! table name
                                  (append (hash-ref table name '())
                                          (list (string-append source "/"
                                                               name))))))
                   (let ((dir (opendir source)))
                     (let loop ((names '()))
                       (let ((name (readdir dir)))
                         (if (eof-object? name)
                             (begin (closedir dir) (sort names string<?))
                             (loop (cons name names))))))))
                sources)
               (for-each
                (lambda (name)
                  (let ((files (hash-ref table name))
                        (file (string-append target "/" name)))
                    (define (directory? f)
                      ;; A link whose target the build cannot see is a
                      ;; file to link to, not a directory to merge.
                      (let ((st (false-if-exception (stat f))))
                        (and st (eq? 'directory (stat:type st)))))
                    ;; etc/ is always a directory of its own: etc/profile
                    ;; is written into it.
                    (if (and (directory? (car files))
                             (every* directory? files)
                             (or (pair? (cdr files))
                                 (and top? (string=? name "etc"))))
                        (union file files #f)
                        (symlink (car files) file))))
                (sort (hash-map->list (lambda (k v) k) table) string<?))))

           (define (every* pred lst)
             (or (null? lst) (and (pred (car lst)) (every* pred (cdr lst)))))

           (define packages
             (filter file-exists? '(ungexp packages)))

           (union (ungexp output)
                  (filter (lambda (p)
                            (let ((st (false-if-exception (stat p))))
                              (and st (eq? 'directory (stat:type st)))))
                          packages)
                  #t)
           (let ((etc (string-append (ungexp output) "/etc")))
             (unless (file-exists? etc) (mkdir etc))
             (let ((file (string-append etc "/profile")))
               (when (false-if-exception (lstat file))
                 (delete-file file))
               (call-with-output-file file
                 (lambda (port)
                   (display "\
# The system profile's search paths.
export PATH=\"/run/current-system/profile/bin:/run/current-system/profile/sbin\
${PATH:+:}$PATH\"
" port)))))))))

;;; profile.scm ends here
