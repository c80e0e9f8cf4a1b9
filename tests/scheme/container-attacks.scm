;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Attacks on byre's containers, each harmless: every isolation promise of
;;; the manual ("What a container can and cannot do") is tried from inside
;;; and must fail.  Run as root and as an unprivileged user (tests/run-all).
;;; Writes write back the value just read, so that a hole found changes
;;; nothing on the host.

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-64)
             (ice-9 ftw)
             (ice-9 match)
             (ice-9 popen)
             (ice-9 rdelim)
             (srfi srfi-34)
             (srfi srfi-35)
             (system foreign)
             (byre core)
             (byre container)
             (byre container-spec)
             (byre diagnostics)
             (byre file-systems))

(define supported?
  (if (zero? (getuid))
      (user-namespace-supported?)
      (unprivileged-user-namespace-supported?)))

(define (temporary-directory)
  (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-attack.XXXXXX")))

(define (delete-recursively dir)
  (for-each (lambda (entry)
              (let ((file (string-append dir "/" entry)))
                (if (eq? 'directory (stat:type (lstat file)))
                    (delete-recursively file)
                    (delete-file file))))
            (scandir dir (lambda (e) (not (member e '("." ".."))))))
  (rmdir dir))

(define (read-bind dir)
  (file-system (device dir) (mount-point dir) (type "none")
               (flags '(bind-mount read-only))))

(define host-binaries
  (filter-map (lambda (dir) (and (file-exists? dir) (read-bind dir)))
              '("/usr" "/bin" "/lib" "/lib64")))

(define (out-bind dir)
  (file-system (device dir) (mount-point "/out") (type "none")
               (flags '(bind-mount))))

(define (sh-in-container script . keys)
  "Run SCRIPT with /bin/sh in a container with the host's binaries and a
writable /out; return (STATUS . what it wrote to /out/r)."
  (let ((dir (temporary-directory)))
    (dynamic-wind
      (const #t)
      (lambda ()
        (let ((status (apply run-program-in-container
                             (list "/bin/sh" "-c" script)
                             #:mounts (cons (out-bind dir) host-binaries)
                             #:environment '("PATH=/bin:/usr/bin:/sbin:/usr/sbin")
                             keys)))
          (cons (status:exit-val status)
                (let ((r (string-append dir "/r")))
                  (if (file-exists? r)
                      (call-with-input-file r read-string)
                      "")))))
      (lambda () (delete-recursively dir)))))

(define (with-running-container proc . keys)
  "Call PROC with the pid of a running container (PID 1 sleeps) that has
the host's binaries; kill it afterwards."
  (let* ((root (temporary-directory))
         (pid (apply run-container root host-binaries %namespaces 1
                     (lambda () (sleep 60) (primitive-exit 0))
                     keys)))
    (dynamic-wind
      (const #t)
      (lambda () (proc pid))
      (lambda ()
        (kill pid SIGKILL)
        (waitpid pid)
        (rmdir root)))))

(define (exec-output pid script)
  "Run SCRIPT with sh in the container of PID through container-exec and
return (STATUS . its standard output)."
  (let ((dir (temporary-directory)))
    (dynamic-wind
      (const #t)
      (lambda ()
        (let* ((file (string-append dir "/out"))
               (port (open-file file "w"))
               (status (with-output-to-port port
                         (lambda ()
                           ;; The child's descriptor 1 is the port's.
                           (let ((saved (dup 1)))
                             (dynamic-wind
                               (lambda () (dup2 (port->fdes port) 1))
                               (lambda ()
                                 (container-exec pid (list "/bin/sh" "-c" script)
                                                 #:environment '("PATH=/bin:/usr/bin")))
                               (lambda () (dup2 saved 1) (close-fdes saved))))))))
          (close-port port)
          (cons (status:exit-val status) (call-with-input-file file read-string))))
      (lambda () (delete-recursively dir)))))

(test-begin "container-attacks")

;;; Hole 3: the host's /proc.

(skip-unless supported? "no user namespaces")
(test-equal "writing /proc/sys/kernel/core_pattern fails (read-only /proc/sys)"
  '(1 . "denied\n")
  ;; The value written is the one just read: harmless even if it worked.
  (sh-in-container
   "v=$(cat /proc/sys/kernel/core_pattern) || exit 2
    if printf '%s\\n' \"$v\" > /proc/sys/kernel/core_pattern; then
      echo written > /out/r; exit 0
    else echo denied > /out/r; exit 1; fi"))

(skip-unless supported? "no user namespaces")
(test-assert "the thunk form cannot open /proc/sys for writing either"
  ;; Unprivileged, the file's owner (the host's root) is not mapped: the
  ;; permission check may fail first.
  (memv
   (status:exit-val
   (call-with-container '()
     (lambda ()
       (primitive-exit
        (catch 'system-error
          (lambda ()
            (close-port (open-file "/proc/sys/kernel/core_pattern" "a"))
            0)
          (lambda args (system-error-errno args)))))))
   (if (zero? (getuid)) (list EROFS) (list EROFS EACCES))))

(skip-unless supported? "no user namespaces")
(test-equal "/proc/sysrq-trigger cannot be opened for writing"
  '(1 . "denied\n")
  ;; Opening does not trigger anything; only a write would.
  (sh-in-container
   "if [ ! -e /proc/sysrq-trigger ]; then echo denied > /out/r; exit 1; fi
    if exec 3>>/proc/sysrq-trigger; then echo opened > /out/r; exit 0
    else echo denied > /out/r; exit 1; fi"))

(skip-unless supported? "no user namespaces")
(test-equal "masked /proc files read empty, masked directories list nothing"
  '()
  ;; Only those this kernel has.
  (let* ((files (filter file-exists?
                        '("/proc/kcore" "/proc/keys" "/proc/timer_list"
                          "/proc/sched_debug" "/proc/latency_stats"
                          "/proc/kallsyms")))
         (dirs (filter file-exists? '("/proc/acpi" "/proc/scsi" "/proc/asound")))
         (script (string-append
                  (string-join
                   (map (lambda (f)
                          (format #f "[ -s ~a ] && echo ~a >> /out/r;" f f))
                        files)
                   " ")
                  " "
                  (string-join
                   (map (lambda (d)
                          (format #f "[ -n \"$(ls -A ~a)\" ] && echo ~a >> /out/r;" d d))
                        dirs)
                   " ")
                  " exit 0")))
    (match (sh-in-container script)
      ((0 . "") '())
      ((_ . text) (string-split (string-trim-right text) #\newline)))))

;;; Hole 5: read-only all the way down; nosuid and nodev.

(define unshare-program
  (find file-exists? '("/usr/bin/unshare" "/bin/unshare")))

(skip-unless (and supported? unshare-program) "no user namespaces or no unshare(1)")
(test-equal "a submount of a read-only bind is read-only too"
  "denied"
  ;; The host directory gets a tmpfs submount in a namespace of unshare(1)'s
  ;; (as root and unprivileged alike); a container binds the directory
  ;; read-only and tries to write in the submount.
  (let* ((dir (temporary-directory))
         (sub (string-append dir "/sub"))
         (script
          (format #f "(use-modules (byre container) (byre file-systems))
(define bind (file-system (device ~s) (mount-point \"/data\") (type \"none\")
                          (flags '(bind-mount read-only))))
(define status
  (call-with-container (list bind)
    (lambda ()
      (primitive-exit
       (catch 'system-error
         (lambda () (close-port (open-output-file \"/data/sub/x\")) 0)
         (lambda args 1))))))
(display (if (zero? (status:exit-val status)) \"written\" \"denied\"))"
                  dir)))
    (mkdir sub)
    (dynamic-wind
      (const #t)
      (lambda ()
        (let* ((port (open-pipe* OPEN_READ unshare-program "-rm" "--propagation" "private"
                                 "sh" "-c"
                                 (string-append "mount -t tmpfs none '" sub
                                                "' && exec guile --no-auto-compile -c \"$0\"")
                                 script))
               (result (read-string port)))
          (close-pipe port)
          result))
      (lambda () (delete-recursively dir)))))

(skip-unless supported? "no user namespaces")
(test-equal "binds are nosuid and nodev, read-only ones read-only"
  '(#t #t #t)
  (let ((dir (temporary-directory)))
    (dynamic-wind
      (const #t)
      (lambda ()
        (let ((options
               (lambda (mount-point)
                 (match (sh-in-container
                         (format #f "grep ' ~a ' /proc/self/mountinfo | head -n 1 | cut -d' ' -f6 > /out/r"
                                 mount-point))
                   ((0 . text) (string-split (string-trim-right text) #\,))))))
          (let ((usr (options "/usr")) (out (options "/out")))
            (list (and (member "nosuid" usr) (member "nodev" usr) (member "ro" usr) #t)
                  (and (member "nosuid" out) (member "nodev" out) #t)
                  (and (member "rw" out) #t)))))
      (lambda () (delete-recursively dir)))))

;;; Hole 6: the caller's keys.

(define keyctl-program (find file-exists? '("/usr/bin/keyctl" "/bin/keyctl")))

(define (count-matches needle text)
  (let loop ((start 0) (n 0))
    (match (string-contains text needle start)
      (#f n)
      (at (loop (+ at 1) (+ n 1))))))

(define (keys-in-container seccomp)
  "In a session keyring of its own, add a key, list the keyring on the
host, then from inside a container; return (STATUS . OUTPUT).  The
session, and its key, end with the command."
  (let* ((script
          (format #f "(use-modules (byre container) (byre file-systems) (srfi srfi-1))
(define binds (filter-map (lambda (d) (and (file-exists? d)
  (file-system (device d) (mount-point d) (type \"none\") (flags '(bind-mount read-only)))))
  '(\"/usr\" \"/bin\" \"/lib\" \"/lib64\")))
(define status (run-program-in-container
  (list ~s \"show\" \"@s\") #:mounts binds #:seccomp ~a))
(exit (status:exit-val status))" keyctl-program (if seccomp "#t" "#f")))
         (port (open-pipe* OPEN_READ keyctl-program "session" "-" "sh" "-c"
                           (string-append keyctl-program
                                          " add user byre-attack-key secret @s >/dev/null && "
                                          keyctl-program " show @s && "
                                          "exec guile --no-auto-compile -c \"$0\" 2>&1")
                           script))
         (output (read-string port))
         (status (close-pipe port)))
    (cons (status:exit-val status) output)))

(skip-unless (and supported? keyctl-program) "no user namespaces or no keyctl")
(test-equal "the caller's session keyring is not the container's (without seccomp)"
  '(0 1 #t)
  ;; The key is listed once: on the host, not in the container's keyring.
  (match (keys-in-container #f)
    ((status . output)
     (list status (count-matches "byre-attack-key" output)
           (and (string-contains output "_ses") #t)))))

(skip-unless (and supported? keyctl-program) "no user namespaces or no keyctl")
(test-equal "keyctl fails with EPERM under the default seccomp filter"
  '(1 1 #t)
  (match (keys-in-container #t)
    ((status . output)
     (list status (count-matches "byre-attack-key" output)
           (and (string-contains output "Operation not permitted") #t)))))

;;; Hole 10: the default seccomp filter.

(skip-unless (and supported? unshare-program) "no user namespaces or no unshare(1)")
(test-equal "a new user namespace is refused under the filter, allowed without"
  '(1 . 0)
  (cons (car (sh-in-container
              (string-append unshare-program " -U true 2>/dev/null || exit 1")))
        (car (sh-in-container
              (string-append unshare-program " -U true 2>/dev/null || exit 1")
              #:seccomp #f))))

(skip-unless supported? "no user namespaces")
(test-equal "the filter is in place in both forms"
  '("2" . 2)
  (cons (match (sh-in-container
                "sed -n 's/^Seccomp:[[:space:]]*//p' /proc/self/status > /out/r")
          ((0 . text) (string-trim-right text)))
        (status:exit-val
         (call-with-container '()
           (lambda ()
             (primitive-exit
              (call-with-input-file "/proc/self/status"
                (lambda (port)
                  (let loop ()
                    (let ((line (read-line port)))
                      (cond ((eof-object? line) 99)
                            ((string-prefix? "Seccomp:" line)
                             (string->number (string-trim-both (substring line 8))))
                            (else (loop)))))))))))))

(test-error "#:seccomp takes a boolean or a <seccomp-filter>"
  #t
  (run-program-in-container '("/bin/true") #:seccomp 'strict))

(skip-unless (and supported? unshare-program) "no user namespaces or no unshare(1)")
(test-equal "a filter of one's own: the default less what it allows"
  0
  (car (sh-in-container
        (string-append unshare-program " -U true 2>/dev/null || exit 1")
        #:seccomp (seccomp-filter (allow '("unshare" "clone" "clone3"))))))

(define raw-syscall
  ;; syscall(2), for calls Guile has no procedure for.
  (pointer->procedure long (dynamic-func "syscall" (dynamic-link))
                      (list long long long) #:return-errno? #t))

(define (syscall-errno name a b)
  "The errno of system call NAME with arguments A and B, or 0."
  (call-with-values (lambda () (raw-syscall (%system-call-number name) a b))
    (lambda (result errno) (if (= result -1) errno 0))))

(define (errno-of thunk)
  (catch 'system-error
    (lambda () (thunk) 0)
    (lambda args (system-error-errno args))))

(define (in-container-status thunk . keys)
  (status:exit-val
   (apply call-with-container '() (lambda () (primitive-exit (thunk))) keys)))

(skip-unless supported? "no user namespaces")
(test-equal "a filter of one's own: denied calls fail with its errno, the default's still hold"
  (list ENOSYS EPERM #t)
  (let ((filter (seccomp-filter (deny '("mkdir" "mkdirat")) (errno ENOSYS))))
    (list (in-container-status (lambda () (errno-of (lambda () (mkdir "/x"))))
                               #:seccomp filter)
          ;; keyctl is on the default list: EPERM.
          (in-container-status (lambda () (syscall-errno "keyctl" 9999 0))
                               #:seccomp filter)
          ;; From base none, keyctl reaches the kernel, which refuses the
          ;; unknown operation otherwise than the filter would.
          (let ((e (in-container-status (lambda () (syscall-errno "keyctl" 9999 0))
                                        #:seccomp (seccomp-filter (base 'none)
                                                                  (deny '("mkdir"))))))
            (and (not (= e EPERM)) (not (= e 0)))))))

(test-assert "a filter naming a system call that does not exist is refused where it is written"
  (guard (c ((error-location? c)
             (and (string-suffix? "container-attacks.scm"
                                  (assq-ref (error-location c) 'filename))
                  (string-contains (condition-message c) "no_such_call"))))
    (seccomp-filter (deny '("no_such_call")))
    #f))

(test-assert "a filter allowing what the default does not block is refused"
  (guard (c ((error-location? c)
             (string-contains (condition-message c) "getpid")))
    (seccomp-filter (allow '("getpid")))
    #f))

;;; Holes 1, 2, 4, 7: joining a running container.

(skip-unless supported? "no user namespaces")
(test-equal "container-exec passes no descriptor of the caller but 0-2"
  '(0 . "0 1 2\n")
  (let* ((dir (temporary-directory))
         (secret (string-append dir "/secret"))
         (port (begin
                 (call-with-output-file secret (lambda (p) (display "host" p)))
                 (open-input-file secret))))
    (dynamic-wind
      (const #t)
      (lambda ()
        (with-running-container
         (lambda (pid)
           ;; The shell's own descriptors for the command substitution come
           ;; and go: list those of a process that opens none.
           (exec-output pid
                        (format #f "cat /proc/self/fd/~a 2>/dev/null && exit 9;
                                   ls /proc/self/fd | sort -n | grep -v '^3$' | tr '\\n' ' ' | sed 's/ $/\\n/'"
                                (port->fdes port))))))
      (lambda ()
        (close-port port)
        (delete-recursively dir)))))

(skip-unless supported? "no user namespaces")
(test-equal "#:directory through a caller's descriptor does not reach the host"
  ENOENT
  ;; A directory stream of the caller's, named /proc/self/fd/N: the program
  ;; is in the container, with descriptors 0-2 only, before it changes
  ;; directory.
  (let* ((dir (temporary-directory))
         (stream (opendir dir))
         (fd (find (lambda (n)
                     (equal? dir (false-if-exception
                                  (readlink (format #f "/proc/self/fd/~a" n)))))
                   (iota 1024))))
    (dynamic-wind
      (const #t)
      (lambda ()
        (with-running-container
         (lambda (pid)
           (catch 'system-error
             (lambda ()
               (container-exec pid '("/bin/true")
                               #:directory (format #f "/proc/self/fd/~a" fd))
               0)
             (lambda args (system-error-errno args))))))
      (lambda ()
        (closedir stream)
        (rmdir dir)))))

(skip-unless supported? "no user namespaces")
(test-equal "container-exec: a new session, no controlling terminal, the container's capabilities"
  '(0 . "session tty0 same-caps nnp\n")
  (with-running-container
   (lambda (pid)
     (let ((pid1-caps (call-with-input-file (format #f "/proc/~a/status" pid)
                        (lambda (port)
                          (let loop ((caps '()))
                            (let ((line (read-line port)))
                              (cond ((eof-object? line) (reverse caps))
                                    ((string-prefix? "CapBnd:" line) (loop (cons line caps)))
                                    ((string-prefix? "CapEff:" line) (loop (cons line caps)))
                                    (else (loop caps)))))))))
       (exec-output pid
                    (format #f "set -- $(cut -d' ' -f1,6,7 /proc/$$/stat)
                               [ \"$1\" = \"$2\" ] && printf 'session ' ; [ \"$3\" = 0 ] && printf 'tty0 '
                               caps=$(grep -E '^Cap(Eff|Bnd):' /proc/self/status | sort | tr '\\n' ' ')
                               [ \"$caps\" = '~a ' ] && printf 'same-caps '
                               grep -q '^NoNewPrivs:[[:space:]]*1' /proc/self/status && printf 'nnp'
                               echo"
                            (string-join (sort pid1-caps string<?) " ")))))))

(skip-unless supported? "no user namespaces")
(test-equal "the excursion's process cannot be inspected or ptraced from inside"
  "denied"
  ;; PID 1 of the container looks for any other process and tries to follow
  ;; its descriptor links while the excursion runs; the excursion is not
  ;; dumpable, so it cannot.
  (let* ((dir (temporary-directory))
         (root (temporary-directory))
         (pid (run-container
               root (list (out-bind dir)) %namespaces 1
               (lambda ()
                 (let loop ((n 0) (seen #f))
                   (define others
                     (filter (lambda (e)
                               (and (string->number e) (not (string=? e "1"))))
                             (or (scandir "/proc") '())))
                   (define opened
                     ;; Following a descriptor link of another process is
                     ;; what ptrace access allows (as do /proc/N/mem and
                     ;; /proc/N/environ); an exited process has none.
                     (any (lambda (p)
                            (false-if-exception
                             (readlink (string-append "/proc/" p "/fd/0"))))
                          others))
                   (cond (opened
                          (call-with-output-file "/out/r"
                            (lambda (port) (display "opened" port)))
                          (primitive-exit 0))
                         ((file-exists? "/out/done")
                          (call-with-output-file "/out/r"
                            (lambda (port) (display (if seen "denied" "none-seen") port)))
                          (primitive-exit 0))
                         (else
                          (usleep 2000)
                          (loop (+ n 1) (or seen (pair? others))))))))))
    (dynamic-wind
      (const #t)
      (lambda ()
        (container-excursion pid
          (lambda ()
            (usleep 300000)
            (call-with-output-file "/out/done" (const #t))
            (primitive-exit 0)))
        (waitpid pid)
        (call-with-input-file (string-append dir "/r") read-string))
      (lambda ()
        (false-if-exception (kill pid SIGKILL))
        (false-if-exception (waitpid pid))
        (rmdir root)
        (delete-recursively dir)))))

(skip-unless (and supported? unshare-program) "no user namespaces or no unshare(1)")
(test-equal "container-exec refuses a process that made a user namespace of its own"
  EPERM
  ;; Without the filter, PID 1 moves into a new user namespace (which owns
  ;; nothing of the container's): joining it would give that process power
  ;; over the joining one.
  (let* ((pid (spawn-container (list unshare-program "-U" "sleep" "60")
                               #:mounts host-binaries #:seccomp #f)))
    (dynamic-wind
      (const #t)
      (lambda ()
        ;; Until unshare has exec'd sleep, PID 1 is still in the container's.
        (let wait ((n 0))
          (unless (or (> n 500)
                      (equal? "sleep\n"
                              (call-with-input-file (format #f "/proc/~a/comm" pid)
                                read-string)))
            (usleep 10000)
            (wait (+ n 1))))
        (catch 'system-error
          (lambda () (container-exec pid '("/bin/true")) 0)
          (lambda args (system-error-errno args))))
      (lambda ()
        (kill pid SIGKILL)
        (waitpid pid)))))

;;; Section 3: signals stop programs that install no handler.

(skip-unless supported? "no user namespaces")
(test-equal "SIGTERM stops an exec-form program without a handler under byre-init"
  (+ 128 SIGTERM)
  ;; A PID 1 without a handler would ignore it.
  (let ((pid (spawn-container '("/bin/sleep" "60") #:mounts host-binaries
                              #:child-is-pid1? #f)))
    (kill pid SIGTERM)
    (status:exit-val (cdr (waitpid pid)))))

(skip-unless supported? "no user namespaces")
(test-equal "a container that ignores a relayed SIGTERM is killed after the grace period"
  SIGKILL
  (match (pipe)
    ((in . out)
     (let ((pid (spawn-container
                 '("/bin/sh" "-c" "trap '' TERM INT; echo ready; while :; do sleep 1; done")
                 #:mounts host-binaries #:child-is-pid1? #f #:stdio (list #f out #f))))
       (close-port out)
       ;; Once the trap is set, the shell ignores SIGTERM.
       (read-line in)
       (close-port in)
       (let ((relay (%add-signal-relay pid (list SIGTERM) 200)))
         (dynamic-wind
           (const #t)
           (lambda ()
             ;; Relayed to the container, which ignores it: killed 200 ms later.
             (kill (getpid) SIGTERM)
             (status:term-sig (%wait-process pid)))
           (lambda () (%remove-signal-relay relay))))))))

;;; Hole 11: limits.

(define (cgroup-leftovers)
  ;; Directories byre made for this process's containers.
  (append-map (lambda (dir)
                (or (scandir dir (lambda (e)
                                   (string-prefix? (format #f "byre-~a-" (getpid)) e)))
                    '()))
              (filter file-exists?
                      '("/sys/fs/cgroup" "/sys/fs/cgroup/unified" "/sys/fs/cgroup/pids"))))

(define can-limit?
  (zero? (getuid)))

(skip-unless (and supported? can-limit?) "limits need root or a delegated cgroup")
(test-equal "a fork bomb under a pids limit fails, the host stays usable, no cgroup is left"
  '(#t #t 0 ())
  (let* ((dir (temporary-directory))
         (log (string-append dir "/log")))
    (dynamic-wind
      (const #t)
      (lambda ()
        (let ((status (call-with-output-file log
                        (lambda (port)
                          (run-program-in-container
                           '("/bin/sh" "-c" "while :; do sleep 30 & done")
                           #:mounts host-binaries #:child-is-pid1? #f
                           #:limits (container-limits (pids 16))
                           #:stdio (list #f #f port))))))
          (list (not (zero? (status:exit-val status)))
                (and (string-contains (call-with-input-file log read-string) "fork") #t)
                (status:exit-val (system* "/bin/true"))
                (cgroup-leftovers))))
      (lambda () (delete-recursively dir)))))

(skip-unless (and supported? can-limit?) "limits need root or a delegated cgroup")
(test-equal "memory and cpu limits are written to the container's cgroup"
  '(#t #t)
  (match (sh-in-container
          "cut -d: -f3 /proc/self/cgroup | sort -u | tr '\\n' ' ' > /out/r"
          #:limits (container-limits (memory 67108864) (cpu 0.5)))
    ((0 . text)
     ;; Inside, the cgroup namespace is the host's: the paths name byre's
     ;; directories.
     (list (and (string-contains text "byre-") #t)
           (null? (cgroup-leftovers))))))

(skip-unless (and supported? (not can-limit?)) "root may make cgroups")
(test-assert "limits without the right to make a cgroup are a clear error"
  (catch 'system-error
    (lambda ()
      (run-program-in-container '("/bin/true") #:mounts host-binaries
                                #:limits (container-limits (pids 16)))
      #f)
    (lambda args
      (and (string-contains (apply format #f (caddr args) (cadddr args))
                            "delegated cgroup")
           (null? (cgroup-leftovers))))))

(test-error "a limit must be positive"
  #t
  (run-program-in-container '("/bin/true") #:limits (container-limits (pids 0))))

(test-error "limits are a <container-limits> record"
  #t
  (run-program-in-container '("/bin/true") #:limits '((pids . 10))))

;;; The runc and crun CVEs byre must not reintroduce.

(define (write-errors-of-exe-opens)
  ;; A hostile PID 1's loop: open the executable of every other process in
  ;; the container through /proc/PID/exe and note in /out/r each one that
  ;; lies on a mount that is not one of the container's (its fdinfo's
  ;; mnt_id is not in /proc/self/mountinfo): a host binary reached through
  ;; the host's mount, writable for root, which CVE-2019-5736 overwrote
  ;; once its runtime had exited.
  "exec 2>/dev/null; touch /out/ready; while [ ! -e /out/stop ]; do
     for p in /proc/[0-9]*; do
       case ${p#/proc/} in 1|$$) continue;; esac
       command exec 3<$p/exe || continue
       id=$(sed -n 's/^mnt_id:[[:space:]]*//p' /proc/$$/fdinfo/3)
       exec 3<&-
       cut -d' ' -f1 /proc/$$/mountinfo | grep -qx \"$id\" \\
         || echo \"$(readlink $p/exe) on host mount $id\" >>/out/r
     done
   done; echo done >>/out/r")

(define (wait-for file)
  (let loop ((i 0))
    (unless (or (file-exists? file) (> i 3000))
      (usleep 10000)
      (loop (+ i 1)))))

(skip-unless supported? "no user namespaces")
(test-equal "CVE-2019-5736: the processes byre puts in a container expose no writable host binary"
  "done\n"
  ;; While PID 1 probes /proc/*/exe, byre joins the container three ways:
  ;; a thunk excursion (a fork of this Guile, whose executable is the
  ;; host's, from the host's writable /usr for root), container-exec of a
  ;; program, and an excursion running for a while.
  (let ((dir (temporary-directory)))
    (dynamic-wind
      (const #t)
      (lambda ()
        (let ((pid (spawn-container (list "/bin/sh" "-c" (write-errors-of-exe-opens))
                                    #:mounts (cons (out-bind dir) host-binaries)
                                    #:environment '("PATH=/bin:/usr/bin"))))
          (wait-for (string-append dir "/ready"))
          (container-excursion pid (lambda () (usleep 500000) (primitive-exit 0)))
          (for-each (lambda (i) (container-exec pid '("/bin/sleep" "0.1")))
                    (iota 3))
          (container-excursion* pid (lambda () (usleep 500000) 1))
          (call-with-output-file (string-append dir "/stop") (const #t))
          (waitpid pid)
          (call-with-input-file (string-append dir "/r") read-string)))
      (lambda () (delete-recursively dir)))))

(define (planted-symlink-target relative?)
  "Bind a writable host directory at /a holding a symbolic link b to the
host directory TARGET beside it (by its absolute name, or climbing out
with .. when RELATIVE?), planted by whoever controls that directory, then
mount a tmpfs on /a/b/p.  Return (STATUS MOUNTED-INSIDE CREATED-ON-HOST):
whether the container sees the tmpfs at TARGET/p inside its own root, and
whether p was made on the host through the link; or (refused ERRNO)."
  (let ((dir (temporary-directory))
        (planted (temporary-directory)))
    (dynamic-wind
      (const #t)
      (lambda ()
        (define target (string-append planted "/target"))
        (mkdir target)
        (symlink (if relative?
                     (string-append "../../../../../../../../../.." target)
                     target)
                 (string-append planted "/b"))
        (catch 'system-error
          (lambda ()
            (let ((status (run-program-in-container
                           (list "/bin/sh" "-c"
                                 (string-append "grep -c ' " target "/p ' /proc/self/mountinfo >/out/r"))
                           #:mounts (append (list (out-bind dir)
                                                  (file-system (device planted) (mount-point "/a")
                                                               (type "none") (flags '(bind-mount)))
                                                  (file-system (device "none") (mount-point "/a/b/p")
                                                               (type "tmpfs") (check? #f)))
                                            host-binaries)
                           #:environment '("PATH=/bin:/usr/bin"))))
              (list (status:exit-val status)
                    (call-with-input-file (string-append dir "/r") read-string)
                    (file-exists? (string-append target "/p")))))
          (lambda args (list 'refused (system-error-errno args)))))
      (lambda ()
        (delete-recursively dir)
        (delete-recursively planted)))))

(define (stays-in-root? result)
  ;; Mounted inside the root, nothing made on the host; or refused.
  (match (pk 'planted-link result)
    ((0 "1\n" #f) #t)
    (('refused errno) (and (memv errno (list ENOENT ELOOP EXDEV)) #t))
    (_ #f)))

(skip-unless supported? "no user namespaces")
(test-assert "CVE-2021-30465: a mount point through a link planted in a bind to a host directory stays in the root"
  (stays-in-root? (planted-symlink-target #f)))

(skip-unless supported? "no user namespaces")
(test-assert "CVE-2021-30465: a mount point through a planted link climbing out with .. stays in the root"
  (stays-in-root? (planted-symlink-target #t)))

(define (leaked-directory-probe)
  ;; No descriptor but 0-2 names a directory, the working directory is
  ;; inside the root, and climbing from it ends at the container's root.
  "for f in /proc/self/fd/*; do [ -d \"$f\" ] && echo \"dir ${f##*/}\"; done;
   echo \"cwd $(readlink /proc/self/cwd)\";
   cd ../../../../../../..; [ -e \"$HOST_MARKER\" ] && echo escaped; echo end")

(skip-unless supported? "no user namespaces")
(test-equal "CVE-2024-21626: no host directory descriptor or working directory reaches the program"
  '((0 . "cwd /\nend\n") (0 . "cwd /\nend\n"))
  ;; The caller's working directory and a directory it holds open without
  ;; close-on-exec are on the host, with a marker beside them.
  (let* ((dir (temporary-directory))
         (marker (string-append dir "/host-marker"))
         (fd (begin
               (mkdir (string-append dir "/d"))
               (call-with-output-file marker (const #t))
               (open-fdes (string-append dir "/d") O_RDONLY)))
         (cwd (getcwd)))
    (dynamic-wind
      (lambda () (chdir (string-append dir "/d")))
      (lambda ()
        (let ((script (string-append "HOST_MARKER=" marker "; "
                                     (leaked-directory-probe))))
          (list (sh-in-container (string-append "exec >/out/r; " script))
                (with-running-container
                 (lambda (pid) (exec-output pid script))))))
      (lambda ()
        (chdir cwd)
        (close-fdes fd)
        (delete-recursively dir)))))

(test-end/exit "container-attacks")
