;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre services): service types, services, and the graph they are folded
;;; into, as Guix's (gnu services) has them.

(define-module (byre services)
  #:use-module (byre records)
  #:use-module (byre diagnostics)
  #:use-module (byre gexp)
  #:use-module (byre monads)
  #:use-module (byre system profile)
  #:use-module (byre system setuid)
  #:use-module (byre system build-modules)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-9 gnu)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:use-module (ice-9 vlist)
  #:export (service-extension
            service-extension?
            service-extension-target
            service-extension-compute

            service-type
            service-type?
            service-type-name
            service-type-extensions
            service-type-compose
            service-type-extend
            service-type-default-value
            service-type-description
            service-type-location
            service-type-container-limitation
            service-type-container-note

            service
            service?
            service-kind
            service-value
            service-parameters
            service-location

            simple-service
            modify-services
            %modify-services
            service-back-edges
            instantiate-missing-services
            fold-services
            lookup-service-types
            fold-service-types

            &service-error
            service-error?
            &missing-value-service-error
            missing-value-service-error?
            missing-value-service-error-type
            missing-value-service-error-location
            &missing-target-service-error
            missing-target-service-error?
            missing-target-service-error-service
            missing-target-service-error-target-type
            &ambiguous-target-service-error
            ambiguous-target-service-error?
            ambiguous-target-service-error-service
            ambiguous-target-service-error-target-type

            system-service-type
            provenance-service-type
            boot-service-type
            cleanup-service-type
            activation-service-type
            activation-service->script
            %boot-service
            %activation-service
            special-files-service-type
            extra-special-file
            etc-service-type
            etc-directory
            etc-service
            setuid-program-service-type
            profile-service-type
            firmware-service-type
            gc-root-service-type
            host-name-service-type
            linux-bare-metal-service-type
            %linux-bare-metal-service
)
  #:re-export (delete))

;;; Commentary:
;;;
;;; A service type says how its services extend services of other types;
;;; `fold-services' walks the extensions from the leaves to the root, the
;;; single service of SYSTEM-SERVICE-TYPE, whose value becomes the system
;;; directory.  The checks and their messages are Guix's: a missing
;;; extension target, two targets of one type, a service with no value.
;;;
;;; A service type may also carry a "container limitation", a string
;;; saying what a container on this host cannot provide for it ("an X
;;; server").  Such types exist so that configurations written for a real
;;; machine load; `operating-system-derivation' refuses to build a system
;;; that needs them, naming them all at once.
;;;
;;; Code:

(define-record-type <service-extension>
  (service-extension target compute)
  service-extension?
  (target  service-extension-target)     ;<service-type>
  (compute service-extension-compute))   ;value -> extension value

