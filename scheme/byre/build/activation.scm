;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre build activation): what a system's `activate' program does when
;;; the system boots: the /run and /var layout, accounts and their home
;;; directories, /etc, setuid programs, special files.  Build-side code:
;;; it runs inside the system's container, with nothing of the host.

(define-module (byre build activation)
  #:use-module (byre build accounts)
  #:use-module (srfi srfi-1)
  #:use-module (ice-9 match)
  #:use-module (ice-9 ftw)
  #:use-module ((ice-9 rdelim) #:select (read-line))
  #:export (cleanup-previous-boot
            activate-file-system-layout
            activate-users+groups
            activate-etc
            activate-setuid-programs
            activate-special-files
            activate-host-name
            activate-directories
            activate-current-system
            %static-etc-exceptions))

;;; Commentary:
;;;
;;; Each procedure is idempotent: activation runs at every boot, on a file
;;; system that may keep what a previous boot made.  None crosses a mount
;;; point or follows a link out of the directory it cleans: a container's
;;; /tmp or /run may hold host directories bound into it.
;;;
;;; Code:

(define (mkdir-p* directory mode)
  ;; Make DIRECTORY and its parents; give DIRECTORY MODE.
  (let loop ((dir directory))
    (unless (or (string=? dir "/") (file-exists? dir))
      (loop (dirname dir))
      (mkdir dir)))
  (chmod directory mode))

(define (same-device? a b)
  (= (stat:dev (lstat a)) (stat:dev (lstat b))))

