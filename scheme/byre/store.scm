;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre store): the local store, with the API of Guix's (guix store).

(define-module (byre store)
  #:use-module (byre store-core)
  #:use-module (byre base32)
  #:use-module (byre store-directory)
  #:use-module (byre diagnostics)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-26)
  #:use-module (srfi srfi-35)
  #:use-module ((ice-9 exceptions) #:select (raise-exception))
  #:use-module (ice-9 ftw)
  #:use-module (byre progress)
  #:use-module (ice-9 match)
  #:use-module (ice-9 rdelim)
  #:use-module (rnrs bytevectors)
  #:use-module ((rnrs io ports) #:select (put-bytevector get-bytevector-all))
  #:use-module ((byre serialization)
                #:select (write-int read-int write-string
                          (read-string . read-wire-string)
                          write-string-list read-string-list
                          write-file restore-file))
  #:export (;; Where the store is.
            %store-prefix
            %state-directory
            default-state-directory

            ;; Errors.
            &store-error
            store-error?
            &store-protocol-error
            store-protocol-error?
            store-protocol-error-message
            store-protocol-error-status

            ;; Connections.
            store-connection?
            store-connection-store-directory
            store-connection-state-directory
            open-connection
            close-connection
            call-with-store
            with-store

            ;; Items.
            valid-path?
            add-text-to-store
            add-data-to-store
            add-to-store
            register-output

            <path-info>
            path-info?
            path-info-deriver
            path-info-hash
            path-info-references
            path-info-registration-time
            path-info-nar-size
            query-path-info
            references
            referrers
            requisites
            topologically-sorted
            hash-part->path

            ;; Names.
            store-path?
            direct-store-path?
            direct-store-path
            derivation-path?
            store-path-package-name
            store-path-hash-part
            store-path
            output-path
            fixed-output-path
            sha256

            ;; Garbage collection.
            add-temp-root
            add-indirect-root
            add-permanent-root
            remove-permanent-root
            gc-roots
            delete-paths
            run-gc
            collect-garbage
            live-paths
            dead-paths

            ;; Build options and handlers.
            %daemon-socket-uri
            set-build-options
            store-connection-build-option
            build-mode
            current-build-prompt
            call-with-build-handler
            with-build-handler
            invoke-build-handler

            ;; Roots, logs, derivers, trees.
            find-roots
            store-log-file
            log-file
            valid-derivers
            add-file-tree-to-store

            ;; Bundles.
            export-paths
            import-paths

            ;; Checks and deduplication.
            optimise-store
            query-path-hash
            current-build-output-port
            default-build-output-port?
            verify-store
            store-problems)
  #:re-export (bytevector->nix-base32-string
               nix-base32-string->bytevector))

