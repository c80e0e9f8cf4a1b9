;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre monad-repl): REPL meta-commands for the store monad, as Guix's
;;; (guix monad-repl) has them.  Loading the module registers them:
;;;
;;;   scheme@(guile-user)> ,use (byre monad-repl) (guix monads)
;;;   scheme@(guile-user)> ,run-in-store (text-file "hello" "Hello!")
;;;   $1 = "/var/lib/byre/store/…-hello"
;;;   scheme@(guile-user)> ,enter-store-monad
;;;   store-monad@(guile-user) [1]> (text-file "a" "b")
;;;   $2 = "/var/lib/byre/store/…-a"
;;;   store-monad@(guile-user) [1]> ,q

(define-module (byre monad-repl)
  #:use-module (byre monads)
  #:use-module (system repl repl)
  #:use-module (system repl common)
  #:use-module (system repl command)
  #:use-module (system base language)
  ;; A store is opened only when a command runs; loading this module (as
  ;; `byre repl' may) must not need the store extension.
  #:autoload (byre store) (open-connection close-connection)
  #:export (store-monad-language))

;;; Commentary:
;;;
;;; Both commands open the local store for as long as they run and close it
;;; afterwards, even on a non-local exit (an error sends the REPL into its
;;; debugger and, from there, back to the prompt).
;;;
;;; Code:

(define (call-with-open-store proc)
  (let ((store #f))
    (dynamic-wind
      (lambda () (set! store (open-connection)))
      (lambda () (proc store))
      (lambda ()
        (when store
          (close-connection store)
          (set! store #f))))))

(define (in-store-monad exp)
  ;; So that `return', `>>=', `mlet' without a monad... mean the store
  ;; monad's in what is typed, as they would inside an `mlet'.
  `((@ (byre monads) with-monad) (@ (byre monads) %store-monad) ,exp))

(define (store-monad-language store)
  "Return a REPL language that is Scheme, except that each expression is
read as a value in the store monad and run against STORE, an open store
connection, the REPL printing its result."
  (let ((scheme (lookup-language 'scheme)))
    (make-language #:name 'store-monad
                   #:title "byre store monad"
                   #:reader (language-reader scheme)
                   #:printer (language-printer scheme)
                   #:compilers (language-compilers scheme)
                   #:decompilers (language-decompilers scheme)
                   #:evaluator
                   (lambda (exp module)
                     (run-with-store store
                                     (eval (in-store-monad exp) module)))
                   #:make-default-environment
                   (language-make-default-environment scheme))))

(define-meta-command ((run-in-store byre) repl (form))
  "run-in-store EXP
Run EXP, a value in the store monad, against the local store."
  (call-with-open-store
   (lambda (store)
     (let ((mvalue (repl-eval repl (in-store-monad form))))
       (repl-print repl (run-with-store store mvalue))))))

(define-meta-command ((enter-store-monad byre) repl)
  "enter-store-monad
Enter a REPL for values in the store monad.

Each expression typed is run against the local store and its value printed;
,q returns to the outer REPL."
  (call-with-open-store
   (lambda (store)
     (let ((nested (make-repl (store-monad-language store))))
       ;; The language's evaluator is what runs each value in the store; a
       ;; compiled REPL would skip it.
       (repl-option-set! nested 'interp #t)
       (run-repl nested)))))

;;; monad-repl.scm ends here
