;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre scripts init): the `byre init' command, byre's Shepherd-compatible
;;; init, run standalone (a user's service manager) or as PID 1.

(define-module (byre scripts init)
  #:use-module (byre ui)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-37)
  #:use-module (ice-9 match)
  #:export (byre-init))

;;; Commentary:
;;;
;;; The options are Shepherd's: --config, --socket, --logfile.  The init's
;;; modules are resolved only once the command line is understood, so that
;;; `byre init --help' is quick.
;;;
;;; Code:

(define (show-help)
  (display "Usage: byre init [OPTION]...
Run byre's init, compatible with the GNU Shepherd: load the configuration
file, which registers services with (shepherd service) and starts them,
then serve commands on the control socket until SIGTERM, SIGINT, SIGHUP or
'byre herd stop root'; stop every service, dependents first, and every
process left, then exit 0.

  -c, --config=FILE      read the configuration from FILE (default
                         /etc/shepherd.scm for root, else
                         $XDG_CONFIG_HOME/shepherd/init.scm)
  -s, --socket=FILE      listen on FILE (default /var/run/shepherd/socket
                         for root, else $XDG_RUNTIME_DIR/shepherd/socket)
  -l, --logfile=FILE     log to FILE (default: standard output, or
                         /var/log/messages when PID 1)
  -h, --help             display this help and exit
  -V, --version          display version information and exit

Each service's status is kept in a file named after it in the directory
'services' beside the socket.  See 'info byre \"The Init\"'.
")
  (show-bug-report-information))

(define (option-setter key)
  (lambda (opt name arg result)
    (acons key arg result)))

(define %options
  (list (option '(#\c "config") #t #f (option-setter 'config))
        (option '(#\s "socket") #t #f (option-setter 'socket))
        (option '(#\l "logfile" "log") #t #f (option-setter 'log-file))
        (option '(#\h "help") #f #f (lambda _ (show-help) (exit 0)))
        (option '(#\V "version") #f #f
                (lambda _ (show-version "init") (exit 0)))))

(define (open-log file)
  ;; An appending, line-buffered port on FILE.
  (let ((port (open-file file "al")))
    (setvbuf port 'line)
    port))

(define (byre-init args)
  "Implement `byre init' with ARGS, the arguments after \"init\"; exit
with the init's status."
  (let-values (((opts operands)
                (parse-command-options args %options '() #:command "init")))
    (unless (null? operands)
      (usage-error (format #f "unexpected argument '~a'" (car operands))
                   #:command "init"))
    (let* ((daemon (resolve-interface '(byre build shepherd-daemon)))
           (comm (resolve-interface '(byre build shepherd-comm)))
           (config (or (assq-ref opts 'config)
                       ((module-ref daemon 'default-config-file))))
           (socket (or (assq-ref opts 'socket)
                       ((module-ref comm 'default-socket-file))))
           (log-file (or (assq-ref opts 'log-file)
                         (and (= 1 (getpid)) "/var/log/messages"))))
      (unless (file-exists? config)
        (leave "configuration file '~a' does not exist" config))
      (let ((log (if log-file
                     (call-with-error-handling
                      (lambda ()
                        (catch 'system-error
                          (lambda ()
                            (when (= 1 (getpid))
                              ((module-ref (resolve-interface
                                            '(byre build shepherd))
                                           'mkdir-p)
                               (dirname log-file)))
                            (open-log log-file))
                          (lambda args
                            (if (and (= 1 (getpid))
                                     (not (assq-ref opts 'log-file)))
                                (current-output-port)
                                (apply throw args))))))
                     (current-output-port))))
        (exit (call-with-error-handling
               (lambda ()
                 ((module-ref daemon 'run-init) config
                  #:socket-file socket #:log-port log))))))))
