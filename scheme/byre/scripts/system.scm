;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre scripts system): `byre system ACTION', as `guix system' does:
;;; `build' builds the system directory a configuration file declares.

(define-module (byre scripts system)
  #:use-module (byre ui)
  #:use-module (byre store)
  #:use-module (byre monads)
  #:use-module (byre gexp)
  #:use-module (byre derivations)
  #:use-module (byre diagnostics)
  #:use-module (byre user-file)
  #:use-module (byre system)
  #:use-module ((byre utils) #:select (string-closest))
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:use-module (srfi srfi-37)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:export (byre-system
            read-operating-system))

;;; Commentary:
;;;
;;; The configuration file is evaluated as `guix system' evaluates it: in a
;;; fresh module where (gnu system), (gnu services) and (guix gexp) are
;;; available; its last value must be an operating system.  What a
;;; container leaves out of it (the kernel, the bootloader, the services
;;; the host provides) is said once, in one line per item, before the
;;; build.
;;;
;;; Code:

(define %system-actions
  '(("build" . "build the system directory and print its file name")
    ("container" . "build a script that runs the system in a container")
    ("image" . "build a Docker or OCI image of the system")))

(define (show-system-help)
  (display "Usage: byre system ACTION [OPTION]... FILE
Build the operating system declared in FILE, as 'guix system' does, for
containers on this host.

Actions:
  build      build the system directory and print its file name
  container  build a script that runs the system in a container, and
             print its file name (or, with --run, run it)
  image      build a Docker or OCI image that boots the system (see
             'byre system image --help')

Options:
  -L, --load-path=DIR    prepend DIR to the module search path
  -r, --root=FILE        make FILE a symbolic link to the result, and
                         register it as a garbage collector root
  -n, --dry-run          say what would be built, build nothing
  -d, --derivation       print the derivation's file name, not the output
  -v, --verbosity=LEVEL  0: only errors; 1: a line per build (default);
                         2: build logs too
  -q, --quiet            the same as --verbosity=0

Options of 'container':
  -N, --network          share the host's network
      --share=SPEC       share the host's file system read-write as SPEC,
                         SOURCE or SOURCE=TARGET
      --expose=SPEC      expose the host's file system read-only as SPEC
      --run              run the container now, until it stops
      --pid-file=FILE    with --run, write the PID of its init to FILE
      --exec=COMMAND     with --run, once the services have started, run
                         COMMAND (a shell command line) in the container,
                         then stop it; exit with COMMAND's status
  -h, --help             display this help and exit
  -V, --version          display version information and exit

Examples:
  byre system build examples/bare-bones.scm
  byre system container --run examples/bare-bones.scm
  byre system container --run --exec='herd status' examples/bare-bones.scm
")
  (show-bug-report-information))

(define %options
  (list (load-path-option)
        (option '(#\r "root") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'root arg result)))
        (option '(#\n "dry-run") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'dry-run? #t result)))
        (option '(#\d "derivation") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'derivation? #t result)))
        (verbosity-option "system")
        (quiet-option)
        (option '(#\N "network") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'network? #t result)))
        (option '("share") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'mapping (mapping-option arg #t) result)))
        (option '("expose") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'mapping (mapping-option arg #f) result)))
        (option '("run") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'run? #t result)))
        (option '("pid-file") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'pid-file arg result)))
        (option '("exec") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'exec arg result)))
        (option '(#\h "help") #f #f
                (lambda _ (show-system-help) (exit 0)))
        (option '(#\V "version") #f #f
                (lambda _ (show-version "system") (exit 0)))))

(define (mapping-option spec writable?)
  (call-with-error-handling
   (lambda ()
     ((module-ref (resolve-interface '(byre system container))
                  'specification->file-system-mapping)
      spec writable?))))

(define (only-for-container opts action)
  ;; The container's options, given to another action, are mistakes.
  (unless (string=? action "container")
    (for-each (lambda (key option)
                (when (assq-ref opts key)
                  (usage-error (format #f "~a is an option of 'byre system \
container', not of '~a'" option action)
                               #:command "system")))
              '(network? mapping run? pid-file exec)
              '("--network" "--share/--expose" "--run" "--pid-file"
                "--exec"))))

(define %configuration-modules
  ;; What a configuration file sees before its own use-modules.
  '((guile) (gnu system) (gnu services) (guix gexp)))

(define (force-fields value)
  ;; The thunked fields of an operating system are computed when first
  ;; used: compute them now, as if by the file's last form, so that an
  ;; unbound variable in (services …) is reported at its line and column.
  (when (operating-system? value)
    (operating-system-label value)
    (operating-system-packages value)
    (operating-system-user-services value)
    (operating-system-essential-services value)
    (operating-system-setuid-programs value))
  value)

(define (read-operating-system file)
  "Return the operating system that FILE, a configuration file, evaluates
to.  Mistakes in FILE are raised with its FILE:LINE:COLUMN; a last value
that is not an operating system is an error too."
  (let ((module (make-fresh-user-module)))
    (for-each (lambda (name)
                (module-use! module (resolve-interface name)))
              %configuration-modules)
    (let ((value (load-user-file file module #:check force-fields)))
      (unless (operating-system? value)
        (raise (make-user-error "~a: the last expression is ~a, not an \
operating system" (list file (if (unspecified? value)
                                  "unspecified"
                                  (format #f "~s" value)))
                                #:hint "end the file with an \
(operating-system …) form")))
      value)))

(define (say-what-is-left-out os)
  ;; Once, before building: what of OS a container does not use, each
  ;; reason once.
  (match (delete-duplicates (operating-system-ignored-fields os))
    (() #t)
    (notes
     (format (current-error-port)
             "byre: note: a system container leaves out~{~%  ~a~}~%"
             notes))))

(define (register-root store root item)
  ;; ROOT, a file name, as a link to ITEM and an indirect root.
  (let ((root (if (string-prefix? "/" root)
                  root
                  (string-append (getcwd) "/" root))))
    (when (false-if-exception (lstat root))
      (unless (eq? 'symlink (stat:type (lstat root)))
        (leave "~a exists and is not a symbolic link; byre replaces only \
links" root))
      (delete-file root))
    (symlink item root)
    (add-indirect-root store root)))

(define (system-build opts file)
  (let ((os (call-with-error-handling
             (lambda () (read-operating-system file)))))
    (say-what-is-left-out os)
    (call-with-error-handling
     (lambda ()
       (parameterize ((%build-verbosity (or (assq-ref opts 'verbosity) 1)))
         (with-store store
           (let* ((os (operating-system-with-provenance
                       os (local-file (canonicalize-path file)
                                      "configuration.scm")))
                  (drv (run-with-store store
                         (operating-system-derivation os)))
                  (item (derivation->output-path drv)))
             (cond
              ((assq-ref opts 'dry-run?)
               (unless (valid-path? store item)
                 (format (current-error-port)
                         "byre: would build ~a~%" item)))
              (else
               (build-derivations store (list drv))
               (when (assq-ref opts 'root)
                 (register-root store (assq-ref opts 'root) item))
               (display (if (assq-ref opts 'derivation?)
                            (derivation-file-name drv)
                            item))
               (newline))))))))))

(define (system-container opts file)
  ;; Build the script; print its name, or run it.
  (let* ((os (call-with-error-handling
              (lambda () (read-operating-system file))))
         (container (resolve-interface '(byre system container)))
         (mappings (filter-map (match-lambda
                                 (('mapping . mapping) mapping)
                                 (_ #f))
                               (reverse opts)))
         (shared? (assq-ref opts 'network?)))
    (say-what-is-left-out os)
    (for-each (lambda (key option)
                (when (and (assq-ref opts key) (not (assq-ref opts 'run?)))
                  (usage-error (format #f "~a is for --run" option)
                               #:command "system"
                               #:hint (format #f "the script itself takes \
~a too" option))))
              '(pid-file exec) '("--pid-file" "--exec"))
    (let ((script
           (call-with-error-handling
            (lambda ()
              (parameterize ((%build-verbosity
                              (or (assq-ref opts 'verbosity) 1)))
                (with-store store
                  (let* ((os (operating-system-with-provenance
                              os (local-file (canonicalize-path file)
                                             "configuration.scm")))
                         (drv (run-with-store store
                                ((module-ref container 'container-script)
                                 os #:mappings mappings
                                 #:shared-network? shared?)))
                         (item (derivation->output-path drv)))
                    (cond ((assq-ref opts 'dry-run?)
                           (unless (valid-path? store item)
                             (format (current-error-port)
                                     "byre: would build ~a~%" item))
                           #f)
                          (else
                           (build-derivations store (list drv))
                           (when (assq-ref opts 'root)
                             (register-root store (assq-ref opts 'root) item))
                           (if (assq-ref opts 'derivation?)
                               (derivation-file-name drv)
                               item))))))))))
      (cond ((not script) #t)
            ((assq-ref opts 'run?)
             ;; The script, run by this process: its options are ours;
             ;; it records FILE in the registry of running containers.
             (flush-all-ports)
             (setenv "BYRE_CONTAINER_CONFIGURATION" (canonicalize-path file))
             (apply execl script script
                    (append (map (lambda (file)
                                   (string-append "--pid-file=" file))
                                 (filter-map (match-lambda
                                               (('pid-file . file) file)
                                               (_ #f))
                                             (reverse opts)))
                            (match (assq-ref opts 'exec)
                              (#f '())
                              (command
                               (list (string-append "--exec=" command)))))))
            (else
             (display script)
             (newline))))))

(define (parse-system-options args)
  ;; As `guix system' does, options may come before or after the file:
  ;; `byre system build FILE -n'.  Return the options' alist and the
  ;; operands.
  (let loop ((args args) (opts '()) (operands '()))
    (let-values (((opts* rest)
                  (parse-command-options args %options opts
                                         #:command "system")))
      (match rest
        (() (values opts* (reverse operands)))
        ((operand . rest)
         (loop rest opts* (cons operand operands)))))))

(define (byre-system args)
  "Implement `byre system' with ARGS, the arguments after \"system\"."
  (match args
    ((or () ((? (lambda (arg) (string-prefix? "-" arg)) _) . _))
     (if (or (member "-h" args) (member "--help" args))
         (begin (show-system-help) (exit 0))
         (if (or (member "-V" args) (member "--version" args))
             (begin (show-version "system") (exit 0))
             (usage-error "no action given" #:command "system"
                          #:hint "try 'byre system build FILE'"))))
    (("image" . rest)
     ;; Its options are its own: (byre scripts image), loaded when run.
     ((module-ref (resolve-interface '(byre scripts image))
                  'byre-system-image)
      rest))
    ((action . rest)
     (unless (assoc action %system-actions)
       (usage-error (format #f "~a: unknown action" action)
                    #:command "system"
                    #:hint (match (string-closest action
                                                  (map car %system-actions))
                             (#f "the actions are: build")
                             (closest (format #f "did you mean '~a'?"
                                              closest)))))
     (let-values (((opts operands) (parse-system-options rest)))
       (apply-load-paths opts)
       (only-for-container opts action)
       (match operands
         ((file) (if (string=? action "container")
                     (system-container opts file)
                     (system-build opts file)))
         (()
          (usage-error "no configuration file given" #:command "system"
                       #:hint "give a file that declares an \
(operating-system …)"))
         (_
          (usage-error "give one configuration file" #:command "system")))))))

;;; system.scm ends here
