;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system): the operating-system record and the system directory it
;;; becomes, as Guix's (gnu system) has them.

(define-module (byre system)
  #:use-module (byre records)
  #:use-module (byre diagnostics)
  #:use-module (byre gexp)
  #:use-module (byre monads)
  #:use-module (byre file-systems)
  #:use-module (byre services)
  #:use-module (byre services shepherd)
  #:use-module (byre services base)
  #:use-module (byre system accounts)
  #:use-module (byre system shadow)
  #:use-module (byre system nss)
  #:use-module (byre system pam)
  #:use-module (byre system locale)
  #:use-module (byre system keyboard)
  #:use-module (byre system setuid)
  #:use-module (byre system bootloader)
  #:use-module (byre system linux-initrd)
  #:use-module (byre system mapped-devices)
  #:use-module (byre system packages)
  #:use-module (byre system uuid)
  #:use-module (byre system base-file-systems)
  #:use-module (byre system profile)
  #:use-module ((byre packages)
                #:select (host-package? host-package-debian-packages
                          host-package-problems problems-debian-packages))
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:export (operating-system
            operating-system?
            this-operating-system

            operating-system-kernel
            operating-system-kernel-file
            operating-system-kernel-loadable-modules
            operating-system-user-kernel-arguments
            operating-system-kernel-arguments
            operating-system-hurd
            operating-system-bootloader
            operating-system-label
            operating-system-keyboard-layout
            operating-system-initrd
            operating-system-initrd-modules
            operating-system-firmware
            operating-system-host-name
            operating-system-hosts-file
            operating-system-mapped-devices
            operating-system-file-systems
            operating-system-swap-devices
            operating-system-users
            operating-system-user-accounts
            operating-system-groups
            operating-system-skeletons
            operating-system-issue
            operating-system-packages
            operating-system-timezone
            operating-system-locale
            operating-system-locale-definitions
            operating-system-locale-libcs
            operating-system-name-service-switch
            operating-system-essential-services
            operating-system-user-services
            operating-system-services
            operating-system-pam-services
            operating-system-setuid-programs
            operating-system-sudoers-file
            operating-system-location

            operating-system-default-label
            operating-system-default-essential-services
            operating-system-environment-variables
            operating-system-etc-directory
            operating-system-etc-service
            operating-system-boot-parameters-file
            operating-system-root-file-system
            operating-system-store-file-system
            operating-system-shepherd-service-names
            operating-system-container-limitations
            operating-system-ignored-fields
            operating-system-directory-base-entries
            operating-system-derivation
            operating-system-profile
            operating-system-boot-script
            operating-system-activation-script
            operating-system-with-provenance

            local-host-aliases
            %default-issue
            %default-kernel-arguments
            %base-firmware
            %base-packages
            %base-packages-interactive
            %base-packages-linux
            %base-packages-networking
            %base-packages-utils
            %setuid-programs
            %sudoers-specification

            &container-limitation-error
            container-limitation-error?
            container-limitation-error-items))

