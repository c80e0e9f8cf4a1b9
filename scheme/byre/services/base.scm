;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre services base): the services most systems have, as Guix's (gnu
;;; services base) declares them, for systems that run in containers.

(define-module (byre services base)
  #:use-module (byre records)
  #:use-module (byre diagnostics)
  #:use-module (byre gexp)
  #:use-module (byre services)
  #:use-module (byre services shepherd)
  #:use-module (byre system accounts)
  #:use-module (byre system pam)
  #:use-module (byre system packages)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-34)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:export (%base-services

            login-service-type
            login-configuration
            login-configuration?
            login-configuration-motd
            login-configuration-allow-empty-passwords?

            virtual-terminal-service-type
            console-font-service-type
            %default-console-font
            agetty-service-type
            agetty-configuration
            agetty-configuration?
            mingetty-service-type
            mingetty-configuration
            mingetty-configuration?
            gpm-service-type
            gpm-configuration
            kmscon-service-type
            kmscon-configuration

            udev-service-type
            udev-configuration
            udev-configuration?
            udev-configuration-rules
            udev-rule
            file->udev-rule
            udev-rules-service

            urandom-seed-service-type
            sysctl-service-type
            sysctl-configuration
            sysctl-configuration?
            %default-sysctl-settings

            guix-service-type
            guix-configuration
            guix-configuration?
            %default-authorized-guix-keys
            guix-publish-service-type
            guix-publish-configuration

            nscd-service-type
            nscd-configuration
            nscd-configuration?
            nscd-configuration-caches
            nscd-configuration-log-file
            nscd-configuration-debug-level
            nscd-cache
            nscd-cache?
            nscd-cache-database
            %nscd-default-caches
            %nscd-default-configuration
            nscd-service

            syslog-service-type
            syslog-configuration
            syslog-configuration?
            syslog-configuration-syslogd
            syslog-configuration-config-file
            %default-syslog.conf
            syslog-service

            rottlog-service-type
            rottlog-configuration
            rottlog-configuration?
            log-cleanup-service-type
            log-cleanup-configuration

            static-networking-service-type
            static-networking
            static-networking?
            static-networking-interface
            static-networking-provision
            network-address
            network-address?
            network-route
            network-route?
            network-link
            network-link?
            %loopback-static-networking
            static-networking-service

            pam-limits-service-type
            pam-limits-entry

            %container-dropped-note))

