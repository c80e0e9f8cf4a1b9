;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre scripts shell): `byre shell', as `guix shell': a command run with
;;; a profile of host packages, on the host or in a container that holds
;;; exactly their closure.

(define-module (byre scripts shell)
  #:use-module (byre ui)
  #:use-module (byre file-systems)
  #:use-module ((byre store-directory) #:select (%store-directory))
  #:use-module ((byre utils) #:select (file-stamp with-atomic-file-output))
  #:use-module ((byre config) #:select (%byre-data-directory))
  ;; What only a shell not in the cache needs is loaded when it is needed:
  ;; a cached shell starts without the store, gexps and packages.
  #:autoload   (byre store) (call-with-store requisites add-indirect-root)
  #:autoload   (byre monads) (run-with-store)
  #:autoload   (byre gexp) (lower-object)
  #:autoload   (byre derivations) (build-derivations derivation->output-path)
  #:autoload   (byre container) (run-program-in-container %namespaces
                                release-container-root)
  #:autoload   (byre host) (store-items-host-closure closure-mounts
                            closure-entry-path host-software-stamp)
  #:autoload   (byre user-file) (load-user-file)
  #:autoload   (byre packages) (host-package?)
  #:autoload   (byre packages catalog) (specification->package)
  #:autoload   (byre profiles) (manifest->profile packages->manifest manifest?
                                concatenate-manifests profile-search-paths
                                profile-environment)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-37)
  #:use-module (ice-9 match)
  #:use-module (ice-9 regex)
  #:use-module (ice-9 format)
  #:export (byre-shell
            shell-environment))

