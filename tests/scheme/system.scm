;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (byre system) and what it builds on: the operating-system record, the
;;; accounts and their ids, the /etc files, activation, and the system
;;; directory built in a temporary store.  Packages come from a resolver
;;; of the test's own, so that the results do not depend on what the host
;;; has installed.

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-34)
             (srfi srfi-35)
             (srfi srfi-64)
             (ice-9 ftw)
             (ice-9 match)
             (ice-9 rdelim)
             (ice-9 textual-ports)
             (byre diagnostics)
             (byre gexp)
             (byre monads)
             (byre store)
             (byre derivations)
             (byre container)
             (byre system packages)
             (byre build accounts)
             (byre build activation)
             (gnu system)
             (gnu system shadow)
             (gnu system nss)
             (gnu system pam)
             (gnu system file-systems)
             (gnu bootloader)
             (gnu bootloader grub)
             (gnu services)
             (gnu services base)
             (gnu services shepherd)
             (gnu services ssh))

;; Every package is a small file named after it.
(%package-resolver
 (let ((table (make-hash-table)))
   (lambda (name)
     (or (hash-ref table name)
         (let ((package (plain-file (string-append "fixture-" name) name)))
           (hash-set! table name package)
           package)))))

;; The init is byre's (issue: its own tests); here a file stands for it.
(%default-init (lambda () (plain-file "fixture-init" "")))

