;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre ui): the `byre' command line.

(define-module (byre ui)
  #:use-module (byre config)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-26)
  #:use-module (srfi srfi-37)
  #:use-module (ice-9 match)
  #:autoload   (ice-9 format) (format)
  ;; Resolved on a mistake only: `byre --version' loads nothing more.
  #:autoload   (byre utils) (string-closest)
  #:autoload   (ice-9 rdelim) (read-delimited)
  #:export (main
            leave
            usage-error
            warning
            error-word
            warning-word
            hint-word
            colour-port?
            debugging?
            show-version
            show-bug-report-information
            call-with-error-handling
            split-options
            parse-command-options
            load-path-option
            apply-load-paths
            verbosity-option
            quiet-option
            %usage-error-status))

;;; Commentary:
;;;
;;; The `byre' script calls `main' with the command line.  This module must
;;; load fast, since `byre --version' is expected to start in about the time
;;; of a bare `guile -c ""': it imports only small modules, and what a
;;; command needs (the REPL, the container machinery, the diagnostics) is
;;; resolved when that command runs.
;;;
;;; Exit statuses follow the GNU habit of programs whose status 1 already
;;; means something: 0 for success, 1 for a failure (no such process, an
;;; error raised by a FILE run with `byre repl'), 2 for a command line that
;;; cannot be understood (unknown command or option, missing or malformed
;;; argument).  `byre container exec' exits with the status of the command
;;; it ran, or 128 plus the number of the signal that killed it, as shells
;;; report it.
;;;
;;; Code:

(define %program-name "byre")

(define %usage-error-status
  ;; The exit status for a command line that cannot be understood.
  2)


;;;
;;; Reporting.
;;;

(define (colour-port? port)
  "Return true when what is written to PORT may be coloured: PORT is a
terminal, TERM is not \"dumb\" and NO_COLOR is not set (https://no-color.org)."
  (and (not (getenv "NO_COLOR"))
       (not (equal? (getenv "TERM") "dumb"))
       (file-port? port)
       (isatty? port)))

(define (highlight word colour port)
  ;; WORD in COLOUR (an SGR number) when PORT is a terminal.
  (if (colour-port? port)
      (string-append "\x1b[" colour "m" word "\x1b[0m")
      word))

(define* (error-word #:optional (port (current-error-port)))
  "Return \"error:\", in bold red when PORT is a terminal."
  (highlight "error:" "1;31" port))

(define* (warning-word #:optional (port (current-error-port)))
  "Return \"warning:\", in bold magenta when PORT is a terminal."
  (highlight "warning:" "1;35" port))

(define* (hint-word #:optional (port (current-error-port)))
  "Return \"hint:\", in bold blue when PORT is a terminal."
  (highlight "hint:" "1;34" port))

(define (ensure-newline format-string)
  ;; Messages end with a newline, whether or not their author wrote it.
  (if (or (string-suffix? "~%" format-string)
          (string-suffix? "\n" format-string))
      format-string
      (string-append format-string "~%")))

(define (leave format-string . arguments)
  "Print \"byre: error: \" followed by FORMAT-STRING, an (ice-9 format)
string, applied to ARGUMENTS on the current error port, ending the line if
FORMAT-STRING does not, and exit with status 1."
  (let ((port (current-error-port)))
    (force-output (current-output-port))
    (format port "~a: ~a " %program-name (error-word port))
    (apply format port (ensure-newline format-string) arguments)
    (exit 1)))

(define* (usage-error message #:key (command #f) (hint #f))
  "Print MESSAGE, a string, as an error about the command line, then HINT, a
string, when it is true, then the usual pointer to the help of COMMAND, a
string such as \"container exec\" (or of byre itself when COMMAND is #f), and
exit with status 2."
  (let ((port (current-error-port)))
    (format port "~a: ~a ~a~%" %program-name (error-word port) message)
    (when hint
      (format port "~a ~a~%" (hint-word port) hint))
    (format port "Try '~a~@[ ~a~] --help' for more information.~%"
            %program-name command)
    (exit %usage-error-status)))

(define (warning format-string . arguments)
  "Print \"byre: warning: \" followed by FORMAT-STRING applied to ARGUMENTS
on the current error port, ending the line if FORMAT-STRING does not."
  (let ((port (current-error-port)))
    (format port "~a: ~a " %program-name (warning-word port))
    (apply format port (ensure-newline format-string) arguments)))

(define* (show-version #:optional (command #f))
  "Print the version of byre, and of COMMAND, a string, when it is true,
followed by the copyright and licence notice, on the current output port."
  (format #t "~a~@[ ~a~] (~a) ~a~%"
          %program-name command %byre-package-name %byre-version)
  (display "Copyright (C) 2026 the byre authors
License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>
This is free software: you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law.
"))

(define (show-bug-report-information)
  "Print where to report bugs on the current output port."
  (format #t "~%Report bugs to: ~a.~%" %byre-bug-report-address)
  (format #t "~a home page: <~a>~%" %byre-package-name %byre-home-page))

(define (system-error-message args)
  "Return the message of a `system-error' exception whose arguments are
ARGS, as one line."
  (match args
    ((_ (? string? message) (? list? message-args) . _)
     (apply simple-format #f message message-args))
    (_ (format #f "~s" args))))

(define (debugging?)
  "Return true when the user asked for backtraces of every error, with
--debug or the BYRE_DEBUG environment variable."
  (let ((value (getenv "BYRE_DEBUG")))
    (and value (not (member value '("" "0" "no"))))))

(define (report-exception key args)
  "Report on the current error port the exception KEY with ARGS as one line
when that is enough to act on, without a backtrace."
  (define port (current-error-port))

  (match (cons key args)
    (('system-error . args)
     ;; The core's messages already name the operation and the file, as
     ;; in `mount "/x" on "/y": No such file or directory'.
     (format port "~a: ~a ~a~%" %program-name (error-word port)
             (system-error-message args)))
    (('%exception condition)
     ;; A raised object, such as the SRFI-35 conditions of (byre
     ;; diagnostics), which `report-condition' prints as "FILE:L:C: error:
     ;; MESSAGE" plus a hint.  Resolved here: it is not needed to start.
     (let* ((diagnostics (resolve-interface '(byre diagnostics)))
            (report (module-ref diagnostics 'report-condition))
            (located? (module-ref diagnostics 'error-location?))
            (location (module-ref diagnostics 'error-location))
            (location->string (module-ref diagnostics 'location->string)))
       ;; Without a file name to start the line, say who speaks.
       (unless (and (located? condition)
                    (location->string (location condition)))
         (format port "~a: " %program-name))
       (report condition port
               #:error-word (error-word port)
               #:hint-word (hint-word port))))
    ((key . args)
     ;; `print-exception' prints Guile's own errors the way Guile does,
     ;; e.g. "In procedure car: Wrong type argument …".
     (format port "~a: ~a " %program-name (error-word port))
     (print-exception port #f key args))))

(define (call-with-error-handling thunk)
  "Call THUNK and return its value.  When it raises an exception, report it
on the current error port, on one line for a `system-error' or an error
condition, as Guile prints its errors otherwise, never as a backtrace
unless BYRE_DEBUG is set (or --debug given), and exit with status 1.
`exit' and `quit' go through untouched."
  (define stack #f)
  (catch #t
    thunk
    (lambda (key . args)
      (when (eq? key 'quit)
        (apply throw key args))
      ;; Let what THUNK printed come before the error.
      (force-output (current-output-port))
      (when stack
        (display "Backtrace:\n" (current-error-port))
        (display-backtrace stack (current-error-port)))
      (report-exception key args)
      (exit 1))
    (lambda (key . args)
      ;; Before unwinding: the stack a --debug run shows.
      (when (and (debugging?) (not (eq? key 'quit)))
        (set! stack (make-stack #t 3))))))

;;;
;;; Options.
;;;

(define (split-options args options)
  "Split ARGS, a list of strings, into two lists: the leading options, as
described by OPTIONS (a list of SRFI-37 options), and the operands that
follow them.  The first argument that is not an option ends the options, so
that the options of a program run by byre are left to it; \"--\" also ends
them and is dropped."
  (define (takes-separate-argument? arg)
    ;; "-L DIR" and "--load-path DIR": the argument is the next word.
    (any (lambda (option)
           (and (option-required-arg? option)
                (any (lambda (name)
                       (if (char? name)
                           (string=? arg (string #\- name))
                           (string=? arg (string-append "--" name))))
                     (option-names option))))
         options))

  (let loop ((args args) (leading '()))
    (match args
      (()
       (values (reverse leading) '()))
      (("--" . rest)
       (values (reverse leading) rest))
      (((? (lambda (arg)
             (and (string-prefix? "-" arg)
                  (not (string=? arg "-"))))
           arg)
        . rest)
       (if (and (takes-separate-argument? arg) (pair? rest))
           ;; Guile's SRFI-37 takes "--name VALUE" for "--name" without
           ;; its argument: hand it "--name=VALUE".
           (if (string-prefix? "--" arg)
               (loop (cdr rest)
                     (cons (string-append arg "=" (car rest)) leading))
               (loop (cdr rest) (cons* (car rest) arg leading)))
           (loop rest (cons arg leading))))
      (operands
       (values (reverse leading) operands)))))

(define* (parse-command-options args options defaults #:key command)
  "Parse the leading options of ARGS, a list of strings, as described by
OPTIONS, a list of SRFI-37 options whose processors take the option, its
name, its argument and an alist and return an updated alist.  Start from
DEFAULTS, an alist.  Return two values: the alist, and the operands that
follow the options.  An unknown option or one without its argument is a
usage error pointing to the help of COMMAND, a string."
  (define (unrecognized option name argument result)
    (usage-error (format #f "unrecognized option '~a'"
                         (if (char? name) (string #\- name)
                             (string-append "--" name)))
                 #:command command))

  (define (malformed-option key subr message arguments . _)
    ;; SRFI-37 raises `misc-error' for "-L" without its argument and for
    ;; "--help=x"; say it as a usage error.
    (usage-error (match arguments
                   ((name)
                    (format #f "option '~a~a' ~a"
                            (if (string-contains message "`--") "--" "-")
                            name
                            (if (string-prefix? "Missing" message)
                                "requires an argument"
                                "takes no argument")))
                   (_ (apply simple-format #f message arguments)))
                 #:command command))

  (let-values (((leading operands) (split-options args options)))
    (values (catch 'misc-error
              (lambda ()
                (args-fold leading options unrecognized
                           (lambda (operand result)
                             ;; `split-options' leaves no operand here.
                             result)
                           defaults))
              malformed-option)
            operands)))

(define (help-option show-help)
  "Return a --help/-h option that calls SHOW-HELP and exits."
  (option '(#\h "help") #f #f
          (lambda _ (show-help) (exit 0))))

(define* (version-option #:optional command)
  "Return a --version/-V option that prints the version of COMMAND and
exits."
  (option '(#\V "version") #f #f
          (lambda _ (show-version command) (exit 0))))

;; The options that the building commands (eval, build, pack, system,
;; system image) share, with one spelling, one check and one message.

(define (load-path-option)
  "Return a -L/--load-path=DIR option that records DIR under the key
load-path of the options; apply-load-paths then puts it on the search path."
  (option '(#\L "load-path") #t #f
          (lambda (opt name arg result)
            (alist-cons 'load-path arg result))))

(define (apply-load-paths opts)
  "Put the directories of the load-path entries of OPTS, an option alist
from parse-command-options, in front of %load-path and %load-compiled-path,
the directory given last in front, as Guix does.  Return unspecified."
  (for-each (lambda (directory)
              (set! %load-path (cons directory %load-path))
              (set! %load-compiled-path (cons directory %load-compiled-path)))
            (reverse (filter-map (match-lambda
                                   (('load-path . directory) directory)
                                   (_ #f))
                                 opts))))

(define (verbosity-option command)
  "Return a -v/--verbosity=LEVEL option of COMMAND, a string such as
\"pack\": LEVEL, a natural number, is recorded under the key verbosity; any
other LEVEL is a usage error of COMMAND."
  (option '(#\v "verbosity") #t #f
          (lambda (opt name arg result)
            (match (string->number arg)
              ((? (lambda (n) (and (exact-integer? n) (>= n 0))) level)
               (alist-cons 'verbosity level result))
              (_ (usage-error (format #f "invalid verbosity level '~a'" arg)
                              #:command command
                              #:hint "give 0 (quiet), 1 (a line per build) \
or 2 (the build logs too)"))))))

(define (quiet-option)
  "Return a -q/--quiet option, the same as --verbosity=0."
  (option '(#\q "quiet") #f #f
          (lambda (opt name arg result)
            (alist-cons 'verbosity 0 result))))


;;;
;;; byre repl.
;;;

(define (show-repl-help)
  (display "Usage: byre repl [OPTION...] [FILE [ARGS...]]
Start a Guile REPL in which byre's modules and the (gnu ...) and (guix ...)
facades can be loaded, or run FILE with ARGS as its command line.

When standard input is not a terminal and no FILE is given, evaluate the
expressions read from standard input, in order, as a script would.

  -L, --load-path=DIR    prepend DIR to the module search path
  -t, --type=TYPE        start a REPL of TYPE: 'guile' (the default), or
                         'machine' for programs (the protocol of
                         'guix repl -t machine')
      --listen=ENDPOINT  serve REPLs on ENDPOINT instead: tcp:PORT (on
                         the loopback interface) or unix:FILE, for Geiser
                         and other clients
  -q                     do not load ~/.guile in the interactive REPL
  -i, --interactive      start the REPL even if standard input is not a
                         terminal
  -h, --help             display this help and exit
  -V, --version          display version information and exit
")
  (show-bug-report-information))

(define %repl-options
  (list (option '(#\L "load-path") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'load-path arg result)))
        (option '(#\q) #f #f
                (lambda (opt name arg result)
                  (alist-cons 'load-init-file? #f result)))
        (option '(#\t "type") #t #f
                (lambda (opt name arg result)
                  (match arg
                    ((or "guile" "machine")
                     (alist-cons 'type (string->symbol arg) result))
                    (_ (usage-error (format #f "~a: unknown REPL type" arg)
                                    #:command "repl"
                                    #:hint "give 'guile' or 'machine'")))))
        (option '("listen") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'listen (listen-endpoint arg) result)))
        (option '(#\i "interactive") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'interactive? #t result)))
        (help-option show-repl-help)
        (version-option "repl")))

(define (user-module)
  "Return the module in which user code runs, as with `guile'."
  (resolve-module '(guile-user)))

(define (run-file file args)
  "Load FILE in the user module, with (command-line) returning FILE
followed by ARGS, then exit with status 0; FILE may exit with its own."
  (unless (file-exists? file)
    (leave "~a: No such file or directory~%" file))
  (set-program-arguments (cons file args))
  (call-with-error-handling
   (lambda ()
     (save-module-excursion
      (lambda ()
        (set-current-module (user-module))
        ;; A relative FILE is relative to the working directory, not to the
        ;; load path.
        (load-in-vicinity (getcwd) file)))))
  (exit 0))

(define (evaluate-port port)
  "Read and evaluate the expressions of PORT in order in the user module,
printing nothing but what they print; exit with status 0 at the end of
PORT, or report the first error and exit with status 1."
  (call-with-error-handling
   (lambda ()
     (save-module-excursion
      (lambda ()
        (set-current-module (user-module))
        (let loop ()
          (let ((expression (read port)))
            (unless (eof-object? expression)
              (eval expression (current-module))
              (loop))))))))
  (exit 0))

(define (start-interactive-repl load-init-file?)
  "Start the Guile REPL in the user module, loading ~/.guile first when
LOAD-INIT-FILE? is true, as `guile' does; exit when it ends."
  (when load-init-file?
    (let ((init (string-append (or (getenv "HOME") "/") "/.guile")))
      (when (file-exists? init)
        (save-module-excursion
         (lambda ()
           (set-current-module (user-module))
           (load-in-vicinity (getcwd) init))))))
  ;; ,run-in-store and ,enter-store-monad, as in `guix repl'.
  (false-if-exception (resolve-interface '(byre monad-repl)))
  ;; `top-repl' uses the modules `guile' users expect and handles SIGINT.
  ((module-ref (resolve-interface '(ice-9 top-repl)) 'top-repl))
  (exit 0))

(define (listen-endpoint spec)
  "Return the endpoint SPEC, a --listen argument, as (tcp PORT) or (unix
FILE), or leave with a usage error."
  (define (bad why)
    (usage-error (format #f "--listen=~a: ~a" spec why)
                 #:command "repl"
                 #:hint "write --listen=tcp:37146 or --listen=unix:/tmp/repl"))
  (match (string-index spec #\:)
    (#f (bad "no 'tcp:' or 'unix:' prefix"))
    (index
     (let ((kind (substring spec 0 index))
           (rest (substring spec (+ index 1))))
       (match kind
         ("tcp"
          (match (string->number rest)
            ((? (lambda (n) (and (integer? n) (exact? n) (< 0 n 65536))) port)
             (list 'tcp port))
            (_ (bad "the port must be a number from 1 to 65535"))))
         ("unix"
          (if (string-null? rest)
              (bad "no file name")
              (list 'unix rest)))
         (_ (bad (format #f "unknown endpoint kind '~a'" kind))))))))

(define (serve-repls endpoint type)
  "Accept clients on ENDPOINT, (tcp PORT) or (unix FILE), each served by a
REPL of TYPE, 'guile or 'machine, in a thread of its own, until the process
is interrupted; a unix socket's file is removed on the way out."
  (let* ((server (resolve-interface '(system repl server)))
         (socket (match endpoint
                   (('tcp port)
                    ((module-ref server 'make-tcp-server-socket) #:port port))
                   (('unix file)
                    (when (false-if-exception (lstat file))
                      (leave "~a already exists; remove it or choose another \
file" file))
                    ((module-ref server 'make-unix-domain-server-socket)
                     #:path file))))
         (cleanup (lambda ()
                    (match endpoint
                      (('unix file) (false-if-exception (delete-file file)))
                      (_ #t))
                    (false-if-exception (close-port socket)))))
    (for-each (lambda (signal)
                (sigaction signal (lambda (signal) (cleanup) (primitive-exit 0))))
              (list SIGINT SIGTERM SIGHUP))
    (format (current-error-port) "~a: listening on ~a~%" %program-name
            (match endpoint
              (('tcp port) (format #f "tcp:~a (loopback)" port))
              (('unix file) (string-append "unix:" file))))
    ;; The server runs in a thread of its own: the main thread waits in
    ;; `sleep', which signal handlers interrupt (a thread blocked in
    ;; accept(2) would never see them).
    (let ((threads (resolve-interface '(ice-9 threads))))
      ((module-ref threads 'call-with-new-thread)
       (lambda ()
         (match type
           ('guile ((module-ref server 'run-server) socket))
           ('machine
            (let ((machine-repl (module-ref (resolve-interface
                                             '(byre machine-repl))
                                            'machine-repl)))
              ;; `run-server' listens by itself; here it is ours to do.
              (listen socket 16)
              (let loop ()
                (match (accept socket)
                  ((client . _)
                   ((module-ref threads 'call-with-new-thread)
                    (lambda ()
                      (setvbuf client 'line)
                      (machine-repl client client #:module (user-module))
                      (close-port client)))
                   (loop))))))))))
    (dynamic-wind
      (const #t)
      (lambda ()
        (let forever ()
          (sleep 3600)
          (forever)))
      cleanup)))

(define (byre-repl args)
  "Implement `byre repl' with ARGS, the arguments after \"repl\"."
  (let-values (((opts operands)
                (parse-command-options args %repl-options
                                       '((load-init-file? . #t))
                                       #:command "repl")))
    ;; Options come in reverse order; the first -L given ends up first.
    (for-each (lambda (directory)
                (set! %load-path (cons directory %load-path))
                (set! %load-compiled-path (cons directory %load-compiled-path)))
              (filter-map (match-lambda
                            (('load-path . directory) directory)
                            (_ #f))
                          opts))
    (match (list operands (assq-ref opts 'listen) (assq-ref opts 'type))
      (((file args ...) _ _)
       (run-file file args))
      ((() (? pair? endpoint) type)
       (serve-repls endpoint (or type 'guile)))
      ((() #f 'machine)
       ((module-ref (resolve-interface '(byre machine-repl)) 'machine-repl)
        (current-input-port) (current-output-port) #:module (user-module))
       (exit 0))
      ((() #f _)
       (if (or (assq-ref opts 'interactive?)
               (isatty? (current-input-port)))
           (start-interactive-repl (assq-ref opts 'load-init-file?))
           (evaluate-port (current-input-port)))))))


;;;
;;; byre container.
;;;

(define (show-container-help)
  (display "Usage: byre container ACTION ARGS...
Act on running containers.

Actions:
  exec PID COMMAND [ARGS...]
                         run COMMAND inside the container of process PID
  list [-q]              list the running system containers
  stop [-t SECONDS] PID...
                         stop the system containers of PID...

  -h, --help             display this help and exit
  -V, --version          display version information and exit
")
  (show-bug-report-information))

(define (show-container-exec-help)
  (display "Usage: byre container exec [OPTION...] PID COMMAND [ARGS...]
Run COMMAND with ARGS inside the namespaces of process PID, with the
environment of PID and the TERM of the caller, and exit with its status.

COMMAND is looked up in the container's PATH when it contains no slash.

  -h, --help             display this help and exit
  -V, --version          display version information and exit
")
  (show-bug-report-information))

(define (process-environment pid)
  "Return the environment of process PID as a list of \"NAME=VALUE\"
strings, or '() when it cannot be read."
  (catch 'system-error
    (lambda ()
      (call-with-input-file (format #f "/proc/~a/environ" pid)
        (lambda (port)
          (let loop ((result '()))
            (let ((entry (read-delimited "\0" port)))
              (if (eof-object? entry)
                  (reverse result)
                  (loop (if (string-null? entry)
                            result
                            (cons entry result)))))))))
    (const '())))

(define (exec-environment pid)
  "Return the environment of a command run in the container of PID: that of
PID, whose PATH finds the container's programs, with the caller's TERM so
that interactive programs draw on the caller's terminal correctly."
  (let ((term (getenv "TERM"))
        (inherited (remove (cut string-prefix? "TERM=" <>)
                           (process-environment pid))))
    (if term
        (cons (string-append "TERM=" term) inherited)
        inherited)))

(define (status->exit-code status)
  "Return the exit code that tells what waitpid STATUS says, as shells do:
the exit status, or 128 plus the signal that killed the process."
  (cond ((status:exit-val status) => identity)
        ((status:term-sig status) => (cut + 128 <>))
        (else 1)))

(define (byre-container-exec args)
  "Implement `byre container exec' with ARGS, the arguments after
\"exec\"."
  (define command "container exec")

  (let-values (((opts operands)
                (parse-command-options args
                                       (list (help-option
                                              show-container-exec-help)
                                             (version-option "container"))
                                       '()
                                       #:command command)))
    (define (check-pid pid-string)
      ;; Return the process ID that PID-STRING names, or leave.
      (let ((pid (string->number pid-string 10)))
        (unless (and (exact-integer? pid) (positive? pid))
          (usage-error (format #f "invalid process ID '~a'" pid-string)
                       #:command command
                       #:hint "a process ID is a positive decimal number"))
        (unless (file-exists? (format #f "/proc/~a" pid))
          (leave "no such process ~a~%" pid))
        pid))

    (match operands
      (()
       (usage-error "no process ID specified" #:command command
                    #:hint "give the PID of a process in the container, \
for example: byre container exec 1234 /bin/sh"))
      ((pid-string)
       (check-pid pid-string)
       (usage-error "no command specified" #:command command
                    #:hint (format #f "give the program to run after the \
process ID, for example: byre container exec ~a /bin/sh" pid-string)))
      ((pid-string program args ...)
       (let* ((pid (check-pid pid-string))
              (status
               (call-with-error-handling
                (lambda ()
                  (catch 'system-error
                    (lambda ()
                      ;; Resolved here, not imported: the container
                      ;; machinery loads the C++ extension, which --help
                      ;; need not pay for.
                      (let ((container-exec
                             (module-ref (resolve-interface '(byre container))
                                         'container-exec)))
                        (container-exec pid (cons program args)
                                        #:environment
                                        (exec-environment pid))))
                    (lambda args
                      (let ((message (system-error-message (cdr args))))
                        (if (string-prefix? "exec " message)
                            ;; COMMAND itself could not be run: say so with
                            ;; the statuses shells and env(1) use.
                            (begin
                              (format (current-error-port)
                                      "~a: error: ~a~%" %program-name message)
                              (exit (if (= ENOENT (system-error-errno args))
                                        127
                                        126)))
                            (apply throw args)))))))))
         (exit (status->exit-code status)))))))

(define (show-container-list-help)
  (display "Usage: byre container list [OPTION...]
List the running system containers of the current user (root's for root):
the PID of each one's init, how long it has run, its network, host name
and configuration file (or script).

  -q, --quiet            print only the PIDs, one a line
  -h, --help             display this help and exit
  -V, --version          display version information and exit
")
  (show-bug-report-information))

(define (show-container-stop-help)
  (display "Usage: byre container stop [OPTION...] PID...
Stop the system containers of PID..., each the PID of a container's init or
of its launcher as 'byre container list' shows them: send SIGTERM to the
launcher, which stops the services, and SIGKILL to what is left after the
grace period.

  -t, --time=SECONDS     the grace period (default: 10 seconds)
  -h, --help             display this help and exit
  -V, --version          display version information and exit
")
  (show-bug-report-information))

(define (registry-procedure name)
  ;; NAME of (byre system registry), loaded only by the commands using it.
  (module-ref (resolve-interface '(byre system registry)) name))

(define (format-uptime seconds)
  "Return SECONDS, a duration, as \"[Dd ]H:MM:SS\"."
  (let* ((seconds (max 0 seconds))
         (days (quotient seconds 86400))
         (rest (remainder seconds 86400)))
    (format #f "~:[~*~;~ad ~]~a:~2,'0d:~2,'0d"
            (positive? days) days
            (quotient rest 3600)
            (quotient (remainder rest 3600) 60)
            (remainder rest 60))))

(define (byre-container-list args)
  "Implement `byre container list' with ARGS, the arguments after
\"list\"."
  (define command "container list")
  (let-values (((opts operands)
                (parse-command-options
                 args
                 (list (option '(#\q "quiet") #f #f
                               (lambda (opt name arg result)
                                 (alist-cons 'quiet? #t result)))
                       (help-option show-container-list-help)
                       (version-option "container"))
                 '()
                 #:command command)))
    (unless (null? operands)
      (usage-error (format #f "unexpected argument '~a'" (car operands))
                   #:command command))
    (let ((containers (call-with-error-handling
                       (lambda ()
                         ((registry-procedure 'registered-containers)))))
          (field (lambda (name)
                   (registry-procedure
                    (symbol-append 'registered-container- name)))))
      (if (assq-ref opts 'quiet?)
          (for-each (lambda (container)
                      (format #t "~a~%" ((field 'pid) container)))
                    containers)
          (begin
            (format #t "~8a ~11a ~8a ~16a ~a~%"
                    "PID" "UPTIME" "NETWORK" "HOST NAME" "CONFIGURATION")
            (for-each
             (lambda (container)
               (format #t "~8a ~11a ~8a ~16a ~a~%"
                       ((field 'pid) container)
                       (format-uptime (- (current-time)
                                         ((field 'start) container)))
                       ((field 'network) container)
                       (or ((field 'host-name) container) "-")
                       (or ((field 'configuration) container)
                           ((field 'script) container))))
             containers))))))

(define (byre-container-stop args)
  "Implement `byre container stop' with ARGS, the arguments after
\"stop\"."
  (define command "container stop")
  (let-values (((opts operands)
                (parse-command-options
                 args
                 (list (option '(#\t "time") #t #f
                               (lambda (opt name arg result)
                                 (let ((seconds (string->number arg 10)))
                                   (unless (and (exact-integer? seconds)
                                                (>= seconds 0))
                                     (usage-error
                                      (format #f "invalid grace period '~a'"
                                              arg)
                                      #:command command
                                      #:hint "give a whole number of \
seconds, for example: -t 30"))
                                   (alist-cons 'time seconds result))))
                       (help-option show-container-stop-help)
                       (version-option "container"))
                 '()
                 #:command command)))
    (when (null? operands)
      (usage-error "no process ID specified" #:command command
                   #:hint "give the PID of a container as 'byre container \
list' shows it, for example: byre container stop 1234"))
    (let* ((grace (or (assq-ref opts 'time) 10))
           (find (registry-procedure 'find-registered-container))
           (alive? (registry-procedure 'process-alive?))
           (launcher (registry-procedure 'registered-container-launcher))
           (launcher-start
            (registry-procedure 'registered-container-launcher-start))
           (init (registry-procedure 'registered-container-pid))
           (init-start (registry-procedure 'registered-container-pid-start))
           (containers
            ;; Every PID is checked before any container is stopped.
            (map (lambda (pid-string)
                   (let ((pid (string->number pid-string 10)))
                     (unless (and (exact-integer? pid) (positive? pid))
                       (usage-error (format #f "invalid process ID '~a'"
                                            pid-string)
                                    #:command command
                                    #:hint "a process ID is a positive \
decimal number"))
                     (unless (file-exists? (format #f "/proc/~a" pid))
                       (leave "no such process ~a" pid))
                     (or (call-with-error-handling (lambda () (find pid)))
                         (let ((port (current-error-port)))
                           (format port "~a: ~a process ~a is not a byre \
system container of ~a~%" %program-name (error-word port) pid
                                   (if (zero? (getuid)) "root" "yours"))
                           (format port "~a 'byre container list' shows \
them, for the user who runs it~%" (hint-word port))
                           (exit 1)))))
                 operands))
           (running? (lambda (container)
                       (or (alive? (launcher container)
                                   (launcher-start container))
                           (alive? (init container) (init-start container)))))
           (signal (lambda (container signal)
                     (for-each (lambda (pid start)
                                 (when (alive? pid start)
                                   (false-if-exception (kill pid signal))))
                               (list (launcher container) (init container))
                               (list (launcher-start container)
                                     (init-start container)))))
           (wait (lambda (containers seconds)
                   ;; The containers of CONTAINERS still running after
                   ;; SECONDS at most.
                   (let ((deadline (+ (get-internal-real-time)
                                      (* seconds
                                         internal-time-units-per-second))))
                     (let loop ()
                       (let ((left (filter running? containers)))
                         (if (or (null? left)
                                 (>= (get-internal-real-time) deadline))
                             left
                             (begin (usleep 20000) (loop)))))))))
      (for-each (lambda (container)
                  (false-if-exception (kill (launcher container) SIGTERM)))
                containers)
      (let ((left (wait containers grace)))
        (for-each (lambda (container)
                    (warning "container ~a did not stop within ~a seconds: \
killing it" (init container) grace)
                    ;; The init first: its namespace's processes die with
                    ;; it, and the launcher, freed, removes the entry.
                    (signal container SIGKILL))
                  left)
        (let ((still (wait left 5)))
          (unless (null? still)
            (leave "container~p ~{~a~^, ~} still running after SIGKILL"
                   (length still) (map init still))))))))

(define (byre-container args)
  "Implement `byre container' with ARGS, the arguments after
\"container\"."
  (match args
    (("exec" . rest)
     (byre-container-exec rest))
    (("list" . rest)
     (byre-container-list rest))
    (("stop" . rest)
     (byre-container-stop rest))
    (((or "-h" "--help") . _)
     (show-container-help))
    (((or "-V" "--version") . _)
     (show-version "container"))
    (()
     (usage-error "no action specified" #:command "container"
                  #:hint "the actions are 'exec', 'list' and 'stop'"))
    ((action . _)
     (usage-error (format #f "unknown action '~a'" action)
                  #:command "container"))))


;;;
;;; byre.
;;;

(define (script-command module procedure)
  "Return a procedure that calls PROCEDURE, a symbol, of the module (byre
scripts MODULE) with its arguments; the module is loaded only when the
command runs, so that `byre --version' loads none of them."
  (lambda (args)
    ((module-ref (resolve-interface `(byre scripts ,module)) procedure)
     args)))

(define %commands
  ;; Command name, procedure, one-line synopsis.
  `(("repl" ,byre-repl "start a Guile REPL or run a Scheme file")
    ("container" ,byre-container "act on running containers")
    ;; Resolved when run: the store's modules load SQLite and libcrypto.
    ("gc" ,(script-command 'gc 'byre-gc)
     "collect garbage and query the store")
    ("eval" ,(script-command 'eval 'byre-eval)
     "evaluate a gexp in a container bound to its store closure")
    ("build" ,(script-command 'eval 'byre-build)
     "build a file-like object or a gexp and print its outputs")
    ("shell" ,(script-command 'shell 'byre-shell)
     "run a command with host packages, on the host or in a container")
    ("pack" ,(script-command 'pack 'byre-pack)
     "pack a store closure as a tarball, an OCI image or a bundle")
    ("system" ,(script-command 'system 'byre-system)
     "build an operating system declared in a configuration file")
    ("init" ,(script-command 'init 'byre-init)
     "run the Shepherd-compatible init (standalone or as PID 1)")
    ("herd" ,(script-command 'herd 'byre-herd)
     "control the init of a container or a standalone init")))

(define (show-help)
  (display "Usage: byre [OPTION] COMMAND ARGS...
Run Guix-style Scheme and Linux containers on any Linux host.

Commands:
")
  (for-each (match-lambda
              ((name _ synopsis)
               (format #t "  ~15a~a~%" name synopsis)))
            %commands)
  (display "
      --debug            show a backtrace with every error (as BYRE_DEBUG=1)
  -h, --help             display this help and exit
  -V, --version          display version information and exit

Run 'byre COMMAND --help' for the options of COMMAND.
Exit status: 0 on success, 1 on failure, 2 for a command-line error;
'byre container exec' exits with the status of the command it ran.
")
  (show-bug-report-information))

(define (main args)
  "Run the `byre' command whose command line is ARGS, a list of strings
whose first element is the program name, and exit."
  (match args
    ((_ (or "-h" "--help") . _)
     (show-help)
     (exit 0))
    ((_ (or "-V" "--version") . _)
     (show-version)
     (exit 0))
    ((program "--debug" . rest)
     ;; Every error with its backtrace, as BYRE_DEBUG=1 gives.
     (setenv "BYRE_DEBUG" "1")
     (main (cons program rest)))
    ((_)
     (usage-error "missing command name"))
    ((_ (? (cut string-prefix? "-" <>) option) . _)
     (usage-error (format #f "unrecognized option '~a'" option)))
    ((_ command . rest)
     (match (assoc command %commands)
       ((_ procedure _)
        (procedure rest)
        (exit 0))
       (#f
        (let ((closest (string-closest command (map car %commands))))
          (usage-error (format #f "~a: command not found" command)
                       #:hint (and closest
                                   (format #f "Did you mean '~a'?"
                                           closest)))))))))

;;; ui.scm ends here
