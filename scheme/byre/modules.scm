;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Module closures, as Guix's (guix modules) computes them: what to import
;;; into a build with with-imported-modules.

(define-module (byre modules)
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:export (source-module-closure
            module-dependencies
            guix-module-name?))

(define (guix-module-name? name)
  "Return true if NAME, a module name, is that of a module of Guix's name
spaces: (guix …) or (gnu …), which byre provides."
  (match name
    (((or 'guix 'gnu) _ ...) #t)
    (_ #f)))

(define (module-file name)
  (string-append (string-join (map symbol->string name) "/") ".scm"))

(define (module-dependencies name load-path)
  "Return the names of the modules that module NAME, whose source is found
on LOAD-PATH, imports in its define-module form; #f if there is no such
source file."
  (define (import->name spec)
    ;; #:use-module SPEC: a name, or (NAME #:select …) and the like.
    (match spec
      (((? symbol?) ...) spec)
      ((((? symbol?) ...) rest ...) (car spec))
      (_ #f)))
  (match (search-path load-path (module-file name))
    (#f #f)
    (file
     (call-with-input-file file
       (lambda (port)
         (let loop ()
           (match (read port)
             ((? eof-object?) '())
             (('define-module (? list?) clauses ...)
              (let collect ((clauses clauses) (result '()))
                (match clauses
                  (() (reverse result))
                  (((or #:use-module #:autoload) spec . rest)
                   (let ((name (import->name spec)))
                     (collect (if (eq? (car clauses) #:autoload) (cdr rest) rest)
                              (if name (cons name result) result))))
                  ((_ . rest) (collect rest result)))))
             (_ (loop)))))))))

(define* (source-module-closure modules #:optional (load-path %load-path)
                                #:key (select? guix-module-name?))
  "Return MODULES, a list of module names, and the modules they import,
directly or not, that SELECT? accepts and whose source files are on
LOAD-PATH, each once, dependencies after the modules that import them (as
Guix's source-module-closure does)."
  (let loop ((pending modules) (visited '()))
    (match pending
      (() (reverse visited))
      ((name . rest)
       (if (member name visited)
           (loop rest visited)
           (let ((dependencies (or (module-dependencies name load-path) '())))
             (loop (append rest (filter select? dependencies))
                   (cons name visited))))))))