;;; Commentary:
;;;
;;; An operating system is a declaration; its services, essential and
;;; declared, are folded (see (byre services)) into the system directory:
;;;
;;;   boot  activate  etc/  profile/  parameters  shepherd.conf
;;;   configuration.scm (when the system was built from a file)
;;;
;;; all built in byre's store by byre's builds.  The system runs in a
;;; container on the host's kernel: the kernel, initrd, firmware and
;;; bootloader fields are accepted so that machine configurations load,
;;; and `operating-system-ignored-fields' names those a user set, for the
;;; front end to say so once.
;;;
;;; Code:

(define %default-kernel-arguments '("quiet"))

(define %base-firmware
  ;; The host's kernel loads the host's firmware.
  '())

(define %default-issue
  "\nThis is the GNU system, run by byre.  Welcome.\n\n")

(define-record-type* <operating-system> operating-system
  make-operating-system operating-system?
  this-operating-system
  ;; What only a machine boots: kept so that configurations load.
  (kernel operating-system-kernel (default #f))
  (kernel-loadable-modules operating-system-kernel-loadable-modules
                           (default '()))
  (kernel-arguments operating-system-user-kernel-arguments
                    (default %default-kernel-arguments))
  (hurd operating-system-hurd (default #f))
  (bootloader operating-system-bootloader)
  (label operating-system-label (thunked)
         (default (operating-system-default-label this-operating-system)))
  (keyboard-layout operating-system-keyboard-layout (default #f))
  (initrd operating-system-initrd (default base-initrd))
  (initrd-modules operating-system-initrd-modules (thunked)
                  (default %base-initrd-modules))
  (firmware operating-system-firmware (default %base-firmware))

  (host-name operating-system-host-name (sanitize check-host-name))
  (hosts-file operating-system-hosts-file (default #f))

  (mapped-devices operating-system-mapped-devices (default '()))
  (file-systems operating-system-file-systems)
  (swap-devices operating-system-swap-devices (default '()))

  (users operating-system-users (default %base-user-accounts))
  (groups operating-system-groups (default %base-groups))
  (skeletons operating-system-skeletons (default (default-skeletons)))
  (issue operating-system-issue (default %default-issue))

  (packages operating-system-packages (thunked) (default %base-packages))

  (timezone operating-system-timezone (default "Etc/UTC"))
  (locale operating-system-locale (default "en_US.utf8"))
  (locale-definitions operating-system-locale-definitions
                      (default %default-locale-definitions))
  (locale-libcs operating-system-locale-libcs
                (default %default-locale-libcs))
  (name-service-switch operating-system-name-service-switch
                       (default %default-nss))

  (essential-services operating-system-essential-services (thunked)
                      (default (operating-system-default-essential-services
                                this-operating-system)))
  (services operating-system-user-services (thunked)
            (default %base-services))

  (pam-services operating-system-pam-services (default (base-pam-services)))
  (setuid-programs operating-system-setuid-programs (thunked)
                   (default %setuid-programs))
  (sudoers-file operating-system-sudoers-file
                (default %sudoers-specification))

  (location operating-system-location (innate)
            (default (current-source-location))))

(define (check-host-name name)
  ;; What sethostname and RFC 1123 accept.
  (unless (and (string? name)
               (< 0 (string-length name) 64)
               (string-every (char-set-union char-set:letter+digit
                                             (char-set #\- #\.))
                             name)
               (not (string-prefix? "-" name)))
    (raise (make-user-error "invalid host name ~s" (list name)
                            #:hint "a host name has 1 to 63 letters, digits, \
dashes and dots, e.g. \"komputilo\"")))
  name)

(define (operating-system-default-label os)
  "Return the label of OS shown by bootloaders: its host name and byre's."
  (string-append "GNU with byre (" (operating-system-host-name os) ")"))

(define (operating-system-kernel-file os)
  "Return the kernel image of OS, or #f: a container runs on the host's."
  (let ((kernel (operating-system-kernel os)))
    (and kernel (file-append kernel "/bzImage"))))

(define (operating-system-kernel-arguments os root-device)
  "Return the kernel arguments of OS booted from ROOT-DEVICE."
  (append (list (string-append "--root="
                               (if (string? root-device)
                                   root-device
                                   (object->string root-device))))
          (operating-system-user-kernel-arguments os)))


;;;
;;; Packages and programs.
;;;

(define-syntax-rule (define-lazy name expression)
  ;; NAME stands for EXPRESSION, evaluated where NAME is used: package
  ;; lists consult the host's package database, which loading (gnu
  ;; system) must not.
  (define-syntax name (identifier-syntax expression)))

(define-syntax-rule (package-list name ...)
  ;; The packages with these Guix names, resolved when the list is used.
  (map system-package '(name ...)))

(define-lazy %base-packages-interactive
  ;; What a user at a shell expects.
  (package-list "less" "nano" "man-db" "procps" "psmisc" "which" "bash-completion"))

(define-lazy %base-packages-linux
  (package-list "util-linux" "e2fsprogs" "shadow" "kbd"))

(define-lazy %base-packages-networking
  (package-list "iproute" "inetutils" "iputils" "net-tools"))

(define-lazy %base-packages-utils
  (package-list "bash" "coreutils" "findutils" "grep" "sed" "diffutils" "patch"
            "gawk" "tar" "gzip" "bzip2" "xz" "guile-3.0"))

(define-lazy %base-packages
  (append %base-packages-interactive %base-packages-linux
          %base-packages-networking %base-packages-utils))

(define-lazy %setuid-programs
  ;; Guix's set-user-id programs, those of Debian's packages.
  (map file-like->setuid-program
       (list (file-append (system-package "shadow") "/bin/passwd")
             (file-append (system-package "shadow") "/bin/su")
             (file-append (system-package "shadow") "/bin/newgrp")
             (file-append (system-package "util-linux") "/bin/mount")
             (file-append (system-package "util-linux") "/bin/umount")
             (file-append (system-package "sudo") "/bin/sudo"))))

(define %sudoers-specification
  ;; Members of wheel may use sudo, as on Guix.
  (plain-file "sudoers" "\
root ALL=(ALL) ALL
%wheel ALL=(ALL) ALL\n"))


;;;
;;; /etc.
;;;

(define (local-host-aliases host-name)
  "Return the text of /etc/hosts that makes HOST-NAME and localhost name
the loopback addresses."
  (string-append "127.0.0.1 localhost " host-name "\n"
                 "::1 localhost " host-name "\n"))

(define (operating-system-environment-variables os)
  "Return the environment variables of OS's login sessions, an alist."
  `(("LANG" . ,(operating-system-locale os))
    ("TZ" . ,(operating-system-timezone os))
    ("SSL_CERT_DIR" . "/etc/ssl/certs")
    ("SSL_CERT_FILE" . "/etc/ssl/certs/ca-certificates.crt")
    ("GIT_SSL_CAINFO" . "/etc/ssl/certs/ca-certificates.crt")))

