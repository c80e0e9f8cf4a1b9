;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre scripts eval): `byre eval' and `byre build', which evaluate a gexp
;;; in a container and build a file-like object, with no daemon.

(define-module (byre scripts eval)
  #:use-module (byre ui)
  #:use-module (byre store)
  #:use-module (byre monads)
  #:use-module (byre gexp)
  #:use-module (byre derivations)
  #:use-module (byre file-systems)
  #:use-module (byre container)
  #:use-module (byre system container)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-37)
  #:use-module (ice-9 match)
  #:export (byre-eval
            byre-build
            read-gexp-file))

;;; Commentary:
;;;
;;; FILE is evaluated in a fresh module where Guix's usual modules are
;;; available: (guix gexp), (guix store), (guix monads), (guix
;;; derivations), (gnu system file-systems).  Its last value is what is
;;; evaluated or built.
;;;
;;; Code:

(define %user-modules
  '((guile) (guix gexp) (guix store) (guix monads) (guix derivations)
    (gnu system file-systems) (gnu system linux-container)))

(define (evaluation-module)
  (let ((module (make-fresh-user-module)))
    (for-each (lambda (name)
                (module-use! module (resolve-interface name)))
              %user-modules)
    module))

(define (read-gexp-file file)
  "Return the value of the last expression of FILE, evaluated in a module
with Guix's usual modules."
  (unless (file-exists? file)
    (leave "~a: no such file" file))
  (save-module-excursion
   (lambda ()
     (set-current-module (evaluation-module))
     (primitive-load (if (string-prefix? "/" file)
                         file
                         (string-append (getcwd) "/" file))))))

(define (evaluate-expression string)
  (save-module-excursion
   (lambda ()
     (set-current-module (evaluation-module))
     (eval (call-with-input-string string read) (current-module)))))

(define (mapping-argument value writable?)
  ;; "SRC" or "SRC=DST", as `guix shell --share/--expose'.
  (match (string-index value #\=)
    (#f (file-system-mapping (source value) (target value)
                             (writable? writable?)))
    (index (file-system-mapping (source (substring value 0 index))
                                (target (substring value (+ 1 index)))
                                (writable? writable?)))))

(define (exit-status status)
  ;; The command's exit status, or 128 + the signal that killed it.
  (or (status:exit-val status)
      (+ 128 (or (status:term-sig status) 0))))


;;;
;;; byre eval.
;;;

(define (show-eval-help)
  (display "Usage: byre eval [OPTION]... FILE
  or:  byre eval [OPTION]... -e EXPRESSION
Evaluate the gexp that FILE (or EXPRESSION) evaluates to in a container
whose store holds exactly the closure of what it refers to, with the
host's guile, and exit with its status.

  -e, --expression=EXPR  evaluate the gexp EXPR evaluates to
      --share=SRC[=DST]  make the host's SRC writable at DST in the container
      --expose=SRC[=DST] make the host's SRC readable at DST in the container
  -N, --network          share the host's network (no network namespace)
  -h, --help             display this help and exit
  -V, --version          display version information and exit

Example:
  byre eval -e '#~(exit 42)'; echo $?      # prints 42
")
  (show-bug-report-information))

(define %eval-options
  (list (option '(#\e "expression") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'expression arg result)))
        (option '("share") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'mapping (mapping-argument arg #t) result)))
        (option '("expose") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'mapping (mapping-argument arg #f) result)))
        (option '(#\N "network") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'network? #t result)))
        (option '(#\h "help") #f #f
                (lambda _ (show-eval-help) (exit 0)))
        (option '(#\V "version") #f #f
                (lambda _ (show-version "eval") (exit 0)))))

(define (byre-eval args)
  "Implement `byre eval' with ARGS, the arguments after \"eval\"."
  (let-values (((opts operands)
                (parse-command-options args %eval-options '() #:command "eval")))
    (define exp
      (call-with-error-handling
       (lambda ()
         (match (cons (assq-ref opts 'expression) operands)
           ((#f file) (read-gexp-file file))
           (((? string? expression)) (evaluate-expression expression))
           ((#f) (usage-error "no file or expression to evaluate"
                              #:command "eval"
                              #:hint "give a file whose last expression is a gexp, \
or -e '#~(display 42)'"))
           (_ (usage-error "give either FILE or -e EXPRESSION, once"
                           #:command "eval"))))))
    (unless (gexp? exp)
      (leave "~a is not a gexp; write #~(...)" exp))
    (let ((status
           (call-with-error-handling
            (lambda ()
              (with-store store
                (run-with-store store
                  (eval/container
                   exp
                   #:mappings (reverse (filter-map (match-lambda
                                                     (('mapping . m) m)
                                                     (_ #f))
                                                   opts))
                   #:namespaces (if (assq-ref opts 'network?)
                                    (delq 'net %namespaces)
                                    %namespaces))))))))
      (exit (exit-status status)))))


;;;
;;; byre build.
;;;

(define (show-build-help)
  (display "Usage: byre build [OPTION]... FILE
Build the file-like object or gexp that FILE evaluates to, as 'guix build
-f' does, and print the file names of its outputs, one a line.

  -e, --expression=EXPR  build what EXPR evaluates to instead
  -h, --help             display this help and exit
  -V, --version          display version information and exit

Example:
  echo '(plain-file \"hello\" \"Hello!\")' > hello.scm && byre build hello.scm
")
  (show-bug-report-information))

(define %build-options
  (list (option '(#\e "expression") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'expression arg result)))
        (option '(#\h "help") #f #f
                (lambda _ (show-build-help) (exit 0)))
        (option '(#\V "version") #f #f
                (lambda _ (show-version "build") (exit 0)))))

(define (byre-build args)
  "Implement `byre build' with ARGS, the arguments after \"build\"."
  (let-values (((opts operands)
                (parse-command-options args %build-options '() #:command "build")))
    (define-values (object name)
      (call-with-error-handling
       (lambda ()
         (match (cons (assq-ref opts 'expression) operands)
           ((#f file) (values (read-gexp-file file)
                              (basename file ".scm")))
           (((? string? expression))
            (values (evaluate-expression expression) "expression"))
           (_ (usage-error "give one FILE, or -e EXPRESSION"
                           #:command "build"))))))
    (call-with-error-handling
     (lambda ()
       (with-store store
         (let ((lowered
                (run-with-store store
                  (cond ((gexp? object) (gexp->derivation name object))
                        ((file-like? object) (lower-object object))
                        (else
                         (leave "~s is neither a file-like object nor a gexp"
                                object))))))
           (match lowered
             ((? derivation? drv)
              (build-derivations store (list drv))
              (for-each (match-lambda ((_ . path) (display path) (newline)))
                        (derivation->output-paths drv)))
             ((? string? item)
              (display item)
              (newline)))))))))
