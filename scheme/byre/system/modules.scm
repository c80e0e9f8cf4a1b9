;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system modules): `use-service-modules', `use-package-modules' and
;;; `use-system-modules', the forms of Guix's (gnu) module, with its hints
;;; for a module that does not exist.

(define-module (byre system modules)
  #:use-module (byre diagnostics)
  #:use-module (byre services)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-34)
  #:use-module (ice-9 match)
  #:use-module (ice-9 ftw)
  #:export (use-package-modules
            use-service-modules
            use-system-modules
            %try-use-modules
            package-module-hint
            service-module-hint))

;;; Commentary:
;;;
;;;   os.scm:3:0: error: module (gnu services sshd) not found
;;;   hint: Try adding `(use-service-modules ssh)'.
;;;
;;; The hint names the module that defines a service type (or a package)
;;; whose name is the last part of the missing module's.
;;;
;;; Code:

(define (facade-modules prefix)
  ;; The modules (gnu PREFIX NAME) on the load path, as lists of symbols.
  (delete-duplicates
   (append-map (lambda (directory)
                 (let ((dir (string-append directory "/gnu/" prefix)))
                   (map (lambda (file)
                          (list 'gnu (string->symbol prefix)
                                (string->symbol (basename file ".scm"))))
                        (or (scandir dir (lambda (file)
                                           (string-suffix? ".scm" file)))
                            '()))))
               %load-path)))

(define (module-defining prefix predicate)
  ;; The last name of the first (gnu PREFIX …) module whose interface has
  ;; a variable whose value satisfies PREDICATE, or #f.
  (any (lambda (name)
         (match (false-if-exception (resolve-interface name))
           (#f #f)
           (interface
            (and (any (match-lambda
                        ((symbol . variable)
                         (and (variable-bound? variable)
                              (predicate symbol (variable-ref variable)))))
                      (append-map (lambda (interface)
                                    (module-map cons interface))
                                  (cons interface
                                        (module-uses interface))))
                 (last name)))))
       (facade-modules prefix)))

(define (last-name module)
  (match module ((_ ... last) last)))

(define (package-module-hint module)
  "Return the hint for MODULE, a missing (gnu packages …) module: the
module that exports a package of that name, or how to find one."
  (let* ((name (last-name module))
         (found (module-defining "packages"
                                 (lambda (symbol value)
                                   (eq? symbol name)))))
    (if found
        (format #f "Try adding `(use-package-modules ~a)'." found)
        (format #f "byre's package modules are the (gnu packages …) \
modules it has; `~a' is in none of them: use (host-package \"DEBIAN-NAME\") \
from (byre packages) for a Debian package" name))))

(define (service-module-hint module)
  "Return the hint for MODULE, a missing (gnu services …) module: the
module that defines a service type of that name, if one does."
  (let* ((name (last-name module))
         (found (module-defining "services"
                                 (lambda (symbol value)
                                   (and (service-type? value)
                                        (eq? (service-type-name value)
                                             name))))))
    (if found
        (format #f "Try adding `(use-service-modules ~a)'." found)
        (format #f "no service module of byre defines a service called \
`~a'" name))))

(define (%try-use-modules modules location make-hint)
  "Use MODULES, module names, in the current module; raise an error at
LOCATION with MAKE-HINT's hint for the first that does not exist."
  (define (module-file module)
    (string-append (string-join (map symbol->string module) "/") ".scm"))
  (for-each (lambda (module)
              ;; A module that exists but fails to load reports its own
              ;; error, from resolve-interface.
              (unless (or (resolve-module module #f #:ensure #f)
                          (search-path %load-path (module-file module)))
                (raise (make-user-error "module ~a not found" (list module)
                                        #:location location
                                        #:hint (and make-hint
                                                    (make-hint module)))))
              (module-use! (current-module) (resolve-interface module)))
            modules))

(define-syntax use-package-modules
  (lambda (s)
    "(use-package-modules NAME ...): use (gnu packages NAME) ...."
    (syntax-case s ()
      ((_ name ...)
       (with-syntax (((module ...)
                      (map (lambda (name)
                             (datum->syntax s `(gnu packages
                                                    ,(syntax->datum name))))
                           #'(name ...))))
         #`(eval-when (expand load eval)
             (%try-use-modules '(module ...)
                               '#,(datum->syntax s (syntax-source s))
                               package-module-hint)))))))

(define-syntax use-service-modules
  (lambda (s)
    "(use-service-modules NAME ...): use (gnu services NAME) ...."
    (syntax-case s ()
      ((_ name ...)
       (with-syntax (((module ...)
                      (map (lambda (name)
                             (datum->syntax s `(gnu services
                                                    ,(syntax->datum name))))
                           #'(name ...))))
         #`(eval-when (expand load eval)
             (%try-use-modules '(module ...)
                               '#,(datum->syntax s (syntax-source s))
                               service-module-hint)))))))

(define-syntax use-system-modules
  (lambda (s)
    "(use-system-modules NAME ...): use (gnu system NAME) ...."
    (syntax-case s ()
      ((_ name ...)
       (with-syntax (((module ...)
                      (map (lambda (name)
                             (datum->syntax s `(gnu system
                                                    ,(syntax->datum name))))
                           #'(name ...))))
         #`(eval-when (expand load eval)
             (%try-use-modules '(module ...)
                               '#,(datum->syntax s (syntax-source s))
                               #f)))))))

;;; modules.scm ends here
