;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre packages catalog): Guix's package names, read from the one table
;;; data/packages.scm, as host packages; what (gnu packages …) re-export.

(define-module (byre packages catalog)
  #:use-module (byre config)
  #:use-module (byre diagnostics)
  #:use-module (byre packages)
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-26)
  #:export (%package-table-file
            catalog-entry?
            catalog-entry-module
            catalog-entry-variable
            catalog-entry-package
            package-table
            catalog-packages
            package-module-names
            package-module-variables
            package-variable-module
            re-export-package-module!
            find-catalog-package
            specification->package
            use-package-modules))

;;; Commentary:
;;;
;;; The table is read once, with the source location of each entry, which
;;; becomes the package's location: an error about a mapping points at the
;;; line of data/packages.scm to change.  The packages live in one module
;;; of their own, whose public interface the façades (gnu packages ssh)
;;; and so on re-export, each the variables of its part of the table.
;;;
;;; Code:

(define %package-table-file
  ;; The table: BYRE_DATA_DIRECTORY/packages.scm from the build tree, the
  ;; installed copy otherwise.
  (make-parameter (string-append %byre-data-directory "/packages.scm")))

(define-record-type <catalog-entry>
  (make-catalog-entry module variable package)
  catalog-entry?
  (module   catalog-entry-module)    ;symbol: ssh for (gnu packages ssh)
  (variable catalog-entry-variable)  ;symbol
  (package  catalog-entry-package))  ;<host-package>

(define (table-error location format-string . arguments)
  (raise-exception
   (make-user-error format-string arguments
                    #:location location
                    #:hint "entries read (MODULE VARIABLE NAME (DEBIAN ...) \
OPTION ...); see the top of the file")))

(define (entry->catalog-entry form file)
  (define location
    (let ((props (source-properties form)))
      (and (pair? props)
           (if (assq 'filename props) props (cons (cons 'filename file) props)))))
  (define (options->keywords options)
    (append-map (match-lambda
                  (('relocate (item host) ...)
                   (for-each (lambda (i h)
                               (unless (and (string? i) (string? h)
                                            (not (string-prefix? "/" i))
                                            (string-prefix? "/" h))
                                 (table-error location
                                              "relocation (~s ~s) must map a \
relative file name to an absolute host file name" i h)))
                             item host)
                    `(#:relocations ,(map list item host)))
                  (('data (? string? dirs) ...)
                   `(#:data-directories ,dirs))
                  (('search-paths ((? string? vars) (? string? dirs) ...) ...)
                   `(#:search-paths ,(map cons vars dirs)))
                  (('byre)
                   `(#:version ,%byre-version))
                  (option
                   (table-error location "~s: unknown option" option)))
                options))
  (match form
    (((? symbol? module) (? symbol? variable) (? string? name)
      ((? string? debian) ...) options ...)
     (make-catalog-entry
      module variable
      (apply host-package
             (match debian (() #f) ((first . _) first))
             #:name name
             #:also (match debian (() '()) ((_ . rest) rest))
             #:location location
             (options->keywords options))))
    (_ (table-error location "~s: malformed entry" form))))

(define (read-table file)
  (call-with-input-file file
    (lambda (port)
      (set-port-filename! port file)
      (let loop ((entries '()))
        (match (read port)
          ((? eof-object?) (reverse entries))
          (form (loop (cons (entry->catalog-entry form file) entries))))))))

(define %tables
  ;; File -> (mtime . entries).
  (make-hash-table))

(define (package-table)
  "Return the entries of the package table, %package-table-file, as
<catalog-entry> records in the table's order."
  (let* ((file (%package-table-file))
         (mtime (stat:mtime (stat file))))
    (match (hash-ref %tables file)
      (((? (cut = mtime <>)) . entries) entries)
      (_
       (let ((entries (read-table file)))
         (hash-set! %tables file (cons mtime entries))
         entries)))))

(define (catalog-packages)
  "Return the host packages of the package table, in its order."
  (map catalog-entry-package (package-table)))

(define (package-module-names)
  "Return the last parts of the Guix package modules the table fills, as
symbols (ssh for (gnu packages ssh)), sorted."
  (sort (delete-duplicates (map catalog-entry-module (package-table)))
        (lambda (a b) (string<? (symbol->string a) (symbol->string b)))))

(define (package-module-variables module)
  "Return the variables, symbols, that the table puts in (gnu packages
MODULE)."
  (filter-map (lambda (entry)
                (and (eq? module (catalog-entry-module entry))
                     (catalog-entry-variable entry)))
              (package-table)))

(define (package-variable-module variable)
  "Return the module part (a symbol) of the Guix package module exporting
VARIABLE, or #f when the table has no such variable."
  (any (lambda (entry)
         (and (eq? variable (catalog-entry-variable entry))
              (catalog-entry-module entry)))
       (package-table)))

(define %packages-module
  ;; The module holding one variable per table entry, all public.
  (let ((module (make-module)))
    (set-module-name! module '(byre packages catalog variables))
    (beautify-user-module! module)
    (for-each (lambda (entry)
                (module-define! module (catalog-entry-variable entry)
                                (catalog-entry-package entry)))
              (package-table))
    (module-export! module (map catalog-entry-variable (package-table)))
    module))

(define (re-export-package-module! module part)
  "Make MODULE, a façade such as (gnu packages ssh), re-export the
packages that the table lists under PART, a symbol such as ssh."
  (module-use! module (module-public-interface %packages-module))
  (module-re-export! module (package-module-variables part)))

(define (find-catalog-package name)
  "Return the host package whose Guix name is NAME, from the table, or #f."
  (any (lambda (entry)
         (let ((package (catalog-entry-package entry)))
           (and (string=? name (host-package-name package)) package)))
       (package-table)))

(define (specification->package spec)
  "Return the package SPEC names, a string \"NAME\" or \"NAME@VERSION\":
Guix's package NAME from the table, else the Debian package NAME (which
may be \"NAME:ARCH\").  A VERSION must be a prefix of the installed
Debian version.  Raise an error condition when neither exists."
  (define-values (name version)
    (match (string-index spec #\@)
      (#f (values spec #f))
      (i (values (string-take spec i) (string-drop spec (+ i 1))))))
  (let ((package (or (find-catalog-package name)
                     (and (dpkg-package name) (host-package name)))))
    (unless package
      (raise-exception
       (make-user-error "~a: unknown package" (list name)
                        #:hint (format #f "neither Guix's package table nor \
dpkg knows it; `apt-cache search ~a' may find its Debian name" name))))
    (when version
      (let ((installed (host-package-version package)))
        (unless (and installed
                     (or (string-prefix? version installed)
                         (match (string-index installed #\:)
                           (#f #f)
                           (i (string-prefix? version
                                              (string-drop installed (+ i 1)))))))
          (raise-exception
           (make-user-error "~a@~a: the installed version is ~a" 
                            (list name version (or installed "none"))
                            #:hint "the host's packages come in the version \
Debian installed; drop the version")))))
    package))

(define-syntax use-package-modules
  (syntax-rules ()
    "Use the package modules (gnu packages MODULE) ... as use-modules does."
    ((_ module ...)
     (use-modules (gnu packages module) ...))))

;;; catalog.scm ends here