;;; Commentary:
;;;
;;; byre has no daemon: a "connection" is a handle on the store's database
;;; and lock files, opened in this process by the primitives of (byre
;;; store-core).  The procedures keep the names, arguments and results of
;;; Guix's (guix store) so that code written for Guix runs unchanged; where
;;; byre differs (permanent roots, the store check's report) the docstring
;;; says so.
;;;
;;; Every argument is checked here before a primitive sees it, so that bad
;;; input is an error condition naming the value and nothing is written:
;;; the primitives check again, but their errors speak of C++ operations.
;;;
;;; Code:


;;;
;;; Where the store is.
;;;

(define %store-prefix
  ;; Guix's name for the store directory: the same SRFI-39 parameter as
  ;; `%store-directory', so that parameterizing either changes both.
  %store-directory)

;; Root's default when (byre config), which make writes, is not there yet.
(define %fallback-root-state-directory "/var/lib/byre/state")

(define (configured-root-state-directory)
  "Return the state directory configure chose for root, or the fallback
when the build has not written (byre config) yet."
  ;; Looked up at run time, as (byre store-directory) does, so that the
  ;; source tree's modules work before anything is built.
  (let ((config (false-if-exception
                 (resolve-module '(byre config) #t #:ensure #f))))
    (or (and config
             (module-variable config '%byre-default-state-directory)
             (module-ref config '%byre-default-state-directory))
        %fallback-root-state-directory)))

(define* (default-state-directory #:key
                                  (environment getenv)
                                  (uid (getuid)))
  "Return the state directory (the store's database, its locks and its GC
roots) for a process whose environment variables ENVIRONMENT (a procedure
like `getenv') looks up and whose user id is UID: BYRE_STATE_DIR when it is
set and not empty, else the configured default for root
(\"/var/lib/byre/state\" unless configure said otherwise), else
\"$XDG_DATA_HOME/byre/state\", with XDG_DATA_HOME defaulting to
\"~/.local/share\"."
  (define (variable name)
    (let ((value (environment name)))
      (and value (not (string-null? value)) value)))

  (define (home)
    (or (variable "HOME")
        (false-if-exception (passwd:dir (getpwuid uid)))
        "/"))

  (cond ((variable "BYRE_STATE_DIR") => identity)
        ((zero? uid) (configured-root-state-directory))
        (else
         (string-append (or (variable "XDG_DATA_HOME")
                            (string-append (home) "/.local/share"))
                        "/byre/state"))))

(define %state-directory
  ;; Computed once when this module is loaded, like `%store-directory'.
  (make-parameter (default-state-directory)))


;;;
;;; Errors.
;;;

;; Guix's condition types, so that a `guard' written for Guix, such as
;; (guard (c ((store-protocol-error? c) …)) …), catches byre's errors too.
(define-condition-type &store-error &error
  store-error?)

(define-condition-type &store-protocol-error &store-error
  store-protocol-error?
  (message store-protocol-error-message)
  (status  store-protocol-error-status))

(define* (raise-store-error format-string arguments #:key hint)
  "Raise an error condition whose message is FORMAT-STRING, an (ice-9
format) string, applied to ARGUMENTS, with HINT, a string, when true: both
a user error of (byre diagnostics), which `byre' prints, and Guix's
&store-protocol-error."
  (let ((error (make-user-error format-string arguments #:hint hint)))
    (raise-exception
     (make-compound-condition
      (make-condition &store-protocol-error
                      'message (condition-message error)
                      'status 1)
      error))))

(define (store-error format-string . arguments)
  "Raise a store error whose message is FORMAT-STRING applied to
ARGUMENTS."
  (raise-store-error format-string arguments))

(define (call-with-store-errors thunk)
  "Call THUNK, turning what a store primitive raises for bad input or a
refused operation (`wrong-type-arg' or `misc-error' with the message of
the C++ core, such as \"cannot delete a live item\") into a store error
with that message; `system-error' goes through as it is."
  (define (handler key subr format-string arguments . rest)
    (if (and (string? subr) (string-prefix? "%" subr)
             (string? format-string) (list? arguments))
        (store-error "~a" (apply simple-format #f format-string arguments))
        (apply throw key subr format-string arguments rest)))

  (catch 'wrong-type-arg
    (lambda ()
      (catch 'misc-error thunk handler))
    handler))

(define-syntax-rule (with-store-errors exp ...)
  (call-with-store-errors (lambda () exp ...)))


;;;
;;; Connections.
;;;

;; Records made with `make-record-type' rather than SRFI-9's syntax, whose
;; expansion leaves top-level helpers that -Wunused-toplevel reports.
(define <store-connection>
  ;; HANDLE is the primitives' handle; STORE-DIRECTORY the store's prefix,
  ;; part of every item's name; STATE-DIRECTORY holds the database, the
  ;; locks and the GC roots.
  (make-record-type '<store-connection>
                    '(handle store-directory state-directory options)
                    (lambda (store port)
                      (format port "#<store-connection ~a ~a>"
                              (store-connection-store-directory store)
                              (number->string (object-address store) 16)))))

(define make-store-connection (record-constructor <store-connection>))
(define store-connection? (record-predicate <store-connection>))
(define store-connection-handle
  (record-accessor <store-connection> 'handle))
(define store-connection-store-directory
  (record-accessor <store-connection> 'store-directory))
(define store-connection-state-directory
  (record-accessor <store-connection> 'state-directory))
(define store-connection-options
  ;; An alist of the build options `set-build-options' set.
  (record-accessor <store-connection> 'options))
(define set-store-connection-options!
  (record-modifier <store-connection> 'options))

(define (canonical-directory directory what)
  "Return DIRECTORY, an absolute file name, without trailing slashes, or
raise an error naming it; WHAT says which directory it is."
  (unless (and (string? directory)
               (string-prefix? "/" directory))
    (store-error "~a ~s is not an absolute file name" what directory))
  (let ((trimmed (string-trim-right directory #\/)))
    (when (string-null? trimmed)
      (store-error "~a cannot be the root directory" what))
    trimmed))

(define %daemon-socket-uri
  ;; Guix's name for where a connection goes: here, the state directory of
  ;; the store, as a "file://" URI is accepted by `open-connection'.
  (make-parameter (%state-directory)))

(define (uri->state-directory uri)
  "Return the state directory URI names, a \"file://\" URI or a file name,
or raise an error saying why byre cannot connect to it."
  (let ((file (if (string-prefix? "file://" uri)
                  (string-drop uri (string-length "file://"))
                  uri)))
    (cond ((string=? (canonical-directory file "state directory")
                     (canonical-directory (%state-directory) "state directory"))
           file)
          ((string-index uri #\:)
           (store-error "cannot connect to ~s: byre has no daemon, only local \
stores named by their state directory (a file name or a file:// URI)" uri))
          ((not (file-exists? file))
           (store-error "~a: no such state directory" file))
          ((eq? 'socket (stat:type (stat file)))
           (store-error "~a is a daemon's socket; byre has no daemon and opens \
its stores directly" file))
          (else file))))

(define (recorded-store-directory state-directory)
  "Return the store directory recorded in STATE-DIRECTORY, or #f."
  (let ((file (string-append state-directory "/store-directory")))
    (and (file-exists? file)
         (call-with-input-file file read-line))))

(define* (open-connection #:optional uri
                          #:key
                          (store-directory #f)
                          (state-directory #f)
                          port
                          #:allow-other-keys)
  "Open the local store whose items live under STORE-DIRECTORY and whose
database, locks and GC roots live under STATE-DIRECTORY, creating both if
needed, and return a connection to it.  There is no daemon: URI, Guix's
daemon address, may name the state directory of an existing store (a file
name or a \"file://\" URI, as `%daemon-socket-uri' is); its store
directory is then the one recorded there.  STORE-DIRECTORY defaults to
`(%store-prefix)' and STATE-DIRECTORY to `(%state-directory)', which follow
BYRE_STORE_DIR and BYRE_STATE_DIR.  PORT, a daemon connection's port for
Guix, is refused.  Guix's other keyword arguments (#:reserve-space? and
the like) concern the daemon and have no effect."
  (when port
    (store-error "cannot open a store over port ~s: byre has no daemon" port))
  (let* ((state (or state-directory
                    (and uri (uri->state-directory uri))
                    (%state-directory)))
         (store (or store-directory
                    (and uri (recorded-store-directory state))
                    (%store-prefix)))
         (store-directory (canonical-directory store "store directory"))
         (state-directory (canonical-directory state "state directory")))
    (let ((handle (with-store-errors
                   (%store-open store-directory state-directory))))
      (check-state-directory handle store-directory state-directory)
      (make-store-connection handle store-directory state-directory
                             (default-build-options)))))

(define (check-state-directory handle store-directory state-directory)
  "Make sure STATE-DIRECTORY belongs to STORE-DIRECTORY: its database lists
the items of one store, and collecting garbage with another store's state
would delete what that one's roots hold.  The first open records it."
  (let ((file (string-append state-directory "/store-directory")))
    (if (file-exists? file)
        (let ((recorded (call-with-input-file file
                          (lambda (port) (read-line port)))))
          (unless (string=? recorded store-directory)
            (%store-close handle)
            (store-error "state directory ~a belongs to the store ~a, not ~a; \
set BYRE_STATE_DIR along with BYRE_STORE_DIR (or neither)"
                         state-directory recorded store-directory)))
        (let ((temporary (string-append file ".tmp." (number->string (getpid)))))
          (call-with-output-file temporary
            (lambda (port) (display store-directory port) (newline port)))
          (rename-file temporary file)))))

(define (close-connection store)
  "Close the connection to STORE.  A process's temporary GC roots, which
every item it adds gets, are shared by its connections and dropped when
the last one is closed.  Closing a closed connection does nothing."
  (%store-close (store-connection-handle store)))

(define (call-with-store proc)
  "Call PROC with a connection to the default store, and close it when PROC
returns or exits non-locally; return what PROC returns."
  (let ((store (open-connection)))
    (dynamic-wind
      (const #t)
      (lambda () (proc store))
      (lambda () (close-connection store)))))

(define-syntax-rule (with-store store exp ...)
  "Bind STORE to a connection to the default store in the body EXP …, and
close it when the body is left."
  (call-with-store (lambda (store) exp ...)))

(define-syntax-rule (handle store)
  (store-connection-handle store))


;;;
;;; Checking arguments.
;;;

(define (check-item-name name)
  "Raise an error naming NAME unless it can be the name of a store item."
  (unless (and (string? name)
               (catch #t
                 (lambda ()
                   ;; Whether the primitive returns a boolean or raises,
                   ;; only its verdict matters here.
                   (and (%check-store-item-name name) #t))
                 (const #f)))
    (raise-store-error "invalid store item name ~s" (list name)
                       #:hint "a store item name is 1 to 211 letters, \
digits and \"+-._?=\", and does not start with \".\"")))

(define (prefix-of store)
  (store-connection-store-directory store))

(define (item-of store path)
  "Return PATH if it is a direct store path of STORE, else raise an error
naming it."
  (unless (and (string? path)
               (direct-store-path? path (prefix-of store)))
    (store-error "~s is not an item of the store ~a" path (prefix-of store)))
  path)

(define (valid-item-of store path)
  "Return PATH if it is a valid item of STORE, else raise an error naming
it."
  (item-of store path)
  (unless (%store-valid-path? (handle store) path)
    (store-error "~a is not a valid store item" path))
  path)

(define (valid-items-of store paths what)
  "Return PATHS, a list of valid items of STORE, or raise an error naming
the first that is not; WHAT says what PATHS are."
  (unless (list? paths)
    (store-error "~a must be a list of store items, not ~s" what paths))
  (for-each (cut valid-item-of store <>) paths)
  paths)

(define (existing-file file)
  "Return FILE if it exists (a dangling symbolic link counts), else raise
an error naming it."
  (unless (and (string? file) (false-if-exception (lstat file)))
    (store-error "~s: no such file or directory" file))
  file)

(define (algorithm-symbol algorithm)
  "Return ALGORITHM, a hash algorithm name (a string such as \"sha256\", as
Guix passes it, or a symbol), as a symbol."
  (match algorithm
    ((? symbol?) algorithm)
    ((? string?) (string->symbol algorithm))
    (_ (store-error "invalid hash algorithm ~s" algorithm))))


;;;
;;; Adding items.
;;;

(define (valid-path? store path)
  "Return #t if PATH is a valid item of STORE: registered and complete;
return #f for a name of the store directory that is not a valid item.
Raise &store-protocol-error when PATH is not a file name directly under
the store directory, as Guix's daemon does."
  (let ((prefix (prefix-of store)))
    (unless (and (string? path)
                 (store-path? path prefix)
                 (not (string-index path #\/ (+ 1 (string-length prefix)))))
      (raise-store-error "path ~s is not in the store ~a" (list path prefix)
                         #:hint "a store item is named PREFIX/HASH-NAME; \
see `store-path?'"))
    (%store-valid-path? (handle store) path)))

(define* (add-text-to-store store name text #:optional (references '()))
  "Add TEXT, a string (stored as UTF-8) or a bytevector, to STORE as an item
called NAME that refers to REFERENCES, a list of valid store items, and
return its file name.  Adding the same text under the same name again
returns the same item."
  (check-item-name name)
  (unless (or (string? text) (bytevector? text))
    (store-error "~s is neither a string nor a bytevector" text))
  (valid-items-of store references "references")
  (with-store-errors (%store-add-text (handle store) name text references)))

(define* (add-data-to-store store name bytes #:optional (references '()))
  "Add BYTES, a bytevector, to STORE as an item called NAME that refers to
REFERENCES, and return its file name."
  (unless (bytevector? bytes)
    (store-error "~s is not a bytevector" bytes))
  (add-text-to-store store name bytes references))

(define (delete-file-recursively file)
  "Delete FILE and, if it is a directory, everything under it; ignore what
is already gone."
  (match (false-if-exception (lstat file))
    (#f #t)
    (st
     (when (eq? 'directory (stat:type st))
       ;; A copied read-only directory could not be emptied.
       (chmod file #o700)
       (for-each (lambda (entry)
                   (delete-file-recursively (string-append file "/" entry)))
                 (or (scandir file (negate (cut member <> '("." ".."))))
                     '())))
     (if (eq? 'directory (stat:type st))
         (rmdir file)
         (delete-file file)))))

(define (copy-selected-tree source target select?)
  "Copy SOURCE to TARGET, keeping under directories only the entries FILE
for which (SELECT? FILE STAT) is true, STAT being FILE's `lstat'; SOURCE
itself is always copied.  Keep what a NAR keeps: contents, the executable
bit, symbolic links, directory structure."
  (define (copy source target)
    (let ((st (lstat source)))
      (match (stat:type st)
        ('directory
         (mkdir target #o755)
         (for-each (lambda (entry)
                     (let ((file (string-append source "/" entry)))
                       (when (select? file (lstat file))
                         (copy file (string-append target "/" entry)))))
                   (scandir source (negate (cut member <> '("." ".."))))))
        ('regular
         (copy-file source target)
         (chmod target (if (zero? (logand (stat:perms st) #o111))
                           #o644
                           #o755)))
        ('symlink
         (symlink (readlink source) target))
        (type
         (store-error "~a: cannot add a file of type ~a to the store"
                      source type)))))

  (copy source target))

(define (call-with-temporary-directory proc)
  "Call PROC with the name of a new temporary directory, and delete it and
its contents when PROC returns or exits non-locally."
  (let ((directory (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp")
                                           "/byre-select.XXXXXX"))))
    (dynamic-wind
      (const #t)
      (lambda () (proc directory))
      (lambda () (delete-file-recursively directory)))))

(define* (add-to-store store basename recursive? hash-algo file
                       #:key select?)
  "Add FILE to STORE under the name BASENAME and return the item's file
name.  When RECURSIVE? is true, FILE may be a directory or a symbolic link
and the item's hash is that of its NAR serialisation; otherwise FILE must
be a regular file, hashed flat.  HASH-ALGO is the hash algorithm, such as
\"sha256\" or 'sha256.  When SELECT? is a procedure, only the files under
FILE for which (SELECT? FILE STAT) is true are added: they are copied to a
temporary directory first, which is deleted whatever happens."
  (check-item-name basename)
  (existing-file file)
  (let ((algorithm (algorithm-symbol hash-algo)))
    (unless (or recursive?
                (eq? 'regular (stat:type (stat file))))
      (store-error "~a: not a regular file; only regular files can be \
added with recursive? #f" file))
    (if (and recursive? (procedure? select?)
             (eq? 'directory (stat:type (lstat file))))
        (call-with-temporary-directory
         (lambda (directory)
           (let ((copy (string-append directory "/" basename)))
             (copy-selected-tree file copy select?)
             (add-path-with-progress store basename copy #t algorithm))))
        (add-path-with-progress store basename file (and recursive? #t)
                                algorithm))))

(define (tree-size file)
  ;; The bytes of the regular files under FILE, links not followed.
  (let ((stat (lstat file)))
    (case (stat:type stat)
      ((regular) (stat:size stat))
      ((directory)
       (file-system-fold (const #t)
                         (lambda (name stat total)
                           (if (eq? 'regular (stat:type stat))
                               (+ total (stat:size stat))
                               total))
                         (lambda (name stat total) total)
                         (lambda (name stat total) total)
                         (lambda (name stat total) total)
                         (lambda (name stat errno total) total)
                         0 file lstat))
      (else 0))))

(define (add-path-with-progress store basename file recursive? algorithm)
  ;; %store-add-path, with a progress report for large trees (see (byre
  ;; progress)): the C++ core counts the bytes it reads.
  (let ((total (if (%progress-reports?) (tree-size file) 0)))
    (call-with-byte-progress
     (string-append "adding " basename) total %store-dumped-bytes
     (lambda ()
       (with-store-errors
        (%store-add-path (handle store) basename file recursive?
                         algorithm))))))

(define* (register-output store source output
                          #:key (candidates '()) deriver)
  "Move SOURCE, a file or directory produced outside the store (a build
output), into STORE as the item OUTPUT, a store file name computed in
advance (see `output-path'), and return OUTPUT.  Its references are the
items among CANDIDATES, a list of valid items, whose hash parts occur in
its files.  DERIVER, when true, is the derivation that produced it."
  (existing-file source)
  (item-of store output)
  (check-item-name (string-drop output
                                (+ 1 32 1 (string-length (prefix-of store)))))
  (valid-items-of store candidates "candidates")
  (when deriver
    (item-of store deriver))
  (with-store-errors (%store-register-output (handle store) source output candidates deriver)))


;;;
;;; Queries.
;;;

(define <path-info>
  ;; DERIVER is a file name or #f, HASH the SHA-256 of the NAR (a
  ;; bytevector), REFERENCES a list of file names, REGISTRATION-TIME in
  ;; seconds since the epoch, NAR-SIZE in bytes.
  (make-record-type '<path-info>
                    '(deriver hash references registration-time nar-size)))

(define make-path-info (record-constructor <path-info>))
(define path-info? (record-predicate <path-info>))
(define path-info-deriver (record-accessor <path-info> 'deriver))
(define path-info-hash (record-accessor <path-info> 'hash))
(define path-info-references (record-accessor <path-info> 'references))
(define path-info-registration-time
  (record-accessor <path-info> 'registration-time))
(define path-info-nar-size (record-accessor <path-info> 'nar-size))

(define (query-path-hash store path)
  "Return the SHA-256 of the NAR of PATH, a valid item of STORE, as a
bytevector (what `query-path-info' gives as its hash); raise a
&store-protocol-error if PATH is not valid."
  (path-info-hash (query-path-info store path)))

(define %default-build-output-port
  ;; What Guix code writing to (current-build-output-port) reaches when no
  ;; port was given: the error port of the moment.
  (make-soft-port
   (vector (lambda (char) (write-char char (current-error-port)))
           (lambda (string) (display string (current-error-port)))
           (lambda () (force-output (current-error-port)))
           #f #f)
   "w"))

(define current-build-output-port
  ;; Where `build-derivations' copies the log of each build it runs, as
  ;; Guix's daemon sends it to its client.  Left as it is (the error port),
  ;; a log is copied only when `%build-verbosity' asks for it; given a port
  ;; of one's own, every log goes there.
  (make-parameter %default-build-output-port))

(define (default-build-output-port? port)
  "Return #t if PORT is the default of `current-build-output-port'."
  (eq? port %default-build-output-port))

(define (query-path-info store path)
  "Return a <path-info> for PATH, a valid item of STORE: its deriver (#f if
unknown), the SHA-256 of its NAR (a bytevector), its references, its
registration time and its NAR size.  Raise an error if PATH is not valid."
  (item-of store path)
  (match (%store-path-info (handle store) path)
    (#f (store-error "~a is not a valid store item" path))
    ((deriver hash nar-size registration-time references)
     (make-path-info (match deriver
                       ((or #f "") #f)
                       (_ deriver))
                     hash references registration-time nar-size))))

(define (references store path)
  "Return the list of items that PATH, a valid item of STORE, refers to."
  (%store-references (handle store) (valid-item-of store path)))

(define (referrers store path)
  "Return the list of valid items of STORE that refer to PATH."
  (%store-referrers (handle store) (valid-item-of store path)))

(define (requisites store paths)
  "Return the closure of PATHS, a list of valid items of STORE: PATHS and
everything they refer to, directly or not."
  (%store-requisites (handle store) (valid-items-of store paths "paths")))

(define (topologically-sorted store paths)
  "Return PATHS, a list of valid items of STORE, sorted so that an item
comes after everything it refers to."
  (%store-topologically-sorted (handle store)
                               (valid-items-of store paths "paths")))

(define (hash-part->path store hash-part)
  "Return the valid item of STORE whose hash part is HASH-PART, a
nix-base32 string, or the empty string if there is none (as Guix does)."
  (unless (string? hash-part)
    (store-error "~s is not a hash part" hash-part))
  (or (%store-hash-part->path (handle store) hash-part) ""))


;;;
;;; Names.
;;;

(define* (store-path? path #:optional (prefix (%store-prefix)))
  "Return #t if PATH is a file name under PREFIX, the store directory."
  (and (string? path)
       (string-prefix? (string-append prefix "/") path)
       #t))

(define %nix-base32-characters
  (string->char-set "0123456789abcdfghijklmnpqrsvwxyz"))

(define* (direct-store-path? path #:optional (prefix (%store-prefix)))
  "Return #t if PATH names a store item under PREFIX itself,
PREFIX/HASH-NAME, and not a file inside one."
  (and (store-path? path prefix)
       (let ((base (string-drop path (+ 1 (string-length prefix)))))
         (and (> (string-length base) 33)
              (not (string-index base #\/))
              (string-every %nix-base32-characters (string-take base 32))
              (char=? #\- (string-ref base 32))
              #t))))

(define* (direct-store-path path #:optional (prefix (%store-prefix)))
  "Return the store item PATH is in, PREFIX/HASH-NAME, stripping what
follows it (as in \".../bin/guile\"); return PATH itself when it is not
under PREFIX."
  (if (store-path? path prefix)
      (let* ((start (+ 1 (string-length prefix)))
             (end (string-index path #\/ start)))
        (if end (substring path 0 end) path))
      path))

(define (derivation-path? path)
  "Return #t if PATH is a store file name ending in \".drv\"."
  (and (store-path? path)
       (string-suffix? ".drv" path)))

(define (store-path-package-name path)
  "Return the name part of PATH, a store item such as
\"/gnu/store/…-hello-2.10\" (\"hello-2.10\"), or #f if PATH is not one."
  (and (direct-store-path? path)
       (string-drop path (+ (string-length (%store-prefix)) 1 32 1))))

(define (store-path-hash-part path)
  "Return the hash part of PATH, a store file name, as a nix-base32 string,
or #f if PATH is not a syntactically valid store file name."
  (let ((item (direct-store-path path)))
    (and (direct-store-path? item)
         (substring item (+ 1 (string-length (%store-prefix)))
                    (+ 1 32 (string-length (%store-prefix)))))))

(define (sha256 bv)
  "Return the SHA-256 of BV, a bytevector, as a 32-byte bytevector."
  (%sha256 bv))

(define (bytevector->base16-string bv)
  (string-concatenate
   (map (lambda (byte)
          (string-append (if (< byte 16) "0" "") (number->string byte 16)))
        (bytevector->u8-list bv))))

(define (compressed-hash bv size)
  "Fold BV into SIZE bytes by XORing byte I into byte I mod SIZE, as Nix
shortens a SHA-256 to the 160 bits of a store name."
  (let ((result (make-bytevector size 0)))
    (for-each (lambda (i)
                (let ((j (modulo i size)))
                  (bytevector-u8-set! result j
                                      (logxor (bytevector-u8-ref result j)
                                              (bytevector-u8-ref bv i)))))
              (iota (bytevector-length bv)))
    result))

(define (store-path type hash name)
  "Return the store file name, under `(%store-prefix)', of an item called
NAME of TYPE (such as \"source\", \"text\" or \"output:out\") whose inner
hash is HASH, a SHA-256 bytevector: Nix's and Guix's makeStorePath."
  (check-item-name name)
  (let ((digest (sha256 (string->utf8
                         (string-append type ":sha256:"
                                        (bytevector->base16-string hash)
                                        ":" (%store-prefix) ":" name)))))
    (string-append (%store-prefix) "/"
                   (bytevector->nix-base32-string (compressed-hash digest 20))
                   "-" name)))

(define (output-path output hash name)
  "Return the store file name of output OUTPUT (such as \"out\") of a
derivation whose hash is HASH, a bytevector, and whose name is NAME."
  (%output-path (%store-prefix) output name hash))

(define* (fixed-output-path name hash
                            #:key
                            (output "out")
                            (hash-algo 'sha256)
                            (recursive? #t))
  "Return the store file name of a fixed-output item called NAME whose
content hash is HASH, a bytevector computed with HASH-ALGO (a symbol) over
its NAR when RECURSIVE? is true, else over its bytes.  OUTPUT is the
output's name."
  (if (string=? output "out")
      (%fixed-output-path (%store-prefix) name (algorithm-symbol hash-algo)
                          hash recursive?)
      ;; The primitive knows only "out"; the rule is short enough to say
      ;; here for the rare other output.
      (store-path (string-append "output:" output)
                  (sha256 (string->utf8
                           (string-append "fixed:" output ":"
                                          (if recursive? "r:" "")
                                          (symbol->string
                                           (algorithm-symbol hash-algo))
                                          ":"
                                          (bytevector->base16-string hash)
                                          ":")))
                  name)))


;;;
;;; Garbage collection.
;;;

(define (add-temp-root store path)
  "Protect PATH, an item of STORE, valid or not yet (about to be built or
added), from garbage collection until this process's last connection is
closed or the process ends."
  (with-store-errors (%store-add-temp-root (handle store) (item-of store path)))
  #t)

(define (add-indirect-root store file-name)
  "Make FILE-NAME, an absolute file name outside the store, an indirect GC
root of STORE: the item that FILE-NAME, a symbolic link, points to is kept
as long as the link exists and points there."
  (unless (and (string? file-name) (string-prefix? "/" file-name))
    (store-error "indirect root ~s is not an absolute file name" file-name))
  (when (store-path? file-name (prefix-of store))
    (store-error "indirect root ~a is inside the store" file-name))
  (with-store-errors (%store-add-indirect-root (handle store) file-name))
  #t)

(define (call-with-default-store proc)
  "Call PROC with a connection to the store of `(%store-prefix)' and
`(%state-directory)', closed when PROC returns or exits non-locally."
  (let ((store (open-connection)))
    (dynamic-wind
      (const #t)
      (lambda () (proc store))
      (lambda () (close-connection store)))))

(define (root-name-of target)
  "Return the name of the permanent root of TARGET, a store file name: its
base name, as Guix names the links of `add-permanent-root'."
  (unless (and (string? target) (direct-store-path? target))
    (store-error "~s is not an item of the store ~a" target (%store-prefix)))
  (basename target))

(define (add-permanent-root target)
  "Make TARGET, an item of the store of `(%store-prefix)', a GC root until
`remove-permanent-root' removes it, as Guix's `add-permanent-root' does;
TARGET need not be valid yet.  The root is a link named after TARGET's base
name under the gcroots folder of `(%state-directory)' (byre's counterpart
of /var/guix/gcroots).  Adding it twice does nothing more.  Return the
root's file name."
  (let ((name (root-name-of target)))
    (call-with-default-store
     (lambda (store)
       (with-store-errors
        (%store-add-permanent-root (handle store) target name))
       ;; Where the core keeps permanent roots (src/store/local-store.hh).
       (string-append (store-connection-state-directory store)
                      "/gcroots/" name)))))

(define (remove-permanent-root target)
  "Remove the permanent GC root that `add-permanent-root' made for TARGET,
a store file name."
  (let ((name (root-name-of target)))
    (call-with-default-store
     (lambda (store)
       (with-store-errors
        (%store-remove-permanent-root (handle store) name))))))

(define (gc-roots store)
  "Return the GC roots of STORE, permanent and indirect, as a list of pairs
(ROOT . ITEM): the root's file name and the item it holds."
  (%store-roots (handle store)))

(define* (delete-paths store paths #:optional min-freed)
  "Delete PATHS, valid items of STORE, if nothing alive holds them (a root,
a temporary root, or a live item referring to them).  MIN-FREED is
accepted for Guix's sake and ignored.  Return two values: the items
deleted and the number of bytes freed."
  (match (with-store-errors
          (%store-delete-paths (handle store)
                               (valid-items-of store paths "paths")))
    ((deleted . freed) (values deleted freed))))

(define* (run-gc store #:optional (action 'collect-garbage)
                 (to-delete '()) (min-freed 0))
  "Run the garbage collector of STORE, as Guix's `run-gc' does, and return
two values: a list of items and a number of bytes freed.  ACTION is one of
'return-live (the live items, nothing deleted), 'return-dead (the dead
items, nothing deleted), 'delete-specific (delete TO-DELETE) and
'collect-garbage (delete dead items until MIN-FREED bytes are freed, or
all of them when MIN-FREED is 0)."
  (match action
    ('return-live (values (live-paths store) 0))
    ('return-dead (values (dead-paths store) 0))
    ('delete-specific (delete-paths store to-delete))
    ('collect-garbage (collect-garbage store min-freed))
    (_ (store-error "unknown garbage collector action ~s" action))))

(define* (collect-garbage store #:optional (min-freed 0))
  "Delete the dead items of STORE, those that no root, temporary root of a
live process or live item's closure holds: all of them, or, when MIN-FREED
is a positive number of bytes, until at least that much is freed.  Return
two values: the items deleted and the number of bytes freed."
  (unless (and (exact-integer? min-freed) (>= min-freed 0))
    (store-error "minimum to free ~s is not a number of bytes" min-freed))
  (match (with-store-errors (%store-collect-garbage (handle store) min-freed))
    ((deleted . freed) (values deleted freed))))

(define (optimise-store store)
  "Deduplicate the identical files of STORE: every regular file whose
contents and executable bit another has becomes a hard link to one copy,
kept in the store's .links directory, as Guix's `guix gc --optimize' does
(build outputs and imported items are deduplicated when they are
registered).  Return two values: the number of files replaced by a link
and the bytes that saves."
  (match (with-store-errors (%store-optimise (handle store)))
    ((files . bytes) (values files bytes))))

(define (live-paths store)
  "Return the items of STORE that roots keep alive: those in the closure of
a root or of a temporary root of another process.  As with Guix, this
process's own temporary roots do not count."
  (%store-live-paths (handle store)))

(define (dead-paths store)
  "Return the valid items of STORE that `live-paths' does not list: as
with Guix, an item this process just added is dead until a root holds
it (`collect-garbage' still spares this process's temporary roots)."
  (%store-dead-paths (handle store)))


;;;
;;; Build options and build handlers.
;;;

(define (default-build-options)
  "Return the build options of a new connection, as an alist."
  ;; Guix's daemon passes NIX_BUILD_CORES=0 ("all cores") unless told.
  '((build-cores . 0)
    (keep-failed? . #f)
    (use-substitutes? . #f)))

(define* (set-build-options store
                            #:key (build-cores 0) keep-failed?
                            use-substitutes? substitute-urls
                            keep-going? fallback? (verbosity 0)
                            (max-build-jobs 1) timeout max-silent-time
                            (use-build-hook? #t) (build-verbosity 0)
                            (log-type 0) (print-build-trace #t)
                            print-extended-build-trace?
                            multiplexed-build-output? (rounds 1)
                            offload?)
  "Set the build options of STORE, as Guix's `set-build-options' does.
byre honours BUILD-CORES (what builders see as NIX_BUILD_CORES; 0 means
all cores), KEEP-FAILED? (the build directory of a failed build is kept
and named in the error), KEEP-GOING? (after a failed build, the
derivations that do not need it are built before the first failure is
raised), TIMEOUT and MAX-SILENT-TIME (seconds; a build running longer, or
writing nothing to its log for longer, is killed and fails; #f or 0: no
limit).  USE-SUBSTITUTES?, SUBSTITUTE-URLS, OFFLOAD? and USE-BUILD-HOOK?
concern substitutes and offloading, which only a daemon has: byre never
substitutes nor offloads, whatever they say.  The others (verbosity, jobs,
traces, ROUNDS) shape a daemon's work and reports; byre builds one
derivation at a time in this process and accepts them so that Guix code
runs, as the manual's \"Differences from Guix\" says."
  (define (seconds value what)
    (match value
      ((or #f 0) #f)
      ((? exact-integer? n) (=> fail) (if (> n 0) n (fail)))
      (_ (store-error "~a ~s is not a number of seconds" what value))))
  (unless (and (exact-integer? build-cores) (>= build-cores 0))
    (store-error "build cores ~s is not a number of cores" build-cores))
  (unless (and (exact-integer? rounds) (>= rounds 1))
    (store-error "rounds ~s is not a positive number" rounds))
  (set-store-connection-options!
   store
   `((build-cores . ,build-cores)
     (keep-failed? . ,(and keep-failed? #t))
     (keep-going? . ,(and keep-going? #t))
     (timeout . ,(seconds timeout "timeout"))
     (max-silent-time . ,(seconds max-silent-time "max-silent-time"))
     (use-substitutes? . ,(and use-substitutes? #t))
     (substitute-urls . ,(or substitute-urls '()))
     (rounds . ,rounds)))
  #t)

(define* (store-connection-build-option store name #:optional default)
  "Return the build option NAME (a symbol such as 'build-cores) of STORE,
as `set-build-options' set it, or DEFAULT."
  (match (assq name (store-connection-options store))
    ((_ . value) value)
    (#f default)))

;; Build modes, Guix's numbers for them.
(define-syntax build-mode
  (syntax-rules (normal repair check)
    ((_ normal) 0)
    ((_ repair) 1)
    ((_ check) 2)))

(define current-build-prompt
  ;; The prompt `build-things' and `build-derivations' abort to when a
  ;; build handler is installed, or #f.
  (make-parameter #f))

(define (call-with-build-handler handler thunk)
  "Call THUNK with HANDLER installed as the build handler: each build
request in THUNK's dynamic extent calls (HANDLER CONTINUE STORE THINGS
MODE); calling (CONTINUE #t) builds and returns to the requester, (CONTINUE
#f) returns without building, and returning from HANDLER without calling
CONTINUE makes HANDLER's value that of the call."
  (let ((tag (make-prompt-tag "build handler")))
    (parameterize ((current-build-prompt tag))
      (call-with-prompt tag
        thunk
        (lambda (continue . arguments)
          ;; CONTINUE may request builds again: handle them as well.
          (call-with-build-handler handler
                                   (lambda ()
                                     (apply handler continue arguments))))))))

(define-syntax-rule (with-build-handler handler exp ...)
  "Evaluate EXP … with HANDLER as the build handler (see
`call-with-build-handler'); return their value, or HANDLER's when it does
not continue."
  (call-with-build-handler handler (lambda () exp ...)))

(define (invoke-build-handler store things mode)
  "Pass THINGS, the file names of what is to be built, and MODE to the
current build handler, if any; return true when the build should go on."
  (or (not (current-build-prompt))
      (abort-to-prompt (current-build-prompt) store things mode)))


;;;
;;; Roots, logs and derivers.
;;;

(define (find-roots store)
  "Return the GC roots of STORE as pairs (ROOT . ITEM), as Guix's
`find-roots' does: the same as `gc-roots'."
  (gc-roots store))

(define (store-log-file store drv-file)
  "Return the file name of the build log of DRV-FILE, a .drv file name, in
STORE, whether or not it exists."
  (string-append (store-connection-state-directory store) "/log/"
                 (basename drv-file) ".log"))

(define (valid-derivers store path)
  "Return the list of valid derivations known to have produced PATH, an
item of STORE: its registered deriver when it is valid (byre records one
deriver per item)."
  (match (and (valid-path? store path)
              (path-info-deriver (query-path-info store path)))
    ((? string? drv) (if (valid-path? store drv) (list drv) '()))
    (_ '())))

(define (log-file store file)
  "Return the build log of FILE, a .drv file name or an item of STORE
built by a known derivation, or #f if there is none."
  (if (derivation-path? file)
      (let ((log (store-log-file store file)))
        (and (file-exists? log) log))
      (any (cut log-file store <>) (valid-derivers store file))))


;;;
;;; File trees.
;;;

(define* (add-file-tree-to-store store tree
                                 #:key (hash-algo "sha256") (recursive? #t))
  "Add TREE, a file tree description as Guix's, to STORE and return the
item's file name.  TREE is (NAME TYPE . REST): (NAME directory CHILDREN …),
(NAME regular (data STRING-OR-BYTEVECTOR)) or (NAME regular (file FILE)),
the same with `executable', or (NAME symlink TARGET)."
  (define (bad node)
    (store-error "invalid file tree node ~s" node))

  (define (write-node node file)
    (match node
      ((name 'directory children ...)
       (mkdir file #o755)
       (for-each (lambda (child)
                   (match child
                     (((? string? child-name) . _)
                      (write-node child (string-append file "/" child-name)))
                     (_ (bad child))))
                 children))
      ((name (and type (or 'regular 'executable)) source)
       (match source
         (('data (? string? text))
          (call-with-output-file file (cut display text <>)))
         (('data (? bytevector? bytes))
          (call-with-output-file file
            (lambda (port) (put-bytevector port bytes))))
         (('file (? string? source-file))
          (copy-file source-file file))
         (_ (bad node)))
       (chmod file (if (eq? type 'executable) #o755 #o644)))
      ((name 'symlink (? string? target))
       (symlink target file))
      (_ (bad node))))

  (match tree
    (((? string? name) . _)
     (check-item-name name)
     (call-with-temporary-directory
      (lambda (directory)
        (let ((file (string-append directory "/" name)))
          (write-node tree file)
          (add-to-store store name recursive? hash-algo file)))))
    (_ (bad tree))))


;;;
;;; Bundles of items: export-paths and import-paths.
;;;

;; What follows each item's NAR in a bundle, as Nix's "NIXE".
(define %export-magic #x4558494e)

(define* (export-paths store paths port #:key (sign? #t) recursive?
                       (start (const #f)) (progress (const #f))
                       (finish (const #f)))
  "Write PATHS, valid items of STORE, to PORT as a bundle in the format of
Guix's `export-paths' (each item's NAR, its name, references and deriver),
references before referrers; with RECURSIVE?, their whole closure.  START
is called with the ordered list of items and returns the initial state,
PROGRESS with each item and the state and returns the next, FINISH with
the state at the end.  byre has no signing key: SIGN? is accepted for
Guix's sake and the items are written unsigned, which a Guix daemon
refuses to import unless told to accept unsigned items."
  (let* ((sorted (topologically-sorted store
                                       (valid-items-of store paths "paths")))
         (ordered (if recursive? sorted (filter (cut member <> paths) sorted))))
    (let loop ((items ordered)
               (state (call-with-values (lambda () (start ordered)) list)))
      (match items
        (()
         (apply finish state)
         (write-int 0 port))
        ((item . rest)
         (let ((info (query-path-info store item)))
           (write-int 1 port)
           (write-file item port)
           (write-int %export-magic port)
           (write-string item port)
           (write-string-list (path-info-references info) port)
           (write-string (or (path-info-deriver info) "") port)
           (write-int 0 port)                 ;no signature
           (loop rest
                 (call-with-values (lambda () (apply progress item state))
                   list))))))))

(define %hash-algorithms
  '(sha256 sha1 sha512 sha3-256 sha3-512 blake2s-256))

(define (store-path-package-name* store path)
  "Return the name part of PATH, an item of STORE."
  (string-drop path (+ (string-length (prefix-of store)) 1 32 1)))

(define (content-addressed-names store tree name references)
  "Return the store names TREE, a restored item called NAME referring to
REFERENCES, has when it is content-addressed: as text, or as a source or
fixed-output item of any hash algorithm."
  (parameterize ((%store-prefix (prefix-of store)))
    (let ((regular? (eq? 'regular (stat:type (lstat tree)))))
      (append
       (if regular?
           (list (%text-store-path (prefix-of store) name
                                   (call-with-input-file tree get-bytevector-all
                                     #:binary #t)
                                   references))
           '())
       (append-map (lambda (algorithm)
                     (map (lambda (recursive?)
                            (fixed-output-path name
                                               (%file-hash tree recursive? algorithm)
                                               #:hash-algo algorithm
                                               #:recursive? recursive?))
                          (if regular? '(#t #f) '(#t))))
                   %hash-algorithms)))))

(define (import-paths store port)
  "Read a bundle written by `export-paths' from PORT and add its items to
STORE, in order; return their file names.  Each item's references must be
valid in STORE or come earlier in the bundle.  An item without a deriver
(text and source items) must be content-addressed: its name is checked
against its contents, so that a corrupt one is refused.  byre verifies no
signatures: a signed item is imported as an unsigned one."
  (define (import-one directory)
    (let ((tree (string-append directory "/item")))
      (restore-file port tree)
      (unless (= %export-magic (read-int port))
        (store-error "corrupt bundle: no item trailer after an archive"))
      (let* ((path (read-wire-string port))
             (references (read-string-list port))
             (deriver (match (read-wire-string port) ("" #f) (d d))))
        (unless (zero? (read-int port))
          (read-wire-string port))                  ;a signature byre cannot check
        (item-of store path)
        (for-each (cut item-of store <>) references)
        (cond ((valid-path? store path) path)
              (else
               (unless (or deriver
                           (member path (content-addressed-names
                                         store tree
                                         (store-path-package-name* store path)
                                         (delete path references))))
                 (store-error "imported item ~a is corrupt: its contents do not \
match its name" path))
               (for-each (lambda (reference)
                           (unless (or (string=? reference path)
                                       (valid-path? store reference))
                             (store-error "reference ~a of imported item ~a is \
not valid" reference path)))
                         references)
               (with-store-errors
                (%store-register-import (handle store) tree path references
                                        deriver)))))))

  (let loop ((imported '()))
    (match (read-int port)
      (0 (reverse imported))
      (1 (loop (cons (call-with-temporary-directory import-one) imported)))
      (n (store-error "corrupt bundle: unexpected marker ~a" n)))))


;;;
;;; Checks.
;;;

(define* (store-problems store #:key check-contents?)
  "Check STORE's database against its directory and return the problems
found, each a list (KIND ITEM . DETAILS) where KIND is a symbol; '() when
all is well.  When CHECK-CONTENTS? is true, also recompute each item's NAR
hash and compare it with the database's."
  (%store-verify (handle store) (and check-contents? #t)))

(define* (verify-store store #:key check-contents? repair?)
  "Check STORE as `store-problems' does and return #t if it found nothing
wrong, #f otherwise, as Guix's `verify-store' does.  REPAIR? is accepted
for Guix's sake; byre repairs nothing."
  (null? (store-problems store #:check-contents? check-contents?)))

;;; store.scm ends here
