;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system accounts): the <user-account> and <user-group> records,
;;; as Guix's (gnu system accounts) has them.

(define-module (byre system accounts)
  #:use-module (byre records)
  #:use-module (byre diagnostics)
  #:use-module (byre gexp)
  #:use-module (byre system packages)
  #:use-module (srfi srfi-34)
  #:use-module (ice-9 match)
  #:export (user-account
            user-account?
            user-account-name
            user-account-password
            user-account-uid
            user-account-group
            user-account-supplementary-groups
            user-account-comment
            user-account-home-directory
            user-account-create-home-directory?
            user-account-shell
            user-account-system?
            user-account-location

            user-group
            user-group?
            user-group-name
            user-group-password
            user-group-id
            user-group-system?
            user-group-location

            sexp->user-account
            sexp->user-group
            default-shell))

;;; Commentary:
;;;
;;; Accounts are declared; ids are allocated at activation, as Guix does
;;; (see (byre build accounts)).  A name is checked where it is written.
;;;
;;; Code:

(define default-shell
  ;; The shell of accounts that name none: a string or a file-like object;
  ;; #f means bash from the host's packages, as Guix has it.
  (make-parameter #f))

(define (check-name what)
  ;; The rules of shadow's useradd, roughly: no colon, no newline, no
  ;; leading dash, not empty.
  (lambda (name)
    (unless (and (string? name)
                 (not (string-null? name))
                 (not (string-index name #\:))
                 (not (string-index name #\newline))
                 (not (string-prefix? "-" name)))
      (raise (make-user-error "invalid ~a name ~s" (list what name)
                              #:hint "a name is a non-empty string without \
colons or newlines, not starting with a dash")))
    name))

(define (check-home directory)
  (unless (and (string? directory) (string-prefix? "/" directory))
    (raise (make-user-error "home directory ~s is not absolute"
                            (list directory)
                            #:hint "write it from the root, \
e.g. \"/home/alice\"")))
  directory)

(define-record-type* <user-account> user-account make-user-account
  user-account?
  (name           user-account-name (sanitize (check-name "user")))
  (password       user-account-password (default #f))
  (uid            user-account-uid (default #f))
  (group          user-account-group)                  ;string or number
  (supplementary-groups user-account-supplementary-groups (default '()))
  (comment        user-account-comment (default ""))
  (home-directory user-account-home-directory (thunked)
                  (default (string-append "/home/"
                                          (user-account-name this-record)))
                  (sanitize check-home))
  (create-home-directory? user-account-create-home-directory?
                          (default #t))
  (shell          user-account-shell (thunked)
                  (default (or (default-shell)
                               (file-append (system-package "bash")
                                            "/bin/bash"))))
  (system?        user-account-system? (default #f))
  (location       user-account-location (innate)
                  (default (current-source-location))))

(define-record-type* <user-group> user-group make-user-group
  user-group?
  (name     user-group-name (sanitize (check-name "group")))
  (password user-group-password (default #f))
  (id       user-group-id (default #f))
  (system?  user-group-system? (default #f))
  (location user-group-location (innate)
            (default (current-source-location))))

(define (sexp->user-group sexp)
  "Return the <user-group> that SEXP, a (NAME PASSWORD ID SYSTEM?) list,
describes."
  (match sexp
    ((name password id system?)
     (user-group (name name) (password password) (id id)
                 (system? system?)))))

(define (sexp->user-account sexp)
  "Return the <user-account> that SEXP, a (NAME UID GROUP SUPPLEMENTARY
COMMENT HOME CREATE-HOME? SHELL PASSWORD SYSTEM?) list, describes."
  (match sexp
    ((name uid group supplementary comment home create-home? shell
           password system?)
     (user-account (name name) (uid uid) (group group)
                   (supplementary-groups supplementary)
                   (comment comment) (home-directory home)
                   (create-home-directory? create-home?)
                   (shell shell) (password password) (system? system?)))))

;;; accounts.scm ends here