(define (unescape-mount-point field)
  ;; FIELD of /proc/self/mountinfo, where space, tab, newline and
  ;; backslash are written as \ and three octal digits.
  (let loop ((chars (string->list field)) (result '()))
    (match chars
      (() (list->string (reverse result)))
      ((#\\ a b c . rest)
       (loop rest (cons (integer->char (string->number (string a b c) 8))
                        result)))
      ((c . rest) (loop rest (cons c result))))))

(define (mount-points)
  ;; The mount points of this process's mount namespace.
  (catch 'system-error
    (lambda ()
      (call-with-input-file "/proc/self/mountinfo"
        (lambda (port)
          (let loop ((result '()))
            (match (read-line port)
              ((? eof-object?) result)
              (line
               (match (string-split line #\space)
                 ((_ _ _ _ mount-point . _)
                  (loop (cons (unescape-mount-point mount-point) result)))
                 (_ (loop result)))))))))
    (const '())))

(define (mount-point? file)
  ;; Whether FILE is a mount point: a file bound at its own place, such as
  ;; the /etc/hostname that podman and Kubernetes bind, is one even when
  ;; it comes from the same file system as its directory.
  (or (not (same-device? file (dirname file)))
      (member file (mount-points))))

(define (cleanup-previous-boot)
  "Delete what a previous boot left that would mislead this one: pid and
lock files in /run, /var/run and /tmp, the init's socket.  Files on other
file systems (bind mounts) are left alone."
  (define (stale? name)
    (or (string-suffix? ".pid" name)
        (string-suffix? ".lock" name)
        (and (string-prefix? ".X" name) (string-suffix? "-lock" name))))
  (for-each (lambda (directory)
              (when (and (file-exists? directory)
                         (eq? 'directory (stat:type (lstat directory))))
                (for-each (lambda (name)
                            (let ((file (string-append directory "/" name)))
                              (when (and (stale? name)
                                         (eq? 'regular
                                              (stat:type (lstat file)))
                                         (same-device? file directory))
                                (delete-file file))))
                          (or (scandir directory
                                       (lambda (name)
                                         (not (member name '("." "..")))))
                              '()))))
            '("/run" "/tmp"))
  (let ((socket "/run/shepherd/socket"))
    (when (false-if-exception (lstat socket))
      (delete-file socket))))

(define (activate-file-system-layout)
  "Make the directories every system has: /run, /var/run as a link to /run
(Debian's programs write to /run), /var/log, /var/lib, /var/tmp, /tmp, /home,
/root, /etc, /run/setuid-programs."
  (mkdir-p* "/run" #o755)
  (let ((var-run "/var/run"))
    (mkdir-p* "/var" #o755)
    (match (false-if-exception (lstat var-run))
      (#f (symlink "/run" var-run))
      ((? (lambda (st) (eq? 'symlink (stat:type st))))
       (unless (string=? (readlink var-run) "/run")
         (delete-file var-run)
         (symlink "/run" var-run)))
      (_
       ;; A directory made by an older system: keep its files, in /run.
       (for-each (lambda (name)
                   (let ((from (string-append var-run "/" name))
                         (to (string-append "/run/" name)))
                     (unless (file-exists? to)
                       (rename-file from to))))
                 (scandir var-run (lambda (name)
                                    (not (member name '("." ".."))))))
       (false-if-exception (rmdir var-run))
       (unless (file-exists? var-run)
         (symlink "/run" var-run)))))
  (for-each (match-lambda
              ((directory mode) (mkdir-p* directory mode)))
            '(("/var/log" #o755) ("/var/lib" #o755) ("/var/cache" #o755)
              ("/var/tmp" #o1777) ("/tmp" #o1777) ("/home" #o755)
              ("/root" #o700) ("/etc" #o755) ("/run/setuid-programs" #o755)
              ("/run/shepherd" #o700))))

;; Guix's name: the system being booted, as its boot leaves it in the
;; environment.
(define* (activate-current-system #:optional
                                  (system (getenv "GUIX_NEW_SYSTEM")))
  "Make /run/current-system a symbolic link to SYSTEM, the system directory
being booted ($GUIX_NEW_SYSTEM by default), replacing an older link in one
step.  Do nothing when SYSTEM is #f."
  (when system
    (let ((new "/run/current-system.new"))
      (when (false-if-exception (lstat new))
        (delete-file new))
      (symlink system new)
      (rename-file new "/run/current-system"))))

(define (activate-directories specs)
  "Make each of SPECS, (DIRECTORY MODE [USER GROUP]) lists, with MODE and,
when given, that owner."
  (for-each (match-lambda
              ((directory mode)
               (mkdir-p* directory mode))
              ((directory mode user group)
               (mkdir-p* directory mode)
               (chown directory
                      (if (number? user) user (passwd:uid (getpwnam user)))
                      (if (number? group) group
                          (group:gid (getgrnam group))))))
            specs))

(define (copy-skeletons skeletons home uid gid)
  ;; Copy the files of SKELETONS, a directory, into HOME, without replacing
  ;; what is there, owned by UID:GID.
  (when (and skeletons (file-exists? skeletons))
    (for-each (lambda (name)
                (let ((source (string-append skeletons "/" name))
                      (target (string-append home "/" name)))
                  (unless (false-if-exception (lstat target))
                    (if (eq? 'directory (stat:type (stat source)))
                        (begin
                          (mkdir target)
                          (copy-skeletons source target uid gid))
                        (begin
                          (copy-file source target)
                          (chmod target #o644)))
                    (chown target uid gid))))
              (scandir skeletons (lambda (name)
                                   (not (member name '("." ".."))))))))

(define* (activate-users+groups users groups
                                #:key (skeletons "/etc/skel")
                                (etc "/etc") today)
  "Make the account databases of ETC hold USERS and GROUPS, specs (see
(byre build accounts)), keeping the ids and passwords the machine already
has, and make the home directories of the users that want one, with the
files of SKELETONS.  TODAY, days since 1970, is the date recorded for new
passwords; by default the current date."
  (define (file name) (string-append etc "/" name))
  (define today*
    (or today (quotient (current-time) 86400)))
  (define-values (group-entries passwd-entries shadow-entries)
    (user+group-databases users groups
                          #:current-passwd (read-passwd (file "passwd"))
                          #:current-groups (read-group (file "group"))
                          #:current-shadow (read-shadow (file "shadow"))
                          #:today today*))
  (for-each (lambda (name)
              ;; A link left by an older activation of /etc must not be
              ;; written through.
              (let ((file (file name)))
                (when (and (false-if-exception (lstat file))
                           (eq? 'symlink (stat:type (lstat file))))
                  (delete-file file))))
            '("passwd" "group" "shadow"))
  (write-group group-entries (file "group"))
  (write-passwd passwd-entries (file "passwd"))
  (write-shadow shadow-entries (file "shadow"))
  (for-each (lambda (user entry)
              (when (user-spec-create-home-directory? user)
                (let ((home (password-entry-directory entry))
                      (uid (password-entry-uid entry))
                      (gid (password-entry-gid entry)))
                  (unless (file-exists? home)
                    (mkdir-p* (dirname home) #o755)
                    (mkdir home)
                    (chown home uid gid)
                    (chmod home #o700)
                    (copy-skeletons skeletons home uid gid)))))
            users passwd-entries))

(define %static-etc-exceptions
  ;; Files of the system's etc/ that activation writes itself.
  '("passwd" "group" "shadow"))

(define* (activate-etc etc #:key (root "/etc"))
  "Make ROOT show the files of ETC, the system's etc/ directory: ROOT/static
is a link to ETC and each file of it gets a link ROOT/NAME to
ROOT/static/NAME; sudoers files are copied (they must be regular files,
mode 0440).  Links to an older ROOT/static that ETC no longer has are
removed; other files of ROOT are kept."
  (define static (string-append root "/static"))
  (define (entries directory)
    (or (scandir directory (lambda (name)
                             (not (member name '("." "..")))))
        '()))
  (mkdir-p* root #o755)
  ;; Links into the previous /etc/static that are no longer provided.
  (for-each (lambda (name)
              (let ((file (string-append root "/" name)))
                (when (and (eq? 'symlink (stat:type (lstat file)))
                           (string-prefix? (string-append static "/")
                                           (readlink file))
                           (not (file-exists? (string-append etc "/" name))))
                  (delete-file file))))
            (entries root))
  (when (false-if-exception (lstat static))
    (delete-file static))
  (symlink etc static)
  (for-each (lambda (name)
              (let ((target (string-append root "/" name))
                    (source (string-append static "/" name)))
                (unless (or (member name %static-etc-exceptions)
                            ;; A host file bound at its own place, which
                            ;; the system's entry is (see activate-special-files).
                            (and (false-if-exception (lstat target))
                                 (not (eq? 'symlink
                                           (stat:type (lstat target))))
                                 (mount-point? target)))
                  (when (false-if-exception (lstat target))
                    (if (eq? 'directory (stat:type (lstat target)))
                        (rename-file target (string-append target ".old"))
                        (delete-file target)))
                  (if (string-suffix? "sudoers" name)
                      (begin
                        (copy-file source target)
                        (chmod target #o440))
                      (symlink source target)))))
            (entries etc)))

(define (activate-setuid-programs programs)
  "Copy PROGRAMS, file names or (FILE SETUID? SETGID? USER GROUP) lists,
to /run/setuid-programs with the set-user-id (and set-group-id) bits."
  (define directory "/run/setuid-programs")
  (mkdir-p* directory #o755)
  (for-each (lambda (name)
              (delete-file (string-append directory "/" name)))
            (or (scandir directory (lambda (name)
                                     (not (member name '("." ".."))))) '()))
  (for-each (lambda (program)
              (match (if (string? program)
                         (list program #t #f 0 0)
                         program)
                ((file setuid? setgid? user group)
                 (if (file-exists? file)
                     (let ((target (string-append directory "/"
                                                  (basename file)))
                           (uid (if (number? user) user
                                    (passwd:uid (getpwnam user))))
                           (gid (if (number? group) group
                                    (group:gid (getgrnam group)))))
                       (copy-file file target)
                       (chown target uid gid)
                       (chmod target (logior #o555
                                             (if setuid? #o4000 0)
                                             (if setgid? #o2000 0))))
                     (format (current-error-port)
                             "warning: setuid program ~a does not exist~%"
                             file)))))
            programs))

(define (activate-special-files specs)
  "Make each of SPECS, (FILE TARGET) lists, a link FILE to TARGET.  A FILE
that is a mount point is left alone: in a container, that is a host file
bound at its own place (such as /usr/bin/env, which a host package's
closure holds), the very program TARGET leads to."
  (for-each (match-lambda
              ((file target)
               (mkdir-p* (dirname file) #o755)
               (match (false-if-exception (lstat file))
                 (#f (symlink target file))
                 (st
                  (unless (and (not (eq? 'symlink (stat:type st)))
                               (mount-point? file))
                    (delete-file file)
                    (symlink target file))))))
            specs))

(define (activate-host-name name)
  "Set the host name to NAME, and warn (rather than fail) where the
container may not change it: it was then set when the container was made."
  (catch 'system-error
    (lambda ()
      (unless (string=? (gethostname) name)
        (sethostname name)))
    (lambda args
      (format (current-error-port)
              "warning: could not set the host name to ~s: ~a~%"
              name (strerror (system-error-errno args))))))

;;; activation.scm ends here
