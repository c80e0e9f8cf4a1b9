;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Module closures, as Guix's (guix modules) computes them: what to import
;;; into a build with with-imported-modules.

(define-module (byre modules)
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-35)
  #:use-module ((ice-9 exceptions) #:select (raise-exception))
  #:export (&missing-dependency-error
            missing-dependency-error?
            missing-dependency-module
            missing-dependency-search-path

            file-name->module-name
            module-name->file-name
            source-module-dependencies
            source-module-closure
            live-module-closure
            module-dependencies
            guix-module-name?))

;;; Commentary:
;;;
;;; A closure is computed from the `define-module' forms of the modules'
;;; source files (source-module-closure), or from the modules loaded in
;;; this process (live-module-closure).  Both walk depth first, as Guix's
;;; do, so that the result is in the same order: a module, then what it
;;; imports, each once.
;;;
;;; Code:

;; A module named in a closure has no source file on the search path.
(define-condition-type &missing-dependency-error &error
  missing-dependency-error?
  (module      missing-dependency-module)
  (search-path missing-dependency-search-path))

(define (guix-module-name? name)
  "Return true if NAME, a module name, is that of a module of Guix's name
spaces: (guix …) or (gnu …), which byre provides."
  (match name
    (((or 'guix 'gnu) _ ...) #t)
    (_ #f)))

(define (module-name->file-name name)
  "Return the file name, relative to a directory of the load path, of the
source of module NAME: \"guix/build/utils.scm\" for (guix build utils)."
  (string-append (string-join (map symbol->string name) "/") ".scm"))

(define (file-name->module-name file)
  "Return the name of the module whose source is FILE, a file name relative
to a directory of the load path: (guix build utils) for
\"guix/build/utils.scm\"."
  (map string->symbol
       (string-tokenize (if (string-suffix? ".scm" file)
                            (string-drop-right file 4)
                            file)
                        (char-set-complement (char-set #\/)))))

;; Modules Guile defines without a source file of their name.
(define %source-less-modules
  '((system syntax) (system syntax internal) (ice-9 ports internal)))

(define (define-module-imports clauses)
  "Return the names of the modules that CLAUSES, the clauses of a
define-module form, import with #:use-module or #:autoload."
  (define (import->name spec)
    ;; #:use-module SPEC: a name, or (NAME #:select …) and the like.
    (match spec
      (((? symbol?) ...) spec)
      ((((? symbol?) ...) rest ...) (car spec))
      (_ #f)))

  (let collect ((clauses clauses) (result '()))
    (match clauses
      (() (reverse result))
      ((#:use-module spec . rest)
       (collect rest (match (import->name spec)
                       (#f result)
                       (name (cons name result)))))
      ((#:autoload spec _ . rest)
       (collect rest (match (import->name spec)
                       (#f result)
                       (name (cons name result)))))
      ((_ . rest) (collect rest result)))))

(define (module-dependencies name load-path)
  "Return the names of the modules that module NAME, whose source is found
on LOAD-PATH, imports in its define-module form; #f if there is no such
source file."
  (match (search-path load-path (module-name->file-name name))
    (#f #f)
    (file
     (call-with-input-file file
       (lambda (port)
         (let loop ()
           (match (read port)
             ((? eof-object?) '())
             (('define-module (? list?) clauses ...)
              (define-module-imports clauses))
             (_ (loop)))))))))

(define* (source-module-dependencies name #:optional (load-path %load-path))
  "Return the names of the modules that module NAME imports, read from its
source file on LOAD-PATH.  Raise &missing-dependency-error when there is no
such file."
  (if (member name %source-less-modules)
      '()
      (or (module-dependencies name load-path)
          (raise-exception (condition (&missing-dependency-error
                             (module name)
                             (search-path load-path)))))))

(define* (module-closure modules #:key select? dependencies)
  "Return the modules among MODULES that SELECT? accepts and, depth first,
those they import according to DEPENDENCIES, a procedure from a module
name to the names it imports; each once, in the order first visited."
  (let loop ((pending modules) (result '()) (visited '()))
    (match pending
      (() (reverse result))
      ((name . rest)
       (cond ((member name visited)
              (loop rest result visited))
             ((select? name)
              (loop (append (dependencies name) rest)
                    (cons name result)
                    (cons name visited)))
             (else
              (loop rest result (cons name visited))))))))

(define* (source-module-closure modules #:optional (load-path %load-path)
                                #:key (select? guix-module-name?))
  "Return MODULES, a list of module names, and the modules they import,
directly or not, that SELECT? accepts (by default, Guix's name spaces),
read from their source files on LOAD-PATH, each once, depth first, as
Guix's `source-module-closure' does.  Raise &missing-dependency-error when
a selected module has no source file there."
  (module-closure modules
                  #:select? select?
                  #:dependencies (lambda (name)
                                   (source-module-dependencies name load-path))))

(define* (live-module-closure modules #:key (select? guix-module-name?))
  "Return the closure of MODULES, a list of module names, as
`source-module-closure' does, but from the modules as loaded in this
process (loading them if needed) rather than from their source files."
  (define (dependencies name)
    (map module-name
         (delq the-scm-module (module-uses (resolve-module name)))))

  (module-closure modules #:select? select? #:dependencies dependencies))