(define &no-default-value
  ;; Marks a service type whose services must be given a value.
  '(no default value))

(define-record-type* <service-type> service-type make-service-type
  service-type?
  (name          service-type-name)                   ;symbol
  (extensions    service-type-extensions)             ;<service-extension>s
  ;; (COMPOSE EXTENSIONS) combines the values other services extend this
  ;; one with; (EXTEND VALUE COMPOSED) makes this service's new value.
  (compose       service-type-compose (default #f))
  (extend        service-type-extend (default #f))
  (default-value service-type-default-value (default &no-default-value))
  (description   service-type-description (default #f))
  ;; A string when a container cannot provide this service on this host:
  ;; a system that needs it is refused.
  (container-limitation service-type-container-limitation (default #f))
  ;; A string when a container never needs this service (the host does
  ;; the work, as udev): its services are left out, with this note.
  (container-note service-type-container-note (default #f))
  (location      service-type-location (innate)
                 (default (current-source-location))))

(set-record-type-printer! <service-type>
                          (lambda (type port)
                            (format port "#<service-type ~a ~a>"
                                    (service-type-name type)
                                    (number->string (object-address type)
                                                    16))))

(define-record-type <service>
  (make-service type value location)
  service?
  (type     service-kind)
  (value    service-value)
  (location service-location))

(set-record-type-printer! <service>
                          (lambda (service port)
                            (format port "#<service ~a>"
                                    (service-type-name
                                     (service-kind service)))))

(define service-parameters
  ;; Guix's deprecated name for `service-value'.
  service-value)

(define-condition-type &service-error &error
  service-error?)

(define-condition-type &missing-value-service-error &service-error
  missing-value-service-error?
  (type     missing-value-service-error-type)
  (location missing-value-service-error-location))

(define-condition-type &missing-target-service-error &service-error
  missing-target-service-error?
  (service     missing-target-service-error-service)
  (target-type missing-target-service-error-target-type))

(define-condition-type &ambiguous-target-service-error &service-error
  ambiguous-target-service-error?
  (service     ambiguous-target-service-error-service)
  (target-type ambiguous-target-service-error-target-type))

(define (service-error condition-type fields location hint
                       format-string . arguments)
  ;; A compound condition: CONDITION-TYPE with FIELDS, a message, and
  ;; LOCATION and HINT when they are known.
  (make-compound-condition
   (apply make-condition condition-type fields)
   (make-user-error format-string arguments
                    #:location location #:hint hint)))

(define (%service-with-default-value location type)
  "Return a service of TYPE with its default value; raise a
&missing-value-service-error at LOCATION if TYPE has none."
  (let ((default (service-type-default-value type)))
    (when (eq? default &no-default-value)
      (raise (service-error &missing-value-service-error
                            (list 'type type 'location location)
                            location
                            (format #f "write (service ~a VALUE) with a \
value for it" (service-type-name type))
                            "no value specified for service of type '~a'"
                            (service-type-name type))))
    (make-service type default location)))

(define-syntax service
  (lambda (s)
    "(service TYPE [VALUE]): a service of TYPE with VALUE, or with TYPE's
default value; a type without one is an error at this form's location."
    (syntax-case s ()
      ((_ type value)
       #`(make-service type value '#,(datum->syntax
                                      s (syntax-source s))))
      ((_ type)
       #`(%service-with-default-value '#,(datum->syntax
                                          s (syntax-source s))
                                      type)))))

(define (simple-service name target value)
  "Return a service that extends TARGET, a service type, with VALUE: the one
instance of a new service type called NAME."
  (service (service-type (name name)
                         (extensions (list (service-extension target
                                                              identity)))
                         (description
                          (format #f "Extend ~a with a fixed value."
                                  (service-type-name target))))
           value))


;;;
;;; modify-services.
;;;

(define (%modify-services services clauses location)
  "Return SERVICES with CLAUSES applied: each clause is (TYPE . PROC), where
PROC returns a service's new value given its old one, or #f to delete
the services of TYPE.  Raise an error at LOCATION, naming the type, for
a clause whose type none of SERVICES has, as Guix does since 2023."
  (define (apply-clauses service)
    (let loop ((clauses clauses))
      (match clauses
        (() service)
        (((type . proc) . rest)
         (if (eq? (service-kind service) type)
             (and proc
                  (make-service type (proc (service-value service))
                                (service-location service)))
             (loop rest))))))

  (for-each (match-lambda
              ((type . _)
               (unless (find (lambda (service)
                               (eq? (service-kind service) type))
                             services)
                 (raise (make-user-error
                         "modify-services: service '~a' not found in \
service list" (list (service-type-name type))
                         #:location location
                         #:hint "remove the clause, or add the service \
before modifying it")))))
            clauses)
  (filter-map apply-clauses services))

(define-syntax modify-services
  (lambda (s)
    "Return the services of SERVICES modified by CLAUSES, each either
(TYPE VARIABLE => BODY ...), which gives the services of TYPE the value
of BODY with VARIABLE bound to their old value, or (delete TYPE)."
    (syntax-case s ()
      ((_ services clause ...)
       (with-syntax (((entry ...)
                      (map (lambda (clause)
                             (syntax-case clause (=> delete)
                               ((delete kind)
                                #'(cons kind #f))
                               ((kind param => exp ...)
                                #'(cons kind (lambda (param) exp ...)))
                               (_
                                (syntax-violation
                                 'modify-services
                                 "a clause reads (TYPE VARIABLE => BODY) \
or (delete TYPE)" s clause))))
                           #'(clause ...))))
         #`(%modify-services services (list entry ...)
                             '#,(datum->syntax s (syntax-source s))))))))


;;;
;;; Looking service types up, for hints.
;;;

(define* (fold-service-types proc seed #:optional modules)
  "Call (PROC TYPE RESULT) for each service type exported by MODULES,
module names, by default the (gnu services …) and (gnu system …) façades
found on the load path, starting from SEED; return the result."
  (define (facade-modules)
    (append-map (lambda (directory)
                  (append-map
                   (lambda (sub)
                     (let ((dir (string-append directory "/gnu/" sub)))
                       (if (file-exists? dir)
                           (map (lambda (file)
                                  (list 'gnu (string->symbol sub)
                                        (string->symbol
                                         (basename file ".scm"))))
                                (filter (lambda (file)
                                          (string-suffix? ".scm" file))
                                        (or (false-if-exception
                                             ((module-ref
                                               (resolve-interface '(ice-9 ftw))
                                               'scandir) dir))
                                            '())))
                           '())))
                   '("services" "system")))
                %load-path))

  (fold (lambda (name result)
          (match (false-if-exception (resolve-interface name))
            (#f result)
            (interface
             (let ((result result))
              ;; A façade's interface uses byre's: look in both.
              (for-each (lambda (interface)
                          (module-for-each
                           (lambda (symbol variable)
                             (let ((value (and (variable-bound? variable)
                                               (variable-ref variable))))
                               (when (service-type? value)
                                 (set! result (proc value result)))))
                           interface))
                        (cons interface (module-uses interface)))
              result))))
        seed
        (delete-duplicates
         (cons '(gnu services) (or modules (facade-modules))))))

(define (lookup-service-types name)
  "Return the service types whose name is NAME, a symbol."
  (delete-duplicates
   (fold-service-types (lambda (type result)
                         (if (eq? (service-type-name type) name)
                             (cons type result)
                             result))
                       '())
   eq?))


;;;
;;; Folding.
;;;

(define (missing-target-error service target-type)
  (raise (service-error
          &missing-target-service-error
          (list 'service service 'target-type target-type)
          (service-location service)
          (format #f "add a service of type '~a' to the services of the \
operating system" (service-type-name target-type))
          "no target of type '~a' for service '~a'"
          (service-type-name target-type)
          (service-type-name (service-kind service)))))

(define (ambiguous-target-error service target-type)
  (raise (service-error
          &ambiguous-target-service-error
          (list 'service service 'target-type target-type)
          (and service (service-location service))
          "keep one service of that type"
          "more than one target service of type '~a'"
          (service-type-name target-type))))

(define (service-back-edges services)
  "Return a procedure that, given a service of SERVICES, returns the
services of SERVICES that extend it."
  (define by-type
    (fold (lambda (service table)
            (vhash-consq (service-kind service) service table))
          vlist-null services))

  (define (add-edges service edges)
    (fold (lambda (extension edges)
            (let ((target-type (service-extension-target extension)))
              (match (vhash-foldq* cons '() target-type by-type)
                ((target) (vhash-consq target service edges))
                (() (missing-target-error service target-type))
                (_ (ambiguous-target-error service target-type)))))
          edges
          (service-type-extensions (service-kind service))))

  ;; The dependents of a node come in the order of SERVICES: the boot
  ;; script runs the cleanup, the activation, then the init.
  (let ((edges (fold add-edges vlist-null services)))
    (lambda (node)
      (vhash-foldq* cons '() node edges))))

(define (instantiate-missing-services services)
  "Return SERVICES with a service of each type that SERVICES extend and
lack, with that type's default value, until nothing is missing.  A
missing type without a default value is a &missing-target-service-error."
  (let loop ((services services))
    (define instances
      (fold (lambda (service table)
              (vhash-consq (service-kind service) service table))
            vlist-null services))
    (define added
      (fold (lambda (service added)
              (fold (lambda (extension added)
                      (let ((target (service-extension-target extension)))
                        (cond ((vhash-assq target instances) added)
                              ((assq target added) added)
                              ((eq? &no-default-value
                                    (service-type-default-value target))
                               (missing-target-error service target))
                              (else
                               (alist-cons target
                                           (make-service
                                            target
                                            (service-type-default-value
                                             target)
                                            (service-location service))
                                           added)))))
                    added
                    (service-type-extensions (service-kind service))))
            '() services))
    (if (null? added)
        services
        (loop (append services (reverse (map cdr added)))))))

(define* (fold-services services #:key (target-type system-service-type))
  "Fold SERVICES by propagating their extensions down to the one service
of TARGET-TYPE, and return that service with its final value."
  (define dependents (service-back-edges services))

  (define (extension-value target service)
    (match (find (lambda (extension)
                   (eq? (service-extension-target extension)
                        (service-kind target)))
                 (service-type-extensions (service-kind service)))
      (($ <service-extension> _ compute)
       (compute (service-value service)))))

  ;; Each service is folded once: VISITED maps a service to its result.
  (define visited (make-hash-table))

  (define (fold-one sink)
    (or (hashq-ref visited sink)
        (let* ((folded (map fold-one (dependents sink)))
               (type (service-kind sink))
               (extend (service-type-extend type))
               (compose (service-type-compose type))
               (result
                (if extend
                    (make-service type
                                  (extend (service-value sink)
                                          (compose
                                           (map (lambda (service)
                                                  (extension-value sink
                                                                   service))
                                                folded)))
                                  (service-location sink))
                    sink)))
          (hashq-set! visited sink result)
          result)))

  (match (filter (lambda (service)
                   (eq? (service-kind service) target-type))
                 services)
    ((sink) (fold-one sink))
    (()
     (raise (service-error &missing-target-service-error
                           (list 'service #f 'target-type target-type)
                           #f #f
                           "service of type '~a' not found"
                           (service-type-name target-type))))
    (_ (ambiguous-target-error #f target-type))))


;;;
;;; The system's own service types.
;;;

(define (system-derivation entries extensions)
  ;; The system directory: ENTRIES, (NAME FILE-LIKE) lists, and the entries
  ;; that EXTENSIONS, monadic values of such lists, return.
  (mlet %store-monad ((more (sequence %store-monad extensions)))
    (return (file-union "system" (append entries (concatenate more))))))

(define system-service-type
  ;; The root of the graph; its value is the system directory, a
  ;; file-like object, in the store monad.
  (service-type (name 'system)
                (extensions '())
                (compose identity)
                (extend system-derivation)
                (description "Build the operating system's top-level
directory, which refers to everything the system needs.")))

(define (provenance-entry config-file)
  (with-monad %store-monad
    (return (if config-file
                `(("configuration.scm" ,config-file))
                '()))))

(define provenance-service-type
  ;; Records the configuration file the system was built from.
  (service-type (name 'provenance)
                (extensions
                 (list (service-extension system-service-type
                                          provenance-entry)))
                (default-value #f)
                (description "Store the configuration file the system was
declared in, as configuration.scm in the system directory.")))

(define (boot-script gexps)
  ;; The `boot' program: the gexps that extend boot, in order.
  (program-file "boot"
                (with-build-modules %system-build-modules
                  (gexp (begin
                          (use-modules (guix build utils))
                          (ungexp-splicing gexps))))))

(define (boot-entry gexps)
  (with-monad %store-monad
    (return `(("boot" ,(boot-script gexps))))))

(define boot-service-type
  ;; What runs when the system starts: the cleanup, the activation, then
  ;; the init, which the shepherd root service appends.
  (service-type (name 'boot)
                (extensions
                 (list (service-extension system-service-type boot-entry)))
                (compose identity)
                (extend (lambda (initial gexps) (append initial gexps)))
                (default-value '())
                (description "Make the system's boot script, which runs
the gexps that extend this service.")))

(define %boot-service
  (service boot-service-type '()))

(define (cleanup-gexp _)
  ;; Left-overs of a previous boot that would mislead its programs: lock
  ;; and pid files under /var/run, /run and /tmp.
  (gexp (begin
          (use-modules (byre build activation))
          (cleanup-previous-boot))))

(define cleanup-service-type
  (service-type (name 'cleanup)
                (extensions
                 (list (service-extension boot-service-type cleanup-gexp)))
                (default-value #t)
                (description "Delete the stale lock and pid files of a
previous boot before the system activates.")))

(define (activation-service->script gexps)
  "Return the activation program, a file-like object, that runs GEXPS in
order, after the common set-up of /run, /var and /tmp."
  (program-file "activate"
                (with-build-modules %system-build-modules
                  (gexp (begin
                          (use-modules (byre build activation))
                          (activate-file-system-layout)
                          ;; Before the services' snippets, which may
                          ;; use the system's profile.
                          (activate-current-system)
                          (ungexp-splicing gexps))))))

(define (activation-entries gexps)
  (with-monad %store-monad
    (return `(("activate" ,(activation-service->script gexps))))))

(define activation-service-type
  (service-type (name 'activate)
                (extensions
                 (list (service-extension
                        boot-service-type
                        (lambda (gexps)
                          (gexp (primitive-load
                                 (ungexp (activation-service->script
                                          gexps))))))
                       (service-extension system-service-type
                                          activation-entries)))
                ;; Each service extends it with one gexp.  As in Guix,
                ;; they run in the reverse order of the services: the
                ;; essential ones (accounts, /etc) before those of the
                ;; declared services (sshd's ssh-keygen needs root's
                ;; account).
                (compose reverse)
                (extend (lambda (initial gexps) gexps))
                (default-value #t)
                (description "Make the activation script, which prepares
the system's files (accounts, /etc, /run) before services start.")))

(define %activation-service
  (service activation-service-type #t))

(define (etc-directory files)
  "Return the /etc directory, a file-like object, holding FILES, a list of
(NAME FILE-LIKE) entries."
  (file-union "etc" files))

(define (check-etc-entries files)
  ;; Two services giving /etc the same file is a mistake Guix reports.
  (let loop ((files files) (seen '()))
    (match files
      (() files)
      (((name . _) . rest)
       (when (member name seen)
         (raise (make-user-error "duplicate '~a' entry for /etc"
                                 (list name)
                                 #:hint "only one service may provide a \
given /etc file")))
       (loop rest (cons name seen)))))
  files)

(define etc-service-type
  (service-type (name 'etc)
                (extensions
                 (list (service-extension
                        activation-service-type
                        (lambda (files)
                          (gexp (begin
                                  (use-modules (byre build activation))
                                  (activate-etc
                                   (ungexp (etc-directory
                                            (check-etc-entries files))))))))
                       (service-extension
                        system-service-type
                        (lambda (files)
                          (with-monad %store-monad
                            (return `(("etc" ,(etc-directory
                                               (check-etc-entries
                                                files))))))))))
                (compose concatenate)
                (extend append)
                (default-value '())
                (description "Populate /etc with the files services extend
this one with, as (NAME FILE-LIKE) entries.")))

(define (etc-service files)
  "Return a service of ETC-SERVICE-TYPE populating /etc with FILES."
  (service etc-service-type files))

(define setuid-program-service-type
  ;; Its values are file names (strings or file-appends) of programs to
  ;; copy to /run/setuid-programs with the setuid bit.
  (service-type (name 'setuid-program)
                (extensions
                 (list (service-extension
                        activation-service-type
                        (lambda (programs)
                          (gexp (begin
                                  (use-modules (byre build activation))
                                  (activate-setuid-programs
                                   (list (ungexp-splicing
                                          (map setuid-program->gexp
                                               programs))))))))))
                (compose concatenate)
                (extend append)
                (default-value '())
                (description "Copy programs to /run/setuid-programs with the
setuid bit, at activation.")))

(define (profile-entry packages)
  ;; The system profile: a union of PACKAGES under bin/, sbin/, etc/ ….
  (with-monad %store-monad
    (return `(("profile" ,(system-profile
                           (delete-duplicates packages eq?)))))))

(define profile-service-type
  (service-type (name 'profile)
                (extensions
                 (list (service-extension system-service-type
                                          profile-entry)))
                (compose concatenate)
                (extend append)
                (default-value '())
                (description "Make the system profile, the packages in
/run/current-system/profile.")))

(define firmware-service-type
  ;; A container uses the host's kernel and its firmware: the list is kept
  ;; so that configurations load, and nothing is activated.
  (service-type (name 'firmware)
                (extensions '())
                (compose concatenate)
                (extend append)
                (default-value '())
                (description "Firmware for the kernel; a container uses
the host's.")))

(define (gc-roots-entry roots)
  ;; A gc-roots directory linking to ROOTS, so that the system keeps them.
  (with-monad %store-monad
    (return (if (null? roots)
                '()
                `(("gc-roots"
                   ,(file-union "gc-roots"
                                (map (lambda (root index)
                                       (list (number->string index) root))
                                     roots (iota (length roots))))))))))

(define gc-root-service-type
  (service-type (name 'gc-roots)
                (extensions
                 (list (service-extension system-service-type
                                          gc-roots-entry)))
                (compose concatenate)
                (extend append)
                (default-value '())
                (description "Keep extra store items alive as long as the
system is.")))

(define (special-files-gexp files)
  (gexp (begin
          (use-modules (byre build activation))
          (activate-special-files '(ungexp files)))))

(define special-files-service-type
  ;; Values are (TARGET FILE) lists, e.g. ("/bin/sh" "/gnu/store/…/sh").
  (service-type (name 'special-files)
                (extensions
                 (list (service-extension activation-service-type
                                          special-files-gexp)))
                (compose concatenate)
                (extend append)
                (default-value '())
                (description "Make symbolic links at activation, such as
/bin/sh and /usr/bin/env.")))

(define (extra-special-file file target)
  "Return a service that makes FILE, an absolute file name, a link to
TARGET, a file-like object or file name, at activation."
  (simple-service (string->symbol (string-append "special-file-" file))
                  special-files-service-type
                  `((,file ,target))))

(define host-name-service-type
  (service-type (name 'host-name)
                (extensions
                 (list (service-extension
                        activation-service-type
                        (lambda (name)
                          (gexp (begin
                                  (use-modules (byre build activation))
                                  (activate-host-name (ungexp name))))))))
                (description "Set the host name at activation.")))

(define linux-bare-metal-service-type
  ;; What only the bare metal needs (modprobe, ptrace); a container drops
  ;; it, so its value is never used.
  (service-type (name 'linux-bare-metal)
                (extensions '())
                (default-value #f)
                (description "Kernel settings for a system on the bare
metal; nothing in a container.")))

(define %linux-bare-metal-service
  (service linux-bare-metal-service-type #f))

;;; services.scm ends here
