;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre scripts herd): the `byre herd' command, a client of byre's init
;;; (or of GNU Shepherd) speaking Shepherd's protocol.

(define-module (byre scripts herd)
  #:use-module (byre ui)
  #:use-module (byre build shepherd-comm)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-37)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:export (byre-herd
            herd-socket-file))

;;; Commentary:
;;;
;;; `byre herd status' prints one line per service: its name, status, PID
;;; (the running value when it is a process) and how many times it was
;;; respawned.  With --pid PID, the socket is that of the container whose
;;; process PID is, reached through /proc/PID/root.
;;;
;;; Code:

(define (show-help)
  (display "Usage: byre herd [OPTION]... ACTION [SERVICE [ARG...]]
Apply ACTION (start, stop, restart, status, enable, disable, doc, or an
action of SERVICE) to SERVICE, through the control socket of byre's init
or of the GNU Shepherd.  Without SERVICE, ACTION applies to 'root': 'byre
herd status' lists every service with its status, PID and respawn count.

  -s, --socket=FILE      talk to the init listening on FILE (default
                         /var/run/shepherd/socket for root, else
                         $XDG_RUNTIME_DIR/shepherd/socket)
  -p, --pid=PID          talk to the init of the container whose process
                         PID is, through /proc/PID/root (with --socket,
                         FILE is the socket's name inside the container;
                         default /var/run/shepherd/socket)
  -h, --help             display this help and exit
  -V, --version          display version information and exit

Exit status: 0 on success, 1 if the action failed, 2 for a command-line
error.
")
  (show-bug-report-information))

(define %options
  (list (option '(#\s "socket") #t #f
                (lambda (opt name arg result) (acons 'socket arg result)))
        (option '(#\p "pid") #t #f
                (lambda (opt name arg result)
                  (match (string->number arg)
                    ((? exact-integer? pid)
                     (if (positive? pid)
                         (acons 'pid pid result)
                         (usage-error (format #f "invalid PID '~a'" arg)
                                      #:command "herd")))
                    (_ (usage-error (format #f "invalid PID '~a'" arg)
                                    #:command "herd"
                                    #:hint "give the number of a process \
of the container, such as its PID 1 seen from here")))))
        (option '(#\h "help") #f #f (lambda _ (show-help) (exit 0)))
        (option '(#\V "version") #f #f
                (lambda _ (show-version "herd") (exit 0)))))

(define (herd-socket-file pid socket)
  "Return the socket to connect to: SOCKET (or the default) on this host
when PID is #f, else SOCKET (default /var/run/shepherd/socket) inside the
root of process PID."
  (if pid
      (file-name-in-root (string-append "/proc/" (number->string pid) "/root")
                         (or socket "/var/run/shepherd/socket"))
      (or socket (default-socket-file))))

(define (file-name-in-root root file)
  "Return the host's name of FILE, an absolute file name inside the root
directory ROOT, with the symbolic links of FILE's directories followed
inside ROOT (a system's /var/run is a link to /run, which the host would
resolve as its own)."
  (let loop ((parts (filter (lambda (part) (not (string-null? part)))
                            (string-split file #\/)))
             (resolved "")
             (links 0))
    (match parts
      (() (string-append root (if (string-null? resolved) "/" resolved)))
      ((last) (string-append root resolved "/" last))
      ((part . rest)
       (let* ((name (string-append resolved "/" part))
              (target (false-if-exception
                       (readlink (string-append root name)))))
         (cond ((or (not target) (> links 40))
                (loop rest name links))
               ((string-prefix? "/" target)
                (loop (append (string-split (substring target 1) #\/) rest)
                      "" (+ links 1)))
               (else
                (loop (append (string-split target #\/) rest)
                      resolved (+ links 1)))))))))

(define (alist-value properties key)
  (match (assq key properties)
    ((_ value) value)
    (_ #f)))

(define (service-properties sexp)
  (match sexp
    (('service ('version 0 _ ...) properties ...) properties)
    (_ (leave "unexpected service record from the init: ~s" sexp))))

(define (display-summary services)
  (format #t "~20a ~9a ~8a ~a~%" "SERVICE" "STATUS" "PID" "RESPAWNS")
  (for-each
   (lambda (properties)
     (let* ((name (car (alist-value properties 'provides)))
            (running (alist-value properties 'running))
            (status (or (alist-value properties 'status)
                        (if running 'running 'stopped)))
            (status (if (and (eq? status 'stopped)
                             (not (alist-value properties 'enabled?)))
                        'disabled
                        status)))
       (format #t "~20a ~9a ~8a ~a~%" name status
               (if (and (exact-integer? running) (> running 1)) running "-")
               (length (or (alist-value properties 'last-respawns) '())))))
   (sort (map service-properties services)
         (lambda (a b)
           (string<? (symbol->string (car (alist-value a 'provides)))
                     (symbol->string (car (alist-value b 'provides))))))))

(define (display-service properties)
  (let ((name (car (alist-value properties 'provides))))
    (format #t "Status of ~a:~%" name)
    (format #t "  It is ~a.~%"
            (case (alist-value properties 'status)
              ((running) "running")
              ((starting) "starting")
              ((stopping) "being stopped")
              (else (if (alist-value properties 'one-shot?)
                        "stopped (one-shot)"
                        "stopped"))))
    (let ((running (alist-value properties 'running)))
      (when running
        (format #t "  Running value is ~s.~%" running)))
    (format #t "  It is ~a.~%"
            (if (alist-value properties 'enabled?) "enabled" "disabled"))
    (format #t "  Provides ~a.~%" (alist-value properties 'provides))
    (format #t "  Requires ~a.~%" (alist-value properties 'requires))
    (format #t "  ~a.~%" (if (alist-value properties 'respawn?)
                             "Will be respawned"
                             "Will not be respawned"))
    (format #t "  Respawned ~a times.~%"
            (length (or (alist-value properties 'last-respawns) '())))))

(define (run-command file action service arguments)
  ;; Send the command, print the reply, return the exit status.
  (let ((sock (call-with-error-handling (lambda () (open-connection file)))))
    (write-command (shepherd-command action service #:arguments arguments)
                   sock)
    (let ((reply (read-reply sock)))
      (close-port sock)
      (cond
       ((eof-object? reply)
        (if (and (eq? action 'stop) (memq service '(root shepherd)))
            0
            (leave "premature end of file while talking to the init")))
       (else
        (for-each (lambda (line) (display line) (newline))
                  (command-reply-messages reply))
        (match (command-reply-error reply)
          (#f
           (let ((result (command-reply-result reply)))
             (match (list action service)
               (('status (or 'root 'shepherd))
                (display-summary (first result))
                0)
               (('status _)
                (for-each (compose display-service service-properties) result)
                0)
               (('start _)
                (if result
                    0
                    (begin
                      (format (current-error-port)
                              "byre herd: failed to start service ~a~%" service)
                      1)))
               (('stop _) 0)
               (_
                (for-each (lambda (value)
                            (when (string? value) (display value) (newline)))
                          result)
                (if (every ->bool result) 0 1)))))
          (error
           (format (current-error-port) "byre herd: ~a~%"
                   (error-sexp->message error))
           1)))))))

(define (->bool x) (not (not x)))

(define (byre-herd args)
  "Implement `byre herd' with ARGS, the arguments after \"herd\"; exit with
status 0 when the action succeeded, else 1."
  (let-values (((opts operands)
                (parse-command-options args %options '() #:command "herd")))
    (let ((file (herd-socket-file (assq-ref opts 'pid) (assq-ref opts 'socket))))
      (exit
       (match operands
         ((action)
          (run-command file (string->symbol action) 'root '()))
         ((action service arguments ...)
          (run-command file (string->symbol action) (string->symbol service)
                       arguments))
         (()
          (usage-error "missing action" #:command "herd"
                       #:hint "try 'byre herd status'")))))))