;;; Commentary:
;;;
;;; Without -C the command is exec'd in place of byre, with the profile's
;;; search paths in front of the caller's (or alone, with --pure): its exit
;;; status and its signals are its own.  With -C it runs in a container
;;; whose file system is the store closure of the profile, the host files
;;; the packages record, and the current directory, writable; nothing else
;;; of the host, so a program not in the packages does not exist there.
;;;
;;; What a shell's packages give (the profile, its variables, the store
;;; items and host files a container binds) is kept in the user's cache,
;;; ~/.cache/byre/shell, as Guix keeps `guix shell' profiles, under a key
;;; of the arguments, the manifest files' stamps, the host's installed
;;; software (dpkg's status, diversions, alternatives, the loader's cache)
;;; and byre's own code; a link there to the profile is an indirect GC
;;; root.  A shell found there starts without lowering or opening the
;;; store (doc/hacking.md, "byre shell's cache").
;;;
;;; Code:

(define (show-shell-help)
  (display "Usage: byre shell [OPTION]... PACKAGE... [-- COMMAND ARGS...]
Run COMMAND (by default, the user's shell) with a profile of the host
packages PACKAGE..., as 'guix shell' does.  A PACKAGE is a Guix name from
byre's package table (\"openssh\") or a Debian package name.

  -C, --container        run COMMAND in a container holding exactly the
                         packages' closure and the current directory
  -N, --network          with -C, share the host's network
      --no-cwd           with -C, do not share the current directory
      --share=SRC[=DST]  with -C, make the host's SRC writable at DST
      --expose=SRC[=DST] with -C, make the host's SRC readable at DST
  -F, --emulate-fhs      with -C, make /bin, /usr/bin, /sbin, /lib … hold
                         links to the profile's files
  -u, --user=NAME        with -C, be the user NAME with home /home/NAME
      --pure             unset the environment variables but those that
                         --preserve names
  -E, --preserve=REGEX   with --pure or -C, keep the variables matching REGEX
  -m, --manifest=FILE    add the packages of the manifest FILE evaluates to
  -f, --file=FILE        add the package FILE evaluates to
      --rebuild-cache    make the shell again rather than take it from
                         the cache (~/.cache/byre/shell)
  -h, --help             display this help and exit
  -V, --version          display version information and exit

Examples:
  byre shell coreutils -- ls
  byre shell -C openssh coreutils -- ssh -V
  byre shell -C -N --share=$HOME/src=/src guile -- guile
")
  (show-bug-report-information))

(define (mapping-argument value writable?)
  ;; "SRC" or "SRC=DST", both absolute, as `guix shell'.
  (define option (if writable? "--share" "--expose"))
  (let-values (((source target)
                (match (string-index value #\=)
                  (#f (values value value))
                  (index (values (substring value 0 index)
                                 (substring value (+ 1 index)))))))
    (unless (and (string-prefix? "/" source) (string-prefix? "/" target))
      (usage-error (format #f "~a=~a: file names must be absolute" option value)
                   #:command "shell"
                   #:hint (format #f "write ~a=/HOST/DIR or ~a=/HOST/DIR=/DIR"
                                  option option)))
    (unless (file-exists? source)
      (usage-error (format #f "~a=~a: ~a does not exist" option value source)
                   #:command "shell"))
    (file-system-mapping (source source) (target target)
                         (writable? writable?))))

(define %shell-options
  (list (option '(#\C "container") #f #f
                (lambda (opt name arg result) (alist-cons 'container? #t result)))
        (option '(#\N "network") #f #f
                (lambda (opt name arg result) (alist-cons 'network? #t result)))
        (option '("no-cwd") #f #f
                (lambda (opt name arg result) (alist-cons 'no-cwd? #t result)))
        (option '("share") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'mapping (mapping-argument arg #t) result)))
        (option '("expose") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'mapping (mapping-argument arg #f) result)))
        (option '(#\F "emulate-fhs") #f #f
                (lambda (opt name arg result) (alist-cons 'fhs? #t result)))
        (option '(#\u "user") #t #f
                (lambda (opt name arg result) (alist-cons 'user arg result)))
        (option '("pure") #f #f
                (lambda (opt name arg result) (alist-cons 'pure? #t result)))
        (option '(#\E "preserve") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'preserve
                              (catch 'regular-expression-syntax
                                (lambda () (make-regexp arg))
                                (lambda _
                                  (usage-error (format #f "--preserve=~a: not a \
regular expression" arg)
                                               #:command "shell")))
                              result)))
        (option '(#\m "manifest") #t #f
                (lambda (opt name arg result) (alist-cons 'manifest arg result)))
        (option '(#\f "file") #t #f
                (lambda (opt name arg result) (alist-cons 'file arg result)))
        (option '("rebuild-cache") #f #f
                (lambda (opt name arg result) (alist-cons 'rebuild-cache? #t result)))
        (option '(#\h "help") #f #f
                (lambda _ (show-shell-help) (exit 0)))
        (option '(#\V "version") #f #f
                (lambda _ (show-version "shell") (exit 0)))))

(define (all key opts)
  (reverse (filter-map (match-lambda
                         ((k . v) (and (eq? k key) v)))
                       opts)))

(define (user-module)
  ;; Where -m and -f files are evaluated: Guix's package modules.
  (let ((module (make-fresh-user-module)))
    (for-each (lambda (name) (module-use! module (resolve-interface name)))
              '((guile) (gnu packages) (guix profiles) (guix gexp)))
    module))

(define (shell-manifest opts specs)
  ;; The manifest of SPECS, -m manifests and -f packages, in that order.
  (concatenate-manifests
   (append
    (list (packages->manifest (map specification->package specs)))
    (map (lambda (file)
           (let ((value (load-user-file file (user-module))))
             (unless (manifest? value)
               (leave "~a: evaluates to ~s, not a manifest" file value))
             value))
         (all 'manifest opts))
    (map (lambda (file)
           (let ((value (load-user-file file (user-module))))
             (unless (host-package? value)
               (leave "~a: evaluates to ~s, not a package" file value))
             (packages->manifest (list value))))
         (all 'file opts)))))

(define %precious-variables
  ;; What --pure and -C keep, as Guix does.
  '("HOME" "USER" "LOGNAME" "DISPLAY" "XAUTHORITY" "TERM" "TZ" "PAGER"))

(define* (shell-environment profile search-paths
                            #:key pure? (preserve '())
                            (environment (environ)))
  "Return the environment, a list of \"NAME=VALUE\" strings, of a command
run with the profile PROFILE, a directory, whose SEARCH-PATHS are
(VARIABLE DIR ...) lists: ENVIRONMENT with the profile's directories in
front of each search path's variable and GUIX_ENVIRONMENT naming PROFILE.
When PURE?, ENVIRONMENT is first reduced to Guix's precious variables and
those matching one of PRESERVE, compiled regular expressions."
  (merge-environment profile (profile-environment profile search-paths)
                     #:pure? pure? #:preserve preserve
                     #:environment environment))

(define* (merge-environment profile variables #:key pure? (preserve '())
                            (environment (environ)))
  ;; shell-environment, with the profile's VARIABLES, (NAME . VALUE), known.
  (define (split entry)
    (match (string-index entry #\=)
      (#f (cons entry ""))
      (i (cons (string-take entry i) (string-drop entry (+ i 1))))))
  (define base
    (let ((pairs (map split environment)))
      (if pure?
          (filter (match-lambda
                    ((name . _)
                     (or (member name %precious-variables)
                         (any (lambda (rx) (regexp-exec rx name)) preserve))))
                  pairs)
          pairs)))
  (let* ((merged (fold (match-lambda*
                         (((name . value) env)
                          (match (assoc name env)
                            ((_ . old)
                             (if (string-null? old)
                                 (alist-cons name value (alist-delete name env))
                                 (alist-cons name (string-append value ":" old)
                                             (alist-delete name env))))
                            (#f (alist-cons name value env)))))
                       base variables))
         (merged (alist-cons "GUIX_ENVIRONMENT" profile
                             (alist-delete "GUIX_ENVIRONMENT" merged))))
    (map (match-lambda ((name . value) (string-append name "=" value)))
         (reverse merged))))

(define (find-command name profile)
  ;; NAME as the container sees it: in the profile's bin/ or sbin/, or an
  ;; absolute name that exists there; #f otherwise.
  (if (string-index name #\/)
      (and (file-exists? name) name)
      (any (lambda (dir)
             (let ((file (string-append profile "/" dir "/" name)))
               (and (file-exists? file) file)))
           '("bin" "sbin"))))

(define (default-command profile)
  ;; The user's shell: $SHELL in the profile, or else its sh or bash.
  (let ((shell (or (getenv "SHELL") "/bin/sh")))
    (list (or (find-command (basename shell) profile)
              (find-command "bash" profile)
              (find-command "sh" profile)
              (basename shell)))))

(define (build-profile store profile)
  (let ((drv (run-with-store store (lower-object profile))))
    (build-derivations store (list drv))
    (derivation->output-path drv)))


;;;
;;; What the packages give, made or taken from the cache.
;;;

;; What a shell's packages give, as plain data: PROFILE, its directory;
;; VARIABLES, what it sets, (NAME . VALUE); ITEMS, the store closure of
;; PROFILE; CLOSURE, the host files their host packages record; WARNINGS,
;; what making it printed, shown again when it comes from the cache.
(define-record-type <shell-setup>
  (make-shell-setup profile variables items closure warnings)
  shell-setup?
  (profile   shell-setup-profile)
  (variables shell-setup-variables)
  (items     shell-setup-items)
  (closure   shell-setup-closure)
  (warnings  shell-setup-warnings))

(define (shell-setup->sexp setup)
  `(shell-setup (profile ,(shell-setup-profile setup))
                (variables ,(shell-setup-variables setup))
                (items ,(shell-setup-items setup))
                (closure ,(shell-setup-closure setup))
                (warnings ,(shell-setup-warnings setup))))

(define (sexp->shell-setup sexp)
  (match sexp
    (('shell-setup ('profile (? string? profile)) ('variables variables)
                   ('items items) ('closure closure)
                   ('warnings (? string? warnings)))
     (make-shell-setup profile variables items closure warnings))
    (_ #f)))

(define (call-with-error-copy thunk)
  ;; Call THUNK; return its value and what it wrote to the current error
  ;; port, which still sees it as it comes.
  (let* ((port (current-error-port))
         (copy (open-output-string))
         (tee (make-soft-port
               (vector (lambda (c) (write-char c port) (write-char c copy))
                       (lambda (s) (display s port) (display s copy))
                       (lambda () (force-output port))
                       #f #f)
               "w")))
    (let ((value (parameterize ((current-error-port tee)) (thunk))))
      (force-output tee)
      (values value (get-output-string copy)))))

(define (make-setup store opts specs)
  (let-values (((setup warnings)
                (call-with-error-copy
                 (lambda ()
                   (let* ((profile (manifest->profile (shell-manifest opts specs)))
                          (directory (build-profile store profile))
                          (items (requisites store (list directory))))
                     (make-shell-setup directory
                                       (profile-environment
                                        directory (profile-search-paths profile))
                                       items
                                       (store-items-host-closure items)
                                       ""))))))
    (make-shell-setup (shell-setup-profile setup) (shell-setup-variables setup)
                      (shell-setup-items setup) (shell-setup-closure setup)
                      warnings)))

(define (cache-directory)
  ;; As Guix's ~/.cache/guix/profiles.
  (string-append (or (getenv "XDG_CACHE_HOME")
                     (string-append (or (getenv "HOME") "/") "/.cache"))
                 "/byre/shell"))

(define %code-files
  ;; byre's code and data that a setup is made by.
  '("byre/scripts/shell.scm" "byre/packages.scm" "byre/packages/catalog.scm"
    "byre/profiles.scm" "byre/host.scm"))

(define (cache-key opts specs)
  ;; Everything a setup is made of but the manifest files' own imports
  ;; (as Guix, a file a manifest loads is not seen: --rebuild-cache).
  (define (file-key kind)
    (map (lambda (file)
           (list kind (file-stamp (or (false-if-exception (canonicalize-path file))
                                      file))))
         (all kind opts)))
  (list 'byre-shell-1
        (%store-directory)
        specs
        (file-key 'manifest)
        (file-key 'file)
        (host-software-stamp)
        (file-stamp (string-append %byre-data-directory "/packages.scm"))
        (map (lambda (file) (file-stamp (search-path %load-path file)))
             %code-files)))

(define (cache-files key)
  ;; The cache's link to the profile (a GC root) and its data file.
  (let ((base (string-append (cache-directory) "/"
                             (number->string (string-hash (object->string key))
                                             36))))
    (values base (string-append base ".scm"))))

(define (cached-setup key)
  ;; The setup recorded for KEY, if its profile is still there.
  (let-values (((link data) (cache-files key)))
    (match (false-if-exception (call-with-input-file data read))
      (((? (lambda (k) (equal? k key))) . sexp)
       (let ((setup (sexp->shell-setup sexp)))
         (and setup
              (equal? (false-if-exception (readlink link))
                      (shell-setup-profile setup))
              (file-exists? (shell-setup-profile setup))
              setup)))
      (_ #f))))

(define (remove-dead-entries directory)
  ;; Entries whose profile was collected (links left dangling).
  (for-each (lambda (name)
              (let ((link (string-append directory "/" name)))
                (when (and (not (string-suffix? ".scm" name))
                           (false-if-exception (readlink link))
                           (not (file-exists? link)))
                  (false-if-exception (delete-file link))
                  (false-if-exception
                   (delete-file (string-append link ".scm"))))))
            (or (false-if-exception (directory-names directory)) '())))

(define (directory-names directory)
  (let ((dir (opendir directory)))
    (let loop ((names '()))
      (match (readdir dir)
        ((? eof-object?) (closedir dir) names)
        ((or "." "..") (loop names))
        (name (loop (cons name names)))))))

(define (mkdir-p directory)
  (unless (file-exists? directory)
    (mkdir-p (dirname directory))
    (false-if-exception (mkdir directory #o700))))

(define (record-setup! store key setup)
  ;; Best effort: a cache that cannot be written costs only the cache.
  (let-values (((link data) (cache-files key)))
    (false-if-exception
     (begin
       (mkdir-p (dirname link))
       (remove-dead-entries (dirname link))
       (let ((new (string-append link "." (number->string (getpid)))))
         (false-if-exception (delete-file new))
         (symlink (shell-setup-profile setup) new)
         (rename-file new link))
       (add-indirect-root store link)
       (with-atomic-file-output data
         (lambda (port)
           (write (cons key (shell-setup->sexp setup)) port)
           (newline port)))))))

(define (shell-setup opts specs)
  ;; The setup of OPTS and SPECS: from the cache, or made and recorded.
  (let ((key (cache-key opts specs)))
    (match (and (not (assq-ref opts 'rebuild-cache?)) (cached-setup key))
      (#f
       (call-with-store
        (lambda (store)
          (let ((setup (make-setup store opts specs)))
            (record-setup! store key setup)
            setup))))
      (setup
       (display (shell-setup-warnings setup) (current-error-port))
       setup))))

(define (bind source target writable?)
  (file-system (device source) (mount-point target) (type "none")
               (flags (if writable? '(bind-mount) '(bind-mount read-only)))
               (check? #f) (create-mount-point? #t)))

(define (fhs-links profile closure)
  ;; --emulate-fhs: the host's merged-/usr links (/bin -> usr/bin …), and
  ;; each file of the profile's bin/, sbin/ and lib/ that the host closure
  ;; does not already put at /usr/bin … gets a link there.
  (define present (map closure-entry-path closure))
  (append
   (filter-map (lambda (link)
                 (and (not (member link present))
                      (eq? 'symlink (false-if-exception (stat:type (lstat link))))
                      (cons link (readlink link))))
               '("/bin" "/sbin" "/lib" "/lib64"))
   (append-map
   (match-lambda
     ((dir . targets)
      (let ((source (string-append profile "/" dir)))
        (if (file-exists? source)
            (append-map
             (lambda (name)
               (filter-map (lambda (target)
                             (let ((at (string-append target "/" name)))
                               (and (not (member at present))
                                    (cons at (string-append source "/" name)))))
                           targets))
             (filter (lambda (n) (not (member n '("." ".."))))
                     (let ((d (opendir source)))
                       (let loop ((names '()))
                         (match (readdir d)
                           ((? eof-object?) (closedir d) names)
                           (name (loop (cons name names))))))))
            '()))))
   '(("bin" "/usr/bin") ("sbin" "/usr/sbin") ("lib" "/usr/lib")))))

(define (run-in-container setup argv env opts)
  (define profile (shell-setup-profile setup))
  (define items (shell-setup-items setup))
  (define closure (shell-setup-closure setup))
  (define user (assq-ref opts 'user))
  (define cwd (getcwd))
  (define host-home (or (getenv "HOME") "/"))
  (define home (if user (string-append "/home/" user) host-home))
  (define (in-home file)
    ;; Where FILE of the host's home is in the container's.
    (if (and user (string-prefix? (string-append host-home "/") file))
        (string-append home (string-drop file (string-length host-home)))
        file))
  (define target-cwd (if (assq-ref opts 'no-cwd?) home (in-home cwd)))
  (define network? (assq-ref opts 'network?))
  ;; /etc/passwd and /etc/group name the container's user, as Guix's do
  ;; (ssh, for one, refuses to run for a uid with no name).
  (define passwd-dir
    (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-shell.XXXXXX")))
  (define user-name
    (or user (false-if-exception (passwd:name (getpwuid (getuid)))) "root"))
  (define guest-uid (if user (if (zero? (getuid)) 1000 (getuid)) 0))
  (define guest-gid (if user (if (zero? (getgid)) 1000 (getgid)) 0))
  (dynamic-wind
    (lambda ()
      (call-with-output-file (string-append passwd-dir "/passwd")
        (lambda (port)
          (unless (zero? guest-uid)
            (format port "root:x:0:0:root:/root:/bin/sh~%"))
          (format port "~a:x:~a:~a::~a:~a~%"
                  user-name guest-uid guest-gid home (car (default-command profile)))))
      (call-with-output-file (string-append passwd-dir "/group")
        (lambda (port)
          (unless (zero? guest-gid)
            (format port "root:x:0:~%"))
          (format port "users:x:~a:~a~%" guest-gid user-name))))
    (lambda ()
      (let-values (((host-mounts host-links) (closure-mounts closure)))
        (let* ((mounts
                (append
                 ;; An empty home first: what follows may be beneath it
                 ;; (a store under HOME=/tmp).
                 (if (string=? home "/")
                     '()
                     (list (file-system (device "none") (mount-point home)
                                        (type "tmpfs") (check? #f)
                                        (create-mount-point? #t))))
                 host-mounts
                 (map (lambda (item) (bind item item #f)) items)
                 (if (assq-ref opts 'no-cwd?) '() (list (bind cwd target-cwd #t)))
                 (if network?
                     (filter-map (lambda (file)
                                   (and (file-exists? file) (bind file file #f)))
                                 '("/etc/resolv.conf" "/etc/hosts"
                                   "/etc/services" "/etc/nsswitch.conf"))
                     '())
                 (list (bind (string-append passwd-dir "/passwd") "/etc/passwd" #f)
                       (bind (string-append passwd-dir "/group") "/etc/group" #f))
                 (map file-system-mapping->bind-mount (all 'mapping opts))))
               (env (append (filter (lambda (entry)
                                      (not (any (lambda (v)
                                                  (string-prefix? (string-append v "=")
                                                                  entry))
                                                '("HOME" "USER" "LOGNAME"))))
                                    env)
                            (list (string-append "HOME=" home))
                            (if user
                                (list (string-append "USER=" user)
                                      (string-append "LOGNAME=" user))
                                '()))))
          (run-program-in-container
           argv
           #:mounts mounts
           #:symlinks (append host-links
                              (if (assq-ref opts 'fhs?) (fhs-links profile closure) '()))
           #:namespaces (if network? (delq 'net %namespaces) %namespaces)
           #:guest-uid guest-uid #:guest-gid guest-gid
           ;; byre-init as PID 1 relays Ctrl-C's SIGINT to the command,
           ;; which as PID 1 itself would ignore it.
           #:child-is-pid1? #f
           #:environment env
           #:directory target-cwd))))
    (lambda ()
      (for-each (lambda (f) (false-if-exception
                             (delete-file (string-append passwd-dir "/" f))))
                '("passwd" "group"))
      (false-if-exception (rmdir passwd-dir)))))

(define (exit-status status)
  (or (status:exit-val status)
      (+ 128 (or (status:term-sig status) 0))))

(define (byre-shell args)
  "Implement `byre shell' with ARGS, the arguments after \"shell\"."
  (define-values (before command)
    (match (member "--" args)
      (#f (values args '()))
      ((_ . rest) (values (list-head args (- (length args) (length rest) 1))
                          rest))))
  (let-values (((opts specs) (parse-command-options before %shell-options '()
                                                    #:command "shell")))
    (when (and (null? specs) (null? (all 'manifest opts)) (null? (all 'file opts)))
      (usage-error "no package to put in the shell" #:command "shell"
                   #:hint "give packages, e.g. 'byre shell coreutils -- ls'"))
    (unless (assq-ref opts 'container?)
      (for-each (lambda (key)
                  (when (assq-ref opts key)
                    (usage-error (format #f "--~a needs -C" key)
                                 #:command "shell")))
                '(network? no-cwd? fhs? user mapping)))
    (call-with-error-handling
     (lambda ()
       (let* ((setup (shell-setup opts specs))
              (profile (shell-setup-profile setup))
              (container? (assq-ref opts 'container?))
              (env (merge-environment profile (shell-setup-variables setup)
                                      #:pure? (or container? (assq-ref opts 'pure?))
                                      #:preserve (all 'preserve opts)))
              (argv (match command
                      (() (default-command profile))
                      ((name . rest) (cons name rest)))))
         (if container?
             (match (find-command (car argv) profile)
               (#f
                (format (current-error-port)
                        "byre shell: error: ~a: command not found in the \
container~%hint: add the package that provides it to the shell's packages~%"
                        (car argv))
                (exit 127))
               (program
                (exit (exit-status
                       (run-in-container setup (cons program (cdr argv))
                                         env opts)))))
             (let* ((path (or (any (lambda (e) (and (string-prefix? "PATH=" e)
                                                   (string-drop e 5)))
                                   env)
                              ""))
                    (program (if (string-index (car argv) #\/)
                                 (car argv)
                                 (search-path (parse-path path) (car argv)))))
               (unless (and program (file-exists? program))
                 (format (current-error-port)
                         "byre shell: error: ~a: command not found~%" (car argv))
                 (exit 127))
               ;; Building the shell may have made containers; exec runs
               ;; no exit handler.
               (release-container-root)
               (apply execle program env argv))))))))

;;; shell.scm ends here
