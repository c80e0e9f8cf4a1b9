;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre user-file): loading the files users write, with errors that say
;;; where.

(define-module (byre user-file)
  #:use-module (byre diagnostics)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-26)
  #:use-module ((byre utils) #:select (string-closest))
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:use-module (ice-9 match)
  #:use-module (ice-9 ftw)
  #:export (load-user-file
            modules-exporting))

;;; Commentary:
;;;
;;; `byre build FILE', `byre eval FILE' and the commands that take a
;;; configuration evaluate a file that a user wrote.  A mistake in it must
;;; come back as Guix reports it:
;;;
;;;   hello.scm:3:2: error: plain-fle: unbound variable
;;;   hint: Did you mean `plain-file'?
;;;
;;; rather than as a backtrace into byre.  The file is read and evaluated a
;;; top-level form at a time, as `primitive-load' does; what a form raises
;;; is given the location of that form, or of the innermost expression of
;;; it that names the unbound variable or that a syntax error points to.
;;;
;;; Code:

(define (form-location form)
  ;; The source location of FORM when the reader recorded one.
  (and (pair? form)
       (let ((properties (source-properties form)))
         (and (assq-ref properties 'filename) properties))))

(define (symbol-location form symbol)
  "Return the location of the innermost list of FORM that has SYMBOL as
an element, or #f."
  (let loop ((form form))
    (match form
      ((? pair?)
       (or (any-sublist loop form)
           (and (memq-improper symbol form)
                (form-location form))))
      (_ #f))))

(define (any-sublist proc form)
  ;; PROC applied to each element of FORM, a possibly improper list, until
  ;; one returns true.
  (let loop ((rest form))
    (match rest
      ((head . tail) (or (proc head) (loop tail)))
      (_ #f))))

(define (memq-improper symbol form)
  (let loop ((rest form))
    (match rest
      ((head . tail) (or (eq? head symbol) (loop tail)))
      (_ #f))))

(define (facade-module-names)
  ;; The (gnu …), (guix …) and (shepherd …) modules on the load path, as
  ;; lists of symbols: where a user's missing variable may be defined.
  (define (scheme-files directory prefix)
    (let ((top (string-append directory "/" prefix)))
      (if (false-if-exception (eq? 'directory (stat:type (stat top))))
          (file-system-fold
           (const #t)
           (lambda (file stat result)
             (if (string-suffix? ".scm" file)
                 (cons (string-drop (string-drop-right file 4)
                                    (+ 1 (string-length directory)))
                       result)
                 result))
           (lambda (dir stat result) result)
           (lambda (dir stat result) result)
           (lambda (file stat result) result)
           (lambda (file stat errno result) result)
           '() top)
          '())))

  (delete-duplicates
   (append-map (lambda (directory)
                 (append-map (lambda (prefix)
                               (map (lambda (file)
                                      (map string->symbol
                                           (string-split file #\/)))
                                    (scheme-files directory prefix)))
                             '("gnu" "guix" "shepherd")))
               %load-path)))

(define (modules-exporting symbol)
  "Return the names of the (gnu …), (guix …) and (shepherd …) modules on
the load path whose public interface has SYMBOL, sorted."
  (sort (filter (lambda (name)
                  (false-if-exception
                   (module-variable (resolve-interface name) symbol)))
                (facade-module-names))
        (lambda (a b)
          (string<? (object->string a) (object->string b)))))

(define (module-variables module)
  ;; The names bound in MODULE and in what it uses.
  (delete-duplicates
   (append (module-map (lambda (name variable) name) module)
           (append-map (lambda (interface)
                         (module-map (lambda (name variable) name)
                                     interface))
                       (module-uses module)))))

(define (unbound-variable-hint symbol module)
  ;; "Did you forget (use-modules …)?" when a module byre has exports
  ;; SYMBOL, else "Did you mean …?" for a close name in scope.
  (match (modules-exporting symbol)
    ((('gnu 'packages part) . _)
     ;; As Guix says it for its package modules.
     (format #f "Try adding `(use-package-modules ~a)'." part))
    ((name . _)
     (format #f "Did you forget `(use-modules ~s)'?" name))
    (()
     (and=> (string-closest (symbol->string symbol)
                            (map symbol->string (module-variables module)))
            (cut format #f "Did you mean `~a'?" <>)))))

(define (located-error location format-string arguments hint)
  (make-user-error format-string arguments
                   #:location location #:hint hint))

(define (condition-for key args form module)
  "Return the condition to raise for the exception KEY with ARGS raised by
FORM, a top-level form of the user's file, evaluated in MODULE; or #f to
re-raise the exception as it is."
  (match (cons key args)
    (('unbound-variable _ _ (symbol) . _)
     (located-error (or (symbol-location form symbol) (form-location form))
                    "~a: unbound variable" (list symbol)
                    (unbound-variable-hint symbol module)))
    (('syntax-error who message properties expression . _)
     (located-error (or (and (assq-ref (or properties '()) 'filename)
                             properties)
                        (form-location expression)
                        (form-location form))
                    "~a: ~a" (list (or who "syntax") message)
                    #f))
    (('wrong-number-of-args procedure message arguments . _)
     (located-error (form-location form)
                    "~a"
                    (list (apply simple-format #f message arguments))
                    #f))
    (('wrong-type-arg procedure message arguments . _)
     (located-error (form-location form)
                    "~a"
                    (list (apply simple-format #f message arguments))
                    #f))
    (('misc-error procedure message arguments . _)
     (located-error (form-location form)
                    "~a"
                    (list (if (list? arguments)
                              (apply simple-format #f message arguments)
                              message))
                    #f))
    (('%exception (? condition? condition))
     ;; byre's own conditions: give them the form's location when they
     ;; have none.
     (if (error-location? condition)
         #f
         (and (message-condition? condition)
              (located-error (form-location form)
                             "~a" (list (condition-message condition))
                             (and (fix-hint? condition)
                                  (condition-fix-hint condition))))))
    (_ #f)))

(define* (load-user-file file #:optional (module (current-module))
                         #:key (check identity))
  "Evaluate the top-level forms of FILE, the name of a file a user wrote,
in MODULE, in order, and return the value of the last one.  FILE is read
with source locations, so that what it defines knows where it comes from
(`local-file' names are relative to FILE's directory).  An unbound
variable, a syntax error or a wrong call is raised as an error condition
with the FILE:LINE:COLUMN of the form at fault, and, for an unbound
variable, a hint naming a module that exports it or a close name; a
missing FILE raises such a condition too.  CHECK is applied to the last
value, as if by the last form, and its value is returned: what the value
computes lazily (a thunked field's expression) fails at that form's
location too."
  (let ((file (if (string-prefix? "/" file)
                  file
                  (string-append (getcwd) "/" file))))
    (unless (file-exists? file)
      (raise (make-user-error "~a: no such file" (list file)
                              #:hint "check the file name, or give \
-e EXPRESSION instead")))
    (call-with-input-file file
      (lambda (port)
        (set-port-filename! port file)
        (save-module-excursion
         (lambda ()
           (set-current-module module)
           (define (located form thunk)
             (catch #t
               thunk
               (lambda (key . args)
                 (match (condition-for key args form module)
                   (#f (apply throw key args))
                   (condition (raise condition))))))

           (let loop ((value *unspecified*) (last #f))
             (let ((form (catch 'read-error
                           (lambda () (read port))
                           (lambda (key procedure message arguments . _)
                             (raise (make-user-error
                                     "~a" (list (apply simple-format #f
                                                       message arguments))))))))
               (if (eof-object? form)
                   (located last (lambda () (check value)))
                   (loop (located form
                                  (lambda () (eval form (current-module))))
                         form))))))))))

;;; user-file.scm ends here
