;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system pam): PAM services, /etc/pam.d, as Guix's (gnu system pam)
;;; declares them.

(define-module (byre system pam)
  #:use-module (byre records)
  #:use-module (byre gexp)
  #:use-module (byre services)
  #:use-module (srfi srfi-1)
  #:use-module (ice-9 match)
  #:export (pam-service
            pam-service?
            pam-service-name
            pam-service-account
            pam-service-auth
            pam-service-password
            pam-service-session
            pam-entry
            pam-entry?
            pam-entry-control
            pam-entry-module
            pam-entry-arguments
            pam-extension
            pam-extension?
            pam-extension-transformer
            pam-extension-shepherd-requirements
            pam-services->directory
            unix-pam-service
            base-pam-services
            pam-root-service-type
            pam-root-service))

;;; Commentary:
;;;
;;; Modules are named as Debian's libpam finds them, "pam_unix.so", in its
;;; own module directory: the host's PAM modules are what a container's
;;; programs load.
;;;
;;; Code:

(define-record-type* <pam-entry> pam-entry make-pam-entry pam-entry?
  (control   pam-entry-control)           ;string: "required", "sufficient" …
  (module    pam-entry-module)            ;string or file-like
  (arguments pam-entry-arguments (default '())))

(define-record-type* <pam-service> pam-service make-pam-service pam-service?
  (name     pam-service-name)             ;string: the file under pam.d
  (account  pam-service-account (default '()))
  (auth     pam-service-auth (default '()))
  (password pam-service-password (default '()))
  (session  pam-service-session (default '())))

(define-record-type* <pam-extension> pam-extension make-pam-extension
  pam-extension?
  (transformer pam-extension-transformer)         ;<pam-service> -> same
  (shepherd-requirements pam-extension-shepherd-requirements
                         (default '())))

(define (pam-service->file service)
  ;; The text of SERVICE's file under /etc/pam.d.
  (apply mixed-text-file
         (pam-service-name service)
         (append-map (match-lambda
                       ((type entries)
                        (append-map
                         (lambda (entry)
                           (append (list type " "
                                         (pam-entry-control entry) " "
                                         (pam-entry-module entry))
                                   (append-map (lambda (argument)
                                                 (list " " argument))
                                               (pam-entry-arguments entry))
                                   (list "\n")))
                         entries)))
                     `(("account" ,(pam-service-account service))
                       ("auth" ,(pam-service-auth service))
                       ("password" ,(pam-service-password service))
                       ("session" ,(pam-service-session service))))))

(define (pam-services->directory services)
  "Return the pam.d directory, a file-like object, with a file for each of
SERVICES."
  (file-union "pam.d"
              (map (lambda (service)
                     (list (pam-service-name service)
                           (pam-service->file service)))
                   services)))

(define* (unix-pam-service name #:key allow-empty-passwords? allow-root?
                           motd login-uid?)
  "Return a PAM service NAME authenticating with pam_unix: the usual
service of programs such as passwd, su or sshd.  ALLOW-EMPTY-PASSWORDS?
accepts empty passwords; ALLOW-ROOT? lets root in without one
(pam_rootok); MOTD, a file-like object, is shown at log-in; LOGIN-UID?
records the log-in uid (pam_loginuid)."
  (let ((unix (pam-entry (control "required") (module "pam_unix.so"))))
    (pam-service
      (name name)
      (account (list unix))
      (auth (append (if allow-root?
                        (list (pam-entry (control "sufficient")
                                         (module "pam_rootok.so")))
                        '())
                    (list (if allow-empty-passwords?
                              (pam-entry (control "required")
                                         (module "pam_unix.so")
                                         (arguments '("nullok")))
                              unix))))
      (password (list (pam-entry (control "required")
                                 (module "pam_unix.so")
                                 (arguments '("sha512" "shadow")))))
      (session (append (if motd
                           (list (pam-entry
                                   (control "optional")
                                   (module "pam_motd.so")
                                   (arguments
                                    (list (mixed-text-file
                                           "motd-argument"
                                           "motd=" motd)))))
                           '())
                       (if login-uid?
                           (list (pam-entry (control "required")
                                            (module "pam_loginuid.so")))
                           '())
                       (list unix))))))

(define* (base-pam-services #:key allow-empty-passwords?)
  "Return the PAM services every system has: `other', which denies, and
those of passwd, chfn, chsh, su, sudo and chpasswd."
  (cons (pam-service
          (name "other")
          (account (list (pam-entry (control "required")
                                    (module "pam_deny.so"))))
          (auth (list (pam-entry (control "required")
                                 (module "pam_deny.so"))))
          (password (list (pam-entry (control "required")
                                     (module "pam_deny.so"))))
          (session (list (pam-entry (control "required")
                                    (module "pam_deny.so")))))
        (append (map (lambda (name)
                       (unix-pam-service name #:allow-empty-passwords?
                                         allow-empty-passwords?))
                     '("passwd" "chfn" "chsh" "sudo" "chpasswd"))
                (list (unix-pam-service "su" #:allow-root? #t)))))

(define (extend-pam services extensions)
  ;; Apply the transformers of EXTENSIONS, <pam-extension>s, to SERVICES.
  (let ((transformers (map pam-extension-transformer
                           (filter pam-extension? extensions)))
        (more (filter pam-service? extensions)))
    (map (lambda (service)
           (fold (lambda (transform service) (transform service))
                 service transformers))
         (append services more))))

(define pam-root-service-type
  ;; Its value is the list of PAM services; services extend it with more
  ;; <pam-service>s or with <pam-extension>s that transform all of them.
  (service-type (name 'pam)
                (extensions
                 (list (service-extension
                        etc-service-type
                        (lambda (services)
                          `(("pam.d" ,(pam-services->directory
                                       services)))))))
                (compose concatenate)
                (extend extend-pam)
                (default-value '())
                (description "Make /etc/pam.d, the PAM configuration of
the system's programs.")))

(define (pam-root-service base)
  "Return the PAM service with BASE, a list of <pam-service>."
  (service pam-root-service-type base))

;;; pam.scm ends here
