;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre services shepherd): the services the init runs, and the init's
;;; configuration file, as Guix's (gnu services shepherd) has them.

(define-module (byre services shepherd)
  #:use-module (byre records)
  #:use-module (byre diagnostics)
  #:use-module (byre gexp)
  #:use-module (byre monads)
  #:use-module (byre services)
  #:use-module (byre system build-modules)
  #:use-module (byre config)
  #:use-module (byre store)
  #:use-module (byre host)
  #:use-module ((byre utils) #:select (call-with-temporary-directory))
  #:use-module ((ice-9 ftw) #:select (scandir))
  #:use-module ((srfi srfi-9) #:select (define-record-type))
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:use-module (ice-9 match)
  #:use-module (ice-9 vlist)
  #:export (shepherd-configuration
            shepherd-configuration?
            shepherd-configuration-shepherd
            shepherd-configuration-services
            shepherd-configuration-file

            shepherd-root-service-type
            %shepherd-root-service
            shepherd-service-type

            shepherd-service
            shepherd-service?
            shepherd-service-documentation
            shepherd-service-provision
            shepherd-service-canonical-name
            shepherd-service-requirement
            shepherd-service-one-shot?
            shepherd-service-respawn?
            shepherd-service-start
            shepherd-service-stop
            shepherd-service-actions
            shepherd-service-auto-start?
            shepherd-service-modules
            shepherd-service-location

            shepherd-action
            shepherd-action?
            shepherd-action-name
            shepherd-action-documentation
            shepherd-action-procedure

            %default-modules
            %default-imported-modules
            shepherd-service-file
            shepherd-service-lookup-procedure
            shepherd-service-back-edges
            %default-init
            byre-init
            byre-init-package?
            byre-runtime-directories
            byre-runtime-closure
            byre-program-prelude
            with-byre-runtime

            user-processes-service-type
            assert-valid-graph))

;;; Commentary:
;;;
;;; Services extend SHEPHERD-ROOT-SERVICE-TYPE with <shepherd-service>
;;; records.  The root service checks their graph (each name provided
;;; once, each requirement provided) and writes one file per service, in
;;; the form Shepherd 0.10 and Guix since 2023 use,
;;;
;;;   (service '(sshd ssh-daemon) #:requirement '(networking) #:start …)
;;;
;;; and a configuration file, shepherd.conf, that registers them all and
;;; starts those marked auto-start.  The system's boot script ends by
;;; executing the init with that file: byre's own init (scheme/byre/init,
;;; modules (shepherd …)), since Debian has no Shepherd.
;;;
;;; Code:

(define %default-imported-modules
  ;; Modules a service's file may use besides the init's own.
  '((guix build utils)))

(define %default-modules
  ;; The modules visible in a service's file.
  ;; Guix hides (guix build utils)'s `delete'; byre's exports none.
  '((shepherd service)
    (guix build utils)))

(define-record-type* <shepherd-action> shepherd-action make-shepherd-action
  shepherd-action?
  (name          shepherd-action-name)                  ;symbol
  (procedure     shepherd-action-procedure)             ;gexp
  (documentation shepherd-action-documentation))        ;string