(define (message-of thunk)
  (guard (c ((message-condition? c) (condition-message c)))
    (thunk)
    #f))

(define (temporary-directory)
  (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-system.XXXXXX")))

(define (delete-recursively dir)
  (for-each (lambda (entry)
              (let ((file (string-append dir "/" entry)))
                (if (eq? 'directory (stat:type (lstat file)))
                    (begin (chmod file #o755) (delete-recursively file))
                    (delete-file file))))
            (scandir dir (lambda (e) (not (member e '("." ".."))))))
  (rmdir dir))

(define (file-text file) (call-with-input-file file get-string-all))

(define %minimal
  (operating-system
    (host-name "komputilo")
    (timezone "Europe/Berlin")
    (bootloader (bootloader-configuration
                  (bootloader grub-bootloader)
                  (targets '("/dev/sdX"))))
    (file-systems (cons (file-system
                          (device (file-system-label "my-root"))
                          (mount-point "/")
                          (type "ext4"))
                        %base-file-systems))
    (users (cons (user-account
                   (name "alice")
                   (comment "Bob's sister")
                   (group "users")
                   (supplementary-groups '("wheel" "audio" "video")))
                 %base-user-accounts))
    (services (cons (service openssh-service-type
                             (openssh-configuration (port-number 2222)))
                    %base-services))))

(test-begin "system")

;;; The record.

(test-equal "operating-system: Guix's defaults"
  '("en_US.utf8" #f)
  (let ((os (operating-system (host-name "h") (bootloader #f)
                              (file-systems '()))))
    (list (operating-system-locale os) (operating-system-kernel os))))

(test-equal "the label is thunked: an inherited system gets its own"
  '("GNU with byre (komputilo)" "GNU with byre (other)")
  (list (operating-system-label %minimal)
        (operating-system-label (operating-system (inherit %minimal)
                                                  (host-name "other")))))

(test-assert "this-operating-system in a thunked field"
  (let ((os (operating-system
              (inherit %minimal)
              (packages (list (plain-file (operating-system-host-name
                                           this-operating-system)
                                          ""))))))
    (string=? "komputilo"
              (plain-file-name (car (operating-system-packages os))))))

(test-assert "a missing host-name is caught when the form is expanded"
  (catch 'syntax-error
    (lambda ()
      (eval '(operating-system (bootloader #f) (file-systems '()))
            (current-module))
      #f)
    (lambda (key who message . _)
      (string-contains message "host-name"))))

(test-assert "a misspelled field names the closest one"
  (catch 'syntax-error
    (lambda ()
      (eval '(operating-system (hots-name "x") (bootloader #f)
                               (file-systems '()))
            (current-module))
      #f)
    (lambda (key who message . _)
      (string-contains message "did you mean 'host-name'"))))

(test-equal "an invalid host name"
  "invalid host name \"no spaces\""
  (message-of (lambda ()
                (operating-system (host-name "no spaces") (bootloader #f)
                                  (file-systems '())))))

(test-equal "user-account: the home directory follows the name"
  '("/home/alice" "/home/bob")
  (let ((alice (user-account (name "alice") (group "users"))))
    (list (user-account-home-directory alice)
          (user-account-home-directory (user-account (inherit alice)
                                                     (name "bob"))))))

(test-equal "user-account: a relative home directory"
  "home directory \"home/x\" is not absolute"
  (message-of (lambda ()
                (user-account-home-directory
                 (user-account (name "x") (group "users")
                               (home-directory "home/x"))))))

(test-equal "the root account is implicit"
  "root"
  (user-account-name (car (operating-system-user-accounts %minimal))))

;;; Services of a system.

(define (service-names os)
  (map (compose service-type-name service-kind)
       (operating-system-services os)))

(test-assert "essential services are there"
  (every (lambda (name) (memq name (service-names %minimal)))
         '(system boot cleanup activate etc account pam setuid-program
                  profile host-name user-processes shepherd-root)))

(test-assert "services the host provides are left out"
  (every (lambda (name) (not (memq name (service-names %minimal))))
         '(udev mingetty agetty console-fonts urandom-seed guix rottlog)))

(test-equal "the init's services"
  '(loopback nscd sshd syslogd user-processes)
  (sort (map (lambda (names) (car names))
             (map list (filter (lambda (name)
                                 (memq name '(sshd nscd syslogd loopback
                                                   user-processes)))
                               (operating-system-shepherd-service-names
                                %minimal))))
        (lambda (a b) (string<? (symbol->string a) (symbol->string b)))))

(test-assert "what a container leaves out is said"
  (let ((notes (operating-system-ignored-fields %minimal)))
    (and (member "the bootloader" notes)
         (any (lambda (note) (string-contains note "udev")) notes))))

(test-assert "an undeclared group is an error naming it"
  (let ((os (operating-system
              (inherit %minimal)
              (users (list (user-account (name "carol") (group "nosuch")))))))
    (string-contains
     (message-of (lambda ()
                   (fold-services (operating-system-services os)
                                  #:target-type etc-service-type)))
     "primary group 'nosuch' of user 'carol' is undeclared")))

(test-assert "a service a container cannot provide is refused, with all others"
  (let* ((display-type (service-type (name 'display) (extensions '())
                                     (default-value #f)
                                     (container-limitation "an X server")))
         (os (operating-system
               (inherit %minimal)
               (services (list (service display-type)
                               (service display-type))))))
    (guard (c ((container-limitation-error? c)
               (= 2 (length (container-limitation-error-items c)))))
      (operating-system-derivation os)
      #f)))

(test-equal "name-service-switch->string"
  "hosts:\tfiles mdns_minimal [NOTFOUND=return] dns mdns\n"
  (let ((s (name-service-switch->string %mdns-host-lookup-nss)))
    (car (filter (lambda (line) (string-prefix? "hosts" line))
                 (map (lambda (l) (string-append l "\n"))
                      (string-split (string-trim-right s) #\newline))))))

(test-equal "uuid: Guix's syntax, and an error otherwise"
  '("1234-abcd" "\"xyz\": invalid fat UUID")
  (list (uuid->string (uuid "1234-ABCD" 'fat))
        (message-of (lambda () (uuid "xyz" 'fat)))))

;;; Accounts on the build side.

(define groups
  '(("root" #f 0 #t) ("users" #f #f #t) ("wheel" #f #f #t)))
(define users
  '(("root" 0 "root" () "" "/root" #t "/bin/sh" "" #f)
    ("alice" #f "users" ("wheel") "" "/home/alice" #t "/bin/sh" #f #f)
    ("daemon" #f "users" () "" "/var/empty" #f "/bin/false" #f #t)))

(test-equal "ids: users from 1000, system accounts from 999 down"
  '((0 1000 999) (0 999 998) ("alice"))
  (call-with-values (lambda () (user+group-databases users groups))
    (lambda (groups passwd shadow)
      (list (map password-entry-uid passwd)
            (map group-entry-gid groups)
            (group-entry-members (third groups))))))

(test-equal "ids: what the machine has is kept"
  '(1005 1006)
  (call-with-values
      (lambda ()
        (user+group-databases
         (append users
                 '(("bob" #f "users" () "" "/home/bob" #t "/bin/sh" #f #f)))
         groups
         #:current-passwd
         (list (password-entry "alice" 1005 100 "A" "/home/alice" "/bin/sh"))))
    (lambda (groups passwd shadow)
      (map password-entry-uid (filter (lambda (e)
                                        (member (password-entry-name e)
                                                '("alice" "bob")))
                                      passwd)))))

(test-equal "shadow: new accounts locked unless a password is given"
  '("" "!" "!")
  (call-with-values (lambda () (user+group-databases users groups))
    (lambda (groups passwd shadow)
      (map shadow-entry-password shadow))))

;;; Activation, into a temporary directory.

(test-assert "activate-users+groups writes the databases and the homes"
  (let* ((dir (temporary-directory))
         (etc (string-append dir "/etc"))
         (skel (string-append dir "/skel"))
         (home (string-append dir "/home/alice"))
         (uid (getuid)) (gid (getgid)))
    (mkdir etc)
    (mkdir skel)
    (call-with-output-file (string-append skel "/.profile")
      (lambda (port) (display "hello" port)))
    (activate-users+groups
     `(("alice" ,uid "users" () "" ,home #t "/bin/sh" #f #f))
     `(("users" #f ,gid #f))
     #:skeletons skel #:etc etc #:today 1)
    (let ((ok (and (string=? (format #f "alice:x:~a:~a::~a:/bin/sh\n"
                                     uid gid home)
                             (file-text (string-append etc "/passwd")))
                   (= #o600 (stat:perms (stat (string-append etc "/shadow"))))
                   (= #o700 (stat:perms (stat home)))
                   (string=? "hello"
                             (file-text (string-append home "/.profile"))))))
      (delete-recursively dir)
      ok)))

(test-assert "activate-etc links to /etc/static, copies sudoers, keeps the rest"
  (let* ((dir (temporary-directory))
         (static (string-append dir "/system-etc"))
         (root (string-append dir "/etc")))
    (mkdir static)
    (mkdir root)
    (for-each (lambda (name)
                (call-with-output-file (string-append static "/" name)
                  (lambda (port) (display name port))))
              '("hosts" "sudoers" "passwd"))
    (call-with-output-file (string-append root "/machine-id")
      (lambda (port) (display "keep" port)))
    (activate-etc static #:root root)
    (let ((ok (and (string=? (readlink (string-append root "/hosts"))
                             (string-append root "/static/hosts"))
                   (eq? 'regular
                        (stat:type (lstat (string-append root "/sudoers"))))
                   (= #o440 (stat:perms (stat (string-append root
                                                             "/sudoers"))))
                   ;; Activation writes the account databases itself.
                   (not (file-exists? (string-append root "/passwd")))
                   (file-exists? (string-append root "/machine-id")))))
      (delete-recursively dir)
      ok)))

;;; The system directory, built in a temporary store.

(define supported?
  (if (zero? (getuid))
      (user-namespace-supported?)
      (unprivileged-user-namespace-supported?)))

(define top (temporary-directory))
(define store-dir (string-append top "/store"))
(define store (open-connection #:store-directory store-dir
                               #:state-directory (string-append top "/state")))

(define (build os)
  (parameterize ((%store-prefix store-dir))
    (let ((drv (run-with-store store (operating-system-derivation os))))
      (build-derivations store (list drv))
      (derivation->output-path drv))))

(define system-directory #f)

(skip-unless supported? "no user namespaces here")
(test-assert "the system directory has Guix's entries"
  (begin
    (set! system-directory (build %minimal))
    (every (lambda (name)
             (file-exists? (string-append system-directory "/" name)))
           '("boot" "activate" "etc" "profile" "parameters"
             "shepherd.conf"))))

(define (etc-file name)
  (file-text (string-append system-directory "/etc/" name)))

(skip-unless system-directory "no system built")
(test-assert "etc/passwd: root, alice with uid 1000, nobody, sshd"
  (begin
    (let ((lines (string-split (etc-file "passwd") #\newline)))
      (and (string-prefix? "root:x:0:0:" (first lines))
           (string-prefix? "alice:x:1000:" (second lines))
           (any (lambda (l) (string-prefix? "nobody:x:65534:" l)) lines)
           (any (lambda (l) (string-prefix? "sshd:x:" l)) lines)))))

(skip-unless system-directory "no system built")
(test-assert "etc/group: alice in wheel, audio and video"
  (begin
    (let ((lines (string-split (etc-file "group") #\newline)))
      (every (lambda (group)
               (any (lambda (line)
                      (and (string-prefix? (string-append group ":") line)
                           (string-suffix? ":alice" line)))
                    lines))
             '("wheel" "audio" "video")))))

(skip-unless system-directory "no system built")
(test-equal "etc/hostname, etc/hosts, etc/timezone"
  '("komputilo\n" "127.0.0.1 localhost komputilo\n::1 localhost komputilo\n"
    "Europe/Berlin\n")
  (map etc-file '("hostname" "hosts" "timezone")))

(skip-unless system-directory "no system built")
(test-assert "etc/nsswitch.conf, etc/pam.d/sshd, etc/shadow"
  (begin
    (and (string-contains (etc-file "nsswitch.conf") "passwd:\tfiles")
         (string-contains (etc-file "pam.d/sshd") "pam_unix.so")
         (string-prefix? "root::" (etc-file "shadow")))))

(skip-unless system-directory "no system built")
(test-assert "shepherd.conf registers the services and starts them"
  (begin
    (let ((conf (file-text (string-append system-directory
                                          "/shepherd.conf"))))
      (and (string-contains conf "register-services")
           (string-contains conf "start-in-the-background")
           (string-contains conf "-shepherd-ssh-daemon-ssh-sshd.scm")))))

(skip-unless system-directory "no system built")
(test-assert "a second build with nothing changed writes nothing"
  (begin
    (let ((before (scandir store-dir)))
      (and (string=? system-directory (build %minimal))
           (equal? before (scandir store-dir))))))

(close-connection store)
(delete-recursively top)
(test-end/exit "system")
