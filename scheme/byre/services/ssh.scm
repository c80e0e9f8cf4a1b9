;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre services ssh): the OpenSSH server, as Guix's (gnu services ssh)
;;; declares it, run from Debian's openssh-server.

(define-module (byre services ssh)
  #:use-module (byre records)
  #:use-module (byre gexp)
  #:use-module (byre services)
  #:use-module (byre services shepherd)
  #:use-module (byre system accounts)
  #:use-module (byre system shadow)
  #:use-module (byre system pam)
  #:use-module (byre system packages)
  #:use-module (srfi srfi-1)
  #:use-module (ice-9 match)
  #:export (openssh-configuration
            openssh-configuration?
            openssh-configuration-openssh
            openssh-configuration-port-number
            openssh-configuration-permit-root-login
            openssh-configuration-password-authentication?
            openssh-configuration-authorized-keys
            openssh-configuration-pid-file
            openssh-service-type
            openssh-sshd-config
            dropbear-service-type
            dropbear-configuration
            lsh-service-type
            lsh-configuration))

;;; Commentary:
;;;
;;; Debian's sshd separates privileges into the `sshd' account and needs
;;; /run/sshd; host keys are made at activation with `ssh-keygen -A', in
;;; /etc/ssh, which stays a directory of the machine (not of the store) so
;;; that keys survive a new system.  `ssh-keygen -A' runs in the background
;;; (an RSA key takes most of a second) and sshd's start waits for it.
;;;
;;; Code:

