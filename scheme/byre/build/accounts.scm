;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre build accounts): the account databases (/etc/passwd, /etc/group,
;;; /etc/shadow) computed from declared accounts, on the build side: at
;;; build time for the system's etc/, and at activation against what the
;;; machine already has.

(define-module (byre build accounts)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (ice-9 match)
  #:use-module (ice-9 rdelim)
  #:export (%system-id-min
            %system-id-max
            %id-min
            %id-max

            group-entry group-entry? group-entry-name group-entry-password
            group-entry-gid group-entry-members
            password-entry password-entry? password-entry-name
            password-entry-uid password-entry-gid password-entry-real-name
            password-entry-directory password-entry-shell
            shadow-entry shadow-entry? shadow-entry-name
            shadow-entry-password shadow-entry-last-change

            user-spec-name user-spec-uid user-spec-group
            user-spec-supplementary-groups user-spec-comment
            user-spec-home-directory user-spec-create-home-directory?
            user-spec-shell user-spec-password user-spec-system?

            allocate-groups
            allocate-passwd
            passwd->shadow
            user+group-databases

            read-passwd read-group read-shadow
            write-passwd write-group write-shadow))

;;; Commentary:
;;;
;;; Declared accounts arrive as plain lists (what the host side of an
;;; operating system writes into a gexp):
;;;
;;;   group: (NAME PASSWORD ID SYSTEM?)
;;;   user:  (NAME UID GROUP SUPPLEMENTARY-GROUPS COMMENT HOME
;;;           CREATE-HOME? SHELL PASSWORD SYSTEM?)
;;;
;;; Ids are allocated as Guix does: an id given in the declaration is
;;; kept; an account the machine already has keeps its id; otherwise
;;; ordinary accounts get the first free id from 1000 up and system
;;; accounts the first free id from 999 down.
;;;
;;; Code:

(define %system-id-min 100)
(define %system-id-max 999)
(define %id-min 1000)
(define %id-max 60000)

(define-record-type <group-entry>
  (group-entry name password gid members)
  group-entry?
  (name     group-entry-name)
  (password group-entry-password)           ;string, usually "x"
  (gid      group-entry-gid)
  (members  group-entry-members))           ;list of user names

(define-record-type <password-entry>
  (password-entry name uid gid real-name directory shell)
  password-entry?
  (name      password-entry-name)
  (uid       password-entry-uid)
  (gid       password-entry-gid)
  (real-name password-entry-real-name)
  (directory password-entry-directory)
  (shell     password-entry-shell))

(define-record-type <shadow-entry>
  (shadow-entry name password last-change)
  shadow-entry?
  (name        shadow-entry-name)
  (password    shadow-entry-password)       ;string: hash, "" or "!"
  (last-change shadow-entry-last-change))   ;days since 1970, or #f

(define (user-spec-name spec) (list-ref spec 0))
(define (user-spec-uid spec) (list-ref spec 1))
(define (user-spec-group spec) (list-ref spec 2))
(define (user-spec-supplementary-groups spec) (list-ref spec 3))
(define (user-spec-comment spec) (list-ref spec 4))
(define (user-spec-home-directory spec) (list-ref spec 5))
(define (user-spec-create-home-directory? spec) (list-ref spec 6))
(define (user-spec-shell spec) (list-ref spec 7))
(define (user-spec-password spec) (list-ref spec 8))
(define (user-spec-system? spec) (list-ref spec 9))


;;;
;;; Id allocation.
;;;

(define (system-id? id)
  (and (> id %system-id-min) (<= id %system-id-max)))

(define (user-id? id)
  (and (>= id %id-min) (< id %id-max)))

