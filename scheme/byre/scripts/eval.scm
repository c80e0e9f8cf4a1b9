;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre scripts eval): `byre eval' and `byre build', which evaluate a gexp
;;; in a container and build a file-like object, with no daemon.

(define-module (byre scripts eval)
  #:use-module (byre ui)
  ;; What runs a command is loaded when it runs, not for --help: `byre
  ;; build --help' starts about as fast as a bare guile.
  #:autoload   (byre store) (call-with-store valid-path? add-indirect-root)
  #:autoload   (byre monads) (run-with-store)
  #:autoload   (byre gexp) (gexp? file-like? lower-object gexp->derivation)
  #:autoload   (byre derivations) (build-derivations
                                   derivation? derivation-file-name
                                   derivation->output-paths
                                   derivation-input
                                   derivation-build-plan
                                   derivation-build-log-file
                                   %build-verbosity
                                   %keep-failed-builds?)
  ;; Not (byre file-systems) itself: it loads the C++ core.  A mapping's
  ;; target is checked by the core's mount point rule when the container's
  ;; bind mount is made from it.
  #:autoload   (byre file-systems) (make-file-system-mapping)
  #:use-module ((byre progress) #:select (%progress-reports?))
  #:autoload   (byre container) (%namespaces)
  #:autoload   (byre system container) (eval/container)
  #:autoload   (byre user-file) (load-user-file)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-37)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:export (byre-eval
            byre-build
            read-gexp-file
            evaluate-expression
            register-root))

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
with Guix's usual modules.  Mistakes in FILE are raised as conditions with
its FILE:LINE:COLUMN (see `load-user-file')."
  (load-user-file file (evaluation-module)))

(define (evaluate-expression string)
  "Return the value of STRING, read as one expression and evaluated in a
module with Guix's usual modules, as `read-gexp-file' evaluates a file."
  (save-module-excursion
   (lambda ()
     (set-current-module (evaluation-module))
     (eval (call-with-input-string string read) (current-module)))))

