;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (byre container) and its façade (gnu build linux-container): Guix's
;;; container API, the exec form, the container's file system, errors and
;;; leaks.  Run as root and as an unprivileged user.

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-26)
             (ice-9 textual-ports)
             (srfi srfi-64)
             (ice-9 ftw)
             (ice-9 match)
             (ice-9 rdelim)
             (ice-9 threads)
             (srfi srfi-34)
             (srfi srfi-35)
             ((byre container-spec) #:select (container-spec->plan-data))
             (byre diagnostics)
             (byre core)
             (byre container)
             (byre file-systems)
             ((gnu build linux-container) #:prefix guix:))

(define supported?
  (if (zero? (getuid))
      (user-namespace-supported?)
      (unprivileged-user-namespace-supported?)))

(define (exit-val status) (status:exit-val status))

(define-syntax-rule (in-container body ...)
  ;; The exit value of BODY … (a boolean, or 0-255) run in a container.
  (exit-val (call-with-container '()
              (lambda ()
                (primitive-exit (let ((v (begin body ...)))
                                  (cond ((eq? v #t) 0)
                                        ((not v) 1)
                                        (else v))))))))

(define (temporary-directory)
  (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-test.XXXXXX")))

(define (delete-recursively dir)
  (for-each (lambda (entry)
              (let ((file (string-append dir "/" entry)))
                (if (eq? 'directory (stat:type (lstat file)))
                    (delete-recursively file)
                    (delete-file file))))
            (scandir dir (lambda (e) (not (member e '("." ".."))))))
  (rmdir dir))

(define (errno-of thunk)
  (catch 'system-error
    (lambda () (thunk) 0)
    (lambda args (system-error-errno args))))

(define (read-bind dir)
  ;; A read-only bind of DIR at the same place.
  (file-system (device dir) (mount-point dir) (type "none")
               (flags '(bind-mount read-only))))

(define host-binaries
  ;; What /bin/sh needs, bound read-only.
  (filter-map (lambda (dir)
                (and (file-exists? dir) (read-bind dir)))
              '("/usr" "/bin" "/lib" "/lib64")))

(test-begin "container")

(test-equal "%namespaces" '(mnt pid ipc uts user net) %namespaces)
(test-assert "support predicates answer booleans"
  (every boolean? (list (user-namespace-supported?)
                        (unprivileged-user-namespace-supported?)
                        (setgroups-supported?))))
(test-eq "the façade exports the same procedures"
  call-with-container guix:call-with-container)

(skip-unless supported? "user namespaces are not available to this user")
(test-equal "call-with-container returns the waitpid status"
  42
  (exit-val (call-with-container '() (lambda () (primitive-exit 42)))))

(skip-unless supported? "no user namespaces")
(test-equal "(exit N) in the thunk is the exit value"
  7
  (exit-val (call-with-container '() (lambda () (exit 7)))))

(skip-unless supported? "no user namespaces")
(test-equal "an exception in the thunk exits with 1"
  1
  (exit-val (call-with-container '()
              (lambda ()
                (set-current-error-port (%make-void-port "w"))
                (car '())))))

(define (finalizers-run?)
  ;; 0 when a guardian gets its object back through collections that
  ;; allocation alone triggers (no explicit gc): finalizers run.
  (let ((guardian (make-guardian)))
    (guardian (make-list 10 'x))
    (let loop ((i 0))
      (make-vector 100000 #f)
      (cond ((guardian) 0) ((< i 20000) (loop (+ i 1))) (else 1)))))

(skip-unless supported? "no user namespaces")
(test-equal "a container's thunk and an excursion still run finalizers"
  '(0 0 0)
  ;; Guile's finalizer thread is not restarted in a forked child (a lock
  ;; another thread held at the fork could hang it): the child finalizes
  ;; after each collection instead.
  (list (finalizers-run?)
        (exit-val (call-with-container '()
                    (lambda () (primitive-exit (finalizers-run?)))))
        (container-excursion (getpid)
                             (lambda () (primitive-exit (finalizers-run?))))))

(skip-unless supported? "no user namespaces")
(test-assert "the thunk is PID 1, root, in an empty environment"
  (in-container (and (= 1 (getpid)) (= 0 (getuid)) (= 0 (getgid))
                     (null? (environ)))))

(skip-unless supported? "no user namespaces")
(test-assert "guest ids"
  (exit-val (call-with-container '()
              (lambda ()
                (primitive-exit (if (and (= 1000 (getuid)) (= 100 (getgid))) 0 1)))
              #:guest-uid 1000 #:guest-gid 100)))

(skip-unless supported? "no user namespaces")
(test-equal "the first child of the thunk is PID 2"
  0
  (exit-val (call-with-container '()
              (lambda ()
                (match (primitive-fork)
                  (0 (primitive-exit (if (= 2 (getpid)) 0 1)))
                  (pid (primitive-exit (exit-val (cdr (waitpid pid))))))))))

(skip-unless supported? "no user namespaces")
(test-equal "with child-is-pid1? #f an init is PID 1 and the thunk PID 2"
  '(0 . 2)
  (let ((dir (temporary-directory)))
    (let ((status (call-with-container
                   (list (file-system (device dir) (mount-point "/out")
                                      (type "none") (flags '(bind-mount))))
                   (lambda ()
                     (call-with-output-file "/out/pid"
                       (lambda (port) (write (getpid) port)))
                     (primitive-exit 0))
                   #:child-is-pid1? #f)))
      (let ((pid (call-with-input-file (string-append dir "/pid") read)))
        (delete-recursively dir)
        (cons (exit-val status) pid)))))

(skip-unless supported? "no user namespaces")
(test-assert "process-spawned-hook gets the pid"
  (let ((seen #f))
    (call-with-container '() (lambda () (primitive-exit 0))
                         #:process-spawned-hook (lambda (pid) (set! seen pid)))
    (and (integer? seen) (> seen 1))))

(skip-unless supported? "no user namespaces")
(test-assert "run-container returns a pid to wait for"
  (let* ((root (temporary-directory))
         (pid (run-container root '() %namespaces 1
                             (lambda () (primitive-exit 5)))))
    (let ((status (cdr (waitpid pid))))
      (rmdir root)
      (= 5 (exit-val status)))))

(skip-unless supported? "no user namespaces")
(test-assert "the root is a fresh tmpfs, mode 0755, with /proc, /sys, /dev"
  (in-container
   (and (= #o755 (stat:perms (stat "/")))
        (file-exists? "/proc/self/status")
        (file-exists? "/sys/kernel")
        (equal? '("." ".." "dev" "etc" "proc" "sys") (scandir "/")))))

(skip-unless supported? "no user namespaces")
(test-equal "/sys is read-only"
  EROFS
  (in-container (errno-of (lambda () (mkdir "/sys/x")))))

(skip-unless supported? "no user namespaces")
(test-assert "/dev has the usual devices and links"
  (in-container
   (and (every file-exists? '("/dev/null" "/dev/zero" "/dev/full"
                              "/dev/random" "/dev/urandom" "/dev/pts"))
        (equal? "pts/ptmx" (readlink "/dev/ptmx"))
        (equal? "/proc/self/fd" (readlink "/dev/fd"))
        (equal? "/proc/self/fd/0" (readlink "/dev/stdin"))
        (equal? "/proc/self/fd/1" (readlink "/dev/stdout"))
        (equal? "/proc/self/fd/2" (readlink "/dev/stderr"))
        (begin
          (call-with-output-file "/dev/null" (lambda (p) (display "x" p)))
          #t))))

(skip-unless supported? "no user namespaces")
(test-equal "/dev/console is the caller's terminal, when there is one"
  '(#f . "char-special")
  (let* ((dir (temporary-directory))
         (script (string-append dir "/console.scm"))
         (out (string-append dir "/out")))
    ;; Run under script(1), whose standard input is a pseudo-terminal.
    (call-with-output-file script
      (lambda (port)
        (write `(begin
                  (use-modules (byre container))
                  (call-with-container '()
                    (lambda ()
                      (primitive-exit
                       (if (eq? 'char-special
                                (stat:type (stat "/dev/console")))
                           0 1))))
                  (exit 0))
               port)))
    (let ((without (in-container (file-exists? "/dev/console")))
          (with (zero? (status:exit-val
                        (system* "script" "-qec"
                                 (string-append
                                  "guile --no-auto-compile " script
                                  " && echo char-special > " out
                                  " || echo none > " out)
                                 "/dev/null")))))
      (let ((result (and (file-exists? out)
                         (call-with-input-file out read-line))))
        (delete-recursively dir)
        (cons (zero? without) result)))))

(skip-unless supported? "no user namespaces")
(test-assert "lo is up and /etc/hosts names localhost in a new net namespace"
  (in-container
   (and (string-contains (call-with-input-file "/etc/hosts" read-string)
                         "localhost")
        (let ((flags (call-with-input-file "/sys/class/net/lo/flags" read-line)))
          (odd? (string->number (substring flags 2) 16)))))) ;IFF_UP

(skip-unless supported? "no user namespaces")
(test-assert "a new session, no_new_privs, the default capabilities"
  (in-container
   (let ((status (call-with-input-file "/proc/self/status" read-string)))
     (and (= (getpid) (getsid 0))
          (string-contains status "NoNewPrivs:\t1")
          ;; chown (0) is kept, sys_admin (21) is not.
          (let* ((line (find (lambda (l) (string-prefix? "CapEff:" l))
                             (string-split status #\newline)))
                 (mask (string->number (string-trim-both (substring line 7)) 16)))
            (and (logbit? 0 mask) (not (logbit? 21 mask))))))))

(skip-unless supported? "no user namespaces")
(test-assert "capabilities asked for are kept"
  (exit-val (call-with-container '()
              (lambda ()
                (let* ((status (call-with-input-file "/proc/self/status" read-string))
                       (line (find (lambda (l) (string-prefix? "CapEff:" l))
                                   (string-split status #\newline)))
                       (mask (string->number (string-trim-both (substring line 7)) 16)))
                  (primitive-exit (if (logbit? 21 mask) 0 1))))
              #:capabilities '(sys_admin))))

(skip-unless supported? "no user namespaces")
(test-assert "read-only and writable mappings, file mount points"
  (let* ((dir (temporary-directory))
         (ro (string-append dir "/ro"))
         (rw (string-append dir "/rw"))
         (file (string-append dir "/file")))
    (mkdir ro)
    (mkdir rw)
    (call-with-output-file file (lambda (p) (display "hello" p)))
    (let ((status
           (call-with-container
            (map file-system-mapping->bind-mount
                 (list (file-system-mapping (source ro) (target "/ro"))
                       (file-system-mapping (source rw) (target "/rw")
                                            (writable? #t))
                       (file-system-mapping (source file) (target "/deep/f"))))
            (lambda ()
              (primitive-exit
               (if (and (= EROFS (errno-of (lambda () (mkdir "/ro/x"))))
                        (zero? (errno-of (lambda () (mkdir "/rw/x"))))
                        (eq? 'regular (stat:type (stat "/deep/f")))
                        (equal? "hello" (call-with-input-file "/deep/f" read-string)))
                   0 1))))))
      (let ((created (file-exists? (string-append rw "/x"))))
        (delete-recursively dir)
        (and (zero? (exit-val status)) created)))))

(skip-unless supported? "no user namespaces")
(test-equal "a read-only mapping cannot be made writable again"
  #t
  (let ((dir (temporary-directory)))
    (let ((status
           (call-with-container
            (list (file-system (device dir) (mount-point "/ro") (type "none")
                               (flags '(bind-mount read-only))))
            (lambda ()
              ;; Without CAP_SYS_ADMIN nothing can be remounted; with it the
              ;; lock still keeps the bind read-only.
              (system* "/bin/true")     ;no-op if absent
              (primitive-exit
               (if (= EROFS (errno-of (lambda () (mkdir "/ro/x")))) 0 1))))))
      (rmdir dir)
      (zero? (exit-val status)))))

(skip-unless supported? "no user namespaces")
(test-equal "with locked mounts, the container's root may still set its hostname"
  0
  (exit-val (call-with-container '()
              (lambda ()
                (sethostname "inside")
                (primitive-exit (if (string=? "inside" (gethostname)) 0 1)))
              #:capabilities '(sys_admin))))

(skip-unless supported? "no user namespaces")
(test-equal "a bind of a missing source is ENOENT in the caller"
  ENOENT
  (errno-of (lambda ()
              (call-with-container
               (list (file-system (device "/does-not-exist") (mount-point "/foo")
                                  (type "none") (flags '(bind-mount))))
               (lambda () (primitive-exit 0))))))

(test-error "a relative mount point is refused"
  #t
  (call-with-container
   (list (make-file-system "/tmp" "tmp" "none" '(bind-mount) #f #t #f #f #f #t '() #f))
   (lambda () (primitive-exit 0))))

(test-error "a mount point with .. is refused"
  #t
  (call-with-container
   (list (make-file-system "/tmp" "/a/../b" "none" '(bind-mount) #f #t #f #f #f #t '() #f))
   (lambda () (primitive-exit 0))))

(skip-unless supported? "no user namespaces")
(test-equal "a mount point through a link out of the root is refused"
  EXDEV
  (let* ((dir (temporary-directory))
         (link (string-append dir "/escape")))
    (symlink "/etc" link)
    (let ((errno (errno-of
                  (lambda ()
                    (call-with-container
                     (list (read-bind dir)
                           (file-system (device "none") (mount-point
                                                         (string-append dir "/escape/x"))
                                        (type "tmpfs")))
                     (lambda () (primitive-exit 0)))))))
      (delete-recursively dir)
      errno)))

(test-error "an unknown namespace" 'wrong-type-arg
  (call-with-container '() (lambda () #t) #:namespaces '(mnt bogus)))
(test-error "a guest id out of range" 'wrong-type-arg
  (call-with-container '() (lambda () #t) #:guest-uid -1))
(test-error "a thunk that is not a procedure" 'wrong-type-arg
  (call-with-container '() 42))

(skip-unless supported? "no user namespaces")
(test-equal "populate-file-system runs in the new root before the thunk"
  0
  (exit-val (call-with-container '()
              (lambda ()
                (primitive-exit (if (file-exists? "/populated") 0 1)))
              #:populate-file-system
              (lambda ()
                (call-with-output-file "populated" (const #t))))))

(skip-unless supported? "no user namespaces")
(test-equal "writable-root? #f makes / read-only"
  EROFS
  (exit-val (call-with-container '()
              (lambda () (primitive-exit (errno-of (lambda () (mkdir "/x")))))
              #:writable-root? #f)))

(skip-unless supported? "no user namespaces")
(test-equal "SIGTERM to the caller reaches the container"
  (+ 128 SIGTERM)
  (exit-val (call-with-container '()
              (lambda () (sleep 30) (primitive-exit 0))
              #:process-spawned-hook
              (lambda (pid)
                (usleep 100000)
                (kill (getpid) SIGTERM)))))

(define (own-children)
  ;; The children of every thread of this process.
  (append-map (lambda (task)
                (map string->number
                     (string-tokenize
                      (call-with-input-file
                          (string-append "/proc/self/task/" task "/children")
                        get-string-all))))
              (scandir "/proc/self/task" string->number)))

(skip-unless (and supported? (zero? (getuid)))
             "root only: the test sets the host's next pid (ns_last_pid)")
(test-assert "an excursion whose new process has, in the container, the pid \
the joining process has outside: the right process runs and is waited for"
  ;; The process that joins a pid namespace hands over to a new one and
  ;; tells the two apart after getcontext; they were told apart by thread
  ;; id, which is counted per namespace.  The host's next pid is set so
  ;; that the joining process gets, outside, the number the new process
  ;; gets inside.  Before the fix the new process took itself for the old
  ;; one: an unwaited process was left, or the excursion hung.
  (let* ((root (temporary-directory))
         (container (run-container root '() %namespaces 1
                                   (lambda () (let loop () (sleep 60) (loop)))))
         (inner-pid (lambda ()
                      (container-excursion* container (lambda () (getpid))))))
    (let loop ((attempts 0) (coincidences 0) (ok? #t))
      (if (or (= coincidences 5) (= attempts 60))
          (begin
            (kill container SIGKILL)
            (waitpid container)
            (rmdir root)
            (and ok? (> coincidences 0)))
          (let ((next (+ 1 (inner-pid))))
            (if (file-exists? (string-append "/proc/" (number->string next)))
                (loop (+ attempts 1) coincidences ok?)
                (begin
                  (call-with-output-file "/proc/sys/kernel/ns_last_pid"
                    (lambda (port) (display (- next 1) port)))
                  (let* ((value (inner-pid))
                         (left (delete container (own-children))))
                    (loop (+ attempts 1) (+ coincidences 1)
                          (and ok? (eqv? value next) (null? left)))))))))))

(skip-unless supported? "no user namespaces")
(test-assert "container-excursion joins the namespaces, pid namespace included"
  (let* ((root (temporary-directory))
         (pid (run-container root '() %namespaces 1
                             (lambda () (sleep 30) (primitive-exit 0)))))
    (dynamic-wind
      (const #t)
      (lambda ()
        (usleep 100000)
        (and (= 0 (container-excursion pid
                    (lambda ()
                      (primitive-exit
                       (if (and (not (= 1 (getpid)))
                                (file-exists? "/proc/1")
                                (equal? '("." ".." "dev" "etc" "proc" "sys")
                                        (scandir "/")))
                           0 1)))))
             (= 3 (container-excursion pid (lambda () (primitive-exit 3))))
             (equal? '(hello #t)
                     (container-excursion* pid
                       (lambda ()
                         (list 'hello
                               (and (member "1" (scandir "/proc")) #t)))))))
      (lambda ()
        (kill pid SIGKILL)
        (waitpid pid)
        (rmdir root)))))

(skip-unless supported? "no user namespaces")
(test-equal "the exec form runs a program and returns its status"
  3
  (exit-val (run-program-in-container '("/bin/sh" "-c" "test $$ = 1 && exit 3")
                                      #:mounts host-binaries)))

(skip-unless supported? "no user namespaces")
(test-assert "the exec form: environment, directory, hostname"
  (let ((dir (temporary-directory)))
    (let ((status (run-program-in-container
                   '("/bin/sh" "-c" "echo \"$FOO $(pwd) $(cat /proc/sys/kernel/hostname)\" > /out/r")
                   #:mounts (cons (file-system (device dir) (mount-point "/out")
                                               (type "none") (flags '(bind-mount)))
                                  host-binaries)
                   #:environment '("FOO=bar") #:directory "/out"
                   #:hostname "byre-test")))
      (let ((result (call-with-input-file (string-append dir "/r") read-line)))
        (delete-recursively dir)
        (and (zero? (exit-val status))
             (equal? result "bar /out byre-test"))))))

(skip-unless supported? "no user namespaces")
(test-equal "the exec form makes the symbolic links asked for"
  "usr/bin"
  (let* ((dir (temporary-directory))
         (status (run-program-in-container
                  '("/usr/bin/sh" "-c" "readlink /links/bin > /out/r")
                  #:mounts (list (read-bind "/usr")
                                 (file-system (device dir) (mount-point "/out")
                                              (type "none") (flags '(bind-mount))))
                  #:symlinks '(("/links/bin" . "usr/bin")
                               ("/lib" . "usr/lib")
                               ("/lib64" . "usr/lib64")))))
    (let ((result (call-with-input-file (string-append dir "/r") read-line)))
      (delete-recursively dir)
      (and (zero? (status:exit-val status)) result))))

(skip-unless supported? "no user namespaces")
(test-equal "the exec form with child-is-pid1? #f: byre-init is PID 1 and relays signals"
  '(0 9)
  (let* ((links '(("/bin" . "usr/bin") ("/lib" . "usr/lib") ("/lib64" . "usr/lib64")))
         (mounts (list (read-bind "/usr")))
         (second (status:exit-val
                  (run-program-in-container '("sh" "-c" "test $$ = 2")
                                            #:mounts mounts #:symlinks links
                                            #:child-is-pid1? #f
                                            #:environment '("PATH=/bin"))))
         (pid (spawn-container '("sh" "-c" "trap 'exit 9' TERM; sleep 5 & wait")
                               #:mounts mounts #:symlinks links
                               #:child-is-pid1? #f
                               #:environment '("PATH=/bin"))))
    (usleep 300000)
    (kill pid SIGTERM)
    (list second (status:exit-val (cdr (waitpid pid))))))

(skip-unless supported? "no user namespaces")
(test-equal "the exec form reports a missing program"
  ENOENT
  (errno-of (lambda () (spawn-container '("/no/such/program")))))

(skip-unless supported? "no user namespaces")
(test-equal "only standard input, output and error reach the program"
  "0 1 2 3"
  ;; 3 is ls's own directory descriptor.
  (let* ((dir (temporary-directory))
         (out (string-append dir "/fds"))
         (extra (open-input-file "/dev/null")))    ;must not leak in
    (run-program-in-container '("/bin/sh" "-c" "ls /proc/self/fd | sort -n | tr '\\n' ' ' > /out/fds")
                              #:mounts (cons (file-system (device dir) (mount-point "/out")
                                                          (type "none") (flags '(bind-mount)))
                                             host-binaries))
    (close-port extra)
    (let ((result (string-trim-both (call-with-input-file out read-string))))
      (delete-recursively dir)
      result)))

(skip-unless supported? "no user namespaces")
(test-equal "locked mounts: even with CAP_SYS_ADMIN a read-only bind stays read-only"
  '(locked . unlocked)
  (let* ((dir (temporary-directory))
         (try (lambda (lock?)
                (exit-val
                 (run-program-in-container
                  '("/bin/sh" "-c" "mount -o remount,bind,rw /ro 2>/dev/null && touch /ro/x")
                  #:mounts (cons (file-system (device dir) (mount-point "/ro") (type "none")
                                              (flags '(bind-mount read-only)))
                                 host-binaries)
                  #:capabilities '(sys_admin)
                  #:lock-mounts? lock?
                  #:environment '("PATH=/bin:/usr/bin")))))
         (locked (try #t))
         (created-locked (file-exists? (string-append dir "/x")))
         (unlocked (try #f)))
    (delete-recursively dir)
    (cons (if (and (not (zero? locked)) (not created-locked)) 'locked 'writable)
          (if (zero? unlocked) 'unlocked 'refused))))

(skip-unless (and supported? (not (zero? (getuid)))
                  (false-if-exception
                   (%subordinate-range "/etc/subuid" (passwd:name (getpwuid (getuid))) (getuid)))
                  (file-exists? "/usr/bin/newuidmap"))
             "rootless: no /etc/subuid range or no newuidmap")
(test-equal "rootless host-uids > 1 maps a subordinate range"
  '(0 . 1000)
  (let ((dir (temporary-directory)))
    (call-with-container
     (list (file-system (device dir) (mount-point "/out") (type "none")
                        (flags '(bind-mount))))
     (lambda ()
       (call-with-output-file "/out/map"
         (lambda (port)
           (write (call-with-input-file "/proc/self/uid_map"
                    (lambda (in)
                      (let loop ((total 0))
                        (match (read-line in)
                          ((? eof-object?) total)
                          (line (loop (+ total (string->number
                                                (last (string-tokenize line))))))))))
                  port)))
       ;; A second id works: become uid 1 inside.
       (setuid 1)
       (primitive-exit 0))
     #:host-uids 1000)
    (let ((total (call-with-input-file (string-append dir "/map") read)))
      (delete-recursively dir)
      (cons 0 total))))

(test-error "rootless host-uids > 1 without a subordinate range is a clear error"
  #t
  (if (zero? (getuid))
      (throw 'misc-error "root has no such limit")
      (parameterize ()
        (call-with-container '() (lambda () (primitive-exit 0))
                             #:host-uids 4000000000))))

(skip-unless supported? "no user namespaces")
(test-assert "container-exec runs a command in a running container"
  (let* ((root (temporary-directory))
         (pid (run-container root host-binaries %namespaces 1
                             (lambda () (sleep 30) (primitive-exit 0)))))
    (dynamic-wind
      (const #t)
      (lambda ()
        (usleep 100000)
        (= 4 (exit-val (container-exec pid '("sh" "-c" "test -d /proc/1 && exit 4")
                                       #:environment '("PATH=/bin:/usr/bin")))))
      (lambda ()
        (kill pid SIGKILL)
        (waitpid pid)
        (rmdir root)))))

(skip-unless supported? "no user namespaces")
(test-equal "10,000 containers leave no process, descriptor, mount or file"
  '(descriptors mounts files processes)
  (let* ((descriptors
          ;; Guile's own pipes (the finalizer thread's, started on demand)
          ;; come and go; byre's channels are sockets and its set-up opens
          ;; files and directories: those are what must not pile up.
          (lambda ()
            (length (filter (lambda (fd)
                              (let ((target (false-if-exception
                                             (readlink (string-append "/proc/self/fd/" fd)))))
                                (and target (not (string-prefix? "pipe:" target)))))
                            (scandir "/proc/self/fd")))))
         (fds (descriptors))
         (mounts (%mount-points)))
    (do ((i 0 (+ i 1))) ((= i 5000))
      (call-with-container '() (lambda () (primitive-exit 0)))
      (run-program-in-container '("/bin/true") #:mounts host-binaries))
    (filter-map (lambda (ok? what) (and ok? what))
                (list (= fds (descriptors))
                      (equal? mounts (%mount-points))
                      ;; The host sees the root directory empty.
                      (equal? '("." "..") (scandir (%container-root-directory)))
                      (= ECHILD (errno-of (lambda () (waitpid WAIT_ANY WNOHANG)))))
                '(descriptors mounts files processes))))

(define (root-directory-in tmpdir)
  ;; The root directory a fresh guile with TMPDIR set to TMPDIR chooses,
  ;; after starting one container, and whether it still exists once that
  ;; process has exited.
  (let ((script (string-append tmpdir "/../script.scm")))
    (call-with-output-file script
      (lambda (port)
        (write '(begin
                  (use-modules (byre container) (byre core))
                  (display (%container-root-directory))
                  (call-with-container '() (lambda () (primitive-exit 0)))
                  (exit 0))
               port)))
    (let* ((pipe (with-environment-variable "TMPDIR" tmpdir
                   (lambda ()
                     ((@ (ice-9 popen) open-pipe*) OPEN_READ
                      "guile" "--no-auto-compile" script))))
           (root (read-line pipe)))
      ((@ (ice-9 popen) close-pipe) pipe)
      (delete-file script)
      root)))

(define (with-environment-variable name value thunk)
  (let ((old (getenv name)))
    (dynamic-wind
      (lambda () (setenv name value))
      thunk
      (lambda () (if old (setenv name old) (unsetenv name))))))

(skip-unless supported? "no user namespaces")
(test-assert "the root directory is one per user, kept empty, never one per process"
  ;; Two processes, one after the other, use TMPDIR/byre-root-UID; it stays
  ;; (nothing per process is left behind, whatever way a process ends) and
  ;; is private to the user.
  (let* ((dir (temporary-directory))
         (tmpdir (string-append dir "/tmp")))
    (mkdir tmpdir)
    (let* ((first (root-directory-in tmpdir))
           (second (root-directory-in tmpdir))
           (expected (string-append tmpdir "/byre-root-"
                                    (number->string (geteuid))))
           (result (and (equal? first expected)
                        (equal? second expected)
                        (equal? '("." "..") (scandir expected))
                        (= #o700 (logand #o777 (stat:perms (stat expected))))
                        (equal? '("." ".." "byre-root-0")
                                (map (lambda (name)
                                       (if (string-prefix? "byre-root-" name)
                                           "byre-root-0"
                                           name))
                                     (scandir tmpdir))))))
      (delete-recursively dir)
      result)))

(skip-unless supported? "no user namespaces")
(test-assert "a planted root directory name is not used"
  ;; Where TMPDIR/byre-root-UID is a symbolic link, or a directory others
  ;; may write, the process makes one of its own, removes it when it exits,
  ;; and leaves the planted one and what it points to alone.
  (let* ((dir (temporary-directory))
         (uid (number->string (geteuid)))
         (link-tmp (string-append dir "/link"))
         (open-tmp (string-append dir "/open"))
         (target (string-append dir "/target")))
    (for-each mkdir (list link-tmp open-tmp target))
    (symlink target (string-append link-tmp "/byre-root-" uid))
    (mkdir (string-append open-tmp "/byre-root-" uid))
    (chmod (string-append open-tmp "/byre-root-" uid) #o777)
    (let* ((via-link (root-directory-in link-tmp))
           (via-open (root-directory-in open-tmp))
           (result
            (and (string-prefix? (string-append link-tmp "/byre-root.") via-link)
                 (string-prefix? (string-append open-tmp "/byre-root.") via-open)
                 (not (file-exists? via-link))
                 (not (file-exists? via-open))
                 (eq? 'symlink
                      (stat:type (lstat (string-append link-tmp "/byre-root-" uid))))
                 (equal? '("." "..") (scandir target)))))
      (delete-recursively dir)
      result)))

;;;
;;; <container-spec>: the one description.
;;;

(test-assert "a container-spec has documented defaults"
  (let ((spec (container-spec (program '("/bin/true")))))
    (and (equal? %namespaces (container-spec-namespaces spec))
         (= 1 (container-spec-host-uids spec))
         (equal? (%default-container-capabilities)
                 (container-spec-capabilities spec))
         (equal? "/" (container-spec-directory spec))
         (not (container-spec-thunk spec))
         (not (container-spec-init spec))
         (container-spec-lock-mounts? spec)
         (container-spec-exec? spec))))

(test-equal "inherit keeps the other fields; the id maps follow the new guest ids"
  `("web" ("/bin/sh") ((7 ,(getuid) 1)) ((0 ,(getgid) 1)))
  (let* ((base (container-spec (program '("/bin/sh")) (hostname "base")))
         (web (container-spec (inherit base) (hostname "web") (guest-uid 7))))
    (list (container-spec-hostname web)
          (container-spec-program web)
          ;; As root the caller's own id is 0: the map says so either way.
          (if (zero? (getuid))
              (map (lambda (r) (list (first r) (getuid) (third r)))
                   (container-spec-uid-map web))
              (container-spec-uid-map web))
          (if (zero? (getuid))
              (map (lambda (r) (list (first r) (getgid) (third r)))
                   (container-spec-gid-map web))
              (container-spec-gid-map web)))))

(test-assert "a bad field is reported at the form that wrote it, with a hint"
  (guard (c ((error-location? c)
             (and (string-suffix? "container.scm"
                                  (assq-ref (error-location c) 'filename))
                  (fix-hint? c)
                  (string-contains (condition-message c) "bogus"))))
    (container-spec (namespaces '(mnt bogus)) (program '("/bin/true")))
    #f))

(test-equal "the converter fills exactly the slots the C++ core names"
  (length (first (%container-plan-fields)))
  (vector-length (container-spec->plan-data
                  (container-spec (program '("/bin/true"))
                                  (mounts (list (read-bind "/usr")))))))

(test-equal "fields of one form given to the other are refused"
  '(#t #t)
  (list (guard (c ((error-location? c) #t))
          (container-spec->plan-data (container-spec (thunk (const #t))
                                                     (environment '("A=b"))))
          #f)
        (guard (c ((error-location? c) #t))
          (container-spec->plan-data (container-spec (program '("/bin/true"))
                                                     (populate-file-system (const #t))))
          #f)))

(test-equal "a description with both a program and a thunk is refused"
  #t
  (guard (c ((error? c) #t))
    (container-spec->plan-data (container-spec (program '("/bin/true"))
                                               (thunk (const #t))))
    #f))

(skip-unless supported? "no user namespaces")
(test-equal "run-container-spec runs either form and returns the status"
  '(3 4)
  (list (exit-val (run-container-spec
                   (container-spec (program '("/bin/sh" "-c" "exit 3"))
                                   (mounts host-binaries))))
        (exit-val (run-container-spec
                   (container-spec (thunk (lambda () (primitive-exit 4))))))))

(skip-unless supported? "no user namespaces")
(test-equal "stdio: the program's output goes to the port given, not to ours"
  "to the log\n"
  (let* ((dir (temporary-directory))
         (log (string-append dir "/log"))
         (port (open-output-file log)))
    (run-container-spec
     (container-spec (program '("/bin/sh" "-c" "echo to the log"))
                     (mounts host-binaries)
                     (stdio (list #f port port))))
    (close-port port)
    (let ((text (call-with-input-file log read-string)))
      (delete-recursively dir)
      text)))


;;;
;;; The container's own namespaces: its hostname and network, not its mounts.
;;;

(skip-unless supported? "no user namespaces")
(test-equal "the container's root sets its hostname, no capability asked for"
  '(0 0)
  (list (in-container (sethostname "inside") (string=? "inside" (gethostname)))
        (exit-val (call-with-container '()
                    (lambda ()
                      (sethostname "uts-only")
                      (primitive-exit 0))
                    #:namespaces '(user uts)))))

(skip-unless supported? "no user namespaces")
(test-equal "the hostname stays the container's: the host's is unchanged"
  (gethostname)
  (begin
    (in-container (sethostname "not-the-host") #t)
    (gethostname)))

(skip-unless supported? "no user namespaces")
(test-equal "the container's root configures its own network"
  0
  (exit-val (run-program-in-container
             '("/bin/ip" "link" "set" "lo" "mtu" "1280")
             #:mounts host-binaries)))

(define (attack-mounts host-uids)
  ;; What the root of a container whose hostname is its own gets when it
  ;; attacks its mounts: unmounting /proc, remounting a read-only bind
  ;; writable, mounting over it.  Each must fail, and the host file stay.
  (let* ((dir (temporary-directory))
         (status
          (run-program-in-container
           '("/bin/sh" "-c"
             "hostname attacker || exit 10
              umount /proc 2>/dev/null && exit 11
              umount -l /ro 2>/dev/null && exit 12
              mount -o remount,bind,rw /ro 2>/dev/null && touch /ro/x && exit 13
              touch /ro/y 2>/dev/null && exit 14
              exit 0")
           #:mounts (cons (file-system (device dir) (mount-point "/ro") (type "none")
                                       (flags '(bind-mount read-only)))
                          host-binaries)
           #:host-uids host-uids
           #:environment '("PATH=/bin:/usr/bin:/sbin:/usr/sbin"))))
    (let ((left (scandir dir (lambda (e) (not (member e '("." "..")))))))
      (delete-recursively dir)
      (list (exit-val status) left))))

(skip-unless supported? "no user namespaces")
(test-equal "attack: owning its hostname gives the root no hold on its mounts"
  '(0 ())
  (attack-mounts 1))

(skip-unless (and supported?
                  (or (zero? (getuid))
                      (and (false-if-exception
                            (%subordinate-range "/etc/subuid"
                                                (passwd:name (getpwuid (getuid)))
                                                (getuid)))
                           (file-exists? "/usr/bin/newuidmap"))))
             "no subordinate id range")
(test-equal "attack: with many ids too, mounts are locked and the hostname owned"
  '(0 ())
  (attack-mounts 1000))

(skip-unless supported? "no user namespaces")
(test-equal "without locked mounts the root gets no CAP_SYS_ADMIN by default"
  EPERM
  (exit-val (call-with-container '()
              (lambda ()
                (primitive-exit (errno-of (lambda () (sethostname "x")))))
              #:lock-mounts? #f)))


(skip-unless supported? "no user namespaces")
(define (signals-caught? . signals)
  ;; Whether this process has a handler for every one of SIGNALS.
  (let* ((status (call-with-input-file "/proc/self/status" get-string-all))
         (line (find (cut string-prefix? "SigCgt:" <>)
                     (string-split status #\newline)))
         (mask (string->number (string-trim-both (substring line 7)) 16)))
    (every (lambda (sig) (logbit? (- sig 1) mask)) signals)))

(test-equal "two containers waited on by two threads: each gets its own signals"
  '(7 8)
  (match (pipe)
    ((in . out)
     (let* ((start (lambda (sig code)
                     ;; A shell that exits with CODE on SIG, once it says
                     ;; its trap is set.
                     (call-with-new-thread
                      (lambda ()
                        (run-program-in-container
                         (list "/bin/sh" "-c"
                               (format #f "trap 'exit ~a' ~a; echo; \
while :; do sleep 1; done" code (if (= sig SIGUSR1) "USR1" "USR2")))
                         #:mounts host-binaries
                         #:stdio (list #f out #f)
                         #:relayed-signals (list sig))))))
            (first (start SIGUSR1 7))
            (second (start SIGUSR2 8)))
       (read-line in)
       (read-line in)
       (close-port out)
       ;; Each thread adds its relay once its container runs: wait until this
       ;; process catches both signals (SigCgt in /proc/self/status), or a
       ;; signal sent before would end it.
       (let wait ()
         (unless (signals-caught? SIGUSR1 SIGUSR2)
           (usleep 1000)
           (wait)))
       ;; SIGUSR1 reaches the first container only; once its wait is over,
       ;; the second container's relay of SIGUSR2 is still there (without
       ;; it, SIGUSR2 would end this process).
       (kill (getpid) SIGUSR1)
       (let ((one (status:exit-val (join-thread first))))
         (kill (getpid) SIGUSR2)
         (let ((two (status:exit-val (join-thread second))))
           (close-port in)
           (list one two)))))))

(test-end/exit "container")