(define (timezone-file timezone)
  ;; The zone file TIMEZONE names, from the host's tzdata; an unknown zone
  ;; is reported with the closest one.
  (let* ((tzdata (system-host-package "tzdata"))
         (host (string-append "/usr/share/zoneinfo/" timezone)))
    (when (and (file-exists? "/usr/share/zoneinfo")
               (not (file-exists? host)))
      (raise (make-user-error "~s: unknown time zone" (list timezone)
                              #:hint "write a name under \
/usr/share/zoneinfo, such as \"Europe/Berlin\" or \"Etc/UTC\"")))
    (file-append tzdata "/share/zoneinfo/" timezone)))

(define (profile-file os)
  ;; /etc/profile: the variables of every login shell.
  (apply mixed-text-file "profile"
         "# Written by byre for this system: edit the system's declaration
# instead.
export PATH=\"/run/setuid-programs:$HOME/.guix-profile/bin:\
/run/current-system/profile/bin:/run/current-system/profile/sbin\"
export INFOPATH=\"/run/current-system/profile/share/info\"
export MANPATH=\"/run/current-system/profile/share/man\"
"
         (append
          (append-map (match-lambda
                        ((name . value)
                         (list "export " name "=\"" value "\"\n")))
                      (operating-system-environment-variables os))
          (list "
# The profile's own search paths.
if [ -f /run/current-system/profile/etc/profile ]
then . /run/current-system/profile/etc/profile
fi
if [ -n \"$BASH_VERSION\" -a -f /etc/bashrc ]
then case $- in *i*) . /etc/bashrc;; esac
fi\n"))))

(define %bashrc
  (plain-file "bashrc" "\
# Interactive bash shells: the system's settings.
[ -f /run/current-system/profile/share/bash-completion/bash_completion ] && \
. /run/current-system/profile/share/bash-completion/bash_completion
"))

(define (environment-file os)
  ;; /etc/environment, read by pam_env for every session.
  (apply mixed-text-file "environment"
         (append-map (match-lambda
                       ((name . value) (list name "=" value "\n")))
                     (operating-system-environment-variables os))))

(define (os-release os)
  (plain-file "os-release" "\
NAME=\"GNU system (byre)\"
ID=guix
PRETTY_NAME=\"GNU system run by byre\"
HOME_URL=\"https://guix.gnu.org/\"
"))

(define (operating-system-etc-directory-entries os)
  ;; The /etc entries the operating system itself provides.
  (let ((net-base (system-host-package "netbase")))
    `(("os-release" ,(os-release os))
      ("services" ,(file-append net-base "/etc/services"))
      ("protocols" ,(file-append net-base "/etc/protocols"))
      ("rpc" ,(file-append net-base "/etc/rpc"))
      ("login.defs" ,(plain-file "login.defs" "\
# Accounts are made by the system's activation, not by useradd.
UID_MIN 1000
SYS_UID_MIN 100
SYS_UID_MAX 999
ENCRYPT_METHOD SHA512\n"))
      ("issue" ,(plain-file "issue" (operating-system-issue os)))
      ("hostname" ,(plain-file "hostname"
                               (string-append
                                (operating-system-host-name os) "\n")))
      ("hosts" ,(or (operating-system-hosts-file os)
                    (plain-file "hosts"
                                (local-host-aliases
                                 (operating-system-host-name os)))))
      ("nsswitch.conf" ,(plain-file "nsswitch.conf"
                                    (name-service-switch->string
                                     (operating-system-name-service-switch
                                      os))))
      ("profile" ,(profile-file os))
      ("bashrc" ,%bashrc)
      ("environment" ,(environment-file os))
      ("localtime" ,(timezone-file (operating-system-timezone os)))
      ("timezone" ,(plain-file "timezone"
                               (string-append (operating-system-timezone os)
                                              "\n")))
      ("sudoers" ,(operating-system-sudoers-file os)))))

(define (operating-system-etc-service os)
  "Return the service of ETC-SERVICE-TYPE with the /etc files of OS."
  (etc-service (operating-system-etc-directory-entries os)))

(define (operating-system-etc-directory os)
  "Return the system's etc/ directory, a file-like object, in the store
monad: what /etc/static shows once the system is activated."
  (let* ((services (operating-system-services os))
         (etc (fold-services services #:target-type etc-service-type)))
    (with-monad %store-monad
      (return (etc-directory (service-value etc))))))


;;;
;;; Services.
;;;

(define (device-sexp device)
  ;; DEVICE with a read syntax, for the parameters file, as Guix writes it.
  (match device
    ((? string?) device)
    ((? uuid?) `(uuid ,(uuid-type device) ,(uuid-bytevector device)))
    ((? file-system-label?)
     `(file-system-label ,(file-system-label->string device)))
    (_ #f)))

(define (operating-system-root-file-system os)
  "Return the file system of OS mounted on /, or #f."
  (find (lambda (fs) (string=? (file-system-mount-point fs) "/"))
        (operating-system-file-systems os)))

(define (operating-system-store-file-system os)
  "Return the file system that holds the store, the root one by default."
  (or (find (lambda (fs)
              (string=? (file-system-mount-point fs) "/gnu/store"))
            (operating-system-file-systems os))
      (operating-system-root-file-system os)))

(define (operating-system-boot-parameters-file os)
  "Return the `parameters' file of OS, a file-like object: the boot
parameters in Guix's form (version 0)."
  (let* ((root (operating-system-root-file-system os))
         (bootloader (operating-system-bootloader os)))
    (scheme-file
     "parameters"
     (gexp (boot-parameters
            (version 0)
            (label (ungexp (operating-system-label os)))
            (root-device (ungexp (and root (device-sexp
                                            (file-system-device root)))))
            (kernel (ungexp (and (operating-system-kernel os)
                                 (operating-system-kernel-file os))))
            (kernel-arguments
             (ungexp (operating-system-user-kernel-arguments os)))
            (bootloader-name
             (ungexp (and bootloader
                          (bootloader-name
                           (bootloader-configuration-bootloader
                            bootloader)))))
            (bootloader-menu-entries ())
            (locale (ungexp (operating-system-locale os)))
            (store (device #f) (mount-point "/gnu/store")
                   (directory-prefix #f) (crypto-devices ())))))))

(define (operating-system-directory-base-entries os)
  "Return the entries of the system directory of OS that no service makes."
  (list (list "parameters" (operating-system-boot-parameters-file os))))

(define (operating-system-user-accounts os)
  "Return the accounts of OS: root and those of its users field."
  (let ((users (operating-system-users os)))
    (if (find (lambda (user) (string=? (user-account-name user) "root"))
              users)
        users
        (cons %root-account users))))

(define (operating-system-default-essential-services os)
  "Return the services every system has, from the fields of OS: the
system directory, boot, cleanup, activation, accounts, /etc, PAM, setuid
programs, the profile, the host name and the init."
  (list (service system-service-type
                 (operating-system-directory-base-entries os))
        %boot-service
        ;; The cleanup comes first in the boot script, the init last.
        (service cleanup-service-type #t)
        %activation-service
        (pam-root-service (operating-system-pam-services os))
        (account-service (append (operating-system-user-accounts os)
                                 (operating-system-groups os))
                         (operating-system-skeletons os))
        (operating-system-etc-service os)
        (service host-name-service-type (operating-system-host-name os))
        (service user-processes-service-type '())
        (service setuid-program-service-type
                 (operating-system-setuid-programs os))
        (service profile-service-type (operating-system-packages os))
        (service firmware-service-type (operating-system-firmware os))
        %shepherd-root-service))

(define (dropped-service? service)
  (service-type-container-note (service-kind service)))

(define (operating-system-services os)
  "Return the services of OS, essential and declared, with those a
container on this host can never run (udev, consoles, the Guix daemon …)
left out, and the services their extensions need instantiated."
  (instantiate-missing-services
   (remove dropped-service?
           (append (operating-system-user-services os)
                   (operating-system-essential-services os)))))

(define (operating-system-shepherd-service-names os)
  "Return the names of the services the init of OS runs."
  (let ((root (fold-services (operating-system-services os)
                             #:target-type shepherd-root-service-type)))
    (append-map shepherd-service-provision
                (shepherd-configuration-services (service-value root)))))


;;;
;;; What a container cannot provide.
;;;

(define-condition-type &container-limitation-error &error
  container-limitation-error?
  (items container-limitation-error-items))

(define (operating-system-container-limitations os)
  "Return what OS needs and a container on this host cannot provide, as a
list of strings naming each service or field and why; '() if nothing."
  (append
   (filter-map (lambda (service)
                 (let ((limitation (service-type-container-limitation
                                    (service-kind service))))
                   (and limitation
                        (format #f "~@[~a: ~]~a (~a)"
                                (location->string (service-location service))
                                (service-type-name (service-kind service))
                                limitation))))
               (append (operating-system-user-services os)
                       (operating-system-essential-services os)))
   (map (lambda (device)
          (format #f "~@[~a: ~]mapped device ~a (a container opens no block \
device)" (location->string (mapped-device-location device))
                  (mapped-device-target device)))
        (operating-system-mapped-devices os))
   (if (null? (operating-system-swap-devices os))
       '()
       (list "swap-devices (a container uses the host's memory and swap)"))))

(define (operating-system-ignored-fields os)
  "Return notes, strings, for the fields of OS a container ignores and the
services it leaves out: what `byre system' says once."
  (append
   (filter-map (match-lambda
                 ((field . set?)
                  (and set? field)))
               `(("the kernel (the host's runs the system)"
                  . ,(operating-system-kernel os))
                 ("the kernel arguments"
                  . ,(not (equal? (operating-system-user-kernel-arguments os)
                                  %default-kernel-arguments)))
                 ("the bootloader" . ,(operating-system-bootloader os))
                 ("the initrd" . ,(not (eq? (operating-system-initrd os)
                                            base-initrd)))
                 ("the firmware" . ,(pair? (operating-system-firmware os)))
                 ("the keyboard layout"
                  . ,(operating-system-keyboard-layout os))
                 ("the file systems but those a container mounts"
                  . ,(pair? (operating-system-file-systems os)))))
   ;; One line per reason, naming the services it drops.
   (let loop ((services (append (operating-system-user-services os)
                                (operating-system-essential-services os)))
              (notes '()))
     (match services
       (()
        (map (match-lambda
               ((note . names)
                (format #f "service~p ~{~a~^, ~}: ~a"
                        (length names) (reverse names) note)))
             (reverse notes)))
       ((service . rest)
        (let ((note (dropped-service? service))
              (name (service-type-name (service-kind service))))
          (loop rest
                (match (and note (assoc note notes))
                  (#f (if note (alist-cons note (list name) notes) notes))
                  ((_ . names)
                   (if (memq name names)
                       notes
                       (map (lambda (entry)
                              (if (equal? (car entry) note)
                                  (cons note (cons name names))
                                  entry))
                            notes)))))))))))

(define (operating-system-package-problems os)
  ;; The error conditions of OS's host packages that the host lacks.  Those
  ;; with no Debian equivalent are not among them: the profile leaves them
  ;; out, with a warning.
  (append-map (lambda (package)
                (if (and (host-package? package)
                         (pair? (host-package-debian-packages package)))
                    (host-package-problems package)
                    '()))
              (operating-system-packages os)))

(define (assert-container-capable os)
  ;; The one list of what OS needs and cannot have here: its services and
  ;; fields a container cannot provide, and then, in the same list, the
  ;; Debian packages the host lacks for its packages.
  (match (operating-system-container-limitations os)
    (() #t)
    (items
     (let* ((problems (operating-system-package-problems os))
            (installs (problems-debian-packages problems)))
       (raise (make-compound-condition
               (make-condition &container-limitation-error 'items items)
               (make-user-error "a container on this host cannot provide what \
this system needs:~{~%  ~a~}" (list (append items
                                      (map (lambda (c)
                                             (format #f "~@[~a: ~]~a"
                                                     (and (error-location? c)
                                                          (location->string
                                                           (error-location c)))
                                                     (condition-message c)))
                                           problems)))
                                #:location (operating-system-location os)
                                #:hint (format #f "remove these services (or \
the fields) from the declaration, or run it on a machine with Guix~@[; \
install the missing Debian packages with `apt-get install ~{~a~^ ~}'~]"
                                               (and (pair? installs) installs)))))))))


;;;
;;; The system directory.
;;;

(define* (operating-system-derivation os #:key container?)
  "Return, in the store monad, the derivation of the system directory of
OS.  Raise a &container-limitation-error naming every service OS needs
that a container on this host cannot provide."
  (assert-container-capable os)
  (let ((system (fold-services (operating-system-services os))))
    (mlet %store-monad ((directory (service-value system)))
      (lower-object directory))))

(define (operating-system-profile os)
  "Return the profile of OS, a file-like object, in the store monad."
  (let ((profile (fold-services (operating-system-services os)
                                #:target-type profile-service-type)))
    (with-monad %store-monad
      (return (system-profile* (service-value profile))))))

(define (system-profile* packages)
  (system-profile (delete-duplicates packages eq?)))

(define (operating-system-boot-script os)
  "Return the boot program of OS, a file-like object, in the store monad."
  (let ((boot (fold-services (operating-system-services os)
                             #:target-type boot-service-type)))
    (with-monad %store-monad
      (return (program-file "boot"
                            (gexp (begin
                                    (ungexp-splicing
                                     (service-value boot)))))))))

(define (operating-system-activation-script os)
  "Return the activation program of OS, a file-like object, in the store
monad."
  (let ((activation (fold-services (operating-system-services os)
                                   #:target-type activation-service-type)))
    (with-monad %store-monad
      (return (activation-service->script (service-value activation))))))

(define (operating-system-with-provenance os config-file)
  "Return OS with a provenance service recording CONFIG-FILE, a file-like
object, as configuration.scm in its system directory."
  (operating-system
    (inherit os)
    ;; Still the user's declaration: errors point into their file.
    (location (operating-system-location os))
    (services (cons (service provenance-service-type config-file)
                    (operating-system-user-services os)))))

;;; system.scm ends here
