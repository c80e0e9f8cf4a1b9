;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre's init, (shepherd service) and Shepherd's protocol: the init runs
;;; standalone (`byre init --config FILE --socket FILE') with a temporary
;;; socket, and is driven through that socket.  Run as root and as an
;;; unprivileged user.  Waits are bounded (20 s) and never judged by time.

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-9)
             (srfi srfi-64)
             (ice-9 match)
             (ice-9 rdelim)
             (ice-9 textual-ports)
             (byre build shepherd-comm)
             ((shepherd service) #:prefix shepherd:)
             (oop goops))

(define (temporary-directory)
  (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-init.XXXXXX")))

(define (delete-recursively dir)
  (when (file-exists? dir)
    (if (eq? 'directory (stat:type (lstat dir)))
        (begin
          (for-each (lambda (entry)
                      (unless (member entry '("." ".."))
                        (delete-recursively (string-append dir "/" entry))))
                    (let ((d (opendir dir)))
                      (let loop ((entries '()))
                        (let ((e (readdir d)))
                          (if (eof-object? e)
                              (begin (closedir d) entries)
                              (loop (cons e entries)))))))
          (rmdir dir))
        (delete-file dir))))

(define (wait-until what thunk)
  ;; THUNK's first true value, polled for at most 20 s; an error otherwise.
  (let loop ((tries 2000))
    (or (thunk)
        (if (zero? tries)
            (error "timed out waiting for" what)
            (begin (usleep 10000) (loop (- tries 1)))))))

(define (file-contents file)
  (if (file-exists? file) (call-with-input-file file get-string-all) ""))

;; An init, started for each group of tests.
(define-record-type <init>
  (make-init pid directory socket log)
  init?
  (pid init-pid)
  (directory init-directory)
  (socket init-socket)
  (log init-log))

(define (start-init config)
  "Write CONFIG (a list of expressions) to a file and start `byre init' on
it with a socket of its own; wait until the socket is there."
  (let* ((dir (temporary-directory))
         (file (string-append dir "/config.scm"))
         (socket (string-append dir "/run/socket"))
         (log (string-append dir "/init.log")))
    (call-with-output-file file
      (lambda (port)
        (write '(use-modules (shepherd service)) port)
        (for-each (lambda (exp) (write exp port) (newline port)) config)))
    (let ((pid (spawn "byre" (list "byre" "init" "--config" file
                                   "--socket" socket "--logfile" log))))
      (wait-until "the socket" (lambda () (file-exists? socket)))
      (make-init pid dir socket log))))

(define (spawn program args)
  ;; PROGRAM with ARGS in a child, standard input from /dev/null.
  (let ((pid (primitive-fork)))
    (if (zero? pid)
        (begin
          (let ((null (open-fdes "/dev/null" O_RDONLY)))
            (dup2 null 0))
          (apply execlp program args))
        pid)))

(define (stop-init init)
  "Send SIGTERM to INIT, wait for it, remove its directory; return its exit
status."
  (kill (init-pid init) SIGTERM)
  (let ((status (cdr (waitpid (init-pid init)))))
    (delete-recursively (init-directory init))
    status))

(define (stop-init* init)
  "Send SIGTERM to INIT and wait for it; return its exit status, keeping
its directory, for its log."
  (kill (init-pid init) SIGTERM)
  (cdr (waitpid (init-pid init))))

(define (herd init action service . arguments)
  "Send ACTION on SERVICE with ARGUMENTS to INIT and return its reply."
  (let ((sock (open-connection (init-socket init))))
    (write-command (shepherd-command action service #:arguments arguments)
                   sock)
    (let ((reply (read-reply sock)))
      (close-port sock)
      reply)))

(define (status-of init name)
  ;; The properties of service NAME as the init reports them.
  (match (command-reply-result (herd init 'status name))
    ((('service ('version 0) properties ...)) properties)))

(define (property properties key)
  (match (assq key properties) ((_ value) value) (_ #f)))

(define (running-pid init name)
  (property (status-of init name) 'running))

(define (log-lines init)
  (string-split (file-contents (init-log init)) #\newline))

(define (log-index init text)
  ;; The index of the first log line containing TEXT, or #f.
  (list-index (lambda (line) (string-contains line text)) (log-lines init)))

(define (process-state pid)
  ;; The state letter of PID ("R", "S", "Z", …) or #f if it is gone.
  (catch 'system-error
    (lambda ()
      (let ((stat (call-with-input-file
                      (string-append "/proc/" (number->string pid) "/stat")
                    read-line)))
        (car (string-tokenize (substring stat (+ 2 (string-rindex stat #\))))))))
    (const #f)))

(define (children-of pid)
  (filter-map (lambda (name)
                (let ((child (string->number name)))
                  (and child
                       (catch 'system-error
                         (lambda ()
                           (let* ((stat (call-with-input-file
                                            (string-append "/proc/" name "/stat")
                                          read-line))
                                  (fields (string-tokenize
                                           (substring stat (+ 2 (string-rindex stat #\)))))))
                             (and (= pid (string->number (cadr fields)))
                                  (cons child (car fields)))))
                         (const #f)))))
              (let ((d (opendir "/proc")))
                (let loop ((entries '()))
                  (let ((e (readdir d)))
                    (if (eof-object? e)
                        (begin (closedir d) entries)
                        (loop (cons e entries))))))))

(define (last-index init text)
  (let ((lines (log-lines init)))
    (let loop ((i (- (length lines) 1)))
      (cond ((< i 0) #f)
            ((string-contains (list-ref lines i) text) i)
            (else (loop (- i 1)))))))

(define sleeper
  ;; A service process that runs until it is killed.
  '("/bin/sh" "-c" "exec sleep 1000"))

(use-modules (rnrs bytevectors))

(define (bytevector-slice bv count)
  (let ((out (make-bytevector count)))
    (bytevector-copy! bv 0 out 0 count)
    out))

(test-begin "init")


;;;
;;; The API, in this process.
;;;

(test-assert "service: provision must be a non-empty list of symbols"
  (catch #t
    (lambda () (shepherd:service '() #:start (const #t)) #f)
    (lambda (key . args) #t)))

(test-assert "make <service>: the 2021 form gives a service"
  (let ((s (shepherd:make shepherd:<service> #:provides '(x y) #:requires '(z)
                 #:docstring "An x." #:respawn? #t
                 #:start (const #t) #:stop (const #f))))
    (and (shepherd:service? s)
         (equal? '(x y) (shepherd:service-provision s))
         (equal? '(z) (shepherd:service-requirement s))
         (shepherd:respawn-service? s)
         (equal? "An x." (shepherd:service-documentation s))
         (equal? '(5 . 7) (shepherd:service-respawn-limit s)))))

(test-assert "make <service>: an unknown keyword is an error that names it"
  (catch #t
    (lambda () (shepherd:make shepherd:<service> #:provides '(x) #:bogus 1) #f)
    (lambda (key . args)
      (string-contains (format #f "~a" args) "#:bogus"))))

(test-assert "make still makes GOOPS instances"
  (is-a? (shepherd:make <class> #:name 'c #:dsupers (list <object>) #:slots '())
         <class>))

(test-equal "actions: name, documentation, procedure"
  '(hello "Say hello." 42)
  (match (shepherd:actions (hello "Say hello." (lambda (running) 42)))
    ((a) (list (shepherd:action-name a) (shepherd:action-documentation a)
               ((shepherd:action-procedure a) #f)))))


;;;
;;; The init.
;;;

(define dir-for-markers (temporary-directory))
(define (marker name) (string-append dir-for-markers "/" name))

(define init
  (start-init
   `((default-process-termination-grace-period 1)
     (register-services
      (list
       (service '(c) #:start (make-forkexec-constructor ',sleeper)
                #:stop (make-kill-destructor))
       (service '(b) #:requirement '(c)
                #:start (make-forkexec-constructor ',sleeper)
                #:stop (make-kill-destructor))
       ;; The 2021 form, as Guix generated it then.
       (make <service> #:provides '(a) #:requires '(b)
             #:docstring "The a service."
             #:start (make-forkexec-constructor ',sleeper)
             #:stop (make-kill-destructor))
       (service '(broken) #:start (const #f))
       (service '(needs-broken) #:requirement '(broken)
                #:start (const #t))
       (service '(needs-missing) #:requirement '(nowhere)
                #:start (const #t))
       (service '(phoenix) #:respawn? #t
                #:start (make-forkexec-constructor ',sleeper)
                #:stop (make-kill-destructor))
       (service '(crasher) #:respawn? #t #:respawn-limit '(3 . 60)
                #:start (make-forkexec-constructor
                         '("/bin/sh" "-c" "exit 3")))
       (service '(setup) #:one-shot? #t
                #:start (lambda ()
                          (call-with-output-file ,(marker "setup")
                            (lambda (port) (display "x" port))
                            )
                          #t))
       (service '(user1) #:requirement '(setup) #:start (const #t))
       (service '(user2) #:requirement '(setup user1) #:start (const #t))
       (service '(daemon)
                #:start (make-forkexec-constructor
                         '("/bin/sh" "-c"
                           ,(string-append "sleep 1000 & echo $! > "
                                           (marker "daemon.pid")
                                           "; exit 0"))
                         #:pid-file ,(marker "daemon.pid"))
                #:stop (make-kill-destructor))
       (service '(orphans) #:one-shot? #t
                #:start (make-system-constructor
                         "(sleep 0.2 &) ; (sleep 0.3 &) ; exit 0"))
       (service '(env)
                #:start (make-forkexec-constructor
                         '("/bin/sh" "-c" "echo \"$GREETING $(pwd) $(umask)\"; exec sleep 1000")
                         #:environment-variables '("GREETING=hi" "PATH=/bin:/usr/bin")
                         #:directory ,dir-for-markers
                         #:file-creation-mask #o027
                         #:log-file ,(marker "env.log"))
                #:stop (make-kill-destructor))
       (service '(limited)
                #:start (make-forkexec-constructor
                         '("/bin/sh" "-c" "ulimit -Sn; ulimit -Hn; exec sleep 1000")
                         #:resource-limits '((nofile 64 128))
                         #:log-file ,(marker "limited.log"))
                #:stop (make-kill-destructor))
       (service '(ids)
                #:start (make-forkexec-constructor
                         '("/bin/sh" "-c" "id -u; id -g; id -G; exec sleep 1000")
                         #:user "nobody" #:group "nogroup"
                         #:supplementary-groups '("users")
                         #:log-file ,(marker "ids.log"))
                #:stop (make-kill-destructor))
       (service '(extra-groups)
                #:start (make-forkexec-constructor
                         '("/bin/sh" "-c" "id -u; id -G; exec sleep 1000")
                         #:user 65534 #:supplementary-groups '(100 "nogroup")
                         #:log-file ,(marker "extra-groups.log"))
                #:stop (make-kill-destructor))
       (service '(talker)
                #:documentation "Talks."
                #:start (const #t)
                #:actions
                (actions
                 (greet "Greet someone."
                        (lambda (running name)
                          (format #t "Hello, ~a!~%" name)
                          #t))
                 (fail "Raise an error." (lambda (running) (error "boom")))))))
     (start-in-the-background '(a phoenix)))))

(test-assert "requirements start first: c, then b, then a"
  (begin
    (wait-until "a running" (lambda () (running-pid init 'a)))
    (let ((c (log-index init "Service c has been started"))
          (b (log-index init "Service b has been started"))
          (a (log-index init "Service a has been started")))
      (and c b a (< c b a)))))

(test-assert "every service's process runs"
  (every (lambda (name)
           (let ((pid (running-pid init name)))
             (and (integer? pid) (member (process-state pid) '("S" "R")))))
         '(a b c)))

(test-equal "a failing requirement: the dependent is refused, and says why"
  '(#f #t)
  (let ((reply (herd init 'start 'needs-broken)))
    (list (command-reply-result reply)
          (and (member "Service needs-broken depends on broken."
                       (command-reply-messages reply))
               #t))))

(test-assert "a missing requirement is named"
  (member "Service needs-missing depends on nowhere."
          (command-reply-messages (herd init 'start 'needs-missing))))

(test-assert "a respawnable service that dies runs again with a new PID"
  (let ((old (wait-until "phoenix" (lambda () (running-pid init 'phoenix)))))
    (kill old SIGKILL)
    (let ((new (wait-until "phoenix again"
                           (lambda ()
                             (let ((pid (running-pid init 'phoenix)))
                               (and (integer? pid) (not (= pid old)) pid))))))
      (and (member (process-state new) '("S" "R"))
           (= 1 (length (property (status-of init 'phoenix)
                                  'last-respawns)))))))

(test-assert "the respawn limit disables a service, with Shepherd's message"
  (begin
    (herd init 'start 'crasher)
    (wait-until "crasher disabled"
                (lambda () (not (property (status-of init 'crasher) 'enabled?))))
    (and (log-index init "Service crasher has been disabled.")
         (log-index init "  (Respawning too fast.)")
         (eq? 'stopped (property (status-of init 'crasher) 'status))
         (= 3 (length (property (status-of init 'crasher) 'last-respawns))))))

(test-assert "a disabled service is not started; enable lets it start"
  (and (not (command-reply-result (herd init 'start 'crasher)))
       (member "Service crasher is currently disabled."
               (command-reply-messages (herd init 'start 'crasher)))
       (equal? '(#t) (command-reply-result (herd init 'enable 'crasher)))
       (property (status-of init 'crasher) 'enabled?)))

(test-equal "a one-shot runs once for two dependents, and is stopped"
  '("x" stopped #t)
  (begin
    (herd init 'start 'user2)
    (let ((p (status-of init 'setup)))
      (list (file-contents (marker "setup"))
            (property p 'status)
            (property p 'one-shot?)))))

(test-assert "a #:pid-file daemon: its running value is the PID it wrote"
  (let ((reply (herd init 'start 'daemon)))
    (and (command-reply-result reply)
         (let ((pid (running-pid init 'daemon))
               (written (string->number
                         (string-trim-both
                          (file-contents (marker "daemon.pid"))))))
           (and (= pid written)
                (member (process-state pid) '("S" "R")))))))

(test-assert "stopping the daemon kills it"
  (let ((pid (running-pid init 'daemon)))
    (herd init 'stop 'daemon)
    (wait-until "daemon gone" (lambda () (not (process-state pid))))))

(test-equal "orphans are reaped: no zombie after a double fork"
  '()
  (begin
    (herd init 'start 'orphans)
    ;; The two sleeps are orphans adopted by the init, which reaps them.
    (wait-until "orphans gone"
                (lambda ()
                  (let ((sleeps (filter (match-lambda
                                          ((pid . state)
                                           (string-contains
                                            (file-contents
                                             (string-append "/proc/"
                                                            (number->string pid)
                                                            "/cmdline"))
                                            "0.")))
                                        (children-of (init-pid init)))))
                    (null? sleeps))))
    (filter (match-lambda ((pid . state) (string=? state "Z")))
            (children-of (init-pid init)))))

(test-equal "environment, directory, umask and log file"
  (string-append "hi " dir-for-markers " 0027\n")
  (begin
    (herd init 'start 'env)
    (wait-until "env's log"
                (lambda () (string-contains (file-contents (marker "env.log"))
                                            "\n")))
    (file-contents (marker "env.log"))))

(test-equal "#:resource-limits: the soft and hard limits the program gets"
  "64\n128\n"
  (begin
    (herd init 'start 'limited)
    (wait-until "limited's log"
                (lambda () (= 2 (length (string-split
                                         (string-trim-right
                                          (file-contents (marker "limited.log")))
                                         #\newline)))))
    (file-contents (marker "limited.log"))))

(define (log-of name lines)
  ;; The log file NAME once it has LINES lines.
  (wait-until name
              (lambda () (= lines (length (string-split
                                           (string-trim-right
                                            (file-contents (marker name)))
                                           #\newline)))))
  (file-contents (marker name)))

(define (start-failure-logged? service step)
  ;; Whether starting SERVICE failed, the init's log naming STEP and the
  ;; reason.
  (let ((reply (herd init 'start service)))
    (and (not (command-reply-result reply))
         (not (running-pid init service))
         (wait-until "the failure in the log"
                     (lambda ()
                       (any (lambda (line)
                              (and (string-contains line step)
                                   (string-contains line "not permitted")))
                            (log-lines init)))))))

(if (zero? (getuid))
    (begin
      (test-equal "#:user, #:group, #:supplementary-groups (root): the ids \
the program runs with"
        "65534\n65534\n65534 100\n"
        (begin
          (herd init 'start 'ids)
          (log-of "ids.log" 3)))
      (test-equal "#:supplementary-groups without #:group: the user keeps \
the init's group and gets those"
        "65534\n0 100 65534\n"
        (begin
          (herd init 'start 'extra-groups)
          (log-of "extra-groups.log" 2))))
    (begin
      (test-assert "#:user, #:group (unprivileged): the start fails, the log \
says setgroups was not permitted"
        (start-failure-logged? 'ids "setgroups"))
      (test-assert "#:supplementary-groups alone (unprivileged): refused too"
        (start-failure-logged? 'extra-groups "setgroups"))))

(test-equal "an action: its value and its messages"
  '((#t) ("Hello, Bob!"))
  (let ((reply (herd init 'greet 'talker "Bob")))
    (list (command-reply-result reply) (command-reply-messages reply))))

(test-equal "doc of an action"
  '("greet: Greet someone.")
  (command-reply-messages (herd init 'doc 'talker "action" "greet")))

(test-equal "an unknown action is an action-not-found error"
  '(error (version 0) action-not-found dance talker)
  (command-reply-error (herd init 'dance 'talker)))

(test-assert "an action that raises is an action-exception error"
  (match (command-reply-error (herd init 'fail 'talker))
    (('error ('version 0) 'action-exception 'fail 'talker key args) #t)
    (_ #f)))

(test-equal "restart gives a new PID and keeps the dependents' order"
  #t
  (let ((old (running-pid init 'c)))
    (herd init 'restart 'c)
    (let ((new (running-pid init 'c)))
      (and (integer? new) (not (= old new))))))

(test-assert "stop stops the dependents first"
  (let ((reply (herd init 'stop 'c)))
    (and (equal? '(c b a) (command-reply-result reply))
         (let ((a (log-index init "Stopping service a..."))
               (c (last-index init "Stopping service c...")))
           (and a c (< a c))))))

(test-assert "a status file per service, holding its status record"
  (match (call-with-input-file
             (string-append (dirname (init-socket init)) "/services/phoenix")
           read)
    (('service ('version 0) properties ...)
     (eq? 'running (property properties 'status)))))


;;;
;;; The protocol, byte for byte.
;;;

(define (raw-exchange init text)
  ;; Send TEXT on INIT's socket and return the reply as a string.
  (let ((sock (socket PF_UNIX SOCK_STREAM 0)))
    (connect sock (make-socket-address PF_UNIX (init-socket init)))
    (display text sock)
    (force-output sock)
    (let ((reply (read sock)))
      (close-port sock)
      (call-with-output-string (lambda (port) (write reply port))))))

(test-equal "protocol: doc, byte for byte"
  "(reply (version 0) (result (#t)) (error #f) (messages (\"Talks.\")))"
  (raw-exchange init "(shepherd-command (version 0) (action doc) \
(service talker) (arguments ()) (directory \"/\"))"))

(test-equal "protocol: an unknown service, byte for byte"
  "(reply (version 0) (result #f) (error (error (version 0) service-not-found nope)) (messages ()))"
  (raw-exchange init "(shepherd-command (version 0) (action start) \
(service nope) (arguments ()) (directory \"/\"))"))

(test-assert "protocol: status root lists every service as Shepherd does"
  (match (call-with-input-string
             (raw-exchange init "(shepherd-command (version 0) (action status) \
(service root) (arguments ()) (directory \"/\"))")
           read)
    (('reply ('version 0) ('result (services)) ('error #f) ('messages ()))
     (and (every (match-lambda
                   (('service ('version 0)
                              ('provides _) ('requires _) ('respawn? _)
                              ('docstring _) ('enabled? _) ('running _)
                              ('conflicts ()) ('last-respawns _)
                              ('status-changes _) ('startup-failures _)
                              ('status _) ('one-shot? _) ('transient? _)
                              ('respawn-limit _) ('respawn-delay _))
                    #t)
                   (_ #f))
                 services)
          (= 19 (length services))))
    (_ #f)))

(test-assert "protocol: a request split across writes is answered"
  (let ((sock (socket PF_UNIX SOCK_STREAM 0)))
    (connect sock (make-socket-address PF_UNIX (init-socket init)))
    (display "(shepherd-command (version 0) (action doc) (serv" sock)
    (force-output sock)
    (usleep 50000)
    (display "ice talker) (arguments ()) (directory \"/\"))" sock)
    (force-output sock)
    (let ((reply (read sock)))
      (close-port sock)
      (equal? reply '(reply (version 0) (result (#t)) (error #f)
                            (messages ("Talks.")))))))

(test-assert "protocol: write-command and write-reply send a message in one \
write, not a write a token"
  ;; A SOCK_SEQPACKET pair keeps each write a message of its own: one recv
  ;; gets what one write sent.
  (let ((one-write (lambda (write-it expected)
                     (let ((pair (socketpair PF_UNIX SOCK_SEQPACKET 0))
                           (bv (make-bytevector 65536)))
                       (write-it (car pair))
                       (let ((count (recv! (cdr pair) bv)))
                         (close-port (car pair))
                         (close-port (cdr pair))
                         (equal? expected
                                 (call-with-input-string
                                     (utf8->string (bytevector-slice bv count))
                                   read)))))))
    (and (one-write (lambda (port)
                      (write-command (shepherd-command 'status 'root) port))
                    (command->sexp (shepherd-command 'status 'root)))
         (one-write (lambda (port)
                      (write-reply (command-reply #f '(#t) #f '("hello")) port))
                    (reply->sexp (command-reply #f '(#t) #f '("hello")))))))

(test-equal "SIGTERM stops everything and the init exits 0"
  0
  (stop-init init))


;;;
;;; Shutdown order, with a service that ignores SIGTERM.
;;;

(define init2
  (start-init
   `((default-process-termination-grace-period 1)
     (register-services
      (list (service '(stubborn)
                     #:start (make-forkexec-constructor
                              '("/bin/sh" "-c" "trap '' TERM; exec sleep 1000"))
                     #:stop (make-kill-destructor #:grace-period 1))
            (service '(top) #:requirement '(stubborn)
                     #:start (make-forkexec-constructor ',sleeper)
                     #:stop (make-kill-destructor))
            (service '(loose) #:one-shot? #t
                     #:start (make-system-constructor
                              "(trap '' TERM; exec sleep 1000) & exit 0"))))
     (start-in-the-background '(top loose)))))

(test-assert "SIGTERM: dependents stop first, a stubborn service is killed \
after the grace period, what is left too, and the init exits 0"
  (let ((stubborn (wait-until "stubborn" (lambda () (running-pid init2 'stubborn))))
        (top (wait-until "top" (lambda () (running-pid init2 'top))))
        (log (init-log init2)))
    (wait-until "loose" (lambda ()
                          (eq? 'stopped (property (status-of init2 'loose)
                                                  'status))))
    (kill (init-pid init2) SIGTERM)
    (let* ((status (cdr (waitpid (init-pid init2))))
           (lines (string-split (file-contents log) #\newline))
           (index (lambda (text)
                    (list-index (lambda (line) (string-contains line text))
                                lines))))
      (let ((top-stop (index "Stopping service top..."))
            (stubborn-stop (index "Stopping service stubborn..."))
            (grace (index "Grace period of 1 seconds is over"))
            (left (index "Sending SIGTERM to 1 remaining processes."))
            (killed (index "Sending SIGKILL to 1 remaining processes.")))
        (delete-recursively (init-directory init2))
        (and (= 0 (status:exit-val status))
             top-stop stubborn-stop grace left killed
             (< top-stop stubborn-stop grace left killed)
             (not (process-state stubborn))
             (not (process-state top)))))))

;;;
;;; Waiting for a PID file does not hold the init: a forking daemon that
;;; writes its PID file only once the test creates a "go" file.
;;;

(define (late-daemon pid-file)
  ;; A daemon that forks, exits, and writes PID-FILE once "go" exists.
  `("/bin/sh" "-c"
    ,(string-append "sleep 1000 & pid=$!; "
                    "(while [ ! -e " (marker "go") " ]; do sleep 0.01; done; "
                    "echo $pid > " pid-file ") & exit 0")))

(define init3
  (start-init
   `((default-process-termination-grace-period 1)
     (register-services
      (list (service '(late)
                     #:start (make-forkexec-constructor
                              ',(late-daemon (marker "late.pid"))
                              #:pid-file ,(marker "late.pid")
                              #:pid-file-timeout 600)
                     #:stop (make-kill-destructor))
            (service '(late-background)
                     #:start (make-forkexec-constructor
                              ',(late-daemon (marker "late-background.pid"))
                              #:pid-file ,(marker "late-background.pid")
                              #:pid-file-timeout 600)
                     #:stop (make-kill-destructor))
            (service '(after-late) #:requirement '(late)
                     #:start (make-forkexec-constructor ',sleeper)
                     #:stop (make-kill-destructor))
            (service '(beside) #:start (make-forkexec-constructor ',sleeper)
                     #:stop (make-kill-destructor))
            (service '(beside-background)
                     #:start (make-forkexec-constructor ',sleeper)
                     #:stop (make-kill-destructor))))
     (start-in-the-background '(late-background beside-background)))))

(define (send-start init name)
  ;; Send 'start NAME' to INIT and return the connection, reply unread.
  (let ((sock (open-connection (init-socket init))))
    (write-command (shepherd-command 'start name) sock)
    sock))

(define (status-symbol init name)
  (property (status-of init name) 'status))

(define late-client (send-start init3 'late))
(define dependent-client (send-start init3 'after-late))

(test-equal "a service waiting for its PID file is 'starting' and herd status answers"
  '(starting starting)
  (list (wait-until "late starting"
                    (lambda () (and (eq? 'starting (status-symbol init3 'late))
                                    'starting)))
        (wait-until "late-background starting"
                    (lambda () (and (eq? 'starting
                                         (status-symbol init3 'late-background))
                                    'starting)))))

(test-assert "meanwhile, other services start (by herd and in the background)"
  (and (command-reply-result (herd init3 'start 'beside))
       (running-pid init3 'beside)
       (wait-until "beside-background"
                   (lambda () (running-pid init3 'beside-background)))
       (not (file-exists? (marker "go")))
       (eq? 'starting (status-symbol init3 'late))))

(test-assert "once the PID file is written, the waiting start and the \
dependent's start both succeed, with the PID written"
  (begin
    (call-with-output-file (marker "go") (const #t))
    (let ((late-reply (read-reply late-client))
          (dependent-reply (read-reply dependent-client)))
      (close-port late-client)
      (close-port dependent-client)
      (let ((written (lambda (name)
                       (string->number
                        (string-trim-both (file-contents (marker name)))))))
        (and (command-reply-result late-reply)
             (command-reply-result dependent-reply)
             (not (command-reply-error late-reply))
             (eqv? (running-pid init3 'late) (written "late.pid"))
             (running-pid init3 'after-late)
             (eqv? (wait-until "late-background"
                               (lambda () (running-pid init3 'late-background)))
                   (written "late-background.pid")))))))

(test-assert "herd stop while the start waits for its PID file: stopped once \
the start is over, its process killed, never left running"
  (begin
    (delete-file (marker "go"))
    (herd init3 'stop 'late)
    (let ((start-client (send-start init3 'late)))
      (wait-until "late starting, for the stop"
                  (lambda () (eq? 'starting (status-symbol init3 'late))))
      (let ((stop-client (open-connection (init-socket init3))))
        (write-command (shepherd-command 'stop 'late) stop-client)
        ;; The stop waits for the start: the service is still starting.
        (usleep 200000)
        (let ((still-starting (eq? 'starting (status-symbol init3 'late))))
          (call-with-output-file (marker "go") (const #t))
          (let* ((stop-reply (read-reply stop-client))
                 (start-reply (read-reply start-client))
                 (pid (string->number
                       (string-trim-both (file-contents (marker "late.pid"))))))
            (close-port stop-client)
            (close-port start-client)
            (and still-starting
                 (command-reply-result start-reply)
                 (not (command-reply-error stop-reply))
                 (eq? 'stopped (status-symbol init3 'late))
                 (wait-until "the late daemon gone"
                             (lambda () (not (process-state pid))))
                 (string-contains (file-contents (init-log init3))
                                  "Service late is being started; it will be \
stopped once its start is over."))))))))

(test-assert "SIGTERM while a start waits for its PID file: the init stops \
at once (the wait does not run out) and exits 0"
  (begin
    (delete-file (marker "go"))
    (herd init3 'stop 'late)
    (let ((client (send-start init3 'late)))
      (wait-until "late starting again"
                  (lambda () (eq? 'starting (status-symbol init3 'late))))
      (let ((log (init-log init3))
            (status (stop-init* init3)))
        (close-port client)
        (let ((text (file-contents log)))
          (delete-recursively (init-directory init3))
          (and (= 0 (status:exit-val status))
               (not (string-contains text "did not show up"))
               (not (string-contains text "Exception"))))))))

(delete-recursively dir-for-markers)

(test-end/exit "init")