;;; Commentary:
;;;
;;; Three kinds of services here.  Those a container runs as a machine
;;; does: nscd, syslog, static networking, login's /etc/motd and PAM.
;;; Those the host does for every container, left out of a container's
;;; graph with a note (`container-note'): udev, consoles and terminals,
;;; the random seed, kernel settings, the Guix daemon (byre's store takes
;;; its place), log rotation.  All of them take Guix's configuration
;;; records, so that configurations load unchanged.  Programs come from
;;; the host's Debian packages, through (byre system packages).
;;;
;;; Code:

(define %container-dropped-note
  ;; The reason shared by the terminal and console services.
  "a container has no virtual terminals or console; log in with \
`byre container exec' or ssh")


;;;
;;; Log-in.
;;;

(define-record-type* <login-configuration> login-configuration
  make-login-configuration login-configuration?
  (motd login-configuration-motd
        (default (plain-file "motd" "\nThis is the GNU operating system, \
run by byre.  Welcome!\n\n")))
  (allow-empty-passwords? login-configuration-allow-empty-passwords?
                          (default #t)))

(define login-service-type
  (service-type (name 'login)
                (extensions
                 (list (service-extension
                        etc-service-type
                        (lambda (config)
                          `(("motd" ,(login-configuration-motd config)))))
                       (service-extension
                        pam-root-service-type
                        (lambda (config)
                          (list (unix-pam-service
                                 "login"
                                 #:login-uid? #t
                                 #:allow-empty-passwords?
                                 (login-configuration-allow-empty-passwords?
                                  config)
                                 #:motd (login-configuration-motd
                                         config)))))))
                (default-value (login-configuration))
                (description "Show the message of the day at log-in, and
the PAM service of log-in programs.")))


;;;
;;; What the host does for its containers.
;;;

(define-syntax-rule (define-host-service-type variable symbol note doc
                      extra ...)
  ;; A service type whose services a container leaves out, with NOTE.
  (define variable
    (service-type (name 'symbol)
                  (extensions '())
                  (default-value #f)
                  (container-note note)
                  (description doc)
                  extra ...)))

(define-record-type* <agetty-configuration> agetty-configuration
  make-agetty-configuration agetty-configuration?
  (agetty agetty-configuration-agetty (default #f))
  (tty agetty-configuration-tty)
  (term agetty-configuration-term (default #f))
  (baud-rate agetty-configuration-baud-rate (default #f))
  (auto-login agetty-configuration-auto-login (default #f))
  (login-program agetty-configuration-login-program (default #f))
  (login-pause? agetty-configuration-login-pause? (default #f))
  (eight-bits? agetty-configuration-eight-bits? (default #f))
  (no-reset? agetty-configuration-no-reset? (default #f))
  (remote? agetty-configuration-remote? (default #f))
  (flow-control? agetty-configuration-flow-control? (default #f))
  (host agetty-configuration-host (default #f))
  (no-issue? agetty-configuration-no-issue? (default #f))
  (init-string agetty-configuration-init-string (default #f))
  (no-clear? agetty-configuration-no-clear? (default #f))
  (local-line agetty-configuration-local-line (default #f))
  (extract-baud? agetty-configuration-extract-baud? (default #f))
  (skip-login? agetty-configuration-skip-login? (default #f))
  (no-newline? agetty-configuration-no-newline? (default #f))
  (login-options agetty-configuration-login-options (default #f))
  (chroot agetty-configuration-chroot (default #f))
  (hangup? agetty-configuration-hangup? (default #f))
  (keep-baud? agetty-configuration-keep-baud? (default #f))
  (timeout agetty-configuration-timeout (default #f))
  (detect-case? agetty-configuration-detect-case? (default #f))
  (wait-cr? agetty-configuration-wait-cr? (default #f))
  (no-hints? agetty-configuration-no-hints? (default #f))
  (no-hostname? agetty-configuration-no-hostname? (default #f))
  (long-hostname? agetty-configuration-long-hostname? (default #f))
  (erase-characters agetty-configuration-erase-characters (default #f))
  (kill-characters agetty-configuration-kill-characters (default #f))
  (chdir agetty-configuration-chdir (default #f))
  (delay agetty-configuration-delay (default #f))
  (nice agetty-configuration-nice (default #f))
  (extra-options agetty-configuration-extra-options (default '()))
  (shepherd-requirement agetty-configuration-shepherd-requirement
                        (default '())))

(define-record-type* <mingetty-configuration> mingetty-configuration
  make-mingetty-configuration mingetty-configuration?
  (mingetty mingetty-configuration-mingetty (default #f))
  (tty mingetty-configuration-tty)
  (auto-login mingetty-configuration-auto-login (default #f))
  (login-program mingetty-configuration-login-program (default #f))
  (login-pause? mingetty-configuration-login-pause? (default #f))
  (clear-on-logout? mingetty-configuration-clear-on-logout? (default #t)))

(define-record-type* <gpm-configuration> gpm-configuration
  make-gpm-configuration gpm-configuration?
  (gpm gpm-configuration-gpm (default #f))
  (options gpm-configuration-options (default '("-m" "/dev/input/mice"
                                                "-t" "ps2"))))

(define-record-type* <kmscon-configuration> kmscon-configuration
  make-kmscon-configuration kmscon-configuration?
  (kmscon kmscon-configuration-kmscon (default #f))
  (virtual-terminal kmscon-configuration-virtual-terminal)
  (login-program kmscon-configuration-login-program (default #f))
  (login-arguments kmscon-configuration-login-arguments (default '("-p")))
  (auto-login kmscon-configuration-auto-login (default #f))
  (hardware-acceleration? kmscon-configuration-hardware-acceleration?
                          (default #f))
  (font-engine kmscon-configuration-font-engine (default "pango"))
  (font-size kmscon-configuration-font-size (default 12))
  (keyboard-layout kmscon-configuration-keyboard-layout (default #f)))

(define %default-console-font "LatGrkCyr-8x16")

(define-host-service-type virtual-terminal-service-type virtual-terminal
  %container-dropped-note
  "Unicode on the virtual terminals.")
(define-host-service-type console-font-service-type console-fonts
  %container-dropped-note
  "Fonts of the virtual terminals."
  (compose concatenate) (extend append))
(define-host-service-type agetty-service-type agetty
  %container-dropped-note
  "Log-in prompts on terminals and serial lines, with agetty.")
(define-host-service-type mingetty-service-type mingetty
  %container-dropped-note
  "Log-in prompts on virtual terminals, with mingetty.")
(define-host-service-type gpm-service-type gpm
  %container-dropped-note
  "The mouse on the console.")
(define-host-service-type kmscon-service-type kmscon
  %container-dropped-note
  "A terminal emulator on the kernel's mode setting.")

(define-record-type* <udev-configuration> udev-configuration
  make-udev-configuration udev-configuration?
  (udev udev-configuration-udev (default #f))
  (rules udev-configuration-rules (default '())))

(define (udev-rule file-name contents)
  "Return a directory holding the udev rule FILE-NAME with CONTENTS."
  (file-union "udev-rule" `((,(string-append "lib/udev/rules.d/" file-name)
                             ,(plain-file file-name contents)))))

(define (file->udev-rule file-name file)
  "Return a directory holding FILE, a file-like object, as the udev rule
FILE-NAME."
  (file-union "udev-rule" `((,(string-append "lib/udev/rules.d/" file-name)
                             ,file))))

(define-host-service-type udev-service-type udev
  "the host's udev manages the devices a container is given"
  "Device management, with udev."
  (compose concatenate)
  (extend (lambda (config rules)
            (udev-configuration
              (inherit config)
              (rules (append (udev-configuration-rules config) rules))))))

(define (udev-rules-service name rules)
  "Return a service adding RULES, udev rule packages, under NAME."
  (simple-service name udev-service-type (if (list? rules) rules
                                             (list rules))))

(define-host-service-type urandom-seed-service-type urandom-seed
  "the host's kernel keeps the random pool; a container has nothing to seed"
  "Save and restore the seed of the kernel's random number generator.")

(define-record-type* <sysctl-configuration> sysctl-configuration
  make-sysctl-configuration sysctl-configuration?
  (sysctl sysctl-configuration-sysctl (default #f))
  (settings sysctl-configuration-settings (default '())))

(define %default-sysctl-settings
  '(("fs.protected_hardlinks" . "1")
    ("fs.protected_symlinks" . "1")))

(define-host-service-type sysctl-service-type sysctl
  "a container runs on the host's kernel, whose settings are the host's"
  "Kernel parameters, set with sysctl."
  (compose concatenate)
  (extend (lambda (config settings)
            (sysctl-configuration
              (inherit config)
              (settings (append (sysctl-configuration-settings config)
                                settings))))))

(define-record-type* <guix-configuration> guix-configuration
  make-guix-configuration guix-configuration?
  (guix guix-configuration-guix (default #f))
  (build-group guix-configuration-build-group (default "guixbuild"))
  (build-accounts guix-configuration-build-accounts (default 10))
  (authorize-key? guix-configuration-authorize-key? (default #t))
  (authorized-keys guix-configuration-authorized-keys
                   (default %default-authorized-guix-keys))
  (use-substitutes? guix-configuration-use-substitutes? (default #t))
  (substitute-urls guix-configuration-substitute-urls (default '()))
  (generate-substitute-key? guix-configuration-generate-substitute-key?
                            (default #t))
  (chroot-directories guix-configuration-chroot-directories (default '()))
  (max-silent-time guix-configuration-max-silent-time (default 0))
  (timeout guix-configuration-timeout (default 0))
  (log-compression guix-configuration-log-compression (default 'gzip))
  (discover? guix-configuration-discover? (default #f))
  (extra-options guix-configuration-extra-options (default '()))
  (log-file guix-configuration-log-file (default "/var/log/guix-daemon.log"))
  (http-proxy guix-configuration-http-proxy (default #f))
  (tmpdir guix-configuration-tmpdir (default #f))
  (environment guix-configuration-environment (default '())))

(define %default-authorized-guix-keys '())

(define guix-service-type
  ;; Debian has no Guix: byre's own store, outside the container, builds
  ;; what the system needs.
  (service-type (name 'guix)
                (extensions '())
                (compose concatenate)
                (extend (lambda (config extra) config))
                (default-value (guix-configuration))
                (container-note "Debian has no Guix daemon; byre's store, \
outside the container, holds and builds the system")
                (description "The build daemon of Guix.")))

(define-record-type* <guix-publish-configuration> guix-publish-configuration
  make-guix-publish-configuration guix-publish-configuration?
  (guix guix-publish-configuration-guix (default #f))
  (port guix-publish-configuration-port (default 80))
  (host guix-publish-configuration-host (default "localhost"))
  (advertise? guix-publish-configuration-advertise? (default #f))
  (compression guix-publish-configuration-compression (default '()))
  (cache guix-publish-configuration-cache (default "/var/cache/guix/publish"))
  (workers guix-publish-configuration-workers (default #f))
  (ttl guix-publish-configuration-ttl (default #f)))

(define guix-publish-service-type
  (service-type (name 'guix-publish)
                (extensions '())
                (default-value (guix-publish-configuration))
                (container-limitation "Debian has no Guix to publish \
substitutes with")
                (description "Publish the store's items over HTTP.")))

(define-record-type* <rottlog-configuration> rottlog-configuration
  make-rottlog-configuration rottlog-configuration?
  (rottlog rottlog-configuration-rottlog (default #f))
  (rc-file rottlog-configuration-rc-file (default #f))
  (rotations rottlog-configuration-rotations (default '()))
  (jobs rottlog-configuration-jobs (default '())))

(define rottlog-service-type
  (service-type (name 'rottlog)
                (extensions '())
                (compose concatenate)
                (extend (lambda (config rotations) config))
                (default-value (rottlog-configuration))
                (container-note "Debian has no rottlog; a container's logs \
are rotated by whoever reads them")
                (description "Rotate log files with rottlog.")))

(define-record-type* <log-cleanup-configuration> log-cleanup-configuration
  make-log-cleanup-configuration log-cleanup-configuration?
  (directory log-cleanup-configuration-directory)
  (expiry log-cleanup-configuration-expiry (default (* 6 30 24 3600)))
  (schedule log-cleanup-configuration-schedule (default "30 12 01,08,15,22 * *")))

(define-host-service-type log-cleanup-service-type log-cleanup
  "the build logs it deletes are the Guix daemon's, which a container has not"
  "Delete old build logs.")


;;;
;;; nscd.
;;;

(define-record-type* <nscd-cache> nscd-cache make-nscd-cache nscd-cache?
  (database nscd-cache-database (sanitize check-nscd-database))
  (positive-time-to-live nscd-cache-positive-time-to-live (default 3600))
  (negative-time-to-live nscd-cache-negative-time-to-live (default 20))
  (suggested-size nscd-cache-suggested-size (default 211))
  (check-files? nscd-cache-check-files? (default #t))
  (persistent? nscd-cache-persistent? (default #t))
  (shared? nscd-cache-shared? (default #t))
  (max-database-size nscd-cache-max-database-size (default (* 32 (expt 2 20))))
  (auto-propagate? nscd-cache-auto-propagate? (default #t)))

(define (check-nscd-database database)
  (unless (memq database '(passwd group hosts services netgroup))
    (raise (make-user-error "~s: not a database nscd caches"
                            (list database)
                            #:hint "use passwd, group, hosts, services or \
netgroup")))
  database)

(define-record-type* <nscd-configuration> nscd-configuration
  make-nscd-configuration nscd-configuration?
  (log-file nscd-configuration-log-file (default #f))
  (debug-level nscd-configuration-debug-level (default 0))
  (caches nscd-configuration-caches (default %nscd-default-caches))
  ;; The C library whose name services nscd uses: the host's.  Debian
  ;; ships nscd on its own.
  (name-services nscd-configuration-name-services (default '()))
  (glibc nscd-configuration-glibc (thunked)
         (default (system-host-package "nscd"))))

(define %nscd-default-caches
  ;; Guix's: hosts for a while, passwd and group briefly.
  (list (nscd-cache (database 'hosts)
                    (positive-time-to-live (* 3600 12))
                    (negative-time-to-live 20)
                    (persistent? #f))
        (nscd-cache (database 'services)
                    (positive-time-to-live (* 3600 24))
                    (negative-time-to-live 3600)
                    (check-files? #t)
                    (persistent? #f))))

(define %nscd-default-configuration (nscd-configuration))

(define (nscd.conf config)
  (define (yes-no value) (if value "yes" "no"))
  (plain-file
   "nscd.conf"
   (string-append
    "# Written by byre: the system's nscd configuration.\n"
    (if (nscd-configuration-log-file config)
        (string-append "logfile\t" (nscd-configuration-log-file config) "\n")
        "")
    "debug-level\t" (number->string (nscd-configuration-debug-level config))
    "\n"
    ;; Run as root inside the container: no server-user, no paranoia.
    (string-concatenate
     (map (lambda (cache)
            (let ((db (symbol->string (nscd-cache-database cache))))
              (string-append
               "\nenable-cache\t" db "\tyes\n"
               "positive-time-to-live\t" db "\t"
               (number->string (nscd-cache-positive-time-to-live cache)) "\n"
               "negative-time-to-live\t" db "\t"
               (number->string (nscd-cache-negative-time-to-live cache)) "\n"
               "suggested-size\t" db "\t"
               (number->string (nscd-cache-suggested-size cache)) "\n"
               "check-files\t" db "\t" (yes-no (nscd-cache-check-files? cache))
               "\n"
               "persistent\t" db "\t" (yes-no (nscd-cache-persistent? cache))
               "\n"
               "shared\t" db "\t" (yes-no (nscd-cache-shared? cache)) "\n"
               "max-db-size\t" db "\t"
               (number->string (nscd-cache-max-database-size cache)) "\n"
               "auto-propagate\t" db "\t"
               (yes-no (nscd-cache-auto-propagate? cache)) "\n")))
          (nscd-configuration-caches config))))))

(define (nscd-shepherd-service config)
  (list (shepherd-service
          (documentation "Run the name service cache daemon, nscd.")
          (provision '(nscd))
          (requirement '(user-processes))
          (start (gexp (make-forkexec-constructor
                        (list (ungexp (file-append
                                       (nscd-configuration-glibc config)
                                       "/sbin/nscd"))
                              "-f" (ungexp (nscd.conf config))
                              "--foreground")
                        #:log-file "/var/log/nscd.log")))
          (stop (gexp (make-kill-destructor))))))

(define nscd-service-type
  (service-type (name 'nscd)
                (extensions
                 (list (service-extension
                        activation-service-type
                        (const (gexp (begin
                                       (use-modules (guix build utils))
                                       (mkdir-p "/run/nscd")
                                       (mkdir-p "/var/db/nscd")))))
                       (service-extension shepherd-root-service-type
                                          nscd-shepherd-service)))
                (compose concatenate)
                (extend (lambda (config name-services)
                          (nscd-configuration
                            (inherit config)
                            (name-services
                             (append (nscd-configuration-name-services config)
                                     name-services)))))
                (default-value %nscd-default-configuration)
                (description "Cache what the name services answer, with
nscd.")))

(define* (nscd-service #:optional (config %nscd-default-configuration))
  "Return a service running nscd with CONFIG (Guix's older interface)."
  (service nscd-service-type config))


;;;
;;; syslog.
;;;

(define %default-syslog.conf
  ;; Guix's, as a syslogd of inetutils reads it.
  (plain-file "syslog.conf" "\
# Log all error messages, authentication messages of level notice and
# higher, and anything of level err or higher to the console.
*.err;kern.err;auth.notice;authpriv.none     -/var/log/messages

# Everything but the private authentication messages.
*.info;mail.none;authpriv.none               -/var/log/messages

# Debugging messages, where they can be read.
*.=debug                                     -/var/log/debug

# The private authentication messages, readable by root only.
authpriv.*;auth.info                          /var/log/secure
"))

(define-record-type* <syslog-configuration> syslog-configuration
  make-syslog-configuration syslog-configuration?
  (syslogd syslog-configuration-syslogd (thunked)
           (default (file-append (system-package "inetutils")
                                 "/libexec/syslogd")))
  (config-file syslog-configuration-config-file
               (default %default-syslog.conf))
  (extra-options syslog-configuration-extra-options (default '())))

(define (syslog-shepherd-service config)
  (shepherd-service
    (documentation "Run the system log daemon, syslogd.")
    (provision '(syslogd))
    (requirement '(user-processes))
    (start (gexp (make-forkexec-constructor
                  (list (ungexp (syslog-configuration-syslogd config))
                        "--no-forward"
                        "--rcfile" (ungexp (syslog-configuration-config-file
                                            config))
                        (ungexp-splicing
                         (syslog-configuration-extra-options config)))
                  #:pid-file "/var/run/syslog.pid")))
    (stop (gexp (make-kill-destructor)))))

(define syslog-service-type
  (shepherd-service-type 'syslog syslog-shepherd-service
                         (syslog-configuration)
                         (description "Run the syslog daemon, which writes
the system's log messages to /var/log.")))

(define* (syslog-service #:optional (config (syslog-configuration)))
  "Return a service running syslogd with CONFIG (Guix's older interface)."
  (service syslog-service-type config))


;;;
;;; Static networking.
;;;

(define-record-type* <network-address> network-address
  make-network-address network-address?
  (device network-address-device)                ;"eth0"
  (value network-address-value)                  ;"10.0.0.2/24"
  (ipv6? network-address-ipv6? (thunked)
         (default (and (string-index (network-address-value this-record)
                                     #\:)
                       #t))))

(define-record-type* <network-route> network-route
  make-network-route network-route?
  (destination network-route-destination)        ;"default" or a prefix
  (source network-route-source (default #f))
  (device network-route-device (default #f))
  (ipv6? network-route-ipv6? (default #f))
  (gateway network-route-gateway (default #f)))

(define-record-type* <network-link> network-link
  make-network-link network-link?
  (name network-link-name)
  (type network-link-type (default #f))
  (arguments network-link-arguments (default '())))

(define-record-type* <static-networking> static-networking
  make-static-networking static-networking?
  ;; Guix's two generations of fields: interface/ip/netmask/gateway
  ;; (2021), addresses/links/routes (2022 on).
  (interface static-networking-interface (default #f))
  (ip static-networking-ip (default #f))
  (netmask static-networking-netmask (default #f))
  (gateway static-networking-gateway (default #f))
  (addresses static-networking-addresses (default '()))
  (links static-networking-links (default '()))
  (routes static-networking-routes (default '()))
  (provision static-networking-provision (default '(networking)))
  (requirement static-networking-requirement (default '()))
  (name-servers static-networking-name-servers (default '())))

(define %loopback-static-networking
  (static-networking
    (addresses (list (network-address (device "lo") (value "127.0.0.1/8"))))
    (requirement '())
    (provision '(loopback))))

(define (netmask->prefix netmask)
  ;; "255.255.255.0" → 24.
  (apply + (map (lambda (octet)
                  (let loop ((n (string->number octet)) (bits 0))
                    (if (zero? n) bits
                        (loop (logand (ash n 1) 255) (+ bits 1)))))
                (string-split netmask #\.))))

(define (static-networking-commands config)
  ;; The `ip' argument lists that bring CONFIG up, in order.
  (let* ((legacy-addresses
          (if (static-networking-interface config)
              (list (list (static-networking-interface config)
                          (let ((ip (static-networking-ip config)))
                            (if (string-index ip #\/)
                                ip
                                (string-append
                                 ip "/"
                                 (number->string
                                  (if (static-networking-netmask config)
                                      (netmask->prefix
                                       (static-networking-netmask config))
                                      (if (string-prefix? "127." ip) 8
                                          24))))))))
              '()))
         (addresses (append legacy-addresses
                            (map (lambda (address)
                                   (list (network-address-device address)
                                         (network-address-value address)))
                                 (static-networking-addresses config))))
         (devices (delete-duplicates (map first addresses))))
    (append
     (map (lambda (link)
            (append (list "link" "add" "name" (network-link-name link))
                    (if (network-link-type link)
                        (list "type" (symbol->string (network-link-type link)))
                        '())
                    (network-link-arguments link)))
          (static-networking-links config))
     (map (match-lambda
            ((device value)
             ;; `replace', not `add': an address the device has already,
             ;; as the loopback's in a new namespace, is no error.
             (list "address" "replace" value "dev" device)))
          addresses)
     (map (lambda (device) (list "link" "set" device "up")) devices)
     (if (static-networking-gateway config)
         (list (list "route" "replace" "default" "via"
                     (static-networking-gateway config)))
         '())
     (map (lambda (route)
            (append (list "route" "replace"
                          (network-route-destination route))
                    (if (network-route-gateway route)
                        (list "via" (network-route-gateway route)) '())
                    (if (network-route-device route)
                        (list "dev" (network-route-device route)) '())
                    (if (network-route-source route)
                        (list "src" (network-route-source route)) '())))
          (static-networking-routes config)))))

(define (static-networking-shepherd-service config)
  (let ((ip (file-append (system-package "iproute") "/sbin/ip"))
        (commands (static-networking-commands config)))
    (shepherd-service
      (documentation "Bring the network interfaces up with static
addresses.")
      (provision (static-networking-provision config))
      (requirement (static-networking-requirement config))
      ;; Its start uses `every'.
      (modules (cons '(srfi srfi-1) %default-modules))
      ;; Running while the addresses are set, as Guix's is (not a
      ;; one-shot, which `herd status' shows stopped once it has run).
      (respawn? #f)
      (start (gexp (lambda _
                     (every (lambda (arguments)
                              (zero? (apply system* (ungexp ip) arguments)))
                            '(ungexp commands)))))
      ;; Stopping takes the addresses away again (what is no longer there
      ;; is no error) and leaves the links as they were.
      (stop (gexp (lambda _
                    (for-each (lambda (arguments)
                                (apply system* (ungexp ip) arguments))
                              '(ungexp (static-networking-undo-commands
                                        commands)))
                    #f))))))

(define (static-networking-undo-commands commands)
  ;; The `ip' argument lists that take back the addresses COMMANDS set.
  (filter-map (match-lambda
                (("address" "replace" value "dev" device)
                 (list "address" "del" value "dev" device))
                (_ #f))
              commands))

(define (resolv.conf configs)
  ;; /etc/resolv.conf, when one of CONFIGS names servers.
  (match (append-map static-networking-name-servers configs)
    (() '())
    (servers
     `(("resolv.conf"
        ,(plain-file "resolv.conf"
                     (string-concatenate
                      (map (lambda (server)
                             (string-append "nameserver " server "\n"))
                           servers))))))))

(define static-networking-service-type
  ;; Its value is a list of <static-networking>.
  (service-type (name 'static-networking)
                (extensions
                 (list (service-extension
                        shepherd-root-service-type
                        (lambda (configs)
                          (map static-networking-shepherd-service configs)))
                       (service-extension etc-service-type resolv.conf)))
                (compose concatenate)
                (extend append)
                (description "Give network interfaces fixed addresses and
routes, with iproute2's ip.")))

(define* (static-networking-service interface ip #:key netmask gateway
                                    (provision '(networking))
                                    (requirement '()) (name-servers '()))
  "Return a service giving INTERFACE the address IP (Guix's older
interface)."
  (service static-networking-service-type
           (list (static-networking (interface interface) (ip ip)
                                    (netmask netmask) (gateway gateway)
                                    (provision provision)
                                    (requirement requirement)
                                    (name-servers name-servers)))))


;;;
;;; PAM limits.
;;;

(define-record-type* <pam-limits-entry> pam-limits-entry
  make-pam-limits-entry pam-limits-entry?
  (domain pam-limits-entry-domain)
  (type pam-limits-entry-type)
  (item pam-limits-entry-item)
  (value pam-limits-entry-value))

(define (limits.conf entries)
  (plain-file "limits.conf"
              (string-concatenate
               (map (lambda (entry)
                      (format #f "~a\t~a\t~a\t~a~%"
                              (pam-limits-entry-domain entry)
                              (pam-limits-entry-type entry)
                              (pam-limits-entry-item entry)
                              (pam-limits-entry-value entry)))
                    entries))))

(define pam-limits-service-type
  (service-type (name 'limits)
                (extensions
                 (list (service-extension
                        etc-service-type
                        (lambda (entries)
                          `(("security/limits.conf"
                             ,(limits.conf entries)))))
                       (service-extension
                        pam-root-service-type
                        (const
                         (list (pam-extension
                                 (transformer
                                  (lambda (pam)
                                    (if (member (pam-service-name pam)
                                                '("login" "su" "sshd"))
                                        (pam-service
                                          (inherit pam)
                                          (session
                                           (cons (pam-entry
                                                   (control "required")
                                                   (module "pam_limits.so"))
                                                 (pam-service-session pam))))
                                        pam)))))))))
                (compose concatenate)
                (extend append)
                (default-value '())
                (description "Resource limits of log-in sessions, with
pam_limits.")))


;;;
;;; The base services.
;;;

(define-syntax %base-services
  ;; Guix's list, made where it is used: its programs are host packages,
  ;; resolved against the host's package database.
  (identifier-syntax (base-services)))

(define (base-services)
  ;; Those a container has no use for are left out of its graph with a
  ;; note (see their types).
  (list (service login-service-type)
        (service virtual-terminal-service-type)
        (service console-font-service-type
                 (map (lambda (tty) (cons tty %default-console-font))
                      '("tty1" "tty2" "tty3" "tty4" "tty5" "tty6")))
        (service agetty-service-type (agetty-configuration
                                       (extra-options '("-L"))
                                       (term "vt100")
                                       (tty #f)
                                       (shepherd-requirement '(syslogd))))
        (service mingetty-service-type (mingetty-configuration (tty "tty1")))
        (service mingetty-service-type (mingetty-configuration (tty "tty2")))
        (service mingetty-service-type (mingetty-configuration (tty "tty3")))
        (service mingetty-service-type (mingetty-configuration (tty "tty4")))
        (service mingetty-service-type (mingetty-configuration (tty "tty5")))
        (service mingetty-service-type (mingetty-configuration (tty "tty6")))
        (service static-networking-service-type
                 (list %loopback-static-networking))
        (service syslog-service-type)
        (service urandom-seed-service-type)
        (service guix-service-type)
        (service nscd-service-type)
        (service rottlog-service-type)
        (service udev-service-type)
        (service sysctl-service-type (sysctl-configuration))
        (service special-files-service-type
                 `(("/bin/sh" ,(file-append (system-package "bash")
                                            "/bin/sh"))
                   ("/usr/bin/env" ,(file-append (system-package "coreutils")
                                                 "/bin/env"))))))

;;; base.scm ends here
