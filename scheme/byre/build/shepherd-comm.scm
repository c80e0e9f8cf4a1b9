;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre build shepherd-comm): Shepherd's control protocol, for the init
;;; and its clients (`byre herd', Shepherd's own herd).

(define-module (byre build shepherd-comm)
  #:use-module (srfi srfi-9)
  #:use-module (ice-9 match)
  #:use-module ((ice-9 binary-ports) #:select (put-bytevector))
  #:use-module ((rnrs bytevectors) #:select (string->utf8))
  #:export (%protocol-version
            default-socket-file

            <shepherd-command>
            shepherd-command
            shepherd-command?
            shepherd-command-version
            shepherd-command-action
            shepherd-command-service
            shepherd-command-arguments
            shepherd-command-directory
            command->sexp
            sexp->command

            <command-reply>
            command-reply
            command-reply?
            command-reply-command
            command-reply-result
            command-reply-error
            command-reply-messages
            reply->sexp

            write-command
            read-command
            write-reply
            read-reply

            define-record-type-serializer
            result->sexp
            error-sexp->message

            open-connection
            open-server-socket))

;;; Commentary:
;;;
;;; A client connects to the init's Unix-domain socket and writes one
;;; s-expression per command:
;;;
;;;   (shepherd-command (version 0) (action status) (service root)
;;;                     (arguments ()) (directory "/"))
;;;
;;; and reads one reply:
;;;
;;;   (reply (version 0) (result …) (error #f) (messages ("…" …)))
;;;
;;; both written with `write' in UTF-8, as GNU Shepherd 0.10 does, so that
;;; either side may be Shepherd's.  Errors are (error (version 0) KIND …)
;;; with KIND service-not-found, action-not-found or action-exception.
;;;
;;; Code:

(define %protocol-version '(0))

(define (default-socket-file)
  "Return the socket the init listens on by default: /var/run/shepherd/socket
for root, else $XDG_RUNTIME_DIR/shepherd/socket (or /run/user/UID/…), as
Shepherd chooses them."
  (if (zero? (getuid))
      "/var/run/shepherd/socket"
      (string-append (or (getenv "XDG_RUNTIME_DIR")
                         (string-append "/run/user/"
                                        (number->string (getuid))))
                     "/shepherd/socket")))

(define-record-type <shepherd-command>
  (%shepherd-command version action service arguments directory)
  shepherd-command?
  (version   shepherd-command-version)            ;list of integers
  (action    shepherd-command-action)             ;symbol
  (service   shepherd-command-service)            ;symbol
  (arguments shepherd-command-arguments)          ;list of strings
  (directory shepherd-command-directory))         ;string

(define* (shepherd-command action service
                           #:key (version %protocol-version)
                           (arguments '()) (directory (getcwd)))
  "Return a command asking for ACTION (a symbol) on SERVICE (a symbol) with
ARGUMENTS, a list of strings, from DIRECTORY."
  (%shepherd-command version action service arguments directory))

(define (command->sexp command)
  "Return the s-expression that stands for COMMAND on the wire."
  (match command
    (($ <shepherd-command> version action service arguments directory)
     `(shepherd-command (version ,@version)
                        (action ,action)
                        (service ,service)
                        (arguments ,arguments)
                        (directory ,directory)))))

(define (sexp->command sexp)
  "Return the command SEXP stands for, or #f if it is not a command of
protocol version 0."
  (match sexp
    (('shepherd-command ('version 0 _ ...)
                        ('action (? symbol? action))
                        ('service (? symbol? service))
                        ('arguments ((? string? arguments) ...))
                        ('directory (? string? directory)))
     (shepherd-command action service
                       #:arguments arguments #:directory directory))
    (_ #f)))

(define-record-type <command-reply>
  (command-reply command result error messages)
  command-reply?
  (command  command-reply-command)                ;<shepherd-command>
  (result   command-reply-result)                 ;s-expression
  (error    command-reply-error)                  ;#f | s-expression
  (messages command-reply-messages))              ;list of strings

(define (reply->sexp reply)
  "Return the s-expression that stands for REPLY on the wire."
  (match reply
    (($ <command-reply> _ result error messages)
     `(reply (version 0)
             (result ,(result->sexp result))
             (error ,error)
             (messages ,messages)))))

(define (write-sexp sexp port)
  ;; SEXP in UTF-8 in one write: the init's sockets are unbuffered, and a
  ;; `write' to them is a system call a token (a status reply of 20
  ;; services was thousands of them).
  (put-bytevector port (string->utf8 (object->string sexp)))
  (force-output port))

(define (write-command command port)
  "Write COMMAND to PORT and flush it."
  (write-sexp (command->sexp command) port))

(define (read-command port)
  "Read a command from PORT; return it, the end-of-file object, or #f for
something that is not a command."
  (match (catch 'read-error (lambda () (read port)) (const #f))
    ((? eof-object? eof) eof)
    (sexp (sexp->command sexp))))

(define (write-reply reply port)
  "Write REPLY to PORT and flush it."
  (write-sexp (reply->sexp reply) port))

(define (read-reply port)
  "Read a reply from PORT and return it as a <command-reply> whose command
is #f, or the end-of-file object."
  (match (read port)
    ((? eof-object? eof) eof)
    (('reply ('version 0 _ ...) ('result result) ('error error)
             ('messages (messages ...)))
     (command-reply #f result error messages))
    (other
     (error "invalid reply from the init" other))))

(define %record-serializers
  ;; Record type descriptor → procedure returning an s-expression.
  (make-hash-table))

(define-syntax-rule (define-record-type-serializer (name (obj type)) body ...)
  "Make NAME the procedure that turns OBJ, a record of TYPE, into the
s-expression that represents it in replies."
  (begin
    (define (name obj) body ...)
    (hashq-set! %record-serializers type name)))

(define (result->sexp obj)
  "Return OBJ as valid read syntax: records by their serializer, other
unreadable objects as their printed representation (a string)."
  (cond ((or (boolean? obj) (number? obj) (symbol? obj) (string? obj)
             (keyword? obj) (null? obj))
         obj)
        ((pair? obj)
         (cons (result->sexp (car obj)) (result->sexp (cdr obj))))
        ((and (struct? obj) (hashq-ref %record-serializers (struct-vtable obj)))
         => (lambda (serialize) (serialize obj)))
        (else (object->string obj))))

(define (error-sexp->message error)
  "Return the sentence that describes ERROR, an error s-expression of a
reply, as Shepherd's herd words it."
  (match error
    (('error ('version 0 _ ...) 'service-not-found service)
     (format #f "service '~a' could not be found" service))
    (('error ('version 0 _ ...) 'action-not-found action service)
     (format #f "service '~a' does not have an action '~a'" service action))
    (('error ('version 0 _ ...) 'action-exception action service key args)
     (format #f "exception caught while executing '~a' on service '~a': ~a ~s"
             action service key args))
    (_ (format #f "something went wrong: ~s" error))))

(define* (open-connection #:optional (file (default-socket-file)))
  "Connect to the init's socket FILE and return the socket, a port.  A
failure raises a system-error naming FILE."
  (with-fluids ((%default-port-encoding "UTF-8"))
    (let ((sock (socket PF_UNIX (logior SOCK_STREAM SOCK_CLOEXEC) 0)))
      (catch 'system-error
        (lambda ()
          (connect sock (make-socket-address PF_UNIX file)))
        (lambda args
          (close-port sock)
          (throw 'system-error "open-connection" "~A: ~A"
                 (list file (strerror (system-error-errno args)))
                 (list (system-error-errno args)))))
      ;; A socket port is unbuffered: a reply would be read a byte a system
      ;; call (6,000 reads for `status' of 20 services).  write-command
      ;; flushes.
      (setvbuf sock 'block)
      sock)))

(define (open-server-socket file)
  "Listen on a Unix-domain socket at FILE, replacing any file there, and
return it (non-blocking, close-on-exec, readable and writable by its owner
only)."
  (with-fluids ((%default-port-encoding "UTF-8"))
    (let ((sock (socket PF_UNIX (logior SOCK_STREAM SOCK_NONBLOCK SOCK_CLOEXEC) 0)))
      (catch 'system-error
        (lambda () (delete-file file))
        (lambda args
          (unless (= ENOENT (system-error-errno args))
            (apply throw args))))
      (let ((mask (umask #o077)))
        (bind sock (make-socket-address PF_UNIX file))
        (umask mask))
      (listen sock 16)
      sock)))
