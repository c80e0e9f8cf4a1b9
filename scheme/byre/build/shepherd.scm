;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre build shepherd): services as GNU Shepherd has them, for the init
;;; of system containers.  (shepherd service) re-exports it.

(define-module (byre build shepherd)
  #:use-module (byre init-core)
  #:use-module (byre build shepherd-comm)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:use-module ((ice-9 control) #:select (suspendable-continuation?))
  #:use-module (ice-9 match)
  #:use-module (ice-9 rdelim)
  #:replace (make)
  #:export (<service>
            service
            service?
            service-provision
            service-requirement
            service-canonical-name
            one-shot-service?
            transient-service?
            respawn-service?
            service-respawn-limit
            service-respawn-delay
            service-documentation
            service-start
            service-stop
            service-actions
            service-status
            service-running-value
            service-running?
            service-stopped?
            service-enabled?
            service-respawn-times
            service-status-changes
            service-startup-failures
            service-action-list
            lookup-service-action
            service-defines-action?
            service->sexp

            <action>
            action?
            action-name
            action-procedure
            action-documentation
            actions
            make-actions

            register-services
            unregister-services
            lookup-service
            lookup-services
            lookup-running
            service-list
            for-each-service
            start-service
            stop-service
            start-in-the-background
            perform-service-action
            enable-service
            disable-service
            respawn-service
            root-service
            shutdown-services

            default-respawn-limit
            default-respawn-delay
            default-service-termination-handler
            default-environment-variables
            default-service-directory
            default-pid-file-timeout
            default-process-termination-grace-period
            make-forkexec-constructor
            make-kill-destructor
            make-system-constructor
            make-system-destructor
            fork+exec-command
            exec-command
            spawn-command
            spawn-shell-command
            read-pid-file
            terminate-process

            &service-error
            service-error?
            &missing-service-error
            missing-service-error?
            missing-service-name
            &unknown-action-error
            unknown-action-error?
            unknown-action-name
            unknown-action-service
            &action-runtime-error
            action-runtime-error?
            action-runtime-error-service
            action-runtime-error-action
            action-runtime-error-key
            action-runtime-error-arguments
            condition->sexp

            local-output
            log-output-port
            make-message-port
            call-with-message-collection
            catch-system-error
            mkdir-p

            %signal-descriptor
            reap-children!
            dispatch-terminations!
            run-due-timers!
            next-timer-delay
            call-with-suspension
            wait-until
            wait-for-events
            set-service-status-hook!
            descendant-processes

            ;; Shepherd 0.8's names, which Guix's 2021 services call.
            provided-by
            required-by
            canonical-name
            one-shot?
            transient?
            respawn?
            running?
            stopped?
            enabled?
            enable
            disable
            start
            stop
            action
            action-list
            lookup-action
            defines-action?))

;;; Commentary:
;;;
;;; A service is a record (no GOOPS: the init must stay small), created by
;;; `service' or, as Guix generated it in 2021, by `(make <service> #:provides
;;; …)'; this module's `make' replaces GOOPS's for <service> and defers to it
;;; for anything else.
;;;
;;; Everything runs in one thread, the init's: starting a service runs its
;;; requirements' start procedures, then its own, and returns; a procedure
;;; that waits (make-kill-destructor, make-system-constructor) keeps reaping
;;; children and noting signals while it waits, and the terminations and
;;; signals it saw are handled by the init's loop when the operation is over.
;;; Waiting for a PID file, or for a service another request is starting,
;;; does not hold the loop: what the loop runs (a client's command, a timer,
;;; a termination handler) runs under `call-with-suspension', and
;;; `wait-until' there captures the rest of the operation as a delimited
;;; continuation that the loop resumes, from a timer, once the wait is
;;; over; other services start and clients are served meanwhile.  Where the
;;; operation cannot be suspended (loading the configuration file, which
;;; goes through `primitive-load'), `wait-until' waits in place.  Processes are started by %spawn-process (prepared
;;; system calls, nothing in Scheme between the fork and the exec).
;;;
;;; Code:


;;;
;;; Messages and the init's log.
;;;

(define log-output-port
  ;; Where the init's own messages go, each line prefixed by the time.
  (make-parameter (current-output-port)))

