;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system registry): the running system containers, one file each,
;;; for `byre container list' and `byre container stop'.

(define-module (byre system registry)
  #:use-module (byre diagnostics)
  #:use-module (ice-9 match)
  #:use-module (ice-9 rdelim)
  #:use-module ((ice-9 ftw) #:select (scandir))
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-34)
  #:export (registry-directory
            process-start-time
            process-alive?

            registered-container?
            registered-container-pid
            registered-container-pid-start
            registered-container-launcher
            registered-container-launcher-start
            registered-container-start
            registered-container-script
            registered-container-configuration
            registered-container-host-name
            registered-container-network
            registered-container-file

            register-container
            unregister-container
            registered-containers
            find-registered-container))

;;; Commentary:
;;;
;;; A launcher (run-system-container) writes one file per container in
;;; the registry directory, named after the PID of the container's init,
;;; and removes it on its way out.  The file holds an alist: the init's and
;;; the launcher's PIDs with their start times (field 22 of /proc/PID/stat,
;;; clock ticks since boot), so that a PID reused by another process is not
;;; taken for the container, the time the container started, its script,
;;; configuration file, host name and network.  A launcher killed by
;;; SIGKILL cannot remove its file: such stale entries are ignored and
;;; removed by whoever reads the registry next.
;;;
;;; Root's registry is /run/byre/containers; another user's is
;;; $XDG_RUNTIME_DIR/byre/containers, or /tmp/byre-UID/containers without
;;; one.  Every directory on the way that byre makes is 0700; each must be
;;; a directory (not a symbolic link) owned by the user, or the registry is
;;; refused.
;;;
;;; Code:

(define-record-type <registered-container>
  (make-registered-container pid pid-start launcher launcher-start start
                             script configuration host-name network file)
  registered-container?
  (pid           %registered-container-pid)            ;the init's PID
  (pid-start     %registered-container-pid-start)      ;its start time
  (launcher      %registered-container-launcher)       ;the launcher's PID
  (launcher-start %registered-container-launcher-start) ;its start time
  (start         %registered-container-start)          ;seconds since the epoch
  (script        %registered-container-script)         ;string
  (configuration %registered-container-configuration)  ;string or #f
  (host-name     %registered-container-host-name)      ;string or #f
  (network       %registered-container-network)        ;symbol
  (file          %registered-container-file))          ;the entry's file

(define (registered-container-pid container)
  "Return, for CONTAINER (a <registered-container>),
the PID of its init."
  (%registered-container-pid container))

(define (registered-container-pid-start container)
  "Return, for CONTAINER (a <registered-container>),
its init's start time (see process-start-time)."
  (%registered-container-pid-start container))

(define (registered-container-launcher container)
  "Return, for CONTAINER (a <registered-container>),
the PID of its launcher."
  (%registered-container-launcher container))

(define (registered-container-launcher-start container)
  "Return, for CONTAINER (a <registered-container>),
its launcher's start time."
  (%registered-container-launcher-start container))

(define (registered-container-start container)
  "Return, for CONTAINER (a <registered-container>),
the time it started, in seconds since the epoch."
  (%registered-container-start container))

(define (registered-container-script container)
  "Return, for CONTAINER (a <registered-container>),
the file name of its script."
  (%registered-container-script container))

(define (registered-container-configuration container)
  "Return, for CONTAINER (a <registered-container>),
its configuration file's name, or #f."
  (%registered-container-configuration container))

(define (registered-container-host-name container)
  "Return, for CONTAINER (a <registered-container>),
its host name, or #f."
  (%registered-container-host-name container))

(define (registered-container-network container)
  "Return, for CONTAINER (a <registered-container>),
its network: private, host or none."
  (%registered-container-network container))

(define (registered-container-file container)
  "Return, for CONTAINER (a <registered-container>),
the file name of its registry entry."
  (%registered-container-file container))

