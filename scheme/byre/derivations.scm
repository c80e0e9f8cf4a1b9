;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Derivations and builds without a daemon, with the API of Guix's
;;; (guix derivations).
;;;
;;; A derivation is written to the store as a .drv file in the ATerm format
;;; Nix and Guix use, and its output file names are computed as theirs are
;;; (the hash of the derivation "modulo" fixed-output inputs).  Building one
;;; means running its builder in a container that sees only the closure of
;;; its inputs, the host software the builder needs, a writable build
;;; directory and a writable directory at each output's file name; the
;;; outputs are then scanned for references and registered.

(define-module (byre derivations)
  #:use-module (byre store)
  #:use-module ((byre store-core) #:select (%file-hash))
  #:use-module ((byre core) #:select (%wait-process))
  #:use-module ((byre monads) #:select (%guile-for-build))
  #:use-module (byre container)
  #:use-module ((byre host) #:select (%host-mounts add-host-item-mounts))
  #:use-module (byre file-systems)
  #:use-module ((byre utils) #:select (call-with-temporary-directory))
  #:use-module (ice-9 match)
  #:use-module (ice-9 rdelim)
  #:use-module (ice-9 threads)
  #:use-module (ice-9 textual-ports)
  #:use-module (ice-9 vlist)
  #:use-module (rnrs bytevectors)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-9 gnu)
  #:use-module (srfi srfi-26)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:use-module (srfi srfi-11)
  #:export (<derivation>
            derivation?
            derivation-outputs
            derivation-inputs
            derivation-sources
            derivation-system
            derivation-builder
            derivation-builder-arguments
            derivation-builder-environment-vars
            derivation-file-name
            derivation-name
            derivation-output-names
            derivation->output-path
            derivation->output-paths
            derivation-path->output-path
            derivation-path->output-paths
            derivation-properties
            offloadable-derivation?
            substitutable-derivation?

            <derivation-output>
            derivation-output?
            derivation-output-path
            derivation-output-hash-algo
            derivation-output-hash
            derivation-output-recursive?

            <derivation-input>
            derivation-input
            derivation-input?
            derivation-input-derivation
            derivation-input-sub-derivations
            derivation-input-path
            derivation-input-output-paths
            derivation-input-fold
            derivation-prerequisites
            valid-derivation-input?

            derivation
            write-derivation
            read-derivation
            read-derivation-from-file
            derivation-hash
            fixed-output-derivation?

            build-derivations
            derivation-build-plan
            %build-verbosity
            %keep-failed-builds?
            derivation-build-log-file

            &file-search-error
            file-search-error?
            file-search-error-file-name
            file-search-error-search-path

            &build-error
            build-error?
            build-error-derivation
            build-error-log-tail)
  #:re-export (%guile-for-build))

;;;
;;; Records.
;;;

(define-record-type <derivation>
  (make-derivation outputs inputs sources system builder args env-vars
                   file-name)
  derivation?
  (outputs  derivation-outputs)       ;alist of name/<derivation-output>
  (inputs   derivation-inputs)        ;list of <derivation-input>
  (sources  derivation-sources)       ;list of store file names
  (system   derivation-system)
  (builder  derivation-builder)       ;file name
  (args     derivation-builder-arguments)
  (env-vars derivation-builder-environment-vars) ;alist
  (file-name derivation-file-name))   ;the .drv file name

(define-record-type <derivation-output>
  (make-derivation-output path hash-algo hash recursive?)
  derivation-output?
  (path       derivation-output-path)
  (hash-algo  derivation-output-hash-algo)  ;symbol or #f
  (hash       derivation-output-hash)       ;bytevector or #f
  (recursive? derivation-output-recursive?))

(define-record-type <derivation-input>
  (make-derivation-input derivation sub-derivations)
  derivation-input?
  (derivation      derivation-input-derivation) ;<derivation>
  (sub-derivations derivation-input-sub-derivations)) ;output names

(set-record-type-printer! <derivation>
  (lambda (drv port)
    (format port "#<derivation ~a => ~a>"
            (derivation-file-name drv)
            (string-join (map (match-lambda
                                ((_ . output) (derivation-output-path output)))
                              (derivation-outputs drv))))))

(define* (derivation-input drv #:optional
                           (outputs (derivation-output-names drv)))
  "Return an input of derivation DRV, for its OUTPUTS (by default all of
them)."
  (make-derivation-input drv outputs))