(define (mapping-argument value writable? command)
  ;; "SRC" or "SRC=DST", as `guix shell --share/--expose'; both absolute.
  (define option (if writable? "--share" "--expose"))
  (let-values (((source target)
                (match (string-index value #\=)
                  (#f (values value value))
                  (index (values (substring value 0 index)
                                 (substring value (+ 1 index)))))))
    (for-each (lambda (name what)
                (unless (string-prefix? "/" name)
                  (usage-error (format #f "~a=~a: the ~a ~s is not an \
absolute file name" option value what name)
                               #:command command
                               #:hint (format #f "write ~a=/HOST/DIR or \
~a=/HOST/DIR=/CONTAINER/DIR" option option))))
              (list source target) '("host directory" "container directory"))
    (unless (file-exists? source)
      (usage-error (format #f "~a=~a: ~a does not exist" option value source)
                   #:command command))
    (make-file-system-mapping source target writable?)))

(define (file-option)
  ;; -f FILE, as `guix build -f': the same as FILE given as an operand.
  (option '(#\f "file") #t #f
          (lambda (opt name arg result)
            (alist-cons 'file arg result))))

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
  -f, --file=FILE        evaluate the gexp FILE evaluates to
  -L, --load-path=DIR    prepend DIR to the module search path
      --share=SRC[=DST]  make the host's SRC writable at DST in the container
      --expose=SRC[=DST] make the host's SRC readable at DST in the container
  -N, --network          share the host's network (no network namespace)
  -v, --verbosity=LEVEL  0: only errors; 1: a line per build (default);
                         2: build logs too
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
        (file-option)
        (load-path-option)
        (verbosity-option "eval")
        (option '("share") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'mapping (mapping-argument arg #t "eval")
                              result)))
        (option '("expose") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'mapping (mapping-argument arg #f "eval")
                              result)))
        (option '(#\N "network") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'network? #t result)))
        (option '(#\h "help") #f #f
                (lambda _ (show-eval-help) (exit 0)))
        (option '(#\V "version") #f #f
                (lambda _ (show-version "eval") (exit 0)))))

(define (object-to-process opts operands command)
  "Return two values: the value that the file or the expression of OPTS
and OPERANDS evaluates to, and a name for it."
  (call-with-error-handling
   (lambda ()
     (match (list (assq-ref opts 'expression) (assq-ref opts 'file) operands)
       ((#f #f (file))
        (values (read-gexp-file file) (basename file ".scm")))
       ((#f (? string? file) ())
        (values (read-gexp-file file) (basename file ".scm")))
       (((? string? expression) #f ())
        (values (evaluate-expression expression) "expression"))
       ((#f #f ())
        (usage-error (format #f "no file or expression to ~a" command)
                     #:command command
                     #:hint (if (string=? command "eval")
                                "give a file whose last expression is a \
gexp, or -e '#~(display 42)'"
                                "give a file whose last expression is a \
file-like object, or -e '(plain-file \"hello\" \"Hello!\")'")))
       (_
        (usage-error "give either FILE or -e EXPRESSION, once"
                     #:command command))))))

(define (byre-eval args)
  "Implement `byre eval' with ARGS, the arguments after \"eval\"."
  (let-values (((opts operands)
                (parse-command-options args %eval-options
                                       '((verbosity . 1))
                                       #:command "eval")))
    (apply-load-paths opts)
    (let-values (((exp name) (object-to-process opts operands "eval")))
      (unless (gexp? exp)
        (leave "~s is not a gexp" exp)
        ;; Not reached.
        #f)
      (let ((status
             (call-with-error-handling
              (lambda ()
                (parameterize ((%build-verbosity (assq-ref opts 'verbosity))
                            (%progress-reports? (> (assq-ref opts 'verbosity) 0)))
                  (call-with-store
                   (lambda (store)
                    (run-with-store store
                      (eval/container
                       exp
                       #:mappings (reverse (filter-map (match-lambda
                                                         (('mapping . m) m)
                                                         (_ #f))
                                                       opts))
                       #:namespaces (if (assq-ref opts 'network?)
                                        (delq 'net %namespaces)
                                        %namespaces))))))))))
        (exit (exit-status status))))))


;;;
;;; byre build.
;;;

(define (show-build-help)
  (display "Usage: byre build [OPTION]... FILE
  or:  byre build [OPTION]... -e EXPRESSION
Build the file-like object or gexp that FILE (or EXPRESSION) evaluates to,
as 'guix build -f' does, and print the file names of its outputs, one a
line.

  -e, --expression=EXPR  build what EXPR evaluates to
  -f, --file=FILE        build what FILE evaluates to
  -L, --load-path=DIR    prepend DIR to the module search path
  -r, --root=FILE        make FILE a symlink to the result, and register it
                         as a garbage collector root
  -n, --dry-run          say what would be built, build nothing
  -d, --derivations      print the derivation file names, not the outputs
      --log-file         print the file names of the build logs
  -K, --keep-failed      keep the build directory of a failed build
      --check            build again what is built already, and fail
                         unless it comes out bit for bit the same
      --no-grafts        do not graft packages (byre never grafts)
  -v, --verbosity=LEVEL  0: only errors; 1: a line per build (default);
                         2: build logs too
  -q, --quiet            the same as --verbosity=0
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
        (file-option)
        (load-path-option)
        (verbosity-option "build")
        (quiet-option)
        (option '(#\r "root") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'root arg result)))
        (option '(#\n "dry-run") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'dry-run? #t result)))
        (option '(#\d "derivations") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'derivations? #t result)))
        (option '("log-file") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'log-file? #t result)))
        (option '(#\K "keep-failed") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'keep-failed? #t result)))
        (option '("check") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'check? #t result)))
        (option '("no-grafts") #f #f
                ;; byre has no grafts: what is built is what runs.
                (lambda (opt name arg result) result))
        (option '(#\h "help") #f #f
                (lambda _ (show-build-help) (exit 0)))
        (option '(#\V "version") #f #f
                (lambda _ (show-version "build") (exit 0)))))

(define (register-root store root outputs)
  "Make ROOT, a file name, a symbolic link to the one item of OUTPUTS (or
ROOT-NAME links for each output NAME but \"out\" when there are several)
and register each link as an indirect garbage collector root."
  (let ((root (if (string-prefix? "/" root)
                  root
                  (string-append (getcwd) "/" root))))
    (for-each (match-lambda
                ((output . item)
                 (let ((link (if (or (null? (cdr outputs))
                                     (string=? output "out"))
                                 root
                                 (string-append root "-" output))))
                   (when (false-if-exception (lstat link))
                     (unless (eq? 'symlink (stat:type (lstat link)))
                       (leave "~a exists and is not a symbolic link; \
byre replaces only links" link))
                     (delete-file link))
                   (symlink item link)
                   (add-indirect-root store link))))
              outputs)))

(define (byre-build args)
  "Implement `byre build' with ARGS, the arguments after \"build\"."
  (let-values (((opts operands)
                (parse-command-options args %build-options
                                       '((verbosity . 1))
                                       #:command "build")))
    (apply-load-paths opts)
    (let-values (((object name) (object-to-process opts operands "build")))
      (call-with-error-handling
       (lambda ()
         (parameterize ((%build-verbosity (assq-ref opts 'verbosity))
                        (%progress-reports? (> (assq-ref opts 'verbosity) 0))
                        (%keep-failed-builds? (assq-ref opts 'keep-failed?)))
           (call-with-store
            (lambda (store)
             (let ((lowered
                    (run-with-store store
                      (cond ((gexp? object) (gexp->derivation name object))
                            ((file-like? object) (lower-object object))
                            (else
                             (leave "~s is neither a file-like object nor \
a gexp" object))))))
               (define (show item) (display item) (newline))
               (match lowered
                 ((? derivation? drv)
                  (cond
                   ((assq-ref opts 'dry-run?)
                    (let-values (((pending downloads)
                                  (derivation-build-plan
                                   store (list (derivation-input drv)))))
                      (unless (null? pending)
                        (format (current-error-port)
                                "~a derivation~:p would be built:~%"
                                (length pending))
                        (for-each (lambda (drv)
                                    (format (current-error-port) "   ~a~%"
                                            (derivation-file-name drv)))
                                  pending))))
                   ((assq-ref opts 'log-file?)
                    (let ((log (derivation-build-log-file store drv)))
                      (unless (file-exists? log)
                        (leave "no build log for ~a"
                               (derivation-file-name drv)))
                      (show log)))
                   (else
                    ;; Mode 2 is Guix's (build-mode check).
                    (build-derivations store (list drv)
                                       (if (assq-ref opts 'check?) 2 0))
                    (let ((outputs (derivation->output-paths drv)))
                      (when (assq-ref opts 'root)
                        (register-root store (assq-ref opts 'root) outputs))
                      (if (assq-ref opts 'derivations?)
                          (show (derivation-file-name drv))
                          (for-each (match-lambda ((_ . path) (show path)))
                                    outputs))))))
                 ((? string? item)
                  (unless (assq-ref opts 'dry-run?)
                    (when (assq-ref opts 'root)
                      (register-root store (assq-ref opts 'root)
                                     `(("out" . ,item))))
                    (show item)))))))))))))
