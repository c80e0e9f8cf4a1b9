;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system container): operating systems in containers, as Guix's
;;; (gnu system linux-container) has them — containerized-operating-system,
;;; container-script, system-container — and eval/container.

(define-module (byre system container)
  #:use-module (byre config)
  #:use-module (byre container)
  #:use-module (byre container-spec)
  #:use-module (byre derivations)
  #:use-module (byre diagnostics)
  #:use-module (byre file-systems)
  #:use-module (byre gexp)
  #:use-module ((byre host) #:select (%host-mounts add-host-item-mounts))
  #:use-module (byre monads)
  #:use-module (byre store)
  #:use-module (byre services)
  #:use-module (byre services base)
  #:use-module (byre services networking)
  #:use-module (byre services shepherd)
  #:use-module (byre system)
  #:use-module (byre system registry)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:use-module ((ice-9 ftw) #:select (scandir))
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:use-module (srfi srfi-37)
  #:export (eval/container

            container-essential-services
            containerized-operating-system
            dummy-networking-service-type
            dummy-udev-service-type
            %nscd-container-caches
            system-container
            container-script
            specification->file-system-mapping

            system-container-spec
            system-etc-shadows
            run-system-container
            container-script-main))

;;; Commentary:
;;;
;;; A system container is the system directory of an operating system
;;; made for one (containerized-operating-system), run by a script
;;; (container-script) that starts a container whose store holds exactly
;;; the system's closure, plus the host files its host packages and byre's
;;; init record.  Its PID 1 is the host's guile loading the system's
;;; `boot', which activates the system and executes the init.
;;;
;;; Code:

(define (item->file-system item)
  (file-system (device item) (mount-point item) (type "none")
               (flags '(bind-mount read-only))
               (check? #f)))

(define* (eval/container exp
                         #:key
                         (mappings '())
                         (namespaces %namespaces)
                         (guest-uid 0) (guest-gid 0))
  "Return, in the store monad, the waitpid status of EXP, a gexp, evaluated
by the host's guile in a container.  EXP's inputs are built or added to the
store first; the container sees exactly their closure in the store, the
host guile's file closure, and MAPPINGS, a list of
<file-system-mapping>.  NAMESPACES, GUEST-UID and GUEST-GID are as for
run-container."
  (mlet* %store-monad ((store (current-state))
                       (lowered (lower-gexp exp))
                       (_ (built-derivations (lowered-gexp-inputs lowered))))
    (let* ((items (requisites store
                              (delete-duplicates
                               (append (lowered-gexp-sources lowered)
                                       (append-map derivation-input-output-paths
                                                   (lowered-gexp-inputs lowered))))))
           (argv `(,(lowered-gexp-guile lowered)
                   "--no-auto-compile"
                   ,@(append-map (lambda (dir) (list "-L" dir))
                                 (lowered-gexp-load-path lowered))
                   ,@(append-map (lambda (dir) (list "-C" dir))
                                 (lowered-gexp-load-compiled-path lowered))
                   "-c"
                   ,(object->string (lowered-gexp-sexp lowered)))))
      (return
       (call-with-values (lambda ()
                           ;; Host packages among the items bring the
                           ;; host files they record.
                           (call-with-values (%host-mounts)
                             (lambda (mounts links)
                               (add-host-item-mounts items mounts links))))
         (lambda (host-mounts host-links)
           ;; Standard input is /dev/null, not the user's terminal (and no
           ;; /dev/console); byre-init is PID 1, so that SIGINT and SIGTERM
           ;; stop the evaluation.
           (call-with-input-file "/dev/null"
             (lambda (null)
           (run-container-spec
            (container-spec
              (program argv)
              (mounts (append host-mounts
                              (map item->file-system items)
                              (map file-system-mapping->bind-mount mappings)))
              (symlinks host-links)
              (namespaces namespaces)
              (guest-uid guest-uid) (guest-gid guest-gid)
              (init 'byre-init)
              (console #f)
              (stdio (list null #f #f))
              (environment '())))))))))))


;;;
;;; The containerized operating system.
;;;

(define dummy-networking-service-type
  ;; Its value is what it provides.
  (shepherd-service-type
   'dummy-networking
   (lambda (provision)
     (shepherd-service
      (documentation "Provide loopback and networking without doing
anything: the host has set them up.")
      (provision provision)
      (start (gexp (const #t)))
      (respawn? #f)))
   '(loopback networking)
   (description "Provide loopback and networking without doing anything.
Systems in containers that share the host's network use it: their
networking is the host's.")))

(define dummy-udev-service-type
  ;; A container has no udev (the host's manages its devices); services
  ;; that require `udev' find this one instead.
  (shepherd-service-type
   'dummy-udev
   (lambda (provision)
     (shepherd-service
      (documentation "Stand for udev, which the host runs.")
      (provision provision)
      (start (gexp (const #t)))
      (respawn? #f)))
   '(udev)
   (description "Provide udev without running it: in a container, the
host's udev manages the devices.")))

(define %nscd-container-caches
  ;; Guix's default caches with a 256 KiB database each, so that many
  ;; containers fit in the host's memory.
  (map (lambda (cache)
         (nscd-cache (inherit cache) (max-database-size (expt 2 18))))
       %nscd-default-caches))

(define (network-configuration-file? name)
  (member name (map basename %network-configuration-files)))

(define* (container-essential-services os #:key shared-network?)
  "Return the essential services of OS, an operating system not made for a
container, without those only a machine needs (the firmware, the bare-metal
set-up); with SHARED-NETWORK?, without the network configuration files of
/etc either, which the container then takes from the host."
  (let ((base (remove (lambda (service)
                        (memq (service-kind service)
                              (list firmware-service-type
                                    linux-bare-metal-service-type)))
                      (operating-system-essential-services os))))
    (if shared-network?
        (map (lambda (essential)
               (if (eq? (service-kind essential) etc-service-type)
                   (service etc-service-type
                            (remove (match-lambda
                                      ((name . _)
                                       (network-configuration-file? name)))
                                    (service-value essential)))
                   essential))
             base)
        base)))

(define %bare-metal-service-types
  ;; What a container drops whatever its network: consoles and terminals.
  (list console-font-service-type mingetty-service-type agetty-service-type
        virtual-terminal-service-type gpm-service-type kmscon-service-type))

(define* (containerized-operating-system os mappings
                                         #:key shared-network?
                                         runtime-network?
                                         (extra-file-systems '()))
  "Return an operating system based on OS for a container.  MAPPINGS, a
list of <file-system-mapping>, become bind mounts needed for boot;
EXTRA-FILE-SYSTEMS are added to OS's file systems, of which the root, the
store, /dev and /sys ones are removed (a dummy root takes their place).
Consoles and terminals are dropped, nscd keeps its settings with
%nscd-container-caches, services that require udev get a dummy provider.
With SHARED-NETWORK?, the services that set up the network are replaced by
one of DUMMY-NETWORKING-SERVICE-TYPE, and the host's network configuration
files are mapped.  With RUNTIME-NETWORK? (an image that podman, crun or
Kubernetes runs), they are replaced the same way but the system keeps its
own /etc: the runtime has set up the network and binds the files it
provides (/etc/hosts, /etc/resolv.conf)."
  (define user-file-systems
    (remove (lambda (fs)
              (let ((target (file-system-mount-point fs))
                    (source (file-system-device fs)))
                (or (string=? target (%store-prefix))
                    (string=? target "/")
                    (and (string? source) (string-prefix? "/dev/" source))
                    (string-prefix? "/dev/" target)
                    (string-prefix? "/sys/" target))))
            (operating-system-file-systems os)))

  (define (mapping->fs mapping)
    (file-system (inherit (file-system-mapping->bind-mount mapping))
                 (needed-for-boot? #t)))

  (define dummy-network?
    (or shared-network? runtime-network?))

  (define services-to-drop
    (append %bare-metal-service-types
            (if dummy-network? %networking-service-types '())))

  (define user-services (operating-system-user-services os))

  (define services-to-add
    (append (if dummy-network?
                (list (service dummy-networking-service-type
                               '(loopback networking)))
                '())
            (if (any (lambda (declared)
                       (eq? (service-kind declared) udev-service-type))
                     user-services)
                (list (service dummy-udev-service-type '(udev)))
                '())))

  (define containerized
    (operating-system
      (inherit os)
      (kernel #f)
      (swap-devices '())
      (services
       (append services-to-add
               (filter-map
                (lambda (declared)
                  (let ((kind (service-kind declared)))
                    (cond ((memq kind services-to-drop) #f)
                          ((eq? kind nscd-service-type)
                           (service nscd-service-type
                                    (nscd-configuration
                                     (inherit (service-value declared))
                                     (caches %nscd-container-caches))))
                          (else declared))))
                user-services)))
      (file-systems
       (append (map mapping->fs
                    (if shared-network?
                        (append %network-file-mappings mappings)
                        mappings))
               extra-file-systems
               user-file-systems
               ;; The boot parameters name a root device.
               (list (file-system (mount-point "/") (device "nothing")
                                  (type "dummy")))))))

  ;; The essential services are thunked: computed from the result.
  (operating-system
    (inherit containerized)
    (essential-services (container-essential-services
                         containerized #:shared-network? shared-network?))))

(define* (system-container os #:key runtime-network?)
  "Return, in the store monad, the derivation of the system directory of
OS made for a container (see containerized-operating-system); with
RUNTIME-NETWORK?, for a container runtime that sets up its network."
  (operating-system-derivation
   (containerized-operating-system os '()
                                   #:runtime-network? runtime-network?)))


;;;
;;; Running it.
;;;

(define (specification->file-system-mapping spec writable?)
  "Return the <file-system-mapping> that SPEC, \"SOURCE\" or
\"SOURCE=TARGET\" (absolute file names), describes, writable when WRITABLE?.
SOURCE must exist."
  (let-values (((source target)
                (match (string-index spec #\=)
                  (#f (values spec spec))
                  (index (values (substring spec 0 index)
                                 (substring spec (+ 1 index)))))))
    (define option (if writable? "--share" "--expose"))
    (unless (and (string-prefix? "/" source) (string-prefix? "/" target))
      (raise (make-user-error "~a=~a: file names must be absolute"
                              (list option spec)
                              #:hint (format #f "write ~a=/HOST/DIR or \
~a=/HOST/DIR=/DIR" option option))))
    (unless (file-exists? source)
      (raise (make-user-error "~a=~a: ~a does not exist"
                              (list option spec source))))
    (file-system-mapping (source source) (target target)
                         (writable? writable?))))

(define* (system-container-spec system file-systems
                                #:key (mappings '()) shared-network?
                                host-name (host-uids 65536)
                                store-directory state-directory
                                (console (caller-terminal)) stdio)
  "Return the <container-spec> that runs SYSTEM, the file name of a system
directory in the store, with FILE-SYSTEMS (<file-system> records, the
containerized system's, beyond its store and root) and MAPPINGS
(<file-system-mapping> records) mounted.  Its store holds the closure of
SYSTEM only, with the host files its items record; PID 1 is the host's guile
loading SYSTEM's boot, which executes the init.  SHARED-NETWORK? keeps the
host's network namespace; HOST-NAME is set in its uts namespace; HOST-UIDS
ids are mapped (65536, through /etc/subuid for a user other than root).
STORE-DIRECTORY and STATE-DIRECTORY name the store that holds SYSTEM (by
default, the current user's).  CONSOLE and STDIO are as for
<container-spec>."
  (let* ((items (let ((store (open-connection
                              #:store-directory store-directory
                              #:state-directory state-directory)))
                  (dynamic-wind
                    (const #t)
                    (lambda () (requisites store (list system)))
                    (lambda () (close-connection store)))))
         (guile-program (%guile-program*))
         (boot (string-append system "/boot")))
    (let-values (((host-mounts host-links)
                  (system-host-mounts system items)))
      (container-spec
        (program
         (list guile-program "--no-auto-compile" "-c"
               (object->string
                `(begin
                   (for-each (lambda (directory)
                               (unless (file-exists? directory)
                                 (mkdir directory)))
                             '("/run" "/bin" "/etc" "/home" "/var"))
                   (primitive-load ,boot)))))
        (environment (list "HOME=/root" "TMPDIR=/tmp"
                           (string-append "GUIX_NEW_SYSTEM=" system)
                           "PATH=/run/current-system/profile/bin:\
/run/current-system/profile/sbin"
                           "LANG=C.UTF-8"))
        (mounts (append host-mounts
                        (map item->file-system items)
                        ;; The host's files, for a shared network, replace
                        ;; the system's /etc entries, removed for them.
                        (map file-system-mapping->bind-mount mappings)
                        file-systems))
        (symlinks host-links)
        (namespaces (if shared-network?
                        (delq 'net %namespaces)
                        %namespaces))
        (hostname host-name)
        (host-uids host-uids)
        (console console)
        (stdio stdio)
        (init #f)))))

(define (system-etc-shadows system)
  "Return a predicate that tells whether a host file name is shadowed by
SYSTEM's /etc, SYSTEM being a system directory in the store: whether it is
an entry of /etc that SYSTEM declares, or beneath one.  An entry that is the
host's own file at the same place (as netbase's /etc/services may be) does
not shadow.  The system's declaration wins over a host package's
configuration file (shadow's /etc/login.defs, say), in a system container
and in an image."
  (define declared
    (remove (lambda (name)
              (equal? (false-if-exception
                       (canonicalize-path
                        (string-append system "/etc/" name)))
                      (string-append "/etc/" name)))
            (or (scandir (string-append system "/etc")
                         (lambda (name) (not (member name '("." "..")))))
                '())))
  (lambda (file)
    (any (lambda (name)
           (let ((entry (string-append "/etc/" name)))
             (or (string=? file entry)
                 (string-prefix? (string-append entry "/") file))))
         declared)))

(define (system-host-mounts system items)
  ;; The host files ITEMS record (see add-host-item-mounts), but for those
  ;; SYSTEM's /etc shadows.
  (define shadowed? (system-etc-shadows system))
  (let-values (((mounts links) (add-host-item-mounts items '() '())))
    (values (remove (lambda (fs) (shadowed? (file-system-mount-point fs)))
                    mounts)
            (remove (lambda (link) (shadowed? (car link))) links))))

(define (%guile-program*)
  ((@ (byre host) host-guile-program)))

(define %boot-timeout
  ;; Seconds a system container's init has to open its socket and start
  ;; its services before --exec gives up.
  (make-parameter 300))

(define (connect-to-init socket)
  ;; Return a connection to the init's SOCKET, or #f while the init has
  ;; bound it but does not listen yet (ECONNREFUSED: the file is made by
  ;; bind, before listen).
  (catch 'system-error
    (lambda ()
      ((module-ref (resolve-interface '(byre build shepherd-comm))
                   'open-connection)
       socket))
    (lambda args
      (if (= (system-error-errno args) ECONNREFUSED)
          #f
          (apply throw args)))))

(define (starting? result)
  ;; Whether RESULT, a status reply's s-expression, shows a service whose
  ;; status is `starting'.
  (match result
    (('status 'starting) #t)
    ((head . tail) (or (starting? head) (starting? tail)))
    (_ #f)))

(define (wait-for-boot pid)
  ;; Return once the init of the container PID has started its services:
  ;; its socket exists, and it answers a first command, which it reads
  ;; only once its configuration file, and what it starts in the
  ;; background, are done.  Raise an error if it exits first or takes
  ;; more than %boot-timeout seconds.
  (define root (string-append "/proc/" (number->string pid) "/root"))
  (define socket (string-append root "/run/shepherd/socket"))
  (define deadline (+ (current-time) (%boot-timeout)))
  (let loop ()
    (cond ((not (file-exists? (string-append "/proc/" (number->string pid))))
           (raise (make-user-error "the system container exited before its \
services started" '())))
          ((> (current-time) deadline)
           (raise (make-user-error "the system container's init did not \
start its services within ~a seconds" (list (%boot-timeout)))))
          ((and (file-exists? socket) (connect-to-init socket))
           => (lambda (sock)
                (let* ((comm (resolve-interface '(byre build shepherd-comm)))
                       (reply
                        (dynamic-wind
                          (const #t)
                          (lambda ()
                            ((module-ref comm 'write-command)
                             ((module-ref comm 'shepherd-command) 'status 'root)
                             sock)
                            ((module-ref comm 'read-reply) sock))
                          (lambda () (close-port sock)))))
                  ;; A start that waits (for a PID file) lets the init
                  ;; answer meanwhile: wait until no service is starting.
                  (when (starting? ((module-ref comm 'reply->sexp)
                                    reply))
                    (usleep 20000)
                    (loop)))))
          (else
           (usleep 20000)
           (loop)))))

(define %exec-environment
  ;; What --exec's command finds in the container.
  '("PATH=/run/setuid-programs:/run/current-system/profile/bin:\
/run/current-system/profile/sbin"
    "HOME=/root" "USER=root" "LOGNAME=root" "SHELL=/bin/sh" "LANG=C.UTF-8"))

(define (exec-in-system pid command)
  ;; Run COMMAND, a shell command line, in the system container PID with
  ;; the system's bash; return its waitpid status.
  (let ((bash (string-append "/proc/" (number->string pid)
                             "/root/run/current-system/profile/bin/bash")))
    (unless (file-exists? bash)
      (raise (make-user-error "--exec: the system has no bash in its \
profile to run ~s" (list command)
                              #:hint "add bash to the packages of the \
operating system")))
    (container-exec pid (list "/run/current-system/profile/bin/bash"
                              "-c" command)
                    #:environment %exec-environment
                    #:directory "/root")))

(define* (run-system-container system file-systems
                               #:key (mappings '()) shared-network?
                               host-name (host-uids 65536)
                               store-directory state-directory
                               exec-command
                               (pid-files '())
                               script configuration
                               (process-spawned-hook (const #t)))
  "Run SYSTEM, a system directory, in a container (see
system-container-spec), record it in the registry of running containers
(see register-container: SCRIPT and CONFIGURATION are the file names it
shows) until it stops, call PROCESS-SPAWNED-HOOK with its PID once it is
started, write that PID to each of PID-FILES, and wait for it.  SIGINT and
SIGTERM sent meanwhile go to its init, which stops every service and
exits.  With EXEC-COMMAND, a shell command line, run it in the container
once its services have started, then stop the container.  Return the
waitpid status of the container, or of EXEC-COMMAND when it is given and
the container then stopped cleanly."
  (let* ((spec (system-container-spec system file-systems
                                      #:mappings mappings
                                      #:shared-network? shared-network?
                                      #:host-name host-name
                                      #:host-uids host-uids
                                      #:store-directory store-directory
                                      #:state-directory state-directory))
         (pid (start-container spec))
         (status #f)
         (entry #f))
    (dynamic-wind
      (const #t)
      (lambda ()
        (call-with-relayed-signals* pid (container-spec-relayed-signals spec)
          (lambda ()
            (set! entry (register pid script configuration host-name
                                  (if shared-network? 'host 'private)))
            (for-each (lambda (file)
                        (call-with-output-file file
                          (lambda (port) (write pid port) (newline port))))
                      pid-files)
            (process-spawned-hook pid)
            (let ((command-status
                   (and exec-command
                        (begin
                          (wait-for-boot pid)
                          (let ((status (exec-in-system pid exec-command)))
                            (kill pid SIGTERM)
                            status)))))
              (set! status ((@@ (byre container) wait-status) pid))
              (if (and command-status (zero? status))
                  command-status
                  status)))))
      (lambda ()
        ;; An error (say, --exec's) leaves no container behind.
        (unless status
          (false-if-exception (kill pid SIGKILL))
          (false-if-exception ((@@ (byre container) wait-status) pid)))
        (when entry
          (false-if-exception (unregister-container entry)))))))

(define (register pid script configuration host-name network)
  ;; Record the container PID, started by this process, in the registry;
  ;; return the entry's file, or #f after a warning when the registry
  ;; cannot be written (the container runs, unlisted).
  (guard (c ((message-condition? c)
             (format (current-error-port)
                     "byre: warning: ~a; byre container list will not \
show this container~%" (condition-message c))
             #f))
    (catch 'system-error
      (lambda ()
        (register-container pid (getpid)
                            #:script (or script (car (command-line)))
                            #:configuration configuration
                            #:host-name host-name
                            #:network network))
      (lambda args
        (raise (make-user-error "cannot write the container registry: ~a"
                                (list (strerror
                                       (system-error-errno args)))))))))

(define (call-with-relayed-signals* pid signals thunk)
  ((@@ (byre container) call-with-relayed-signals) pid signals thunk))


;;;
;;; The script.
;;;

(define (show-script-help program)
  (format #t "Usage: ~a [OPTION]...
Run the system container this script was made for.

      --share=SPEC       share the host's file system read-write as SPEC,
                         SOURCE or SOURCE=TARGET
      --expose=SPEC      expose the host's file system read-only as SPEC
  -N, --network          share the host's network
      --pid-file=FILE    write the PID of the container's init to FILE
      --exec=COMMAND     once the services have started, run COMMAND, a
                         shell command line, in the container, then stop
                         it; exit with COMMAND's status
  -h, --help             display this help and exit

SIGINT or SIGTERM stops its services and the container.
" program))

(define (script-options)
  (list (option '(#\h "help") #f #f
                (lambda (opt name arg result)
                  (show-script-help (basename (car (command-line))))
                  (exit 0)))
        (option '("share") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'mapping
                              (specification->file-system-mapping arg #t)
                              result)))
        (option '("expose") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'mapping
                              (specification->file-system-mapping arg #f)
                              result)))
        (option '(#\N "network") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'network? #t result)))
        (option '("pid-file") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'pid-file arg result)))
        (option '("exec") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'exec arg result)))))

(define (explain pid)
  (format (current-error-port) "\
system container is running as PID ~a
Run '~abyre container exec ~a /run/current-system/profile/bin/bash --login'
or 'byre herd --pid ~a status' to see its services.~%~%"
          pid (if (zero? (getuid)) "sudo " "") pid pid)
  (force-output (current-error-port)))

(define* (container-script-main system specs args
                               #:key shared-network? host-name
                               store-directory state-directory)
  "Run SYSTEM, a system directory, in a container as the script made by
container-script does, with the file systems of SPECS (as file-system->spec
makes them) and ARGS, the script's command-line arguments (--share,
--expose, --network, --pid-file).  SYSTEM is in the store of
STORE-DIRECTORY and STATE-DIRECTORY.  Exit with the container's status."
  (define opts
    (call-with-error-handling*
     (lambda ()
       (args-fold args (script-options)
                  (lambda (opt name arg result)
                    (raise (make-user-error "~a: unrecognized option"
                                            (list (if (char? name)
                                                      (string #\- name)
                                                      (string-append
                                                       "--" name)))
                                            #:hint "try --help")))
                  (lambda (operand result)
                    (raise (make-user-error "~a: unexpected argument"
                                            (list operand)
                                            #:hint "try --help")))
                  '()))))
  (define (all key)
    (filter-map (match-lambda
                  ((k . value) (and (eq? k key) value)))
                (reverse opts)))
  (define configuration
    ;; The configuration file `byre system container --run' was given.
    (let ((file (getenv "BYRE_CONTAINER_CONFIGURATION")))
      (unsetenv "BYRE_CONTAINER_CONFIGURATION")
      (and file (not (string-null? file)) file)))
  (let* ((shared? (or shared-network? (assq-ref opts 'network?)))
         ;; -N on a script made without it: the host's network files
         ;; that the system's /etc does not have.
         (mappings (append (all 'mapping)
                           (if (and shared? (not shared-network?))
                               (remove (lambda (mapping)
                                         (file-exists?
                                          (string-append
                                           system "/etc/"
                                           (basename
                                            (file-system-mapping-target
                                             mapping)))))
                                       %network-file-mappings)
                               '())))
         (file-systems
          (filter (lambda (fs)
                    (or (not (memq 'bind-mount (file-system-flags fs)))
                        (file-exists? (file-system-device fs))))
                  (map spec->file-system specs)))
         (status (call-with-error-handling*
                  (lambda ()
                    (run-system-container system file-systems
                                          #:mappings mappings
                                          #:shared-network? shared?
                                          #:host-name host-name
                                          #:store-directory store-directory
                                          #:state-directory state-directory
                                          #:pid-files (all 'pid-file)
                                          #:configuration configuration
                                          #:exec-command (assq-ref opts 'exec)
                                          #:process-spawned-hook explain)))))
    (exit (or (status:exit-val status)
              (+ 128 (or (status:term-sig status) 0))))))

(define (call-with-error-handling* thunk)
  ;; Errors said as `byre' says them, then exit 1.
  ((module-ref (resolve-interface '(byre ui)) 'call-with-error-handling)
   thunk))

(define* (container-script os #:key (mappings '()) shared-network?)
  "Return, in the store monad, the derivation of a script that runs OS in a
container, as Guix's does: MAPPINGS, a list of <file-system-mapping>, are
mounted; SHARED-NETWORK? shares the host's network.  The script takes
--share, --expose, --network and --pid-file."
  (define (mountable? fs)
    (and (not (string=? "/" (file-system-mount-point fs)))
         (file-system-needed-for-boot? fs)))
  (let* ((os (containerized-operating-system
              os mappings
              #:shared-network? shared-network?
              #:extra-file-systems %container-file-systems))
         (specs (map file-system->spec
                     (filter mountable? (operating-system-file-systems os)))))
    (mlet %store-monad ((system (operating-system-derivation os)))
      (let-values (((load compiled extensions uninstalled?)
                    (byre-runtime-directories)))
        (gexp->script
         "run-container"
         (gexp (begin
                 (ungexp-splicing (byre-program-prelude))
                 (parameterize ((guile-extensions-path
                                 (append '(ungexp extensions)
                                         (guile-extensions-path))))
                   ((module-ref (resolve-interface '(byre system container))
                                'container-script-main)
                    (ungexp system)
                    '(ungexp specs)
                    (cdr (command-line))
                    #:shared-network? (ungexp shared-network?)
                    ;; The store the script was made in, whoever runs it.
                    #:store-directory (ungexp (%store-prefix))
                    #:state-directory (ungexp (%state-directory))
                    #:host-name (ungexp (operating-system-host-name
                                         os)))))))))))

;;; container.scm ends here