(define-record-type* <openssh-configuration> openssh-configuration
  make-openssh-configuration openssh-configuration?
  (openssh openssh-configuration-openssh (thunked)
           (default (system-package "openssh")))
  (pid-file openssh-configuration-pid-file (default "/var/run/sshd.pid"))
  (port-number openssh-configuration-port-number (default 22))
  ;; #t, #f or 'prohibit-password.
  (permit-root-login openssh-configuration-permit-root-login (default #f))
  (allow-empty-passwords? openssh-configuration-allow-empty-passwords?
                          (default #f))
  (password-authentication? openssh-configuration-password-authentication?
                            (default #t))
  (public-key-authentication? openssh-configuration-public-key-authentication?
                              (default #t))
  (x11-forwarding? openssh-configuration-x11-forwarding? (default #f))
  (allow-agent-forwarding? openssh-configuration-allow-agent-forwarding?
                           (default #t))
  (allow-tcp-forwarding? openssh-configuration-allow-tcp-forwarding?
                         (default #t))
  (gateway-ports? openssh-configuration-gateway-ports? (default #f))
  (challenge-response-authentication?
   openssh-configuration-challenge-response-authentication? (default #f))
  (use-pam? openssh-configuration-use-pam? (default #t))
  (print-last-log? openssh-configuration-print-last-log? (default #t))
  ;; (NAME COMMAND) lists.
  (subsystems openssh-configuration-subsystems
              (default '(("sftp" "internal-sftp"))))
  (accepted-environment openssh-configuration-accepted-environment
                        (default '()))
  ;; (USER FILE-LIKE ...) lists: the public keys of each user.
  (authorized-keys openssh-configuration-authorized-keys (default '()))
  (log-level openssh-configuration-log-level (default 'info))
  (extra-content openssh-configuration-extra-content (default "")))

(define (yes-no value) (if value "yes" "no"))

(define (openssh-sshd-config config)
  "Return the sshd_config file, a file-like object, for CONFIG."
  (apply mixed-text-file "sshd_config"
         `("# Written by byre for this system.\n"
           "Port " ,(number->string (openssh-configuration-port-number config))
           "\n"
           "PidFile " ,(openssh-configuration-pid-file config) "\n"
           "PermitRootLogin "
           ,(match (openssh-configuration-permit-root-login config)
              (#t "yes")
              (#f "no")
              ('prohibit-password "prohibit-password")
              ('without-password "prohibit-password"))
           "\n"
           "PermitEmptyPasswords "
           ,(yes-no (openssh-configuration-allow-empty-passwords? config)) "\n"
           "PasswordAuthentication "
           ,(yes-no (openssh-configuration-password-authentication? config))
           "\n"
           "PubkeyAuthentication "
           ,(yes-no (openssh-configuration-public-key-authentication? config))
           "\n"
           "X11Forwarding "
           ,(yes-no (openssh-configuration-x11-forwarding? config)) "\n"
           "AllowAgentForwarding "
           ,(yes-no (openssh-configuration-allow-agent-forwarding? config))
           "\n"
           "AllowTcpForwarding "
           ,(yes-no (openssh-configuration-allow-tcp-forwarding? config)) "\n"
           "GatewayPorts "
           ,(yes-no (openssh-configuration-gateway-ports? config)) "\n"
           "KbdInteractiveAuthentication "
           ,(yes-no (openssh-configuration-challenge-response-authentication?
                     config))
           "\n"
           "UsePAM " ,(yes-no (openssh-configuration-use-pam? config)) "\n"
           "PrintLastLog "
           ,(yes-no (openssh-configuration-print-last-log? config)) "\n"
           "LogLevel " ,(string-upcase
                         (symbol->string
                          (openssh-configuration-log-level config)))
           "\n"
           "AuthorizedKeysFile .ssh/authorized_keys .ssh/authorized_keys2 \
/etc/ssh/authorized_keys.d/%u\n"
           ,@(append-map (lambda (variable)
                           (list "AcceptEnv " variable "\n"))
                         (openssh-configuration-accepted-environment config))
           ,@(append-map (match-lambda
                           ((name command)
                            (list "Subsystem " name " " command "\n")))
                         (openssh-configuration-subsystems config))
           ,(openssh-configuration-extra-content config)
           "\n")))

(define (authorized-keys-directory config)
  ;; /etc/ssh/authorized_keys.d: one file per user, the keys concatenated.
  (file-union "authorized_keys.d"
              (map (match-lambda
                     ((user . keys)
                      (list user
                            (computed-file
                             (string-append user "-authorized-keys")
                             (gexp (call-with-output-file (ungexp output)
                                     (lambda (port)
                                       (for-each
                                        (lambda (file)
                                          (display
                                           (call-with-input-file file
                                             (@ (ice-9 textual-ports)
                                                get-string-all))
                                           port)
                                          (newline port))
                                        '(ungexp keys)))))))))
                   (openssh-configuration-authorized-keys config))))

(define (openssh-activation config)
  (let ((keygen (file-append (openssh-configuration-openssh config)
                             "/bin/ssh-keygen")))
    (gexp (begin
            (use-modules (guix build utils))
            (define (directory file mode)
              (mkdir-p file)
              (chmod file mode))
            ;; Debian's sshd refuses to start without its privilege
            ;; separation directory.
            (directory "/run/sshd" #o755)
            (directory "/etc/ssh" #o755)
            (directory "/var/empty" #o755)
            (let ((keys "/etc/ssh/authorized_keys.d"))
              (when (false-if-exception (lstat keys))
                (delete-file keys))
              (symlink (ungexp (authorized-keys-directory config)) keys))
            ;; The host keys, those missing, in the background: an RSA
            ;; key takes most of a second, and the rest of the boot goes on
            ;; meanwhile.  sshd's start waits for the file that the process
            ;; making them writes its PID to when it is done (read-pid-file).
            (let ((done (ungexp %host-keys-done)))
              (when (false-if-exception (lstat done))
                (delete-file done))
              (when (zero? (primitive-fork))
                (unless (zero? (system* (ungexp keygen) "-A"))
                  (format (current-error-port)
                          "warning: ssh-keygen -A failed: sshd has no host \
keys~%"))
                (let ((new (string-append done ".new")))
                  (call-with-output-file new
                    (lambda (port) (display (getpid) port)))
                  (rename-file new done))
                (primitive-exit 0)))))))

(define %host-keys-done
  ;; Written once the host keys are made (see openssh-activation).
  "/run/sshd-host-keys.pid")

(define (openssh-shepherd-service config)
  (list (shepherd-service
          (documentation "Run the OpenSSH daemon, sshd.")
          (provision '(ssh-daemon ssh sshd))
          (requirement '(syslogd loopback))
          (start (gexp (let ((start
                              (make-forkexec-constructor
                               (list (ungexp (file-append
                                              (openssh-configuration-openssh config)
                                              "/sbin/sshd"))
                                     "-D" "-e"
                                     "-f" (ungexp (openssh-sshd-config config)))
                               #:pid-file (ungexp
                                           (openssh-configuration-pid-file config))
                               #:log-file "/var/log/sshd.log")))
                         (lambda args
                           ;; The host keys made at activation, in the
                           ;; background; the init serves others meanwhile.
                           (read-pid-file (ungexp %host-keys-done)
                                          #:max-delay 60)
                           (apply start args)))))
          (stop (gexp (make-kill-destructor)))
          (auto-start? #t))))

(define %openssh-accounts
  ;; Debian's sshd drops privileges to this account.
  (list (user-group (name "sshd") (system? #t))
        (user-account
          (name "sshd")
          (group "sshd")
          (system? #t)
          (comment "sshd privilege separation user")
          (home-directory "/var/empty")
          (create-home-directory? #f)
          (shell (file-append (system-package "shadow") "/sbin/nologin")))))

(define (extend-openssh config extensions)
  ;; Services add authorized keys: (USER FILE ...) lists.
  (openssh-configuration
    (inherit config)
    (authorized-keys (append (openssh-configuration-authorized-keys config)
                             extensions))))

(define openssh-service-type
  (service-type (name 'openssh)
                (extensions
                 (list (service-extension shepherd-root-service-type
                                          openssh-shepherd-service)
                       (service-extension pam-root-service-type
                                          (lambda (config)
                                            (list (unix-pam-service
                                                   "sshd"
                                                   #:login-uid? #t
                                                   #:allow-empty-passwords?
                                                   (openssh-configuration-allow-empty-passwords?
                                                    config)))))
                       (service-extension activation-service-type
                                          openssh-activation)
                       (service-extension account-service-type
                                          (const %openssh-accounts))
                       (service-extension profile-service-type
                                          (lambda (config)
                                            (list (openssh-configuration-openssh
                                                   config))))))
                (compose concatenate)
                (extend extend-openssh)
                (default-value (openssh-configuration))
                (description "Run sshd, the OpenSSH server, with Debian's
openssh-server.")))

(define-record-type* <dropbear-configuration> dropbear-configuration
  make-dropbear-configuration dropbear-configuration?
  (dropbear dropbear-configuration-dropbear (default #f))
  (port-number dropbear-configuration-port-number (default 22))
  (syslog-output? dropbear-configuration-syslog-output? (default #t))
  (pid-file dropbear-configuration-pid-file (default "/var/run/dropbear.pid"))
  (root-login? dropbear-configuration-root-login? (default #f))
  (allow-empty-passwords? dropbear-configuration-allow-empty-passwords?
                          (default #f))
  (password-authentication? dropbear-configuration-password-authentication?
                            (default #t)))

(define dropbear-service-type
  (service-type (name 'dropbear)
                (extensions '())
                (default-value (dropbear-configuration))
                (container-limitation "byre runs no dropbear; use \
openssh-service-type")
                (description "The Dropbear SSH server.")))

(define-record-type* <lsh-configuration> lsh-configuration
  make-lsh-configuration lsh-configuration?
  (lsh lsh-configuration-lsh (default #f))
  (port-number lsh-configuration-port-number (default 22)))

(define lsh-service-type
  (service-type (name 'lsh)
                (extensions '())
                (default-value (lsh-configuration))
                (container-limitation "Debian has no lsh; use \
openssh-service-type")
                (description "The GNU lsh SSH server.")))

;;; ssh.scm ends here