(define (registry-base)
  ;; The directory under which "containers" is, and whether byre may make
  ;; its last component (the others exist or are made 0700 too).
  (let ((uid (getuid)))
    (cond ((zero? uid) "/run/byre")
          ((let ((runtime (getenv "XDG_RUNTIME_DIR")))
             (and runtime (string-prefix? "/" runtime)
                  (let ((st (false-if-exception (lstat runtime))))
                    (and st (eq? 'directory (stat:type st))
                         (= uid (stat:uid st))))
                  runtime))
           => (lambda (runtime) (string-append runtime "/byre")))
          (else (format #f "/tmp/byre-~a" uid)))))

(define (ensure-private-directory directory)
  ;; Make DIRECTORY, mode 0700, unless it exists; raise an error unless it
  ;; is then a directory, not a symbolic link, owned by the caller and
  ;; that no one else may write.
  (catch 'system-error
    (lambda () (mkdir directory #o700))
    (lambda args
      (unless (= EEXIST (system-error-errno args))
        (raise (make-user-error "cannot make the container registry ~a: ~a"
                                (list directory
                                      (strerror (system-error-errno args))))))))
  (let ((st (lstat directory)))
    (unless (and (eq? 'directory (stat:type st))
                 (= (getuid) (stat:uid st))
                 (zero? (logand (stat:perms st) #o022)))
      (raise (make-user-error "~a is not a private directory of yours: \
refusing it as the container registry" (list directory)
                              #:hint (format #f "remove ~a (it should be a \
directory of mode 0700 owned by uid ~a)" directory (getuid)))))))

(define* (registry-directory #:key (create? #t))
  "Return the directory of the current user's container registry:
/run/byre/containers for root, $XDG_RUNTIME_DIR/byre/containers or else
/tmp/byre-UID/containers for another user.  With CREATE?, make what is
missing of it, mode 0700, and raise an error when a component byre owns is
not a private directory of the user (a symbolic link, say); without it,
return #f when the directory does not exist."
  (let* ((base (registry-base))
         (directory (string-append base "/containers")))
    (if create?
        (begin
          (ensure-private-directory base)
          (ensure-private-directory directory)
          directory)
        (and (let ((st (false-if-exception (lstat directory))))
               (and st (eq? 'directory (stat:type st))
                    (= (getuid) (stat:uid st))))
             (let ((st (false-if-exception (lstat base))))
               (and st (eq? 'directory (stat:type st))
                    (= (getuid) (stat:uid st))))
             directory))))

(define (process-start-time pid)
  "Return the start time of process PID, in clock ticks since the boot
(field 22 of /proc/PID/stat), or #f when there is no such process."
  (catch 'system-error
    (lambda ()
      (let* ((line (call-with-input-file (format #f "/proc/~a/stat" pid)
                     read-line))
             ;; The command name, in parentheses, may hold spaces and
             ;; parentheses: the fields after it follow the last one.
             (rest (substring line (+ 2 (string-rindex line #\))))))
        (and=> (list-ref (string-tokenize rest) 19) string->number)))
    (const #f)))

(define (process-alive? pid start)
  "Whether process PID runs (and is not a zombie) and started at START, a
start time as process-start-time returns it."
  (catch 'system-error
    (lambda ()
      (let* ((line (call-with-input-file (format #f "/proc/~a/stat" pid)
                     read-line))
             (fields (string-tokenize
                      (substring line (+ 2 (string-rindex line #\)))))))
        (and (not (member (car fields) '("Z" "X")))
             (equal? start (string->number (list-ref fields 19))))))
    (const #f)))

(define (entry-file directory pid)
  (string-append directory "/" (number->string pid)))

(define* (register-container pid launcher
                             #:key script configuration host-name
                             (network 'private))
  "Record the system container whose init is process PID, started by the
launcher process LAUNCHER, in the current user's registry, and return the
entry's file name.  SCRIPT is the file name of its script, CONFIGURATION
that of its configuration file (or #f), HOST-NAME its host name and NETWORK
one of the symbols private, host and none."
  (let* ((directory (registry-directory))
         (file (entry-file directory pid))
         (temporary (string-append directory "/." (number->string pid)
                                   ".new"))
         (entry `((pid . ,pid)
                  (pid-start . ,(process-start-time pid))
                  (launcher . ,launcher)
                  (launcher-start . ,(process-start-time launcher))
                  (start . ,(current-time))
                  (script . ,script)
                  (configuration . ,configuration)
                  (host-name . ,host-name)
                  (network . ,network))))
    (let ((port (open temporary (logior O_WRONLY O_CREAT O_TRUNC O_NOFOLLOW)
                      #o600)))
      (write entry port)
      (newline port)
      (close-port port))
    (rename-file temporary file)
    file))

(define (unregister-container file)
  "Remove FILE, an entry of the registry as register-container returns it;
do nothing when it is already gone."
  (catch 'system-error
    (lambda () (delete-file file))
    (lambda args
      (unless (= ENOENT (system-error-errno args))
        (apply throw args)))))

(define (read-entry file)
  ;; The alist in FILE, or #f when it cannot be read or is not one.
  (catch #t
    (lambda ()
      (let ((st (lstat file)))
        (and (eq? 'regular (stat:type st))
             (= (getuid) (stat:uid st))
             (let ((value (call-with-input-file file read)))
               (and (list? value) (every pair? value) value)))))
    (const #f)))

(define (same-process? pid start)
  ;; Whether process PID runs and started at START (clock ticks).
  (and (exact-integer? pid) (positive? pid) start
       (process-alive? pid start)))

(define (entry->container alist file)
  (let ((ref (lambda (key) (assq-ref alist key))))
    (and (same-process? (ref 'pid) (ref 'pid-start))
         (same-process? (ref 'launcher) (ref 'launcher-start))
         (make-registered-container (ref 'pid) (ref 'pid-start)
                                    (ref 'launcher) (ref 'launcher-start)
                                    (ref 'start)
                                    (ref 'script) (ref 'configuration)
                                    (ref 'host-name)
                                    (or (ref 'network) 'private)
                                    file))))

(define (registered-containers)
  "Return the running system containers of the current user's registry, as
<registered-container> records ordered by PID.  Entries whose init or
launcher is gone (or whose PID another process now has) are removed."
  (let ((directory (registry-directory #:create? #f)))
    (if (not directory)
        '()
        (let ((names (or (scandir directory
                                  (lambda (name)
                                    (string->number name 10)))
                         '())))
          (sort (filter-map
                 (lambda (name)
                   (let* ((file (string-append directory "/" name))
                          (alist (read-entry file))
                          (container (and alist
                                          (entry->container alist file))))
                     (unless container
                       (false-if-exception (delete-file file)))
                     container))
                 names)
                (lambda (a b)
                  (< (registered-container-pid a)
                     (registered-container-pid b))))))))

(define (find-registered-container pid)
  "Return the running container of the registry whose init or launcher is
process PID, or #f."
  (find (lambda (container)
          (or (= pid (registered-container-pid container))
              (= pid (registered-container-launcher container))))
        (registered-containers)))

;;; registry.scm ends here
