;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system shadow): the accounts every system has and the service
;;; that creates accounts, as Guix's (gnu system shadow) has them.

(define-module (byre system shadow)
  #:use-module (byre system accounts)
  #:use-module (byre system packages)
  #:use-module (byre services)
  #:use-module (byre services shepherd)
  #:use-module (byre diagnostics)
  #:use-module (byre gexp)
  #:use-module (byre system build-modules)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-34)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:re-export (user-account
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
               user-group
               user-group?
               user-group-name
               user-group-password
               user-group-id
               user-group-system?)
  #:export (%root-account
            %base-groups
            %base-user-accounts
            default-skeletons
            skeleton-directory
            account-service-type
            account-service
            user-account->spec
            user-group->spec
            account-databases))

;;; Commentary:
;;;
;;; ACCOUNT-SERVICE-TYPE collects <user-account>s, <user-group>s and
;;; skeleton files (NAME FILE-LIKE) from the services that extend it.  It
;;; checks that every group an account names is declared, writes the
;;; system's etc/passwd, etc/group and etc/shadow as a fresh machine would
;;; have them, /etc/skel and /etc/shells, and extends activation with the
;;; creation of the accounts (ids kept across boots) and home directories.
;;;
;;; Code:

(define %root-account
  ;; The root account, with an empty password, as Guix has it.
  (user-account
    (name "root")
    (password "")
    (uid 0)
    (group "root")
    (comment "System administrator")
    (home-directory "/root")))