(define (derivation-input-path input)
  "Return the .drv file name of INPUT's derivation."
  (match (derivation-input-derivation input)
    ;; What `read-derivation' leaves when told not to read inputs.
    ((? string? file) file)
    (drv (derivation-file-name drv))))

(define (derivation-input-output-paths input)
  "Return the file names of the outputs of INPUT's derivation that INPUT
uses."
  (let ((drv (derivation-input-derivation input)))
    (map (cut derivation->output-path drv <>)
         (derivation-input-sub-derivations input))))

(define (derivation-name drv)
  "Return the name of DRV, its .drv file name without the hash and the
extension."
  ;; "HASH-NAME.drv": 32 characters of hash and a dash before the name.
  (let ((base (basename (derivation-file-name drv))))
    (string-drop-right (string-drop base 33) 4)))

(define (derivation-output-names drv)
  "Return the names of DRV's outputs."
  (map car (derivation-outputs drv)))

(define* (derivation->output-path drv #:optional (output "out"))
  "Return the file name of output OUTPUT of DRV."
  (match (assoc output (derivation-outputs drv))
    ((_ . out) (derivation-output-path out))
    (#f (raise (condition
                (&message
                 (message (format #f "~a has no output ~s"
                                  (derivation-file-name drv) output))))))))

(define* (derivation-path->output-path file #:optional (output "out"))
  "Return the file name of output OUTPUT of the derivation in FILE, a .drv
file name."
  (derivation->output-path (read-derivation-from-file file) output))

(define (derivation-path->output-paths file)
  "Return an alist of the output names and file names of the derivation in
FILE, a .drv file name."
  (derivation->output-paths (read-derivation-from-file file)))

(define (derivation-properties drv)
  "Return the alist of properties DRV was made with (its #:properties), or
the empty list."
  (match (assoc "guix properties" (derivation-builder-environment-vars drv))
    ((_ . text) (call-with-input-string text read))
    (#f '())))

(define (builtin-builder? drv)
  (string-prefix? "builtin:" (derivation-builder drv)))

(define (offloadable-derivation? drv)
  "Return #f if DRV asks to be built locally (#:local-build?), else #t.
byre builds everything locally; the answer is what a Guix daemon would be
told."
  (not (equal? (assoc-ref (derivation-builder-environment-vars drv)
                          "preferLocalBuild")
               "1")))

(define (substitutable-derivation? drv)
  "Return #f if DRV was made with #:substitutable? #f, else #t.  byre has no
substitutes; the answer is what a Guix daemon would be told."
  (match (assoc "allowSubstitutes" (derivation-builder-environment-vars drv))
    ((_ . value) (string=? value "1"))
    (#f #t)))

(define* (derivation-input-fold proc seed inputs #:key (cut? (const #f)))
  "Fold PROC over INPUTS, a list of <derivation-input>, and the inputs of
their derivations, recursively: call (PROC INPUT RESULT) once per distinct
input (derivation and outputs), an input before its own inputs, starting
from SEED.  An input for which (CUT? INPUT) is true is skipped with what is
under it."
  (let loop ((inputs inputs) (result seed) (seen vlist-null))
    (match inputs
      (() result)
      ((input . rest)
       (let ((key (cons (derivation-input-path input)
                        (derivation-input-sub-derivations input))))
         (if (or (vhash-assoc key seen) (cut? input))
             (loop rest result seen)
             (loop (append (derivation-inputs (derivation-input-derivation input))
                           rest)
                   (proc input result)
                   (vhash-cons key #t seen))))))))

(define (valid-derivation-input? store input)
  "Return #t if every output of INPUT's derivation that INPUT uses is valid
in STORE."
  (every (cut valid-path? store <>) (derivation-input-output-paths input)))

(define* (derivation-prerequisites drv #:optional (cut? (const #f)))
  "Return the inputs needed to build DRV, recursively, as a list of
<derivation-input>; an input for which (CUT? INPUT) is true is left out
with what it needs (e.g. `valid-derivation-input?' partially applied)."
  (derivation-input-fold cons '() (derivation-inputs drv) #:cut? cut?))

(define (derivation->output-paths drv)
  "Return an alist of DRV's output names and file names."
  (map (match-lambda
         ((name . output) (cons name (derivation-output-path output))))
       (derivation-outputs drv)))

(define (fixed-output-derivation? drv)
  "Return true if DRV's output is known in advance by its hash."
  (match (derivation-outputs drv)
    ((("out" . ($ <derivation-output> _ (? symbol?) (? bytevector?) _))) #t)
    (_ #f)))


;;;
;;; The ATerm format.
;;;

(define (write-string* str port)
  ;; A string as ATerm writes it.
  (write-char #\" port)
  (string-for-each (lambda (char)
                     (case char
                       ((#\") (display "\\\"" port))
                       ((#\\) (display "\\\\" port))
                       ((#\newline) (display "\\n" port))
                       ((#\return) (display "\\r" port))
                       ((#\tab) (display "\\t" port))
                       (else (write-char char port))))
                   str)
  (write-char #\" port))

(define (write-list items write-item port)
  (write-char #\[ port)
  (let loop ((items items) (first? #t))
    (match items
      (() #t)
      ((item . rest)
       (unless first? (write-char #\, port))
       (write-item item port)
       (loop rest #f))))
  (write-char #\] port))

(define (bytevector->base16 bv)
  (string-concatenate
   (map (lambda (byte)
          (string-pad (number->string byte 16) 2 #\0))
        (bytevector->u8-list bv))))

(define (base16->bytevector str)
  (u8-list->bytevector
   (let loop ((i 0) (out '()))
     (if (>= i (string-length str))
         (reverse out)
         (loop (+ i 2)
               (cons (string->number (substring str i (+ i 2)) 16) out))))))

(define* (write-derivation drv port
                           #:key (input-key derivation-input-path))
  "Write DRV to PORT in the ATerm format.  INPUT-KEY gives the key under
which an input derivation appears: its .drv file name, or, to compute
derivation hashes, the hash of that derivation."
  (define (write-output pair port)
    (match pair
      ((name . ($ <derivation-output> path algo hash recursive?))
       (write-char #\( port)
       (write-string* name port) (write-char #\, port)
       (write-string* path port) (write-char #\, port)
       (write-string* (if algo
                          (string-append (if recursive? "r:" "")
                                         (symbol->string algo))
                          "")
                      port)
       (write-char #\, port)
       (write-string* (if hash (bytevector->base16 hash) "") port)
       (write-char #\) port))))
  (define (write-input pair port)
    (match pair
      ((key . outputs)
       (write-char #\( port)
       (write-string* key port) (write-char #\, port)
       (write-list outputs write-string* port)
       (write-char #\) port))))
  (define (write-env pair port)
    (match pair
      ((name . value)
       (write-char #\( port)
       (write-string* name port) (write-char #\, port)
       (write-string* value port)
       (write-char #\) port))))

  (display "Derive(" port)
  (write-list (sort (derivation-outputs drv)
                    (lambda (a b) (string<? (car a) (car b))))
              write-output port)
  (write-char #\, port)
  ;; Inputs on the same derivation are merged; keys and outputs sorted.
  (write-list (sort (fold (lambda (input result)
                            (let ((key (input-key input))
                                  (outputs (derivation-input-sub-derivations input)))
                              (match (assoc key result)
                                ((_ . previous)
                                 (cons (cons key (sort (delete-duplicates
                                                        (append outputs previous))
                                                       string<?))
                                       (alist-delete key result)))
                                (#f (cons (cons key (sort (delete-duplicates outputs)
                                                          string<?))
                                          result)))))
                          '()
                          (derivation-inputs drv))
                    (lambda (a b) (string<? (car a) (car b))))
              write-input port)
  (write-char #\, port)
  (write-list (sort (delete-duplicates (derivation-sources drv)) string<?)
              write-string* port)
  (write-char #\, port)
  (write-string* (derivation-system drv) port)
  (write-char #\, port)
  (write-string* (derivation-builder drv) port)
  (write-char #\, port)
  (write-list (derivation-builder-arguments drv) write-string* port)
  (write-char #\, port)
  (write-list (sort (derivation-builder-environment-vars drv)
                    (lambda (a b) (string<? (car a) (car b))))
              write-env port)
  (write-char #\) port))

(define (derivation->string drv . options)
  (call-with-output-string
    (lambda (port) (apply write-derivation drv port options))))

;; Reading: a small parser of the ATerm subset derivations use.

(define (parse-error port what)
  (raise (condition
          (&message
           (message (format #f "~a: invalid derivation: expected ~a"
                            (or (port-filename port) "derivation") what))))))

(define (expect port char)
  (unless (eqv? (read-char port) char)
    (parse-error port (string char))))

(define (read-aterm-string port)
  (expect port #\")
  (let loop ((chars '()))
    (match (read-char port)
      (#\" (list->string (reverse chars)))
      (#\\ (loop (cons (match (read-char port)
                         (#\n #\newline) (#\r #\return) (#\t #\tab)
                         ((? eof-object?) (parse-error port "a character"))
                         (char char))
                       chars)))
      ((? eof-object?) (parse-error port "a closing quote"))
      (char (loop (cons char chars))))))

(define (read-aterm-list port read-item)
  (expect port #\[)
  (if (eqv? (peek-char port) #\])
      (begin (read-char port) '())
      (let loop ((items (list (read-item port))))
        (match (read-char port)
          (#\, (loop (cons (read-item port) items)))
          (#\] (reverse items))
          (_ (parse-error port "',' or ']'"))))))

(define (read-tuple port . readers)
  (expect port #\()
  (let loop ((readers readers) (values '()))
    (match readers
      ((reader) (let ((value (reader port)))
                  (expect port #\))
                  (reverse (cons value values))))
      ((reader . rest)
       (let ((value (reader port)))
         (expect port #\,)
         (loop rest (cons value values)))))))

(define* (read-derivation port #:optional (read-input-derivation
                                            read-derivation-from-file))
  "Read a derivation from PORT, in the ATerm format.  Its input
derivations are read with READ-INPUT-DERIVATION, given their file name."
  (define (output port)
    (match (read-tuple port read-aterm-string read-aterm-string
                       read-aterm-string read-aterm-string)
      ((name path algo hash)
       (let ((recursive? (string-prefix? "r:" algo)))
         (cons name
               (make-derivation-output
                path
                (and (not (string-null? algo))
                     (string->symbol (if recursive? (string-drop algo 2) algo)))
                (and (not (string-null? hash)) (base16->bytevector hash))
                recursive?))))))
  (define (input port)
    (match (read-tuple port read-aterm-string
                       (cut read-aterm-list <> read-aterm-string))
      ((file outputs)
       (make-derivation-input (read-input-derivation file) outputs))))
  (define (env port)
    (match (read-tuple port read-aterm-string read-aterm-string)
      ((name value) (cons name value))))

  (for-each (cut expect port <>) (string->list "Derive"))
  (match (read-tuple port
                     (cut read-aterm-list <> output)
                     (cut read-aterm-list <> input)
                     (cut read-aterm-list <> read-aterm-string)
                     read-aterm-string read-aterm-string
                     (cut read-aterm-list <> read-aterm-string)
                     (cut read-aterm-list <> env))
    ((outputs inputs sources system builder args env-vars)
     (make-derivation outputs inputs sources system builder args env-vars
                      (port-filename port)))))

(define %derivation-cache
  ;; .drv file name -> <derivation>: a .drv never changes.
  (make-weak-value-hash-table 256))

(define (read-derivation-from-file file)
  "Read the derivation in FILE, a .drv file name."
  (or (hash-ref %derivation-cache file)
      (let ((drv (call-with-input-file file read-derivation)))
        (hash-set! %derivation-cache file drv)
        drv)))


;;;
;;; Hashes and output file names.
;;;

(define %hash-cache
  ;; .drv file name -> derivation hash.
  (make-hash-table 256))

(define (derivation-hash drv)
  "Return the hash of DRV \"modulo\" fixed-output derivations, as Nix and
Guix compute it: the hash its outputs' file names derive from.  A
fixed-output derivation hashes to its output's hash, so that how it is
built does not change what depends on it."
  (define (compute)
    (match (derivation-outputs drv)
      ((("out" . ($ <derivation-output> path (? symbol? algo) (? bytevector? hash)
                    recursive?)))
       (sha256 (string->utf8
                (string-append "fixed:out:" (if recursive? "r:" "")
                               (symbol->string algo) ":"
                               (bytevector->base16 hash) ":" path))))
      (_
       (sha256 (string->utf8
                (derivation->string
                 drv
                 #:input-key (lambda (input)
                               (bytevector->base16
                                (derivation-hash
                                 (derivation-input-derivation input))))))))))
  (let ((file (derivation-file-name drv)))
    (if file
        (or (hash-ref %hash-cache file)
            (let ((hash (compute)))
              (hash-set! %hash-cache file hash)
              hash))
        (compute))))

(define %current-system-string
  (let ((uname (uname)))
    (string-append (utsname:machine uname) "-linux")))

(define (warn-about-old-inputs name)
  (format (current-warning-port)
          "warning: in '~a': deprecated 'derivation' calling convention used~%"
          name))

(define (coalesce-inputs inputs)
  "Merge the inputs of INPUTS that name the same derivation (by file name),
their outputs joined and sorted; sort the result by file name."
  (sort (fold (lambda (input result)
                (let ((file (derivation-input-path input)))
                  (match (find (lambda (other)
                                 (string=? (derivation-input-path other) file))
                               result)
                    (#f (cons input result))
                    (other
                     (cons (make-derivation-input
                            (derivation-input-derivation other)
                            (sort (delete-duplicates
                                   (append (derivation-input-sub-derivations other)
                                           (derivation-input-sub-derivations input)))
                                  string<?))
                           (delq other result))))))
              '()
              (map (lambda (input)
                     (make-derivation-input
                      (derivation-input-derivation input)
                      (sort (delete-duplicates
                             (derivation-input-sub-derivations input))
                            string<?)))
                   inputs))
        (lambda (a b)
          (string<? (derivation-input-path a) (derivation-input-path b)))))

(define* (derivation store name builder args
                     #:key (system %current-system-string)
                     (env-vars '()) (inputs '()) (sources '())
                     (outputs '("out"))
                     hash (hash-algo 'sha256) recursive?
                     references-graphs
                     allowed-references disallowed-references
                     (leaked-env-vars #f) (local-build? #f)
                     (substitutable? #t) (properties '()))
  "Add to STORE a derivation called NAME that runs BUILDER with ARGS (a
list of strings) in an environment with ENV-VARS (an alist of strings),
and return it.  INPUTS is a list of <derivation-input> (the older form of
Guix, lists (DRV OUTPUT…) and (FILE), is accepted with a warning), SOURCES
a list of store items the builder reads, OUTPUTS the names of its outputs.
With HASH (a bytevector of HASH-ALGO), the derivation is fixed-output: its
output is known in advance and checked when built (RECURSIVE? says whether
HASH is over a NAR); LEAKED-ENV-VARS, names of environment variables, are
then passed from the caller's environment to the builder.
REFERENCES-GRAPHS, a list of (FILE-NAME . STORE-ITEM) pairs, gives the
builder, in FILE-NAME of its build directory, the closure of STORE-ITEM.
ALLOWED-REFERENCES and DISALLOWED-REFERENCES, lists of store items or
output names, are checked when the output is built.  PROPERTIES, an alist,
is kept in the derivation (see `derivation-properties')."
  (define (reference-list value)
    (string-join (map (match-lambda
                        ((? derivation? drv) (derivation->output-path drv))
                        ((? string? str) str))
                      value)))

  (define fixed? (and hash #t))

  (define (classify input)
    ;; INPUT as ('input . <derivation-input>) or ('source . FILE); Guix's
    ;; older forms, (DRV OUTPUT…) and (FILE), are still accepted.
    (match input
      ((? derivation-input?) (cons 'input input))
      (((? derivation? drv))
       (cons 'input (make-derivation-input drv '("out"))))
      (((? derivation? drv) (? string? outputs) ..1)
       (cons 'input (make-derivation-input drv outputs)))
      (((? string? file) . _)
       (cons 'source
             (if (direct-store-path? file (store-connection-store-directory store))
                 file
                 (add-to-store store (basename file) #t "sha256" file))))
      (_
       (raise (condition
               (&message
                (message (format #f "derivation ~s: ~s is not an input (a \
derivation-input, or a list (DERIVATION OUTPUT…) or (FILE))" name input))))))))

  (define masked-outputs
    ;; Output file names are not known yet: empty, as Nix has them when
    ;; hashing, except for a fixed output whose name comes from its hash.
    (map (lambda (output)
           (cons output
                 (if fixed?
                     (make-derivation-output
                      (parameterize ((%store-prefix
                                      (store-connection-store-directory store)))
                        (fixed-output-path name hash #:hash-algo hash-algo
                                           #:recursive? recursive?))
                      hash-algo hash recursive?)
                     (make-derivation-output "" #f #f #f))))
           (sort outputs string<?)))

  (define all-env-vars
    (append env-vars
            (if allowed-references
                `(("allowedReferences" . ,(reference-list allowed-references)))
                '())
            (if disallowed-references
                `(("disallowedReferences" . ,(reference-list disallowed-references)))
                '())
            (if leaked-env-vars
                `(("impureEnvVars" . ,(string-join leaked-env-vars)))
                '())
            (match properties
              (() '())
              (_ `(("guix properties" . ,(object->string properties)))))
            (match references-graphs
              ((or #f ()) '())
              (((files . items) ...)
               `(("exportReferencesGraph"
                  . ,(string-join (append-map list files items))))))
            (if local-build? '(("preferLocalBuild" . "1")) '())
            (if substitutable? '() '(("allowSubstitutes" . "0")))))

  (define (with-outputs outputs)
    ;; Each output's file name is in the environment, under its name;
    ;; sorted, as Nix's std::map has them.
    (sort (append (map (match-lambda
                         ((name . output) (cons name (derivation-output-path output))))
                       outputs)
                  (remove (lambda (pair) (assoc (car pair) outputs)) all-env-vars))
          (lambda (a b) (string<? (car a) (car b)))))

  (unless (and (string? builder) (list? args) (every string? args))
    (raise (condition
            (&message (message "derivation: BUILDER must be a string and ARGS a list of strings")))))
  (unless (every derivation-input? inputs)
    (warn-about-old-inputs name))
  (let* ((classified (map classify inputs))
         (sources (sort (delete-duplicates
                         (append (filter-map (match-lambda
                                               (('source . file) file)
                                               (_ #f))
                                             classified)
                                 sources))
                        string<?))
         (inputs (coalesce-inputs (filter-map (match-lambda
                                                (('input . input) input)
                                                (_ #f))
                                              classified)))
         (masked (make-derivation masked-outputs inputs sources system
                                  builder args (with-outputs masked-outputs) #f))
         (drv-hash (derivation-hash masked))
         (outputs (if fixed?
                      masked-outputs
                      (map (match-lambda
                             ((output . _)
                              (cons output
                                    (make-derivation-output
                                     (parameterize ((%store-prefix
                                                     (store-connection-store-directory store)))
                                       (output-path output drv-hash name))
                                     #f #f #f))))
                           masked-outputs)))
         (drv (make-derivation outputs inputs sources system builder args
                               (with-outputs outputs) #f))
         (file (add-text-to-store store (string-append name ".drv")
                                  (derivation->string drv)
                                  (append (map derivation-input-path inputs)
                                          sources))))
    (or (hash-ref %derivation-cache file)
        (let ((drv (make-derivation outputs inputs sources system builder args
                                    (with-outputs outputs) file)))
          (hash-set! %derivation-cache file drv)
          (hash-set! %hash-cache file drv-hash)
          drv))))

;; A module or file that cannot be found on a search path, as Guix's
;; (guix derivations) reports it.
(define-condition-type &file-search-error &error
  file-search-error?
  (file-name   file-search-error-file-name)
  (search-path file-search-error-search-path))

;;;
;;; Building.
;;;

;; A failed build is a &store-protocol-error, as a Guix daemon reports it
;; (status 100, "build of `FILE' failed"), so that Guix code guarding on
;; `store-protocol-error?' catches it; the derivation and the log's tail
;; come with it.
(define-condition-type &build-error &store-protocol-error
  build-error?
  (derivation build-error-derivation)
  (log-tail   build-error-log-tail))

(define* (build-failure drv detail #:key (log-tail ""))
  "Return the condition for a failed build of DRV: DETAIL says why."
  (let ((text (format #f "build of `~a' failed: ~a"
                      (derivation-file-name drv) detail)))
    (make-compound-condition
     (make-condition &build-error
                     'message text 'status 100
                     'derivation drv 'log-tail log-tail)
     (make-condition &message 'message text))))

(define (derivation-build-log-file store drv)
  "Return the file name of the build log of DRV in STORE."
  (store-log-file store (derivation-file-name drv)))

(define (file-tail file lines)
  (if (file-exists? file)
      (let* ((all (call-with-input-file file get-string-all))
             (split (string-split all #\newline)))
        (string-join (take-right split (min lines (length split))) "\n"))
      ""))

(define (derivation-closure-inputs store drv)
  "Return the store items DRV's builder may read: the closure of its
sources, of its inputs' outputs, and of its builder and arguments that
are valid store items (as a Guix daemon without chroot would let it read
them: they are written in the derivation)."
  (requisites store
              (delete-duplicates
               (append (derivation-sources drv)
                       (append-map derivation-input-output-paths
                                   (derivation-inputs drv))
                       ;; valid-path? raises for what is not in the
                       ;; store, such as a host builder.
                       (filter (lambda (file)
                                 (and (direct-store-path? file (store-connection-store-directory store))
                                      (valid-path? store file)))
                               (cons (derivation-builder drv)
                                     (derivation-builder-arguments drv)))))))

(define (check-references store drv output path)
  "Check that item PATH, output OUTPUT of DRV, refers only to what DRV's
#:allowed-references allow and to nothing #:disallowed-references names
(each a store item or an output name of DRV); delete it and raise a build
failure otherwise.  An output refers to itself only if that is allowed."
  (define env (derivation-builder-environment-vars drv))
  (define (items var)
    (match (assoc var env)
      ((_ . value)
       (map (lambda (item)
              (match (assoc item (derivation-outputs drv))
                ((_ . output) (derivation-output-path output))
                (#f item)))
            (string-tokenize value)))
      (#f #f)))
  (let ((refs (references store path))
        (allowed (items "allowedReferences"))
        (disallowed (items "disallowedReferences")))
    (define (fail what bad)
      (delete-paths store (list path))
      (raise (build-failure drv (format #f "output ~s ~a: ~a" output what
                                        (string-join bad)))))
    (when allowed
      (let ((bad (remove (cut member <> allowed) refs)))
        (unless (null? bad) (fail "refers to items it may not refer to" bad))))
    (when disallowed
      (let ((bad (filter (cut member <> disallowed) refs)))
        (unless (null? bad) (fail "refers to disallowed items" bad))))))

(define (check-fixed-output drv output file)
  "Raise a build failure unless FILE, what DRV's builder produced for its
fixed output OUTPUT (a <derivation-output>), has the hash DRV declares."
  (match output
    (($ <derivation-output> path algo expected recursive?)
     (let ((actual (%file-hash file recursive? algo)))
       (unless (equal? actual expected)
         (raise (build-failure
                 drv
                 (format #f "hash mismatch for fixed-output ~a~%  wanted: ~a:~a~%  got:    ~a:~a"
                         path algo (bytevector->nix-base32-string expected)
                         algo (bytevector->nix-base32-string actual)))))))))

(define (write-references-graphs store drv directory)
  "Write in DIRECTORY the files DRV's #:references-graphs ask for: each the
closure of a store item, an item per entry (its file name, an empty line
where Nix's registrations have the deriver, its number of references and
their file names, sorted), as a Guix daemon writes them."
  (match (assoc "exportReferencesGraph" (derivation-builder-environment-vars drv))
    (#f #t)
    ((_ . value)
     (let loop ((words (string-tokenize value)))
       (match words
         (() #t)
         ((file item . rest)
          (when (or (string-index file #\/) (member file '("." "..")))
            (raise (build-failure drv (format #f "references graph file name ~s \
is not a plain file name" file))))
          (call-with-output-file (string-append directory "/" file)
            (lambda (port)
              (for-each (lambda (path)
                          (let ((refs (sort (references store path) string<?)))
                            (format port "~a~%~%~a~%" path (length refs))
                            (for-each (cut format port "~a~%" <>) refs)))
                        (sort (requisites store (list item)) string<?))))
          (loop rest))
         (_ (raise (build-failure drv "odd exportReferencesGraph"))))))))

(define %keep-failed-builds?
  ;; When true, the build directory of a failed build is kept (moved
  ;; under TMPDIR and named in the error), as `guix build -K' does.
  (make-parameter #f))

(define (keep-build-directory drv build-dir)
  ;; Move BUILD-DIR, about to be deleted with its scratch directory, to a
  ;; directory of its own under TMPDIR; return its name.
  (let ((kept (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp")
                                      "/byre-build-" (derivation-name drv)
                                      ".drv-XXXXXX"))))
    (rename-file build-dir (string-append kept "/build"))
    (string-append kept "/build")))

(define* (build-one store drv #:key check?)
  "Build DRV, whose inputs are valid, and register its outputs; when
CHECK? is true, DRV's outputs are valid already: build them again and
raise a build failure unless each comes out bit for bit the same, leaving
the store as it was."
  (when (builtin-builder? drv)
    ;; Guix's daemon has "builtin:download" (a network fetch); byre builds
    ;; have no network and no built-in builders.
    (raise (build-failure drv (format #f "unsupported built-in builder ~s; \
byre has none" (derivation-builder drv)))))
  (define name (derivation-name drv))
  (define outputs (derivation->output-paths drv))
  (define log-file (derivation-build-log-file store drv))
  (define build-top (string-append "/tmp/guix-build-" name ".drv-0"))

  (mkdir-p* (dirname log-file))
  (call-with-temporary-directory
   (lambda (scratch)
     ;; The store directory the builder sees is a writable directory of
     ;; ours, with each input bound read-only in it: the builder makes its
     ;; outputs there, as files or directories, and they stay when the
     ;; container is gone.
     (define store-dir (store-connection-store-directory store))
     (define build-dir (string-append scratch "/build"))
     (define outputs-dir (string-append scratch "/store"))
     (define (produced path) (string-append outputs-dir "/" (basename path)))
     (mkdir build-dir)
     (mkdir outputs-dir)
     (write-references-graphs store drv build-dir)
     ;; Host packages among the inputs bring the host files they record.
     (let*-values (((inputs) (derivation-closure-inputs store drv))
                   ((host-mounts host-links)
                    (call-with-values (%host-mounts)
                      (cut add-host-item-mounts inputs <> <>))))
     (let* ((mounts (append
                     host-mounts
                     (list (file-system (device outputs-dir) (mount-point store-dir)
                                        (type "none") (flags '(bind-mount))))
                     (map (lambda (item)
                            (file-system (device item) (mount-point item)
                                         (type "none")
                                         (flags '(bind-mount read-only))))
                          inputs)
                     (list (file-system (device build-dir) (mount-point build-top)
                                        (type "none") (flags '(bind-mount))))))
            (env (append (map (match-lambda ((name . value)
                                             (string-append name "=" value)))
                              (derivation-builder-environment-vars drv))
                         (list "HOME=/homeless-shelter"
                               (string-append "NIX_STORE=" store-dir)
                               (string-append "NIX_BUILD_TOP=" build-top)
                               (string-append "TMPDIR=" build-top)
                               (string-append "TEMPDIR=" build-top)
                               (string-append "TMP=" build-top)
                               (string-append "TEMP=" build-top)
                               "PATH=/path-not-set"
                               (string-append "NIX_BUILD_CORES="
                                              (number->string
                                               (store-connection-build-option
                                                store 'build-cores 0))))
                         (leaked-environment drv)))
            (status (call-with-build-log log-file
                      (lambda (log null)
                        ;; The builder alone writes to the log (no dup2
                        ;; over this process's own 1 and 2), reads
                        ;; nothing (not the user's terminal), and runs
                        ;; under byre-init, which passes it the signals
                        ;; that stop a build.
                        (run-build-container
                         store log-file
                         (container-spec
                           (program (cons (derivation-builder drv)
                                          (derivation-builder-arguments drv)))
                           (mounts mounts)
                           (symlinks host-links)
                           (environment env)
                           (directory build-top)
                           (hostname "localhost")
                           (init 'byre-init)
                           (console #f)
                           (stdio (list null log log))))))))
       (define (fail message . rest)
         ;; A failure, with the build directory kept under -K.
         (if (or (%keep-failed-builds?)
                 (store-connection-build-option store 'keep-failed? #f))
             (let ((kept (keep-build-directory drv build-dir)))
               (raise (apply build-failure drv
                             (format #f "~a~%note: keeping build directory `~a'"
                                     message kept)
                             rest)))
             (raise (apply build-failure drv message rest))))
       (unless (eqv? status 0)
         (fail (format #f "~a; last lines of ~a:~%~a"
                         (cond ((symbol? status)
                                (build-limit-message store status))
                               ((status:exit-val status)
                                => (cut format #f "builder exit status ~a" <>))
                               ((status:term-sig status)
                                => (cut format #f "builder killed by signal ~a" <>))
                               (else status))
                         log-file (file-tail log-file 20))
               #:log-tail (file-tail log-file 20)))
       (for-each
        (match-lambda
          ((output . path)
           (unless (false-if-exception (lstat (produced path)))
             (fail (format #f "the builder did not produce output ~s (~a)"
                           output path)
                   #:log-tail (file-tail log-file 20))))
          (_ #t))
        outputs)
       (if check?
           (for-each
            (match-lambda
              ((output . path)
               (unless (equal? (%file-hash (produced path) #t 'sha256)
                               (path-info-hash (query-path-info store path)))
                 (fail (format #f "derivation `~a' may not be deterministic: \
output `~a' differs" (derivation-file-name drv) path)))))
            outputs)
       (for-each
        (match-lambda
          ((output . path)
           (when (fixed-output-derivation? drv)
             (check-fixed-output drv (assoc-ref (derivation-outputs drv) output)
                                 (produced path)))
           (register-output store (produced path) path
                            #:candidates (append inputs
                                                 (filter (cut valid-path? store <>)
                                                         (map cdr outputs)))
                            #:deriver (derivation-file-name drv))
           (check-references store drv output path)))
        outputs)))))))

(define (build-limit-message store limit)
  "Say why a build was stopped at LIMIT, 'timeout or 'max-silent-time."
  (match limit
    ('timeout
     (format #f "timed out after ~a seconds (the build option timeout)"
             (store-connection-build-option store 'timeout)))
    ('max-silent-time
     (format #f "timed out after ~a seconds of silence (the build option \
max-silent-time)"
             (store-connection-build-option store 'max-silent-time)))))

(define (run-build-container store log-file spec)
  "Run the build container SPEC and return its waitpid status, or the
symbol 'timeout or 'max-silent-time when STORE's build options of those
names (seconds, or #f) made it stop: the build ran longer than timeout,
or LOG-FILE, where it writes, did not grow for max-silent-time.  The
container is killed then, and reaped whatever the exit path."
  (define timeout (store-connection-build-option store 'timeout #f))
  (define silence (store-connection-build-option store 'max-silent-time #f))
  (if (not (or timeout silence))
      (run-container-spec spec)
      (let* ((pid (start-container spec))
             (mutex (make-mutex))
             (exited (make-condition-variable))
             (status #f)
             ;; The waiting thread reaps PID (with the container core's
             ;; own wait) and says so; this thread watches the clock.
             (waiter (call-with-new-thread
                      (lambda ()
                        (let ((result (%wait-process pid)))
                          (with-mutex mutex
                            (set! status result)
                            (signal-condition-variable exited)))))))
        (define (now) (exact->inexact (/ (get-internal-real-time)
                                         internal-time-units-per-second)))
        (define (log-size)
          (or (false-if-exception (stat:size (stat log-file))) 0))
        (define (wait-until deadline)
          ;; #t once PID is reaped, #f at DEADLINE (seconds of `now').
          (let* ((delay (max 0 (- deadline (now))))
                 (t (gettimeofday))
                 (usec (+ (cdr t) (inexact->exact (round (* 1e6 delay))))))
            (with-mutex mutex
              (let loop ()
                (cond (status #t)
                      ((wait-condition-variable
                        exited mutex
                        (cons (+ (car t) (quotient usec 1000000))
                              (remainder usec 1000000)))
                       (loop))
                      (else (->bool status)))))))
        (define start (now))
        (dynamic-wind
          (const #t)
          (lambda ()
            (call-with-relayed-signals pid (container-spec-relayed-signals spec)
              (lambda ()
                (let loop ((size (log-size)) (last-output start))
                  ;; Wake up at the nearest limit, or at least once a
                  ;; second to see whether the log grew.
                  (let* ((limits (filter-map identity
                                             (list (and timeout (+ start timeout))
                                                   (and silence (+ last-output silence)))))
                         (deadline (min (+ (now) 1) (apply min limits))))
                    (if (wait-until deadline)
                        status
                        (let ((new-size (log-size)) (t (now)))
                          (cond ((and timeout (>= t (+ start timeout)))
                                 'timeout)
                                ((and silence (= new-size size)
                                      (>= t (+ last-output silence)))
                                 'max-silent-time)
                                ((= new-size size) (loop size last-output))
                                (else (loop new-size t))))))))))
          (lambda ()
            ;; Stopped at a limit, or left through an exception or a
            ;; signal: the container goes, and the waiter reaps it.
            (unless (with-mutex mutex status)
              (false-if-exception (kill pid SIGKILL)))
            (join-thread waiter))))))

(define (leaked-environment drv)
  "Return the NAME=VALUE strings of the caller's environment variables that
fixed-output DRV lets through (its #:leaked-env-vars); none for other
derivations, whose result must not depend on the caller."
  (if (fixed-output-derivation? drv)
      (match (assoc "impureEnvVars" (derivation-builder-environment-vars drv))
        (#f '())
        ((_ . names)
         (filter-map (lambda (name)
                       (and=> (getenv name)
                              (cut string-append name "=" <>)))
                     (string-tokenize names))))
      '()))

(define (mkdir-p* dir)
  (unless (file-exists? dir)
    (mkdir-p* (dirname dir))
    (mkdir dir)))

(define (call-with-build-log file proc)
  "Call PROC with an output port on FILE, truncated, and an input port on
/dev/null; close both when PROC returns or exits non-locally."
  (let ((log (open-file file "w0"))
        (null (open-input-file "/dev/null")))
    (dynamic-wind
      (const #t)
      (lambda () (proc log null))
      (lambda ()
        (close-port null)
        (close-port log)))))

(define %build-verbosity
  ;; How much `build-derivations' says on the current error port: 0,
  ;; nothing; 1, a "building …" line per derivation built; 2, that and each
  ;; build's log once it ends.  The `byre' commands set it from -v.
  (make-parameter 0))

(define (report-build-start drv)
  (when (>= (%build-verbosity) 1)
    (format (current-error-port) "building ~a...~%" (derivation-file-name drv))
    ;; Before the builder gets the log: nothing of ours may land in it.
    (force-output (current-error-port))))

(define (report-build-end store drv)
  "Copy the build log of DRV to `current-build-output-port' when it was
given, or to the error port at `%build-verbosity' 2; bytes that are not
UTF-8 are read as U+FFFD."
  (let ((output (current-build-output-port))
        (log (derivation-build-log-file store drv)))
    (when (and (or (not (default-build-output-port? output))
                   (>= (%build-verbosity) 2))
               (file-exists? log))
      (let ((text (call-with-input-file log
                    (lambda (port)
                      (set-port-encoding! port "UTF-8")
                      (set-port-conversion-strategy! port 'substitute)
                      (get-string-all port)))))
        (display text (if (default-build-output-port? output)
                          (current-error-port)
                          output))))))

(define (derivation-built? store drv)
  (every (match-lambda ((_ . path) (valid-path? store path)))
         (derivation->output-paths drv)))

(define* (derivation-build-plan store inputs
                                #:key (mode 0)
                                (substitutable-info (const #f)))
  "Return two values: the derivations that must be built to make INPUTS, a
list of <derivation-input>, valid in STORE, each after the derivations it
needs; and the substitutes to download instead, the true values of
(SUBSTITUTABLE-INFO ITEM) for the outputs of substitutable derivations.
byre has no substitutes: by default nothing is downloaded.  In MODE 2
(`(build-mode check)'), the derivations of INPUTS themselves are built
again even when valid, as `build-derivations' checks them; their inputs
only when they are not valid."
  (define top-level
    (if (eqv? mode 2)
        (map (compose derivation-file-name derivation-input-derivation) inputs)
        '()))
  (define (valid? input)
    (and (not (member (derivation-file-name (derivation-input-derivation input))
                      top-level))
         (valid-derivation-input? store input)))
  (unless (memv mode '(0 2))
    (raise (condition
            (&store-protocol-error (message "unsupported build mode")
                                   (status 1))
            (&message
             (message (format #f "build mode ~s is not supported: byre \
builds (mode 0) and checks (mode 2), it cannot repair" mode))))))
  (let loop ((inputs inputs) (build '()) (download '()) (seen vlist-null))
    (match inputs
      (() (values (reverse build) (reverse download)))
      ((input . rest)
       (let* ((drv (derivation-input-derivation input))
              (key (derivation-file-name drv)))
         (cond
          ((or (vhash-assoc key seen) (valid? input))
           (loop rest build download seen))
          ((and (substitutable-derivation? drv)
                (let ((infos (map substitutable-info
                                  (derivation-input-output-paths input))))
                  (and (every ->bool infos) infos)))
           => (lambda (infos)
                (loop rest build (append (reverse infos) download)
                      (vhash-cons key #t seen))))
          (else
           ;; What DRV needs comes first.
           (let-values (((needed needed-download)
                         (loop (derivation-inputs drv) '() '()
                               (vhash-cons key #t seen))))
             (loop rest
                   (cons drv (append (reverse needed) build))
                   (append (reverse needed-download) download)
                   (fold (lambda (drv seen)
                           (vhash-cons (derivation-file-name drv) #t seen))
                         (vhash-cons key #t seen)
                         needed))))))))))

(define* (build-derivations store derivations #:optional (mode 0))
  "Build DERIVATIONS, a list of <derivation>, <derivation-input>, pairs
(DERIVATION . OUTPUT) or .drv file names, and their inputs first, in
containers; a derivation whose outputs are valid is not built again.  MODE
is one of Guix's build modes: 0 (normal) or 2 (check: DERIVATIONS
themselves, not their inputs, are built again even when their outputs are
valid, and a build failure is raised unless each output comes out the
same; the store is left as it was).  Mode 1 (repair) needs a daemon's
substitutes and raises an error.  A build handler installed with
`with-build-handler' is called first with the .drv file names.  Return
#t."
  (define (thing->file-name thing)
    (match thing
      ((? derivation? drv) (derivation-file-name drv))
      (((? derivation? drv) . (? string? output))
       (cons (derivation-file-name drv) output))
      ((? derivation-input? input)
       (derivation-file-name (derivation-input-derivation input)))
      (_ thing)))
  (or (not (invoke-build-handler store (map thing->file-name derivations) mode))
      (build-derivations* store derivations mode)))

(define* (build-derivations* store derivations #:optional (mode 0))
  "Build DERIVATIONS in MODE as `build-derivations' does, without calling
the build handler (inputs are built as part of what was asked)."
  (define (->derivation thing)
    (match thing
      ((? derivation? drv) drv)
      (((? derivation? drv) . (? string?)) drv)
      ((? derivation-input? input) (derivation-input-derivation input))
      ((? string? file) (read-derivation-from-file file))))
  (define check? (eqv? mode 2))
  (unless (memv mode '(0 2))
    (raise (condition
            (&store-protocol-error (message "unsupported build mode")
                                   (status 1))
            (&message
             (message (format #f "build mode ~s is not supported: byre \
builds (mode 0) and checks (mode 2), it cannot repair" mode))))))
  (define keep-going? (store-connection-build-option store 'keep-going? #f))
  (define done (make-hash-table))       ;.drv file name → #t
  (define failed (make-hash-table))     ;.drv file name → #t
  (define first-failure #f)
  (define (build! drv check?)
    ;; Build DRV after its inputs; return #t, or #f when it or an input
    ;; failed under keep-going (the failure is kept for the end).
    (let ((file (derivation-file-name drv)))
      (cond ((hash-ref done file) #t)
            ((hash-ref failed file) #f)
            ((and (not check?) (derivation-built? store drv))
             (hash-set! done file #t)
             #t)
            ;; Every input is tried, even after one failed, under
            ;; keep-going; without it the first failure has been raised.
            ((not (every identity
                         (map (lambda (input)
                                (build! (derivation-input-derivation input) #f))
                              (derivation-inputs drv))))
             (hash-set! failed file #t)
             #f)
            (else
             (add-temp-root store file)
             (guard (c ((and keep-going? (store-protocol-error? c))
                        (hash-set! failed file #t)
                        (unless first-failure (set! first-failure c))
                        #f))
               (if (and check? (not (derivation-built? store drv)))
                   ;; Nothing to compare with: an ordinary build.
                   (build! drv #f)
                   (begin
                     (report-build-start drv)
                     (dynamic-wind
                       (const #t)
                       (lambda () (build-one store drv #:check? check?))
                       (lambda () (report-build-end store drv)))
                     (hash-set! done file #t)
                     #t)))))))
  (for-each (lambda (drv) (build! drv check?))
            (map ->derivation derivations))
  (when first-failure
    (raise first-failure))
  #t)
