;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre diagnostics): errors users can act on.

(define-module (byre diagnostics)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-35)
  #:use-module ((ice-9 exceptions)
                #:select (exception-with-message?
                          exception-message
                          exception-with-irritants?
                          exception-irritants))
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:export (&formatted-message
            formatted-message?
            formatted-message-string
            formatted-message-arguments
            formatted-message

            &error-location
            error-location?
            error-location

            &fix-hint
            fix-hint?
            condition-fix-hint

            make-user-error
            location->string
            report-condition

            guix-warning-port
            diagnostic-warning
            diagnostic-info
            diagnostic-error
            diagnostic-leave))

;;; Commentary:
;;;
;;; Errors in what users wrote are SRFI-35 conditions rather than strings,
;;; so that a caller can tell them apart with a guard and a front end can
;;; print them the way compilers do:
;;;
;;;   os.scm:12:4: error: mount point "tmp" is not absolute
;;;   hint: write it as "/tmp".
;;;
;;; A location is what `current-source-location' returns: an alist with
;;; `filename', `line' (counted from 0) and `column' (counted from 0).  It
;;; is printed as Guile prints its own errors: line from 1, column from 0.
;;;
;;; Code:

(define-condition-type &formatted-message &message
  formatted-message?
  (format-string formatted-message-string)
  (arguments     formatted-message-arguments))

(define-condition-type &error-location &error
  error-location?
  (location error-location))

(define-condition-type &fix-hint &condition
  fix-hint?
  (hint condition-fix-hint))

(define (formatted-message format-string . arguments)
  "Return a &formatted-message condition for FORMAT-STRING, an (ice-9
format) string, and ARGUMENTS.  Its `condition-message' is the formatted
text; the string and the arguments are kept for tools that want them."
  (make-condition &formatted-message
                  'message (apply format #f format-string arguments)
                  'format-string format-string
                  'arguments arguments))

(define* (make-user-error format-string arguments
                          #:key location hint)
  "Return an error condition whose message is FORMAT-STRING applied to
ARGUMENTS, a list.  When LOCATION, a source location as returned by
`current-source-location', is true, the condition is also an
&error-location; when HINT, a string, is true, a &fix-hint."
  (apply make-compound-condition
         (make-condition &error)
         (apply formatted-message format-string arguments)
         (append (if location
                     (list (make-condition &error-location
                                           'location location))
                     '())
                 (if hint
                     (list (make-condition &fix-hint 'hint hint))
                     '()))))

(define (location->string location)
  "Return LOCATION, a source-properties alist, as \"FILE:LINE:COLUMN\", with
LINE counted from 1 and COLUMN from 0 as Guile prints them, or #f when
LOCATION names no file."
  (match location
    ((? pair?)
     (let ((file (assq-ref location 'filename))
           (line (assq-ref location 'line))
           (column (assq-ref location 'column)))
       (and file
            (format #f "~a:~a:~a" file (+ 1 (or line 0)) (or column 0)))))
    (_ #f)))

(define* (report-condition condition #:optional
                           (port (current-error-port))
                           #:key (error-word "error:") (hint-word "hint:"))
  "Print CONDITION to PORT as \"FILE:LINE:COLUMN: error: MESSAGE\", the
location part only when CONDITION has one, followed by a \"hint:\" line when
it has a &fix-hint.  ERROR-WORD and HINT-WORD are the words printed for
\"error:\" and \"hint:\" (a front end colours them on a terminal).
CONDITION may also be any other SRFI-35 condition or Guile exception object;
return unspecified."
  (define where
    (and (error-location? condition)
         (location->string (error-location condition))))

  (define message
    (cond ((message-condition? condition)
           (condition-message condition))
          ((exception-with-message? condition)
           (let ((irritants (if (exception-with-irritants? condition)
                                (exception-irritants condition)
                                '())))
             ;; Guile's own errors carry a `simple-format' string.
             (or (false-if-exception
                  (apply simple-format #f (exception-message condition)
                         irritants))
                 (exception-message condition))))
          (else
           (format #f "~s" condition))))

  (format port "~@[~a: ~]~a ~a~%" where error-word message)
  (when (fix-hint? condition)
    (format port "~a ~a~%" hint-word (condition-fix-hint condition))))

;;;
;;; Guix's (guix diagnostics): warnings and errors on `guix-warning-port'.
;;;

(define guix-warning-port
  ;; Where the messages below go, as with Guix.  Unless parameterized, a
  ;; port that writes to the current warning port of the moment, so that
  ;; parameterizing either one catches them.
  (make-parameter
   (make-soft-port
    (vector (lambda (char) (write-char char (current-warning-port)))
            (lambda (string) (display string (current-warning-port)))
            (lambda () (force-output (current-warning-port)))
            #f #f)
    "w")))

(define (print-diagnostic word arguments)
  "Print on (guix-warning-port) the message ARGUMENTS describe, [LOCATION]
FORMAT-STRING ARGUMENT..., LOCATION a source-properties alist (or #f):
\"FILE:LINE:COLUMN: WORD MESSAGE\", or \"byre: WORD MESSAGE\" without a
location.  The line is ended if FORMAT-STRING does not end it."
  (let*-values (((location format-string rest)
                 (match arguments
                   (((? string? format-string) . rest)
                    (values #f format-string rest))
                   ((location (? string? format-string) . rest)
                    (values location format-string rest))
                   (_ (throw 'wrong-type-arg 'print-diagnostic
                             "expected [LOCATION] FORMAT-STRING ARGUMENT...: ~s"
                             (list arguments) (list arguments)))))
                ((port) (guix-warning-port)))
    (format port "~a: ~a"
            (or (location->string location) "byre")
            (if (string-null? word) "" (string-append word " ")))
    (apply format port format-string rest)
    (unless (or (string-suffix? "~%" format-string)
                (string-suffix? "\n" format-string))
      (newline port))))

(define (diagnostic-warning . arguments)
  "Print a warning, ARGUMENTS being [LOCATION] FORMAT-STRING ARGUMENT...,
on (guix-warning-port): Guix's `warning'.

  (diagnostic-warning '((filename . \"os.scm\") (line . 3) (column . 2))
                      \"~a: unknown field~%\" 'kernel)
  prints  os.scm:4:2: warning: kernel: unknown field"
  (print-diagnostic "warning:" arguments))

(define (diagnostic-info . arguments)
  "Print a message, ARGUMENTS being [LOCATION] FORMAT-STRING ARGUMENT...,
on (guix-warning-port): Guix's `info'."
  (print-diagnostic "" arguments))

(define (diagnostic-error . arguments)
  "Print an error, ARGUMENTS being [LOCATION] FORMAT-STRING ARGUMENT...,
on (guix-warning-port): Guix's `report-error'."
  (print-diagnostic "error:" arguments))

(define (diagnostic-leave . arguments)
  "Print an error as `diagnostic-error' does and exit with status 1:
Guix's `leave'."
  (apply diagnostic-error arguments)
  (exit 1))

;;; diagnostics.scm ends here