(define (check-provision provision)
  ;; A service provides at least one name, and names are symbols.
  (unless (and (pair? provision) (every symbol? provision))
    (raise (make-user-error "shepherd-service: provision must be a \
non-empty list of symbols, not ~s" (list provision)
                            #:hint "write (provision '(NAME))")))
  provision)

(define (check-requirement requirement)
  (unless (and (list? requirement) (every symbol? requirement))
    (raise (make-user-error "shepherd-service: requirement must be a list \
of symbols, not ~s" (list requirement)
                            #:hint "write (requirement '(NAME …))")))
  requirement)

(define-record-type* <shepherd-service> shepherd-service
  make-shepherd-service shepherd-service?
  (documentation shepherd-service-documentation
                 (default "[No documentation.]"))
  (provision     shepherd-service-provision (sanitize check-provision))
  (requirement   shepherd-service-requirement (default '())
                 (sanitize check-requirement))
  (one-shot?     shepherd-service-one-shot? (default #f))
  (respawn?      shepherd-service-respawn? (default #t))
  (start         shepherd-service-start)                ;gexp: a procedure
  (stop          shepherd-service-stop (default (gexp (const #f))))
  (actions       shepherd-service-actions (default '()))
  (auto-start?   shepherd-service-auto-start? (default #t))
  (modules       shepherd-service-modules (default %default-modules))
  (location      shepherd-service-location (innate)
                 (default (current-source-location))))

(define (shepherd-service-canonical-name service)
  "Return the first name SERVICE, a <shepherd-service>, provides."
  (first (shepherd-service-provision service)))

(define (graph-error service format-string . arguments)
  (raise (make-user-error format-string arguments
                          #:location (and service
                                          (shepherd-service-location
                                           service)))))

(define (assert-valid-graph services)
  "Raise an error unless SERVICES, <shepherd-service> records, make a valid
graph: every name provided once (the init itself provides `shepherd' and
`root'), and every requirement provided by one of them.  Return SERVICES."
  (define provisions
    (fold (lambda (service table)
            (fold (lambda (name table)
                    (when (vhash-assq name table)
                      (graph-error service "service '~a' provided more \
than once" name))
                    (vhash-consq name service table))
                  table
                  (shepherd-service-provision service)))
          (vhash-consq 'root #t (vhash-consq 'shepherd #t vlist-null))
          services))

  (for-each (lambda (service)
              (for-each (lambda (requirement)
                          (unless (vhash-assq requirement provisions)
                            (graph-error service "service '~a' requires \
'~a', which is not provided by any service"
                                         (shepherd-service-canonical-name
                                          service)
                                         requirement)))
                        (shepherd-service-requirement service)))
            services)
  services)

(define %file-name-characters
  ;; What a store name may hold.
  (string->char-set
   "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+-._?="))

(define (shepherd-service-file-name service)
  (string-append "shepherd-"
                 (string-map (lambda (c)
                               (if (char-set-contains? %file-name-characters
                                                       c)
                                   c
                                   #\-))
                             (string-join
                              (map symbol->string
                                   (shepherd-service-provision service))
                              "-"))
                 ".scm"))

(define (shepherd-service-file service)
  "Return the file, a file-like object, that defines SERVICE for the init."
  (scheme-file
   (shepherd-service-file-name service)
   (with-build-modules %system-build-modules
     (gexp (begin
             (use-modules (ungexp-splicing
                           (shepherd-service-modules service)))
             (service '(ungexp (shepherd-service-provision service))
                      #:documentation
                      (ungexp (shepherd-service-documentation service))
                      #:requirement
                      '(ungexp (shepherd-service-requirement service))
                      #:one-shot?
                      (ungexp (shepherd-service-one-shot? service))
                      #:respawn?
                      (ungexp (shepherd-service-respawn? service))
                      #:start (ungexp (shepherd-service-start service))
                      #:stop (ungexp (shepherd-service-stop service))
                      #:actions
                      (make-actions
                       (ungexp-splicing
                        (map (lambda (action)
                               (gexp ((ungexp (shepherd-action-name action))
                                      (ungexp (shepherd-action-documentation
                                               action))
                                      (ungexp (shepherd-action-procedure
                                               action)))))
                             (shepherd-service-actions service))))))))))

(define (shepherd-configuration-file services)
  "Return shepherd.conf, a file-like object: the init's configuration,
which loads the file of each of SERVICES, registers them and starts those
that are auto-start, in their order.  SERVICES are checked first."
  (assert-valid-graph services)
  (scheme-file
   "shepherd.conf"
   (with-build-modules %system-build-modules
     (gexp (begin
             ;; What services inherit: not the environment of PID 1.
             (default-environment-variables
               '("PATH=/run/current-system/profile/bin:\
/run/current-system/profile/sbin"))
             (default-pid-file-timeout 30)
             (register-services
              ;; Each file's value is its service.
              (map primitive-load
                   '(ungexp (map shepherd-service-file services))))
             (format #t "starting services...~%")
             (let ((services-to-start
                    '(ungexp (map shepherd-service-canonical-name
                                  (filter shepherd-service-auto-start?
                                          services)))))
               (if (defined? 'start-in-the-background)
                   (start-in-the-background services-to-start)
                   (for-each start services-to-start)))
             (redirect-port (open-input-file "/dev/null")
                            (current-input-port)))))))

(define-record-type* <shepherd-configuration> shepherd-configuration
  make-shepherd-configuration shepherd-configuration?
  ;; The init: a file-like object with bin/shepherd.
  (shepherd shepherd-configuration-shepherd (thunked)
            (default ((%default-init))))
  (services shepherd-configuration-services (default '())))


;;;
;;; byre's init as a package.
;;;

(define (existing-directories directories)
  (delete-duplicates (filter (lambda (dir)
                               (and (string? dir) (string-prefix? "/" dir)
                                    (file-is-directory? dir)))
                             directories)))

(define (environment-path variable)
  (match (getenv variable)
    ((or #f "") '())
    (value (string-split value #\:))))

(define (byre-runtime-directories)
  "Return four values: the directories of byre's modules and façades, of
their compiled files, of its Guile extensions, and whether they are a build
tree's (BYRE_UNINSTALLED) rather than an installation's.  A program that
runs byre on the host, or in a container that binds these directories, puts
them on its load paths."
  (if (getenv "BYRE_UNINSTALLED")
      (values (existing-directories (environment-path "GUILE_LOAD_PATH"))
              (existing-directories
               (environment-path "GUILE_LOAD_COMPILED_PATH"))
              (existing-directories (environment-path "GUILE_EXTENSIONS_PATH"))
              #t)
      (values (existing-directories (list %byre-module-directory
                                          %byre-facade-directory))
              (existing-directories (list %byre-object-directory
                                          %byre-facade-object-directory))
              (existing-directories (list (dirname %byre-init-extension)))
              #f)))

(define (byre-program-prelude)
  "Return the expressions, a list of s-expressions, that a Guile program
begins with to use byre's modules: they put byre's directories (see
byre-runtime-directories) on the load paths and, for a build tree, set
BYRE_UNINSTALLED.  The program's body then runs within
(parameterize ((guile-extensions-path …)) …), see with-byre-runtime."
  (call-with-values byre-runtime-directories
    (lambda (load compiled extensions uninstalled?)
      `((eval-when (expand load eval)
          (set! %load-path (append ',load %load-path))
          (set! %load-compiled-path (append ',compiled %load-compiled-path))
          ,@(if uninstalled?
                ;; What pre-inst-env sets besides the load paths.
                (cons '(setenv "BYRE_UNINSTALLED" "1")
                      (filter-map (lambda (variable)
                                    (let ((value (getenv variable)))
                                      (and value
                                           `(setenv ,variable ,value))))
                                  '("BYRE_DATA_DIRECTORY"
                                    "BYRE_INIT_PROGRAM")))
                '()))
        (use-modules ((system foreign-library)
                      #:select (guile-extensions-path)))))))

(define (with-byre-runtime body)
  "Return an s-expression that evaluates BODY, an s-expression, with byre's
extensions found (after byre-program-prelude)."
  (call-with-values byre-runtime-directories
    (lambda (load compiled extensions uninstalled?)
      `(parameterize ((guile-extensions-path
                       (append ',extensions (guile-extensions-path))))
         ,body))))

(define (byre-runtime-closure)
  "Return the host closure (see (byre host)) a container binds to run byre
there: the host's guile, byre's module directories and its extensions with
the libraries they load."
  (call-with-values byre-runtime-directories
    (lambda (load compiled extensions uninstalled?)
      (let ((libraries (append-map
                        (lambda (dir)
                          (map (lambda (name) (string-append dir "/" name))
                               (scandir dir
                                        (lambda (name)
                                          (and (string-prefix? "libguile-byre"
                                                               name)
                                               (string-suffix? ".so"
                                                               name))))))
                        extensions)))
        (merge-closures (host-guile-closure)
                        (file-closure libraries
                                      #:directories (append load compiled
                                                            extensions)))))))

(define (byre-script-text module procedure comment)
  ;; The text of a Guile script that calls PROCEDURE of MODULE, a byre
  ;; command's, with its arguments, byre's modules found where this byre
  ;; has them.
  (string-append
   "#!" (host-guile-program) " --no-auto-compile\n!#\n"
   ";; " comment "\n"
   (string-join (map object->string
                     (append (byre-program-prelude)
                             (list (with-byre-runtime
                                    `((module-ref (resolve-interface
                                                   ',module)
                                                  ',procedure)
                                      (cdr (command-line)))))))
                "\n")
   "\n"))

(define (byre-init-script)
  ;; bin/shepherd: `byre init'.
  (byre-script-text '(byre scripts init) 'byre-init
                    "byre's init, compatible with GNU Shepherd's `shepherd'."))

(define (byre-herd-script)
  ;; bin/herd: `byre herd', for the system's own shells.
  (byre-script-text '(byre scripts herd) 'byre-herd
                    "byre's herd, compatible with GNU Shepherd's `herd'."))

(define-record-type <byre-init-package>
  (make-byre-init-package)
  byre-init-package?)

(define (byre-init-package->store-item store)
  ;; A directory with bin/shepherd and the host closure it needs.
  (call-with-temporary-directory
   (lambda (directory)
     (let ((root (string-append directory "/byre-init")))
       (mkdir root)
       (mkdir (string-append root "/bin"))
       (for-each (match-lambda
                   ((name text)
                    (let ((file (string-append root "/bin/" name)))
                      (call-with-output-file file
                        (lambda (port) (display text port)))
                      (chmod file #o555))))
                 `(("shepherd" ,(byre-init-script))
                   ("herd" ,(byre-herd-script))))
       (call-with-output-file (string-append root "/" host-closure-file-name)
         (lambda (port)
           (display (host-closure->string (byre-runtime-closure)) port)))
       (add-to-store store (string-append "byre-init-" %byre-version)
                     #t "sha256" root)))))

(define-gexp-compiler (byre-init-compiler (init byre-init-package?)
                                          system target)
  (mlet %store-monad ((store (current-state)))
    (return (byre-init-package->store-item store))))

(define (byre-init)
  "Return byre's init as a file-like object: a store item whose bin/shepherd
runs `byre init' (Shepherd's options: --config, --socket, --logfile) and
bin/herd `byre herd', with byre's modules, and that records, as host packages do, the host files a
container binds for it (the host's guile, byre's modules and extensions)."
  (make-byre-init-package))

(define %default-init
  ;; A thunk returning the init, a file-like object with bin/shepherd.
  (make-parameter byre-init))

(define (shepherd-boot-gexp config)
  ;; The end of the boot script: run the init with the configuration.
  (let ((init (shepherd-configuration-shepherd config))
        (file (shepherd-configuration-file
               (shepherd-configuration-services config))))
    (gexp (begin
            (setenv "PATH" "/run/current-system/profile/bin")
            (execl (ungexp (file-append init "/bin/shepherd"))
                   "shepherd" "--config" (ungexp file))))))

(define (shepherd-system-entry config)
  (with-monad %store-monad
    (return `(("shepherd.conf"
               ,(shepherd-configuration-file
                 (shepherd-configuration-services config)))))))

(define shepherd-root-service-type
  (service-type
   (name 'shepherd-root)
   (extensions
    (list (service-extension boot-service-type shepherd-boot-gexp)
          (service-extension system-service-type shepherd-system-entry)
          (service-extension profile-service-type
                             (lambda (config)
                               (list (shepherd-configuration-shepherd
                                      config))))))
   (compose concatenate)
   (extend (lambda (config services)
             (shepherd-configuration
              (inherit config)
              (services (append (shepherd-configuration-services config)
                                services)))))
   (default-value (shepherd-configuration))
   (description "Run the init, PID 1, which starts and watches the
services that extend this one.")))

(define %shepherd-root-service
  (service shepherd-root-service-type))

(define-syntax shepherd-service-type
  (syntax-rules (description)
    "Return a service type whose services extend only the shepherd root, with
(PROC VALUE) as their <shepherd-service>; DEFAULT is the default value."
    ((_ type-name proc default (description text))
     (service-type
      (name type-name)
      (extensions (list (service-extension shepherd-root-service-type
                                           (compose list proc))))
      (default-value default)
      (description text)))
    ((_ type-name proc (description text))
     (service-type
      (name type-name)
      (extensions (list (service-extension shepherd-root-service-type
                                           (compose list proc))))
      (description text)))))

(define* (shepherd-service-lookup-procedure services
                                            #:optional
                                            (provision
                                             shepherd-service-provision))
  "Return a procedure that, given a name, returns the service of SERVICES
that provides it, or #f."
  (let ((table (fold (lambda (service table)
                       (fold (lambda (name table)
                               (vhash-consq name service table))
                             table (provision service)))
                     vlist-null services)))
    (lambda (name)
      (match (vhash-assq name table)
        ((_ . service) service)
        (#f #f)))))

(define* (shepherd-service-back-edges services
                                      #:key
                                      (provision shepherd-service-provision)
                                      (requirement
                                       shepherd-service-requirement))
  "Return a procedure that, given a service of SERVICES, returns those that
require it."
  (define lookup (shepherd-service-lookup-procedure services provision))
  (define edges
    (fold (lambda (service edges)
            (fold (lambda (name edges)
                    (vhash-consq (lookup name) service edges))
                  edges (requirement service)))
          vlist-null services))
  (lambda (service)
    (vhash-foldq* cons '() service edges)))

(define user-processes-service-type
  ;; `user-processes' is what ordinary services require: it stands for the
  ;; file systems being ready, and at shutdown its stop kills what is left
  ;; of the users' processes (the init's SIGTERM, grace period, SIGKILL).
  (shepherd-service-type
   'user-processes
   (lambda (requirements)
     (shepherd-service
      (documentation "When stopped, terminate all user processes.")
      (provision '(user-processes))
      (requirement requirements)
      (start (gexp (const #t)))
      (stop (gexp (const #f)))
      (respawn? #f)))
   '()
   (description "The service that ordinary services require; it
stops the users' processes at shutdown.")))

;;; shepherd.scm ends here
