;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre machine-repl): the REPL that programs talk to, `byre repl -t
;;; machine', speaking the protocol of `guix repl -t machine'.

(define-module (byre machine-repl)
  #:use-module (ice-9 match)
  #:export (machine-repl
            send-repl-response))

;;; Commentary:
;;;
;;; A tool (an editor, Guix's inferiors, a test) reads and writes
;;; s-expressions:
;;;
;;;   server: (repl-version 0 1 1)
;;;   client: (() repl-version 0 1 1)        ; optional: the client's version
;;;   client: (+ 1 2)
;;;   server: (values (value 3))
;;;   client: (values 1 (current-module))
;;;   server: (values (value 1) (non-self-quoting 139… "#<directory …>"))
;;;   client: (car '())
;;;   server: (exception (arguments wrong-type-arg (value "car") …)
;;;                      (stack (PROCEDURE (FILE LINE COLUMN)) …))
;;;
;;; Clients of protocol (0 0) get exceptions as (exception KEY VALUE…),
;;; without the stack.
;;;
;;; Code:

(define (readable? object)
  ;; Whether OBJECT's written form reads back as an equal object.
  (or (number? object) (string? object) (symbol? object) (keyword? object)
      (boolean? object) (char? object) (null? object) (pair? object)
      (array? object)))

(define (value->reply object)
  (if (readable? object)
      `(value ,object)
      `(non-self-quoting ,(object-address object) ,(object->string object))))

(define (frame->reply frame)
  ;; (NAME (FILE LINE COLUMN)), with #f where the frame does not know.
  (list (frame-procedure-name frame)
        (match (frame-source frame)
          ((_ (? string? file) (? integer? line) . (? integer? column))
           (list file line column))
          (_ (list #f #f #f)))))

(define (stack-frames stack)
  (let loop ((i (- (stack-length stack) 1)) (frames '()))
    (if (< i 0)
        frames
        (loop (- i 1) (cons (stack-ref stack i) frames)))))

(define (with-stack? version)
  ;; Protocol (0 1 1) and later carry the stack of an exception.
  (match version
    ((0 1 (? positive?) . _) #t)
    ((0 (? (lambda (minor) (> minor 1))) . _) #t)
    (_ #f)))

(define* (send-repl-response expression output
                             #:key (version '(0 0)) (module (current-module))
                             (prompt #f))
  "Evaluate EXPRESSION in MODULE and write its reply to the port OUTPUT,
on one line: (values REPLY…), one REPLY a value, or (exception …) when it
raised one, with the stack for clients of protocol VERSION (0 1 1) and
later (PROMPT, a prompt tag, bounds that stack)."
  (define (reply sexp)
    (write sexp output)
    (newline output)
    (force-output output))

  (define stack #f)

  (catch #t
    (lambda ()
      (reply `(values ,@(map value->reply
                             (call-with-values
                                 (lambda () (eval expression module))
                               list)))))
    (lambda (key . arguments)
      (reply (if (with-stack? version)
                 `(exception (arguments ,key ,@(map value->reply arguments))
                             (stack ,@(map frame->reply
                                           (if stack (stack-frames stack)
                                               '()))))
                 `(exception ,key ,@(map value->reply arguments)))))
    (lambda (key . arguments)
      ;; Before unwinding, so that the stack is that of the error.
      (when (with-stack? version)
        (set! stack (if prompt
                        (make-stack #t 2 prompt)
                        (make-stack #t 2)))))))

(define* (machine-repl #:optional (input (current-input-port))
                       (output (current-output-port))
                       #:key (module (current-module)))
  "Run the machine REPL over the ports INPUT and OUTPUT, evaluating in
MODULE, until INPUT ends: announce (repl-version 0 1 1), take the client's
version if its first message is (() repl-version MAJOR MINOR …), then
answer each expression read with `send-repl-response'."
  (define prompt (make-prompt-tag "machine-repl"))

  (define (serve expression version)
    (unless (eof-object? expression)
      (send-repl-response expression output
                          #:version version #:module module
                          #:prompt prompt)
      (serve (read input) version)))

  (write '(repl-version 0 1 1) output)
  (newline output)
  (force-output output)
  (call-with-prompt prompt
    (lambda ()
      (match (read input)
        ((() 'repl-version version ...) (serve (read input) version))
        (expression (serve expression '(0 0)))))
    (const #f)))

;;; machine-repl.scm ends here
