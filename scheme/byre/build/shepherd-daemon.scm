;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre build shepherd-daemon): the init's loop — PID 1 of a system
;;; container, or a user's service manager — its control socket, its
;;; signals, and its shutdown.

(define-module (byre build shepherd-daemon)
  #:use-module (byre init-core)
  #:use-module (byre build shepherd)
  #:use-module (byre build shepherd-comm)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:use-module (ice-9 match)
  #:export (run-init
            process-command
            default-config-file
            status-directory))

;;; Commentary:
;;;
;;; `run-init' loads a configuration file written against (shepherd
;;; service) — as Guix generates them — in a fresh module, then serves
;;; until it is told to stop.  One thread, one `select' over the signalfd,
;;; the listening socket and the clients; timers (respawn delays,
;;; start-in-the-background, suspended waits) are run from the same loop.
;;; A client's command that waits (for a PID file) is suspended: the loop
;;; goes on serving the others and stops reading that client until the
;;; command is over and its reply sent.
;;;
;;; SIGTERM, SIGINT and SIGHUP stop every service (dependents first), then
;;; send SIGTERM to every descendant left, wait the grace period, send
;;; SIGKILL to what remains, reap it, and exit 0.
;;;
;;; Each service's status, as the protocol writes it, is kept in a file
;;; named after the service in `status-directory' (beside the socket),
;;; rewritten at every change.
;;;
;;; Code:

(define %stopping-signals (list SIGTERM SIGINT SIGHUP))

(define (default-config-file)
  "Return the configuration file Shepherd reads by default: /etc/shepherd.scm
for root, else $XDG_CONFIG_HOME/shepherd/init.scm."
  (if (zero? (getuid))
      "/etc/shepherd.scm"
      (string-append (or (getenv "XDG_CONFIG_HOME")
                         (string-append (or (getenv "HOME") "") "/.config"))
                     "/shepherd/init.scm")))

(define (status-directory socket-file)
  "Return the directory of the per-service status files of the init that
listens on SOCKET-FILE."
  (string-append (dirname socket-file) "/services"))

(define (status-file-name directory service)
  (string-append directory "/"
                 (string-map (lambda (c) (if (char=? c #\/) #\- c))
                             (symbol->string
                              (service-canonical-name service)))))

(define (write-status-file directory service)
  ;; Atomically: a reader never sees half a record.
  (let* ((file (status-file-name directory service))
         (temporary (string-append file ".new")))
    (call-with-output-file temporary
      (lambda (port)
        (write (result->sexp service) port)
        (newline port)))
    (rename-file temporary file)))


;;;
;;; Commands.
;;;

(define (process-command command)
  "Perform COMMAND, a <shepherd-command>, and return two values: its reply
and whether the init must now exit."
  (match command
    (($ <shepherd-command> _ action name arguments _)
     (let* ((quit? #f)
            (outcome
             (call-with-values
                 (lambda ()
                   (call-with-message-collection
                    (lambda ()
                      (catch 'quit
                        (lambda ()
                          (guard (c ((service-error? c)
                                     (list #f (condition->sexp c))))
                            (list (perform action name arguments) #f)))
                        (lambda _
                          (set! quit? #t)
                          (list #t #f))))))
               (lambda (value messages)
                 (match value
                   ((result error)
                    (command-reply command result error messages)))))))
       (values outcome quit?)))))

(define (perform action name arguments)
  ;; The result of ACTION on the service NAME, as Shepherd 0.10's daemon
  ;; returns it: the service (or #f) for start, the names stopped for
  ;; stop, a one-element list of the action's value otherwise.
  (let ((service (or (lookup-service name)
                     (raise (condition (&missing-service-error (name name)))))))
    (case action
      ((start)
       (if (eq? 'running (service-status service))
           (begin
             (local-output "Service ~a is already running."
                           (service-canonical-name service))
             service)
           (and (apply start-service service arguments) service)))
      ((stop)
       (if (service-stopped? service)
           '()
           (map service-canonical-name
                (apply stop-service service arguments))))
      (else
       (list (apply perform-service-action service action arguments))))))


;;;
;;; Clients.
;;;

(define %maximum-request-size 65536)

(define (take-datum buffer)
  ;; If BUFFER, a string, starts with a complete datum, return it and the
  ;; rest of BUFFER; else #f and BUFFER.
  (let ((port (open-input-string buffer)))
    (catch #t
      (lambda ()
        (let ((datum (read port)))
          (if (eof-object? datum)
              (values #f "")
              (values datum (substring buffer (ftell port))))))
      (lambda _ (values #f buffer)))))

(define (serve-client! client)
  ;; Read what CLIENT, a (socket . buffer) pair, sent and answer each
  ;; complete command.  Return #f once the client is gone, 'quit if a
  ;; command asked the init to exit, else #t.
  (match client
    ((sock . buffer)
     (let* ((bv (make-bytevector 4096))
            (count (catch 'system-error
                     (lambda () (recv! sock bv))
                     (const 0))))
       (if (zero? count)
           #f
           (let loop ((buffer (string-append
                               buffer
                               (utf8->string
                                (let ((out (make-bytevector count)))
                                  (bytevector-copy! bv 0 out 0 count)
                                  out)))))
             (call-with-values (lambda () (take-datum buffer))
               (lambda (datum rest)
                 (cond
                  (datum
                   (match (sexp->command datum)
                     (#f
                      (local-output "Invalid command.")
                      (set-cdr! client rest)
                      (loop rest))
                     (command
                      (call-with-values (lambda () (process-command command))
                        (lambda (reply quit?)
                          (catch 'system-error
                            (lambda () (write-reply reply sock))
                            (const #f))
                          (if quit?
                              'quit
                              (begin
                                (set-cdr! client rest)
                                (loop rest))))))))
                  ((> (string-length rest) %maximum-request-size) #f)
                  (else
                   (set-cdr! client rest)
                   #t))))))))))

(define (utf8->string bv)
  ((@ (rnrs bytevectors) utf8->string) bv))
(define (make-bytevector n)
  ((@ (rnrs bytevectors) make-bytevector) n))
(define (bytevector-copy! . args)
  (apply (@ (rnrs bytevectors) bytevector-copy!) args))


;;;
;;; Stopping.
;;;

(define (terminate-remaining-processes grace-period)
  ;; SIGTERM to every descendant left, SIGKILL to those still there after
  ;; GRACE-PERIOD seconds, then reap them all.
  (define (left) (begin (reap-children!) (descendant-processes)))
  (let ((pids (left)))
    (unless (null? pids)
      (local-output "Sending SIGTERM to ~a remaining processes." (length pids))
      (for-each (lambda (pid) (catch-system-error (kill pid SIGTERM))) pids)
      (let ((deadline (+ (current-time) grace-period)))
        (let loop ()
          (unless (or (null? (left)) (> (current-time) deadline))
            (wait-for-events 0.05)
            (loop))))
      (let ((pids (left)))
        (unless (null? pids)
          (local-output "Sending SIGKILL to ~a remaining processes."
                        (length pids))
          (for-each (lambda (pid) (catch-system-error (kill pid SIGKILL)))
                    pids)
          (let loop ()
            (unless (null? (left))
              (wait-for-events 0.05)
              (loop))))))))

(define (stop-everything!)
  ;; Stop root (hence every service), then what is left.
  (catch 'quit
    (lambda () (stop-service root-service))
    (const #f))
  (terminate-remaining-processes (default-process-termination-grace-period)))


;;;
;;; The loop.
;;;

(define (report-config-error file key args)
  (format (current-error-port) "byre init: error: while loading ~a:~%~a" file
          (call-with-output-string
            (lambda (port) (print-exception port #f key args)))))

(define* (run-init config-file #:key (socket-file (default-socket-file))
                   (log-port (current-output-port)))
  "Run the init: load CONFIG-FILE (which registers and starts services
with (shepherd service)), listen on SOCKET-FILE, log to LOG-PORT, and
serve until SIGTERM, SIGINT, SIGHUP or 'herd stop root'; then stop every
service and every process left and return 0.  Return 1 if CONFIG-FILE
cannot be loaded (PID 1 keeps running with the root service instead)."
  (define pid1? (= 1 (getpid)))
  (define signals (%open-signal-descriptor (cons SIGCHLD %stopping-signals)))
  (unless pid1?
    (%become-subreaper!))
  (mkdir-p (dirname socket-file) #o700)
  (let ((server (open-server-socket socket-file))
        (statuses (status-directory socket-file)))
    (mkdir-p statuses #o755)
    (define (clean-up!)
      (close-port server)
      (catch-system-error (delete-file socket-file))
      (for-each (lambda (service)
                  (catch-system-error
                   (delete-file (status-file-name statuses service))))
                (service-list)))
    (parameterize ((log-output-port log-port)
                   (%signal-descriptor signals)
                   (current-output-port (make-message-port)))
      (set-service-status-hook! (lambda (service)
                                  (write-status-file statuses service)))
      (for-each-service (lambda (service) (write-status-file statuses service)))
      (local-output "byre init ~a listening on ~a." (getpid) socket-file)
      (if (catch #t
            (lambda ()
              (local-output "Loading ~a." config-file)
              (save-module-excursion
               (lambda ()
                 (set-current-module
                  ((@@ (byre build shepherd) user-module)))
                 (primitive-load config-file)))
              #t)
            (lambda (key . args)
              (report-config-error config-file key args)
              (local-output "Could not load ~a." config-file)
              #f))
          (serve server signals clean-up!)
          (if pid1?
              (serve server signals clean-up!)
              (begin
                (stop-everything!)
                (clean-up!)
                1))))))

(define (serve server signals clean-up!)
  ;; CLIENTS are (socket . buffer) pairs; BUSY, the sockets whose command
  ;; is suspended (waiting for a PID file, say): they are not read until
  ;; it is over, so their replies keep the order of their commands.
  (define clients '())
  (define busy '())
  (define quit? #f)
  (define (serve! client)
    (set! busy (cons (car client) busy))
    (call-with-suspension
     (lambda ()
       (let ((outcome (serve-client! client)))
         (set! busy (delq (car client) busy))
         (case outcome
           ((#f)
            (close-port (car client))
            (set! clients (delq client clients)))
           ((quit)
            (set! quit? #t)))))))
  (define (stopping-signal? signals)
    (any (lambda (sig) (memv sig %stopping-signals)) signals))
  (let loop ()
    (dispatch-terminations!)
    (run-due-timers!)
    (dispatch-terminations!)
    (cond
     (quit?
      (for-each (lambda (client) (close-port (car client))) clients)
      (terminate-remaining-processes (default-process-termination-grace-period))
      (clean-up!)
      0)
     ((stopping-signal? ((@@ (byre build shepherd) take-pending-signals!)))
      (finish clean-up!))
     (else
      (let* ((timeout (next-timer-delay))
             (idle (remove (lambda (client) (memq (car client) busy))
                           clients))
             (ready (match (catch 'system-error
                             (lambda ()
                               (let ((fds (cons* signals server
                                                 (map car idle))))
                                 (if timeout
                                     (select fds '() '()
                                             (inexact->exact (floor timeout))
                                             (inexact->exact
                                              (round (* 1e6 (- timeout (floor timeout))))))
                                     (select fds '() '()))))
                             (lambda args
                               (if (= EINTR (system-error-errno args))
                                   '(() () ())
                                   (apply throw args))))
                      ((readable _ _) readable))))
        (cond
         ((and (memv signals ready)
               (begin
                 (reap-children!)
                 (stopping-signal? (%read-signals signals))))
          (reap-children!)
          (finish clean-up!))
         (else
          (when (memq server ready)
            (match (catch 'system-error
                     (lambda () (accept server SOCK_CLOEXEC))
                     (const #f))
              ((sock . _) (set! clients (cons (cons sock "") clients)))
              (#f #f)))
          (for-each (lambda (client)
                      (when (and (memq (car client) ready) (not quit?))
                        (serve! client)))
                    idle)
          (loop))))))))

(define (finish clean-up!)
  (local-output "Stopping on a signal.")
  (stop-everything!)
  (local-output "All processes are gone; exiting.")
  (clean-up!)
  0)