(define-syntax-rule (system-group fields ...)
  (user-group (system? #t) fields ...))

(define %base-groups
  ;; Guix's groups; tty is 5 as on Debian, whose devpts gives terminals
  ;; to it.
  (list (system-group (name "root") (id 0))
        (system-group (name "wheel"))
        (system-group (name "users"))
        (system-group (name "nogroup"))
        (system-group (name "tty") (id 5))
        (system-group (name "dialout"))
        (system-group (name "kmem"))
        (system-group (name "input"))
        (system-group (name "video"))
        (system-group (name "audio"))
        (system-group (name "netdev"))
        (system-group (name "lp"))
        (system-group (name "disk"))
        (system-group (name "floppy"))
        (system-group (name "cdrom"))
        (system-group (name "tape"))
        (system-group (name "kvm"))))

(define %base-user-accounts
  ;; Root is implicit; nobody is the only other standard account.
  (list (user-account
          (name "nobody")
          (uid 65534)
          (group "nogroup")
          (shell (file-append (system-package "shadow") "/sbin/nologin"))
          (home-directory "/nonexistent")
          (create-home-directory? #f)
          (system? #t))))

(define (default-skeletons)
  "Return the files copied into new home directories, as a list of (NAME
FILE-LIKE) entries: shell start-up files and a Guile start-up file."
  `((".bash_profile"
     ,(plain-file "bash_profile" "\
# Honour the per-interactive-shell start-up file.
if [ -f ~/.bashrc ]; then . ~/.bashrc; fi\n"))
    (".bashrc"
     ,(plain-file "bashrc" "\
# Interactive non-login shells, and remote shells.
export SHELL

if [[ $- != *i* ]]
then
    # A non-interactive ssh session needs the system's variables.
    [[ -n \"$SSH_CLIENT\" ]] && source /etc/profile
    return
fi

source /etc/bashrc
PS1='\\u@\\h \\w\\$ '
alias ls='ls -p --color=auto'
alias ll='ls -l'
alias grep='grep --color=auto'\n"))
    (".zprofile"
     ,(plain-file "zprofile" "\
# The system's environment variables.
source /etc/profile\n"))
    (".guile"
     ,(plain-file "dot-guile" "\
(cond ((false-if-exception (resolve-interface '(ice-9 readline)))
       => (lambda (module) ((module-ref module 'activate-readline)))))\n"))))

(define (skeleton-directory skeletons)
  "Return a directory, a file-like object, holding copies of SKELETONS,
(NAME FILE-LIKE) entries; copies, not links, since they are copied into
home directories."
  (computed-file "skel"
                 (gexp (begin
                         (use-modules (ice-9 match))
                         (mkdir (ungexp output))
                         (for-each (match-lambda
                                     ((name source)
                                      (let ((target (string-append
                                                     (ungexp output) "/"
                                                     name)))
                                        (copy-file source target)
                                        (chmod target #o644))))
                                   '(ungexp skeletons))))))

(define (user-group->spec group)
  "Return GROUP as the gexp of a list for (byre build accounts)."
  (gexp (list (ungexp (user-group-name group))
              (ungexp (user-group-password group))
              (ungexp (user-group-id group))
              (ungexp (user-group-system? group)))))

(define (user-account->spec account)
  "Return ACCOUNT as the gexp of a list for (byre build accounts)."
  (gexp (list (ungexp (user-account-name account))
              (ungexp (user-account-uid account))
              (ungexp (user-account-group account))
              '(ungexp (user-account-supplementary-groups account))
              (ungexp (user-account-comment account))
              (ungexp (user-account-home-directory account))
              (ungexp (user-account-create-home-directory? account))
              (ungexp (user-account-shell account))
              (ungexp (user-account-password account))
              (ungexp (user-account-system? account)))))

(define (duplicates names)
  (let loop ((names names) (seen '()) (result '()))
    (match names
      (() (reverse result))
      ((name . rest)
       (loop rest (cons name seen)
             (if (and (member name seen) (not (member name result)))
                 (cons name result)
                 result))))))

(define (check-accounts users groups)
  ;; Guix's checks: every group named is declared; names are unique.
  (let ((group-names (map user-group-name groups)))
    (define (check user group what)
      (unless (or (number? group) (member group group-names))
        (raise (make-user-error "~a group '~a' of user '~a' is undeclared"
                                (list what group (user-account-name user))
                                #:location (user-account-location user)
                                #:hint (format #f "add (user-group (name \
~s)) to the groups of the operating system, or use one of ~{~a~^, ~}"
                                               group group-names)))))
    (for-each (lambda (user)
                (check user (user-account-group user) "primary")
                (for-each (lambda (group)
                            (check user group "supplementary"))
                          (user-account-supplementary-groups user)))
              users))
  (for-each (lambda (what names)
              (match (duplicates names)
                (() #t)
                (dups
                 (raise (make-user-error "the following ~a appear more \
than once:~{ ~a~}" (list what dups)
                                         #:hint "declare each once")))))
            '("accounts" "groups")
            (list (map user-account-name users) (map user-group-name groups))))

(define (account-databases users groups)
  "Return the directory, a file-like object, holding passwd, group and
shadow for USERS and GROUPS on a fresh machine: the files the system's
etc/ shows."
  (computed-file
   "accounts"
   (with-build-modules %system-build-modules
     (gexp (begin
             (use-modules (byre build accounts))
             (mkdir (ungexp output))
             (call-with-values
                 (lambda ()
                   (user+group-databases
                    (list (ungexp-splicing (map user-account->spec users)))
                    (list (ungexp-splicing (map user-group->spec groups)))))
               (lambda (groups passwd shadow)
                 (write-group groups
                              (string-append (ungexp output) "/group"))
                 (write-passwd passwd
                               (string-append (ungexp output) "/passwd"))
                 (write-shadow shadow
                               (string-append (ungexp output)
                                              "/shadow")))))))))

(define (shells-file shells)
  ;; /etc/shells: the usual ones and those of the accounts.
  (computed-file "shells"
                 (gexp (call-with-output-file (ungexp output)
                         (lambda (port)
                           (for-each (lambda (shell)
                                       (display shell port)
                                       (newline port))
                                     ((@ (srfi srfi-1) delete-duplicates)
                                      (list "/bin/sh"
                                            "/run/current-system/profile/bin/sh"
                                            "/run/current-system/profile/bin/bash"
                                            (ungexp-splicing shells)))))))))

(define (split values)
  ;; Accounts, groups and skeleton entries of VALUES.
  (list (delete-duplicates (filter user-account? values) eq?)
        (delete-duplicates (filter user-group? values) eq?)
        (filter pair? values)))

(define (account-activation values)
  (match (split values)
    ((users groups skeletons)
     (check-accounts users groups)
     (begin
       (gexp (begin
               (use-modules (byre build activation))
               (activate-users+groups
                (list (ungexp-splicing (map user-account->spec users)))
                (list (ungexp-splicing (map user-group->spec groups))))))))))

(define (account-etc-files values)
  (match (split values)
    ((users groups skeletons)
     (check-accounts users groups)
     (let ((databases (account-databases users groups)))
       `(("skel" ,(skeleton-directory skeletons))
         ("shells" ,(shells-file (map user-account-shell users)))
         ("passwd" ,(file-append databases "/passwd"))
         ("group" ,(file-append databases "/group"))
         ("shadow" ,(file-append databases "/shadow")))))))

(define account-service-type
  (service-type (name 'account)
                (extensions
                 (list (service-extension activation-service-type
                                          account-activation)
                       (service-extension etc-service-type
                                          account-etc-files)))
                (compose concatenate)
                (extend append)
                (default-value '())
                (description "Make the declared accounts and groups exist,
with their home directories.")))

(define (account-service accounts+groups skeletons)
  "Return a service of ACCOUNT-SERVICE-TYPE for ACCOUNTS+GROUPS, user
accounts and groups, and SKELETONS, (NAME FILE-LIKE) entries."
  (service account-service-type (append skeletons accounts+groups)))

;;; shadow.scm ends here