(define %messages
  ;; While a client's command runs: a list (in reverse) of the lines it
  ;; will receive in its reply's messages.
  (make-parameter #f))

(define (call-with-message-collection thunk)
  "Call THUNK; return two values: its value and the list of messages
`local-output' produced meanwhile."
  (let* ((box (list '()))
         (value (parameterize ((%messages box)) (thunk))))
    (values value (reverse (car box)))))

(define (local-output format-string . args)
  "Format ARGS with FORMAT-STRING as `format' does and write the line to
the init's log and, during a client's command, to the reply's messages."
  (let ((line (apply format #f format-string args)))
    (let ((box (%messages)))
      (when box (set-car! box (cons line (car box)))))
    (let ((port (log-output-port)))
      (display (strftime "%Y-%m-%d %H:%M:%S " (localtime (current-time))) port)
      (display line port)
      (newline port)
      (force-output port))))

(define (make-message-port)
  "Return an output port whose complete lines become `local-output'
messages: service code that writes to the current output port (`format
#t') is heard in the log and by the client."
  (let ((pending '()))
    (define (emit! str)
      (let loop ((str (string-concatenate-reverse (cons str pending))))
        (let ((newline (string-index str #\newline)))
          (if newline
              (begin
                (local-output "~a" (substring str 0 newline))
                (loop (substring str (+ 1 newline))))
              (set! pending (if (string-null? str) '() (list str)))))))
    (make-soft-port
     (vector (lambda (char) (emit! (string char)))
             emit!
             (const #t)
             #f
             (lambda ()
               (unless (null? pending) (emit! "\n"))))
     "w")))

(define-syntax-rule (catch-system-error exp ...)
  "Evaluate EXP…; return #f if it raises a system-error."
  (catch 'system-error (lambda () exp ...) (const #f)))

(define* (mkdir-p directory #:optional (mode #o755))
  "Create DIRECTORY and its missing parents with MODE."
  (let loop ((components (string-tokenize directory (char-set-complement
                                                     (char-set #\/))))
             (path (if (string-prefix? "/" directory) "" ".")))
    (match components
      (() #t)
      ((head . tail)
       (let ((path (string-append path "/" head)))
         (catch 'system-error
           (lambda () (mkdir path mode))
           (lambda args
             (unless (= EEXIST (system-error-errno args))
               (apply throw args))))
         (loop tail path))))))


;;;
;;; Services.
;;;

(define-record-type <action>
  (make-action name procedure documentation)
  action?
  (name          action-name)
  (procedure     action-procedure)
  (documentation action-documentation))

(define-syntax actions
  (syntax-rules ()
    "Return a list of actions, each (NAME DOCUMENTATION PROCEDURE) or
(NAME PROCEDURE); PROCEDURE takes the service's running value and the
action's arguments."
    ((_ (name documentation procedure) rest ...)
     (cons (make-action 'name procedure documentation) (actions rest ...)))
    ((_ (name procedure) rest ...)
     (cons (make-action 'name procedure "[No documentation.]")
           (actions rest ...)))
    ((_) '())))

(define-syntax-rule (make-actions rest ...)
  ;; Shepherd 0.8's name for `actions'.
  (actions rest ...))

(define default-respawn-limit
  ;; A service respawned CAR times within CDR seconds is disabled, as in
  ;; Shepherd 0.8 and 0.9.
  (make-parameter '(5 . 7)))

(define default-respawn-delay
  ;; Seconds to wait before respawning.  Shepherd 0.10.3 waits 0.1 s; byre
  ;; respawns at once unless a service says otherwise.
  (make-parameter 0))

(define-record-type <service>
  (%make-service provision requirement one-shot? transient? respawn?
                 respawn-limit respawn-delay start stop actions
                 termination-handler documentation
                 status running enabled? respawns changes failures
                 replacement)
  service?
  (provision           service-provision)
  (requirement         service-requirement)
  (one-shot?           one-shot-service?)
  (transient?          transient-service?)
  (respawn?            respawn-service?)
  (respawn-limit       service-respawn-limit)
  (respawn-delay       service-respawn-delay)
  (start               service-start)
  (stop                service-stop)
  (actions             service-actions)
  (termination-handler service-termination-handler)
  (documentation       service-documentation)
  ;; State, changed by this module only.
  (status      service-status set-service-status!)   ;stopped starting running stopping
  (running     service-running-value set-service-running-value!)
  (enabled?    service-enabled? set-service-enabled!)
  (respawns    service-respawn-times set-service-respawn-times!)
  (changes     service-status-changes set-service-status-changes!)
  (failures    service-startup-failures set-service-startup-failures!)
  (replacement service-replacement set-service-replacement!))

(define (list-of-symbols? obj)
  (and (list? obj) (every symbol? obj)))

(define* (service provision
                  #:key
                  (requirement '())
                  (one-shot? #f)
                  (transient? #f)
                  (respawn? #f)
                  (respawn-limit (default-respawn-limit))
                  (respawn-delay (default-respawn-delay))
                  (start (lambda args #t))
                  (stop (lambda (running . args) #f))
                  (actions '())
                  (termination-handler default-service-termination-handler)
                  (documentation "[No description]."))
  "Return a new service providing PROVISION, a non-empty list of symbols,
that requires the services named in REQUIREMENT.  START is called with no
argument (or those of `herd start') and returns the running value (#f for
a failure; a PID is watched); STOP is called with the running value and
returns #f once stopped.  RESPAWN? services whose process dies are started
again unless they died more than (car RESPAWN-LIMIT) times within
(cdr RESPAWN-LIMIT) seconds, after RESPAWN-DELAY seconds."
  (define (check what ok? value hint)
    (unless (ok? value)
      (raise (condition
              (&message
               (message (format #f "service ~s: invalid ~a ~s; ~a"
                                provision what value hint)))))))
  (check "provision" (lambda (p) (and (pair? p) (list-of-symbols? p)))
         provision "write a non-empty list of symbols, such as '(sshd ssh)")
  (check "requirement" list-of-symbols? requirement
         "write a list of symbols, such as '(networking)")
  (check "respawn limit"
         (match-lambda ((? not) #t)
                       (((? integer?) . (? real?)) #t)
                       (_ #f))
         respawn-limit "write #f or (TIMES . SECONDS), such as '(5 . 7)")
  (check "respawn delay" (lambda (d) (and (real? d) (>= d 0)))
         respawn-delay "write a number of seconds")
  (check "start procedure" procedure? start "write a procedure")
  (check "stop procedure" procedure? stop "write a procedure")
  (check "actions" (lambda (a) (and (list? a) (every action? a))) actions
         "write them with (actions (NAME DOC PROC) …)")
  (%make-service provision requirement one-shot? transient? respawn?
                 respawn-limit respawn-delay start stop actions
                 termination-handler documentation
                 'stopped #f #t '() '() '() #f))

(define %make-initargs
  ;; The keywords of (make <service> …) in Shepherd 0.8 and 0.9, and the
  ;; keyword of `service' each one stands for.
  '((#:provides . #:provision)
    (#:requires . #:requirement)
    (#:one-shot? . #:one-shot?)
    (#:transient? . #:transient?)
    (#:respawn? . #:respawn?)
    (#:respawn-limit . #:respawn-limit)
    (#:respawn-delay . #:respawn-delay)
    (#:start . #:start)
    (#:stop . #:stop)
    (#:actions . #:actions)
    (#:handle-termination . #:termination-handler)
    (#:docstring . #:documentation)))

(define (make class . initargs)
  "Return a new instance of CLASS.  For <service>, INITARGS are those of
Shepherd 0.8's (make <service> #:provides … #:requires … #:start …
#:stop …); any other CLASS is made by GOOPS."
  (if (eq? class <service>)
      (let loop ((args initargs) (provision #f) (keywords '()))
        (match args
          (()
           (unless provision
             (error "(make <service> …) without #:provides" initargs))
           (apply service provision (reverse keywords)))
          (((? keyword? key) value . rest)
           (match (assq key %make-initargs)
             ((_ . #:provision) (loop rest value keywords))
             ((_ . keyword) (loop rest provision
                                  (cons* value keyword keywords)))
             (#f (error (format #f "(make <service> …): unknown keyword ~s; \
known: ~a" key (map car %make-initargs))))))
          (_ (error "(make <service> …): expected keyword/value pairs"
                    initargs))))
      (apply (module-ref (resolve-interface '(oop goops)) 'make)
             class initargs)))

(define (service-canonical-name service)
  "Return the first symbol SERVICE provides."
  (car (service-provision service)))

(define (service-running? service)
  "Return true unless SERVICE is stopped."
  (not (service-stopped? service)))

(define (service-stopped? service)
  "Return true if SERVICE is stopped."
  (eq? 'stopped (service-status service)))

(define (service-action-list service)
  "Return the names of SERVICE's own actions."
  (map action-name (service-actions service)))

(define (lookup-service-action service name)
  "Return SERVICE's action called NAME, or #f."
  (find (lambda (a) (eq? name (action-name a))) (service-actions service)))

(define (service-defines-action? service name)
  "Return true if SERVICE has an action called NAME."
  (and (lookup-service-action service name) #t))

(define %status-hook
  ;; Called with each service whose status changed (status files).
  (lambda (service) #t))

(define (set-service-status-hook! proc)
  "Call PROC with each service whose status changes from now on."
  (set! %status-hook proc))

(define (take-at-most lst n)
  (if (> (length lst) n) (take lst n) lst))

(define (change-status! service status)
  (set-service-status! service status)
  (set-service-status-changes!
   service (take-at-most (cons (cons status (current-time))
                               (service-status-changes service))
                         30))
  (%status-hook service))

(define-record-type-serializer (service->sexp (service <service>))
  ;; As Shepherd 0.10 writes a service in replies.
  `(service (version 0)
            (provides ,(service-provision service))
            (requires ,(service-requirement service))
            (respawn? ,(respawn-service? service))
            (docstring ,(service-documentation service))
            (enabled? ,(service-enabled? service))
            (running ,(result->sexp (service-running-value service)))
            (conflicts ())
            (last-respawns ,(service-respawn-times service))
            (status-changes ,(service-status-changes service))
            (startup-failures ,(service-startup-failures service))
            (status ,(service-status service))
            (one-shot? ,(one-shot-service? service))
            (transient? ,(transient-service? service))
            (respawn-limit ,(service-respawn-limit service))
            (respawn-delay ,(service-respawn-delay service))))


;;;
;;; Errors.
;;;

(define-condition-type &service-error &error service-error?)

(define-condition-type &missing-service-error &service-error
  missing-service-error?
  (name missing-service-name))

(define-condition-type &unknown-action-error &service-error
  unknown-action-error?
  (service unknown-action-service)
  (action  unknown-action-name))

(define-condition-type &action-runtime-error &service-error
  action-runtime-error?
  (service   action-runtime-error-service)
  (action    action-runtime-error-action)
  (key       action-runtime-error-key)
  (arguments action-runtime-error-arguments))

(define (condition->sexp condition)
  "Return the error s-expression of a reply for CONDITION, a service error."
  (cond ((missing-service-error? condition)
         `(error (version 0) service-not-found
                 ,(missing-service-name condition)))
        ((unknown-action-error? condition)
         `(error (version 0) action-not-found
                 ,(unknown-action-name condition)
                 ,(service-canonical-name (unknown-action-service condition))))
        ((action-runtime-error? condition)
         `(error (version 0) action-exception
                 ,(action-runtime-error-action condition)
                 ,(service-canonical-name
                   (action-runtime-error-service condition))
                 ,(action-runtime-error-key condition)
                 ,(map result->sexp
                       (action-runtime-error-arguments condition))))
        (else `(error (version 0) service-error))))

(define (describe-exception key args)
  (call-with-output-string
    (lambda (port) (print-exception port #f key args))))

(define (report-action-error service action key args)
  ;; Log an exception raised by ACTION's user code, then raise it as an
  ;; &action-runtime-error for the client.
  (local-output "Exception caught while performing '~a' on service '~a': ~a"
                action (service-canonical-name service)
                (string-trim-right (describe-exception key args)))
  (raise (condition (&action-runtime-error
                     (service service) (action action)
                     (key key) (arguments args)))))


;;;
;;; The registry.
;;;

(define %registry
  ;; Symbol → service, for every symbol a service provides.
  (make-hash-table))

(define %services
  ;; Registered services, most recent first.
  '())

(define (lookup-service name)
  "Return the service that provides NAME, a symbol, or #f."
  (hashq-ref %registry name))

(define (lookup-services name)
  "Return the list of services providing NAME (Shepherd 0.8's interface)."
  (match (lookup-service name) (#f '()) (service (list service))))

(define (lookup-running name)
  "Return the running service that provides NAME, or #f."
  (let ((service (lookup-service name)))
    (and service (eq? 'running (service-status service)) service)))

(define (service-list)
  "Return the registered services, in the order they were registered."
  (reverse %services))

(define (for-each-service proc)
  "Call PROC on each registered service."
  (for-each proc (service-list)))

(define (register-one! new)
  (match (filter-map lookup-service (service-provision new))
    (()
     (for-each (lambda (name) (hashq-set! %registry name new))
               (service-provision new))
     (set! %services (cons new %services)))
    ((old)
     (if (service-stopped? old)
         (begin
           (unregister! old)
           (register-one! new))
         (begin
           (local-output "Recording replacement for ~a."
                         (service-canonical-name old))
           (set-service-replacement! old new))))
    (olds
     (error (format #f "service ~s provides names of several services: ~s"
                    (service-provision new)
                    (map service-canonical-name olds))))))

(define (unregister! service)
  (for-each (lambda (name)
              (when (eq? service (hashq-ref %registry name))
                (hashq-remove! %registry name)))
            (service-provision service))
  (set! %services (delq service %services)))

(define (register-services . services)
  "Register SERVICES, a list of services (or, as in Shepherd 0.8, the
services themselves as arguments), so that they can be looked up by name.
A service that provides a name already registered replaces the old one at
once if it is stopped, else when it stops."
  (for-each (lambda (service)
              (unless (service? service)
                (error "register-services: not a service" service))
              (register-one! service))
            (match services
              (((? list? lst)) lst)
              (lst lst))))

(define (unregister-services services)
  "Stop SERVICES if they are running, then remove them from the registry."
  (for-each (lambda (service)
              (unless (service-stopped? service) (stop-service service))
              (unregister! service))
            services)
  #t)


;;;
;;; Children, signals and timers.
;;;

(define %signal-descriptor
  ;; The signalfd of the init (SIGCHLD and the stopping signals), or #f
  ;; outside the init, in which case waits poll.
  (make-parameter #f))

(define %pending-signals '())             ;signals seen during a wait
(define %service-pids (make-hash-table))  ;pid → service
(define %awaited (make-hash-table))       ;pid → #t | exit status
(define %terminations '())                ;(service pid status), oldest last
(define %timers '())                      ;(time . thunk), soonest first

(define (take-pending-signals!)
  (let ((signals (reverse %pending-signals)))
    (set! %pending-signals '())
    signals))

(define (reap-children!)
  "Collect every child that has terminated, orphans included: note the
status of processes someone waits for and queue the termination of
services' processes.  Return the number of children reaped."
  (let loop ((count 0))
    (match (catch 'system-error
             (lambda () (waitpid WAIT_ANY WNOHANG))
             (const '(0 . 0)))
      ((0 . _) count)
      ((pid . status)
       (when (hashv-ref %awaited pid)
         (hashv-set! %awaited pid status))
       (let ((service (hashv-ref %service-pids pid)))
         (when service
           (hashv-remove! %service-pids pid)
           (set! %terminations
                 (cons (list service pid status) %terminations))))
       (loop (+ count 1))))))

(define (wait-for-events timeout)
  "Wait at most TIMEOUT seconds (#f: no limit) for a signal, reaping
children and recording the other signals for the init's loop.  Return the
list of signals other than SIGCHLD read this time."
  (let ((fd (%signal-descriptor)))
    (if fd
        (begin
          (match (if timeout
                     (let* ((seconds (inexact->exact (floor timeout)))
                            (micro (inexact->exact
                                    (round (* 1e6 (- timeout seconds))))))
                       (select (list fd) '() '() seconds micro))
                     (select (list fd) '() '()))
            (((_) _ _) #t)
            (_ #t))
          (let ((others (remove (cut-eq SIGCHLD) (%read-signals fd))))
            (reap-children!)
            (set! %pending-signals (append (reverse others) %pending-signals))
            others))
        (begin
          (when timeout (usleep (inexact->exact (round (* 1e6 (min timeout 0.01))))))
          (reap-children!)
          '()))))

(define (cut-eq x) (lambda (y) (eqv? x y)))

(define (now)
  (let ((t (gettimeofday)))
    (+ (car t) (/ (cdr t) 1e6))))

(define (call-later delay thunk)
  ;; Run THUNK from the init's loop DELAY seconds from now.
  (let ((time (+ (now) delay)))
    (set! %timers
          (merge %timers (list (cons time thunk))
                 (lambda (a b) (< (car a) (car b)))))))

(define (next-timer-delay)
  "Return the seconds until the next timer is due (0 if one is), or #f."
  (match %timers
    (() #f)
    (((time . _) . _) (max 0 (- time (now))))))

(define (run-due-timers!)
  "Run the timers that are due."
  (let ((t (now)))
    (let loop ()
      (match %timers
        (((time . thunk) . rest)
         (when (<= time t)
           (set! %timers rest)
           (call-with-suspension thunk)
           (loop)))
        (_ #t)))))

;;; Waits that let the loop run.

(define %suspension-tag (make-prompt-tag "byre-init-wait"))

(define (call-with-suspension thunk)
  "Call THUNK, letting `wait-until' inside it suspend it: return THUNK's
value, or *unspecified* at once if it was suspended, in which case the
init's loop finishes it later (and what THUNK returns then is dropped)."
  (call-with-prompt %suspension-tag
    thunk
    (lambda (k install)
      (install k)
      *unspecified*)))

(define %wait-poll-interval
  ;; Seconds between two checks of a suspended wait's condition.
  0.01)

(define (wait-until ready? deadline)
  "Return the first true value of (READY?), or #f once DEADLINE (seconds
since the epoch, as `gettimeofday' counts; #f: none) is past.  Inside
`call-with-suspension' the caller is suspended meanwhile and the init's
loop serves others; elsewhere this waits in place, reaping children and
noting signals, and returns #f at once if there is no DEADLINE (nothing
else could make READY? true)."
  (define (over?) (and deadline (>= (now) deadline)))
  (let ((value (ready?)))
    (cond
     (value value)
     ((over?) #f)
     ((suspendable-continuation? %suspension-tag)
      (abort-to-prompt
       %suspension-tag
       (lambda (k)
         (let poll ()
           (call-later %wait-poll-interval
                       (lambda ()
                         (let ((value (ready?)))
                           (if (or value (over?))
                               (call-with-suspension (lambda () (k value)))
                               (poll)))))))))
     ((not deadline) #f)
     (else
      (wait-for-events (min %wait-poll-interval (max 0 (- deadline (now)))))
      (wait-until ready? deadline)))))

(define (process-exists? pid)
  (catch 'system-error
    (lambda () (kill pid 0) #t)
    (lambda args (not (= ESRCH (system-error-errno args))))))

(define (wait-for-process pid timeout)
  "Wait at most TIMEOUT seconds (#f: forever) for process PID to terminate;
return its exit status (#t if it was not a child of ours), or #f on
timeout.  Children are reaped meanwhile."
  (define deadline (and timeout (+ (now) timeout)))
  (unless (hashv-ref %awaited pid)
    (hashv-set! %awaited pid #t))
  (let loop ()
    (reap-children!)
    (let ((status (hashv-ref %awaited pid)))
      (cond ((integer? status)
             (hashv-remove! %awaited pid)
             status)
            ((not (process-exists? pid))
             (hashv-remove! %awaited pid)
             #t)
            ((and deadline (>= (now) deadline))
             #f)
            (else
             ;; A process that is not our child sends no SIGCHLD: poll too.
             (wait-for-events (if deadline
                                  (min 0.05 (max 0 (- deadline (now))))
                                  0.05))
             (loop))))))

(define (pause seconds)
  ;; Sleep SECONDS while reaping children.
  (let ((deadline (+ (now) seconds)))
    (let loop ()
      (let ((left (- deadline (now))))
        (when (> left 0)
          (wait-for-events left)
          (loop))))))

(define (dispatch-terminations!)
  "Handle the terminations of services' processes reaped so far: each
service whose running process died is marked stopped and its termination
handler called (by default, respawning it)."
  (let ((pending (reverse %terminations)))
    (set! %terminations '())
    (for-each
     (match-lambda
       ((service pid status)
        (when (and (eq? 'running (service-status service))
                   (eqv? pid (service-running-value service)))
          (set-service-running-value! service #f)
          (change-status! service 'stopped)
          ;; The handler may respawn a service that waits for its PID
          ;; file: that wait must not hold the loop.
          (call-with-suspension
           (lambda ()
             (catch #t
               (lambda ()
                 ((service-termination-handler service) service pid status))
               (lambda (key . args)
                 (local-output "Termination handler of ~a failed: ~a"
                               (service-canonical-name service)
                               (string-trim-right
                                (describe-exception key args))))))))))
     pending)
    (unless (null? %terminations)
      (dispatch-terminations!))))

(define (descendant-processes)
  "Return the PIDs of every live descendant of this process, read from
/proc (orphans are ours: the init is PID 1 or a subreaper)."
  (define self (getpid))
  (define parents
    (filter-map
     (lambda (name)
       (let ((pid (string->number name)))
         (and pid
              (catch 'system-error
                (lambda ()
                  (let* ((stat (call-with-input-file
                                   (string-append "/proc/" name "/stat")
                                 read-line))
                         ;; The command is in parentheses and may hold
                         ;; spaces: fields start after the last ')'.
                         (fields (string-tokenize
                                  (substring stat
                                             (+ 2 (string-rindex stat #\)))))))
                    (and (not (string=? (car fields) "Z"))
                         (cons pid (string->number (cadr fields))))))
                (const #f)))))
     (or (scandir* "/proc") '())))
  (let loop ((frontier (list self)) (found '()))
    (match frontier
      (() found)
      ((pid . rest)
       (let ((children (filter-map (match-lambda
                                     ((child . (? (cut-eq pid))) child)
                                     (_ #f))
                                   parents)))
         (loop (append children rest) (append children found)))))))

(define (scandir* directory)
  (let ((dir (catch-system-error (opendir directory))))
    (and dir
         (let loop ((entries '()))
           (let ((entry (readdir dir)))
             (if (eof-object? entry)
                 (begin (closedir dir) entries)
                 (loop (cons entry entries))))))))

(define (process-group pid)
  ;; The process group of PID, from /proc, or #f if it is gone.
  (catch 'system-error
    (lambda ()
      (let ((stat (call-with-input-file
                      (string-append "/proc/" (number->string pid) "/stat")
                    read-line)))
        (string->number
         (caddr (string-tokenize
                 (substring stat (+ 2 (string-rindex stat #\)))))))))
    (const #f)))


;;;
;;; Starting and stopping services.
;;;

(define %one-shots-started
  ;; During one start operation: the one-shot services already started.
  (make-parameter #f))

(define (start-requirement name)
  ;; Start the service providing NAME for a dependent; return it, or the
  ;; name itself as the culprit.
  (let ((service (lookup-service name)))
    (cond ((not service) name)
          ((eq? 'running (service-status service)) #f)
          ((and (one-shot-service? service)
                (memq service (car (%one-shots-started))))
           #f)
          ((start-service service) #f)
          (else service))))

(define (culprit-name culprit)
  (if (service? culprit) (service-canonical-name culprit) culprit))

(define (start-service service . args)
  "Start SERVICE and, first, the services it requires, passing ARGS to its
start procedure.  Return its running value, #f if it could not be
started (a requirement that fails is reported as \"Service X depends on
Y.\")."
  (parameterize ((%one-shots-started (or (%one-shots-started) (list '()))))
    (cond
     ((eq? 'running (service-status service))
      (service-running-value service))
     ((eq? 'starting (service-status service))
      ;; Another request is starting it (and waits, suspended): wait for
      ;; its outcome.
      (if (wait-until (lambda () (not (eq? 'starting (service-status service))))
                      #f)
          (service-running-value service)
          (begin
            (local-output "Service ~a is being started."
                          (service-canonical-name service))
            #f)))
     ((not (service-enabled? service))
      (local-output "Service ~a is currently disabled."
                    (service-canonical-name service))
      #f)
     (else
      (let ((problems (filter-map start-requirement
                                  (service-requirement service))))
        (if (pair? problems)
            (begin
              (for-each (lambda (culprit)
                          (local-output "Service ~a depends on ~a."
                                        (service-canonical-name service)
                                        (culprit-name culprit)))
                        problems)
              #f)
            (launch service args)))))))

(define (pid? obj)
  (and (exact-integer? obj) (> obj 1)))

(define (launch service args)
  ;; Run SERVICE's start procedure with ARGS and record the outcome.
  (change-status! service 'starting)
  (let ((value (catch #t
                 (lambda () (apply (service-start service) args))
                 (lambda (key . rest)
                   (local-output "Exception caught while starting ~a: ~a"
                                 (service-canonical-name service)
                                 (string-trim-right
                                  (describe-exception key rest)))
                   #f))))
    (when (and value (one-shot-service? service))
      (let ((box (%one-shots-started)))
        (set-car! box (cons service (car box)))))
    (cond ((and value (not (one-shot-service? service)))
           (set-service-running-value! service value)
           (when (pid? value)
             (hashv-set! %service-pids value service))
           (change-status! service 'running)
           (local-output "Service ~a has been started."
                         (service-canonical-name service))
           ;; The process may have died already: its status was reaped
           ;; before we knew its pid.
           (when (and (pid? value) (not (process-exists? value)))
             (hashv-remove! %service-pids value)
             (set! %terminations (cons (list service value 0) %terminations))))
          (value
           (set-service-running-value! service #f)
           (change-status! service 'stopped)
           (local-output "Service ~a has been started."
                         (service-canonical-name service)))
          (else
           (set-service-running-value! service #f)
           (set-service-startup-failures!
            service (take-at-most (cons (current-time)
                                        (service-startup-failures service))
                                  10))
           (change-status! service 'stopped)
           (local-output "Service ~a could not be started."
                         (service-canonical-name service))))
    value))

(define (required-by? service dependent)
  (any (lambda (name) (memq name (service-provision service)))
       (service-requirement dependent)))

(define (stop-service service . args)
  "Stop SERVICE, after the running services that depend on it, passing
its running value and ARGS to its stop procedure.  Return the list of
services stopped.  A service whose start is still going on (waiting for
its PID file) is stopped once that start is over, when the caller can be
suspended meanwhile (a herd request): its process is not left running
behind a service marked stopped."
  (if (and (eq? 'starting (service-status service))
           (suspendable-continuation? %suspension-tag))
      (begin
        (local-output "Service ~a is being started; it will be stopped once \
its start is over." (service-canonical-name service))
        (wait-until (lambda () (not (eq? 'starting (service-status service))))
                    #f)
        (apply stop-service service args))
      (apply stop-service/now service args)))

(define (stop-service/now service . args)
  (if (service-stopped? service)
      (begin
        (local-output "Service ~a is not running."
                      (service-canonical-name service))
        (list service))
      (let ((dependents
             (append-map (lambda (other)
                           (if (and (service-running? other)
                                    (required-by? service other))
                               (stop-service other)
                               '()))
                         (service-list))))
        (local-output "Stopping service ~a..." (service-canonical-name service))
        (change-status! service 'stopping)
        (let* ((running (service-running-value service))
               (stopped? (catch #t
                           (lambda ()
                             (not (apply (service-stop service) running args)))
                           (lambda (key . rest)
                             ;; Root's stop procedure exits the init.
                             (when (eq? key 'quit)
                               (set-service-running-value! service #f)
                               (change-status! service 'stopped)
                               (apply throw key rest))
                             (local-output "Exception caught while stopping \
~a: ~a" (service-canonical-name service)
                                           (string-trim-right
                                            (describe-exception key rest)))
                             #f))))
          (when (pid? running) (hashv-remove! %service-pids running))
          (set-service-running-value! service #f)
          (set-service-respawn-times! service '())
          (change-status! service 'stopped)
          (local-output (if stopped?
                            "Service ~a stopped."
                            "Service ~a might have failed to stop.")
                        (service-canonical-name service)))
        (when (transient-service? service)
          (unregister! service)
          (local-output "Transient service ~a unregistered."
                        (service-canonical-name service)))
        (let ((replacement (service-replacement service)))
          (when replacement
            (unregister! service)
            (register-one! replacement))
          (cons (or replacement service) dependents)))))

(define (enable-service service)
  "Enable SERVICE: it may be started again."
  (set-service-enabled! service #t)
  (%status-hook service))

(define (disable-service service)
  "Disable SERVICE: it is not started, nor respawned, until enabled."
  (set-service-enabled! service #f)
  (%status-hook service))

(define (respawn-limit-hit? respawns times seconds)
  ;; True if the TIMES most recent of RESPAWNS are all within SECONDS.
  (let ((t (current-time)))
    (let loop ((times times) (respawns respawns))
      (cond ((zero? times) #t)
            ((null? respawns) #f)
            ((> (+ (car respawns) seconds) t)
             (loop (- times 1) (cdr respawns)))
            (else #f)))))

(define (respawn-service service)
  "Start SERVICE again after its process died, unless it is disabled, not
respawnable, or respawned too often, in which case disable it."
  (define limit (service-respawn-limit service))
  (cond
   ((not (service-enabled? service)) #f)
   ((and (respawn-service? service)
         (or (not limit)
             (not (respawn-limit-hit? (service-respawn-times service)
                                      (car limit) (cdr limit)))))
    (let ((again (lambda ()
                   (when (and (service-stopped? service)
                              (service-enabled? service))
                     (local-output "Respawning ~a."
                                   (service-canonical-name service))
                     (set-service-respawn-times!
                      service (cons (current-time)
                                    (service-respawn-times service)))
                     (start-service service)))))
      (if (zero? (service-respawn-delay service))
          (again)
          (call-later (service-respawn-delay service) again))))
   (else
    (disable-service service)
    (local-output "Service ~a has been disabled." (service-canonical-name service))
    (when (respawn-service? service)
      (local-output "  (Respawning too fast.)"))
    (when (transient-service? service)
      (unregister! service)
      (local-output "Transient service ~a terminated, now unregistered."
                    (service-canonical-name service))))))

(define (default-service-termination-handler service pid status)
  "Log how SERVICE's process PID ended if it failed (STATUS is as waitpid
returns it), then respawn SERVICE if it is respawnable."
  (unless (zero? status)
    (cond ((status:exit-val status)
           => (lambda (code)
                (local-output "Service ~a (PID ~a) exited with ~a."
                              (service-canonical-name service) pid code)))
          ((status:term-sig status)
           => (lambda (sig)
                (local-output "Service ~a (PID ~a) terminated with signal ~a."
                              (service-canonical-name service) pid sig)))))
  (respawn-service service))

(define (start-in-the-background names)
  "Start the services NAMES, a list of symbols, once the init is ready for
clients: this returns at once, and the init's loop starts them, each on
its own, so that one waiting for its PID file does not delay the others;
once all are done, one line of the log says which failed."
  (define left (length names))
  (define failures '())
  (define (done! name ok?)
    (unless ok? (set! failures (cons name failures)))
    (set! left (- left 1))
    (when (zero? left)
      (if (null? failures)
          (local-output "Successfully started ~a services in \
the background." (length names))
          (local-output "The following services could not be \
started in the background:~{ ~a~}."
                        (filter (cut-member failures) names)))))
  (call-later 0
              (lambda ()
                (for-each (lambda (name)
                            (call-with-suspension
                             (lambda ()
                               (let ((service (lookup-service name)))
                                 (done! name (and service
                                                  (start-service service)
                                                  #t))))))
                          names)))
  *unspecified*)

(define (cut-member lst)
  (lambda (x) (memq x lst)))

(define (shutdown-services)
  "Stop every running service but root, dependents first, in the reverse
order of their registration."
  (for-each (lambda (service)
              (when (and (service-running? service)
                         (not (eq? service root-service)))
                (stop-service service)))
            %services))


;;;
;;; Actions.
;;;

(define (display-service-documentation service . args)
  (match args
    (() (local-output "~a" (service-documentation service)))
    (("list-actions")
     (local-output "~a ~a" (service-canonical-name service)
                   (service-action-list service)))
    (("action" names ...)
     (for-each (lambda (name)
                 (match (lookup-service-action service (string->symbol name))
                   (#f (raise (condition (&unknown-action-error
                                          (service service)
                                          (action (string->symbol name))))))
                   (a (local-output "~a: ~a" name (action-documentation a)))))
               names))
    (_ (local-output "~a" (service-documentation service)))))

(define (perform-service-action service the-action . args)
  "Perform THE-ACTION, a symbol, on SERVICE with ARGS: one of SERVICE's own
actions, or restart, status, enable, disable, doc.  Return its value."
  (define default
    (case the-action
      ((restart)
       (lambda (running . args)
         (for-each start-service
                   (remove transient-service? (stop-service service)))
         #t))
      ((status) (lambda _ service))
      ((enable)
       (lambda _
         (enable-service service)
         (local-output "Enabled service ~a." (service-canonical-name service))
         #t))
      ((disable)
       (lambda _
         (disable-service service)
         (local-output "Disabled service ~a." (service-canonical-name service))
         #t))
      ((doc)
       (lambda (running . args)
         (apply display-service-documentation service args)
         #t))
      (else
       (lambda _
         (raise (condition (&unknown-action-error
                            (service service) (action the-action))))))))
  (let ((proc (match (lookup-service-action service the-action)
                (#f default)
                (a (action-procedure a)))))
    (catch #t
      (lambda ()
        (call-with-values
            (lambda () (apply proc (service-running-value service) args))
          (case-lambda
            (() *unspecified*)
            ((value . _) value))))
      (lambda (key . rest)
        ;; Conditions (the service errors above) and 'quit go to the caller.
        (case key
          ((%exception) (raise-exception (car rest)))
          ((srfi-34 quit) (apply throw key rest))
          (else (report-action-error service the-action key rest)))))))


;;;
;;; Processes.
;;;

(define default-environment-variables
  ;; The environment of services started without #:environment-variables.
  (make-parameter (environ)))

(define default-pid-file-timeout
  ;; Seconds to wait for a PID file to appear.
  (make-parameter 5))

(define default-process-termination-grace-period
  ;; Seconds between SIGTERM and SIGKILL.
  (make-parameter 5))

(define (default-service-directory)
  "Return the directory services start in: / for root, else the home
directory."
  (if (zero? (getuid))
      "/"
      (let ((home (or (getenv "HOME")
                      (catch-system-error (passwd:dir (getpw (getuid)))))))
        (if (and home (file-exists? home)) home "/"))))

(define (user-id user)
  (cond ((not user) #f)
        ((integer? user) user)
        (else (passwd:uid (getpwnam user)))))

(define (group-id group)
  (cond ((not group) #f)
        ((integer? group) group)
        (else (group:gid (getgrnam group)))))

(define* (fork+exec-command command
                            #:key
                            (user #f)
                            (group #f)
                            (supplementary-groups '())
                            (log-file #f)
                            (directory (default-service-directory))
                            (file-creation-mask #f)
                            (create-session? #t)
                            (environment-variables
                             (default-environment-variables))
                            (resource-limits '()))
  "Start COMMAND, a list of strings (program and arguments; a program
without a slash is found in ENVIRONMENT-VARIABLES' PATH), and return its
PID.  It runs in DIRECTORY, in a new session unless CREATE-SESSION? is #f,
as USER and GROUP (names or ids) with SUPPLEMENTARY-GROUPS (names or
ids; with GROUP, the empty list drops the init's own), with FILE-CREATION-MASK, ENVIRONMENT-VARIABLES (\"NAME=VALUE\"
strings) and RESOURCE-LIMITS ((RESOURCE SOFT HARD) as for setrlimit);
standard input is /dev/null and standard output and error go to LOG-FILE
or, without one, to the init's log."
  (match command
    (((? string? program) (? string?) ...)
     (when log-file
       (mkdir-p (dirname log-file)))
     (let ((out (log-output-port)))
       (force-output out)
       (apply %spawn-process program command
              #:environment environment-variables
              #:directory directory
              #:user (user-id user)
              #:group (group-id group)
              #:supplementary-groups (and (or group
                                              (pair? supplementary-groups))
                                          (map group-id supplementary-groups))
              #:file-creation-mask file-creation-mask
              #:resource-limits resource-limits
              #:new-session? create-session?
              (if log-file
                  (list #:output-file log-file)
                  (let ((fd (and (file-port? out) (port->fdes* out))))
                    (if fd (list #:output-fd fd) '()))))))
    (_
     (error "fork+exec-command: COMMAND must be a non-empty list of strings"
            command))))

(define (port->fdes* port)
  ;; The descriptor of PORT, without counting it as revealed.
  (fileno port))

(define* (exec-command command
                       #:key
                       (user #f)
                       (group #f)
                       (supplementary-groups '())
                       (log-file #f)
                       (directory (default-service-directory))
                       (file-creation-mask #f)
                       (create-session? #t)
                       (environment-variables (default-environment-variables))
                       (resource-limits '()))
  "Replace the current process by COMMAND, set up as fork+exec-command
describes.  Does not return."
  (match command
    (((? string? program) . _)
     (when create-session? (catch-system-error (setsid)))
     (for-each (cut-apply setrlimit) resource-limits)
     (chdir directory)
     (let ((null (open-fdes "/dev/null" O_RDONLY)))
       (dup2 null 0)
       (close-fdes null))
     (when log-file
       (mkdir-p (dirname log-file))
       (let ((fd (open-fdes log-file (logior O_CREAT O_WRONLY O_APPEND) #o640)))
         (dup2 fd 1)
         (dup2 fd 2)
         (close-fdes fd)))
     (when (or group (pair? supplementary-groups))
       (setgroups (list->vector (map group-id supplementary-groups))))
     (when group
       (setgid (group-id group)))
     (when user
       (setuid (user-id user)))
     (when file-creation-mask
       (umask file-creation-mask))
     (environ environment-variables)
     (apply execlp program command))))

(define (cut-apply proc)
  (lambda (args) (apply proc args)))

(define (spawn-command command . rest)
  "Run COMMAND, a list of strings, with the options of fork+exec-command
(not in a new session unless asked), wait for it while reaping other
children, and return its exit status as waitpid does."
  (let ((pid (apply fork+exec-command command
                    (append rest (list #:create-session? #f)))))
    (match (wait-for-process pid #f)
      (#t 0)
      (status status))))

(define (spawn-shell-command command)
  "Run COMMAND, a string, with /bin/sh -c and return its exit status."
  (spawn-command (list "/bin/sh" "-c" command)))

(define (make-system-constructor . command)
  "Return a start procedure that runs the shell command made of the
strings COMMAND and succeeds if it exits with 0."
  (lambda args
    (zero? (status:exit-val (spawn-shell-command (string-concatenate command))))))

(define (make-system-destructor . command)
  "Return a stop procedure that runs the shell command made of the strings
COMMAND and returns #f (stopped) if it exits with 0."
  (lambda (running . args)
    (not (zero? (status:exit-val
                 (spawn-shell-command (string-concatenate command)))))))

(define* (read-pid-file file #:key (max-delay (default-pid-file-timeout))
                        (validate-pid? #f))
  "Wait up to MAX-DELAY seconds for FILE to hold a number and return it
(a PID), or #f.  With VALIDATE-PID?, the number must be a live process.
In the init's loop the wait is suspended (see `wait-until'): other
services start and clients are served meanwhile."
  (define (pid)
    (let ((pid (catch 'system-error
                 (lambda ()
                   (string->number
                    (string-trim-both (call-with-input-file file read-string))))
                 (lambda args
                   (if (= ENOENT (system-error-errno args))
                       #f
                       (apply throw args))))))
      (and (exact-integer? pid)
           (or (not validate-pid?) (process-exists? pid))
           pid)))
  (wait-until pid (+ (now) max-delay)))

(define* (make-forkexec-constructor command
                                    #:key
                                    (user #f)
                                    (group #f)
                                    (supplementary-groups '())
                                    (log-file #f)
                                    (directory (default-service-directory))
                                    (file-creation-mask #f)
                                    (create-session? #t)
                                    (environment-variables
                                     (default-environment-variables))
                                    (resource-limits '())
                                    (pid-file #f)
                                    (pid-file-timeout
                                     (default-pid-file-timeout)))
  "Return a start procedure that starts COMMAND as fork+exec-command does
and returns its PID.  With PID-FILE, the PID is the one the process writes
there (a daemon that forks), waited for PID-FILE-TIMEOUT seconds; if it
does not come, the process group is sent SIGTERM and the start fails."
  (lambda args
    (when pid-file
      (catch 'system-error
        (lambda () (delete-file pid-file))
        (lambda args
          (unless (= ENOENT (system-error-errno args)) (apply throw args)))))
    (let ((pid (fork+exec-command command
                                  #:user user
                                  #:group group
                                  #:supplementary-groups supplementary-groups
                                  #:log-file log-file
                                  #:directory directory
                                  #:file-creation-mask file-creation-mask
                                  #:create-session? create-session?
                                  #:environment-variables environment-variables
                                  #:resource-limits resource-limits)))
      (if pid-file
          (or (read-pid-file pid-file #:max-delay pid-file-timeout
                             #:validate-pid? #t)
              (begin
                (local-output "PID file ~a did not show up within ~a seconds."
                              pid-file pid-file-timeout)
                (catch-system-error (kill (- pid) SIGTERM))
                #f))
          pid))))

(define* (terminate-process pid signal
                            #:key (grace-period
                                   (default-process-termination-grace-period)))
  "Send SIGNAL to PID (negative: a process group) and wait for (abs PID)
to terminate; after GRACE-PERIOD seconds send SIGKILL and wait again.
Return its exit status (#t if it was not our child)."
  (catch-system-error (kill pid signal))
  (or (wait-for-process (abs pid) grace-period)
      (begin
        (local-output "Grace period of ~a seconds is over; sending ~a SIGKILL."
                      grace-period (abs pid))
        (catch-system-error (kill pid SIGKILL))
        (wait-for-process (abs pid) #f))))

(define* (make-kill-destructor #:optional (signal SIGTERM)
                               #:key (grace-period
                                      (default-process-termination-grace-period)))
  "Return a stop procedure that sends SIGNAL to the process group of the
PID it is given (or the PID alone if it shares the init's group), then
SIGKILL if it is still there after GRACE-PERIOD seconds, and returns #f
once it is gone."
  (lambda (pid . args)
    (when (pid? pid)
      (let ((pgid (process-group pid)))
        (when pgid
          (terminate-process (if (= pgid (getpgrp)) pid (- pgid)) signal
                             #:grace-period grace-period))))
    #f))


;;;
;;; The root service.
;;;

(define root-service
  (service
   '(root shepherd)
   #:documentation "The root service is used to operate on the init itself."
   #:start (lambda args #t)
   #:stop (lambda (running . args)
            (local-output "Exiting shepherd...")
            (shutdown-services)
            (throw 'quit 0))
   #:actions
   (actions
    (help
     "Show the help message for the 'root' service."
     (lambda _
       "This is byre's init, compatible with the GNU Shepherd.  Run \
'herd status' for a summary of each service and 'herd doc root list-actions' \
for the actions of 'root'."))
    (status
     "Return an s-expression showing information about all the services."
     (lambda _ (service-list)))
    (halt
     "Stop every service and exit (the container ends)."
     (lambda _ (stop-service root-service)))
    (power-off
     "Stop every service and exit (the container ends)."
     (lambda _ (stop-service root-service)))
    (load
     "Load the Scheme code from FILE into the init."
     (lambda (running file)
       (local-output "Loading ~a." file)
       (load-in-user-module file)
       #t))
    (eval
     "Evaluate the given Scheme expression in the init."
     (lambda (running str)
       (eval (call-with-input-string str read) (user-module))))
    (unload
     "Stop and remove the service NAME, or every service but root for 'all'."
     (lambda (running name)
       (if (string=? name "all")
           (unregister-services (delq root-service %services))
           (match (lookup-service (string->symbol name))
             (#f (raise (condition (&missing-service-error
                                    (name (string->symbol name))))))
             (service
              (local-output "Removing service '~a'..." name)
              (unregister-services (list service))
              (local-output "Done."))))
       #t))
    (restart
     "This does not work for the 'root' service."
     (lambda _ (local-output "You must be kidding.") #f)))))

(define %user-module #f)

(define (user-module)
  ;; The module configuration files are loaded in: (shepherd service)'s
  ;; bindings, as in Shepherd's load-in-user-module.
  (unless %user-module
    (let ((m (make-fresh-user-module)))
      (module-use! m (resolve-interface '(shepherd service)))
      (set! %user-module m)))
  %user-module)

(define (load-in-user-module file)
  (save-module-excursion
   (lambda ()
     (set-current-module (user-module))
     (primitive-load file))))

(register-one! root-service)
(set-service-status! root-service 'running)
(set-service-running-value! root-service #t)
(set-service-status-changes! root-service (list (cons 'running (current-time))))


;;;
;;; Shepherd 0.8's procedures (GOOPS methods there).
;;;

(define (named service-or-name)
  (if (service? service-or-name)
      service-or-name
      (or (lookup-service service-or-name)
          (raise (condition (&missing-service-error (name service-or-name)))))))

(define (provided-by service) "Deprecated: service-provision." (service-provision service))
(define (required-by service) "Deprecated: service-requirement." (service-requirement service))
(define (canonical-name service) "Deprecated: service-canonical-name." (service-canonical-name service))
(define (one-shot? service) "Deprecated: one-shot-service?." (one-shot-service? service))
(define (transient? service) "Deprecated: transient-service?." (transient-service? service))
(define (respawn? service) "Deprecated: respawn-service?." (respawn-service? service))
(define (running? service) "Deprecated: service-running?." (service-running? service))
(define (stopped? service) "Deprecated: service-stopped?." (service-stopped? service))
(define (enabled? service) "Deprecated: service-enabled?." (service-enabled? service))
(define (enable service) "Deprecated: enable-service." (enable-service (named service)))
(define (disable service) "Deprecated: disable-service." (disable-service (named service)))
(define (action-list service) "Deprecated: service-action-list." (service-action-list service))
(define (lookup-action service name) "Deprecated: lookup-service-action." (lookup-service-action service name))
(define (defines-action? service name) "Deprecated: service-defines-action?." (service-defines-action? service name))

(define (start service-or-name . args)
  "Start SERVICE-OR-NAME (a service or a symbol) with ARGS; return its
running value or #f.  A missing service raises &missing-service-error."
  (apply start-service (named service-or-name) args))

(define (stop service-or-name . args)
  "Stop SERVICE-OR-NAME and its dependents; return the canonical names of
the services stopped."
  (let ((service (named service-or-name)))
    (if (service-stopped? service)
        '()
        (map service-canonical-name (apply stop-service service args)))))

(define (action service-or-name the-action . args)
  "Perform THE-ACTION on SERVICE-OR-NAME with ARGS; for a name, return the
list of results, as Shepherd 0.8 did."
  (if (service? service-or-name)
      (apply perform-service-action service-or-name the-action args)
      (list (apply perform-service-action (named service-or-name)
                   the-action args))))
