;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system nss): the name service switch, /etc/nsswitch.conf, as
;;; Guix's (gnu system nss) declares it.

(define-module (byre system nss)
  #:use-module (byre records)
  #:use-module (byre diagnostics)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-34)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:export (name-service-switch
            name-service-switch?
            name-service
            name-service?
            name-service-name
            name-service-reaction
            lookup-specification
            %default-nss
            %mdns-host-lookup-nss
            %files
            %compat
            %dns
            name-service-switch->string))

;;; Commentary:
;;;
;;; Every database of glibc's nss/databases.def is a field, so that a
;;; misspelled database is an unknown field where it is written.  Lookup
;;; reactions read as glibc's: (lookup-specification (not-found => return))
;;; is "[NOTFOUND=return]".
;;;
;;; Code:

(define %statuses '(success not-found unavailable try-again))
(define %actions '(return continue))

(define-record-type <lookup-reaction>
  (make-lookup-reaction status negated? action)
  lookup-reaction?
  (status   lookup-reaction-status)
  (negated? lookup-reaction-negated?)
  (action   lookup-reaction-action))

(define (reaction status negated? action)
  (unless (memq status %statuses)
    (raise (make-user-error "~a: unknown lookup status" (list status)
                            #:hint (format #f "use one of ~{~a~^, ~}"
                                           %statuses))))
  (unless (memq action %actions)
    (raise (make-user-error "~a: unknown lookup action" (list action)
                            #:hint "use return or continue")))
  (make-lookup-reaction status negated? action))

(define-syntax lookup-reaction
  (syntax-rules (not =>)
    ((_ ((not status) => action)) (reaction 'status #t 'action))
    ((_ (status => action)) (reaction 'status #f 'action))))

(define-syntax-rule (lookup-specification clause ...)
  ;; "Return a lookup specification: CLAUSEs read (STATUS => ACTION) or
  ;; ((not STATUS) => ACTION)."
  (list (lookup-reaction clause) ...))

(define-record-type* <name-service> name-service make-name-service
  name-service?
  (name     name-service-name)
  (reaction name-service-reaction (default '())))

(define %files (name-service (name "files")))

(define %compat
  (name-service (name "compat")
                (reaction (lookup-specification (not-found => return)))))

(define %dns
  ;; DNS is authoritative unless it is unreachable.
  (name-service (name "dns")
                (reaction (lookup-specification
                           ((not unavailable) => return)))))

(define-record-type* <name-service-switch> name-service-switch
  make-name-service-switch name-service-switch?
  (aliases    name-service-switch-aliases (default '()))
  (ethers     name-service-switch-ethers (default '()))
  (group      name-service-switch-group (default (list %files)))
  (gshadow    name-service-switch-gshadow (default '()))
  ;; files before dns, so that /etc/hosts overrides DNS.
  (hosts      name-service-switch-hosts (default (list %files %dns)))
  (initgroups name-service-switch-initgroups (default '()))
  (netgroup   name-service-switch-netgroup (default '()))
  (networks   name-service-switch-networks (default (list %files %dns)))
  (password   name-service-switch-password (default (list %files)))
  (public-key name-service-switch-public-key (default '()))
  (rpc        name-service-switch-rpc (default '()))
  (services   name-service-switch-services (default '()))
  (shadow     name-service-switch-shadow (default (list %files))))

(define %default-nss (name-service-switch))

(define %mdns-host-lookup-nss
  ;; Host names under .local through multicast DNS, then DNS.
  (name-service-switch
    (hosts (list %files
                 (name-service
                   (name "mdns_minimal")
                   (reaction (lookup-specification (not-found => return))))
                 (name-service (name "dns"))
                 (name-service (name "mdns"))))))

(define (reaction->string reaction)
  (string-append (if (lookup-reaction-negated? reaction) "!" "")
                 (match (lookup-reaction-status reaction)
                   ('success "SUCCESS")
                   ('not-found "NOTFOUND")
                   ('unavailable "UNAVAIL")
                   ('try-again "TRYAGAIN"))
                 "="
                 (symbol->string (lookup-reaction-action reaction))))

(define (service->string service)
  (match (name-service-reaction service)
    (() (name-service-name service))
    (reactions
     (string-append (name-service-name service) " ["
                    (string-join (map reaction->string reactions)) "]"))))

(define (name-service-switch->string nss)
  "Return the text of /etc/nsswitch.conf for NSS; databases with no
service are left out, so that glibc uses its defaults for them."
  (string-concatenate
   (filter-map (match-lambda
                 ((database accessor)
                  (match (accessor nss)
                    (() #f)
                    (services
                     (string-append database ":\t"
                                    (string-join (map service->string
                                                      services))
                                    "\n")))))
               `(("aliases" ,name-service-switch-aliases)
                 ("ethers" ,name-service-switch-ethers)
                 ("group" ,name-service-switch-group)
                 ("gshadow" ,name-service-switch-gshadow)
                 ("hosts" ,name-service-switch-hosts)
                 ("initgroups" ,name-service-switch-initgroups)
                 ("netgroup" ,name-service-switch-netgroup)
                 ("networks" ,name-service-switch-networks)
                 ("passwd" ,name-service-switch-password)
                 ("publickey" ,name-service-switch-public-key)
                 ("rpc" ,name-service-switch-rpc)
                 ("services" ,name-service-switch-services)
                 ("shadow" ,name-service-switch-shadow)))))

;;; nss.scm ends here