(define (make-allocator taken)
  ;; A procedure (ALLOCATE SYSTEM?) returning a free id, and (RESERVE ID).
  ;; TAKEN is the list of ids in use.  The next ids start past the highest
  ;; ordinary one and below the lowest system one already taken, so that
  ;; an id freed by a deleted account is not reused at once.
  (let* ((ids (make-hash-table))
         (next-user (+ 1 (fold max (- %id-min 1) (filter user-id? taken))))
         (next-system (- (fold min (+ %system-id-max 1)
                               (filter system-id? taken))
                         1)))
    (for-each (lambda (id) (hashv-set! ids id #t)) taken)
    (values
     (lambda (system?)
       (let loop ((id (if system? next-system next-user)) (tries 0))
         (cond ((> tries (- %id-max %system-id-min))
                (error "no free id left" (if system? 'system 'user)))
               ((hashv-ref ids id)
                (loop (if system?
                          (if (<= (- id 1) %system-id-min) %system-id-max
                              (- id 1))
                          (if (>= (+ id 1) %id-max) %id-min (+ id 1)))
                      (+ tries 1)))
               (else
                (hashv-set! ids id #t)
                (if system?
                    (set! next-system (- id 1))
                    (set! next-user (+ id 1)))
                id))))
     (lambda (id) (hashv-set! ids id #t)))))

(define (allocate-groups groups members current)
  "Return the group entries for GROUPS, group specs, in their order.
MEMBERS is an alist from group name to member names; CURRENT, the entries
the machine has, gives ids and passwords to keep."
  (define-values (allocate reserve)
    (make-allocator (append (map group-entry-gid current)
                            (filter-map (match-lambda
                                          ((_ _ id _) id))
                                        groups))))
  (map (match-lambda
         ((name password id system?)
          (let ((previous (find (lambda (entry)
                                  (string=? (group-entry-name entry) name))
                                current)))
            (group-entry name
                         (if previous
                             (group-entry-password previous)
                             (or password "x"))
                         (cond (id id)
                               (previous (group-entry-gid previous))
                               (else (allocate system?)))
                         (reverse (or (assoc-ref members name) '()))))))
       groups))

(define (allocate-passwd users groups current)
  "Return the password entries for USERS, user specs, in their order, with
group ids from GROUPS, group entries.  CURRENT, the entries the machine
has, gives ids, real names and shells to keep."
  (define-values (allocate reserve)
    (make-allocator (append (map password-entry-uid current)
                            (filter-map user-spec-uid users))))
  (define (gid name)
    (or (any (lambda (entry)
               (and (string=? (group-entry-name entry) name)
                    (group-entry-gid entry)))
             groups)
        (error "group not found" name)))
  (map (lambda (user)
         (let ((previous (find (lambda (entry)
                                 (string=? (password-entry-name entry)
                                           (user-spec-name user)))
                               current)))
           (password-entry (user-spec-name user)
                           (cond ((user-spec-uid user) => identity)
                                 (previous (password-entry-uid previous))
                                 (else (allocate (user-spec-system? user))))
                           (let ((group (user-spec-group user)))
                             (if (number? group) group (gid group)))
                           (if previous
                               (password-entry-real-name previous)
                               (user-spec-comment user))
                           (user-spec-home-directory user)
                           (user-spec-shell user))))
       users))

(define (passwd->shadow users passwd current today)
  "Return the shadow entries for PASSWD, with the initial passwords of
USERS (#f locks the account) and TODAY, days since 1970 or #f, as the date
of the last change; entries of CURRENT are kept as they are."
  (map (lambda (user entry)
         (or (find (lambda (shadow)
                     (string=? (shadow-entry-name shadow)
                               (password-entry-name entry)))
                   current)
             (shadow-entry (password-entry-name entry)
                           (or (user-spec-password user) "!")
                           today)))
       users passwd))

(define* (user+group-databases users groups
                               #:key (current-passwd '()) (current-groups '())
                               (current-shadow '()) (today #f))
  "Return three values: the group, password and shadow entries for USERS
and GROUPS, specs, keeping what CURRENT-PASSWD, CURRENT-GROUPS and
CURRENT-SHADOW have."
  (define members
    (fold (lambda (user members)
            (fold (lambda (group members)
                    (let ((names (or (assoc-ref members group) '())))
                      (alist-cons group (cons (user-spec-name user) names)
                                  (alist-delete group members))))
                  members
                  (user-spec-supplementary-groups user)))
          '() users))
  (let* ((group-entries (allocate-groups groups members current-groups))
         (passwd-entries (allocate-passwd users group-entries
                                          current-passwd))
         (shadow-entries (passwd->shadow users passwd-entries
                                         current-shadow today)))
    (values group-entries passwd-entries shadow-entries)))


;;;
;;; Reading and writing the databases.
;;;

(define (read-lines file)
  (if (file-exists? file)
      (call-with-input-file file
        (lambda (port)
          (let loop ((lines '()))
            (match (read-line port)
              ((? eof-object?) (reverse lines))
              ("" (loop lines))
              (line (loop (cons line lines)))))))
      '()))

(define (fields line) (string-split line #\:))

(define* (read-passwd #:optional (file "/etc/passwd"))
  "Return the password entries of FILE, or '() if it does not exist."
  (filter-map (lambda (line)
                (match (fields line)
                  ((name _ uid gid real-name directory shell)
                   (password-entry name (string->number uid)
                                   (string->number gid)
                                   real-name directory shell))
                  (_ #f)))
              (read-lines file)))

(define* (read-group #:optional (file "/etc/group"))
  "Return the group entries of FILE, or '() if it does not exist."
  (filter-map (lambda (line)
                (match (fields line)
                  ((name password gid members)
                   (group-entry name password (string->number gid)
                                (if (string-null? members)
                                    '()
                                    (string-split members #\,))))
                  (_ #f)))
              (read-lines file)))

(define* (read-shadow #:optional (file "/etc/shadow"))
  "Return the shadow entries of FILE, or '() if it does not exist."
  (filter-map (lambda (line)
                (match (fields line)
                  ((name password last-change . _)
                   (shadow-entry name password
                                 (string->number last-change)))
                  (_ #f)))
              (read-lines file)))

(define (write-lines file lines mode)
  ;; Replace FILE by LINES atomically, with MODE.
  (let ((new (string-append file ".new")))
    (call-with-output-file new
      (lambda (port)
        (for-each (lambda (line) (display line port) (newline port))
                  lines)))
    (chmod new mode)
    (rename-file new file)))

(define* (write-passwd entries #:optional (file "/etc/passwd"))
  "Write ENTRIES, password entries, to FILE."
  (write-lines file
               (map (lambda (entry)
                      (format #f "~a:x:~a:~a:~a:~a:~a"
                              (password-entry-name entry)
                              (password-entry-uid entry)
                              (password-entry-gid entry)
                              (password-entry-real-name entry)
                              (password-entry-directory entry)
                              (password-entry-shell entry)))
                    entries)
               #o644))

(define* (write-group entries #:optional (file "/etc/group"))
  "Write ENTRIES, group entries, to FILE."
  (write-lines file
               (map (lambda (entry)
                      (format #f "~a:~a:~a:~a"
                              (group-entry-name entry)
                              (group-entry-password entry)
                              (group-entry-gid entry)
                              (string-join (group-entry-members entry) ",")))
                    entries)
               #o644))

(define* (write-shadow entries #:optional (file "/etc/shadow"))
  "Write ENTRIES, shadow entries, to FILE, readable by root only."
  (write-lines file
               (map (lambda (entry)
                      (format #f "~a:~a:~a::::::"
                              (shadow-entry-name entry)
                              (shadow-entry-password entry)
                              (or (shadow-entry-last-change entry) "")))
                    entries)
               #o600))

;;; accounts.scm ends here
