;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; G-expressions: code for the build side, with references to files and
;;; build results, as Guix's (guix gexp) has them.
;;;
;;; A gexp is a record holding its references (inputs and outputs) and a
;;; procedure that, given the lowered value of each reference (a store
;;; file name, a string, a list…), builds the S-expression to run.  The
;;; `gexp' macro writes that procedure at expansion time; the reader syntax
;;; #~ #$ #$@ #+ #+@ abbreviates gexp, ungexp, ungexp-splicing,
;;; ungexp-native and ungexp-native-splicing.

(define-module (byre gexp)
  #:use-module (byre config)
  #:use-module (byre store)
  #:use-module (byre monads)
  #:use-module (byre derivations)
  #:use-module ((byre utils) #:select (call-with-temporary-directory))
  #:use-module ((byre diagnostics) #:select (guix-warning-port))
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-26)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-9 gnu)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:export (gexp
            ungexp
            ungexp-splicing
            ungexp-native
            ungexp-native-splicing

            gexp?
            gexp-input
            gexp-input?
            gexp-input-thing
            gexp-input-output
            gexp-input-native?
            gexp-output?
            gexp-output-name
            gexp-inputs
            gexp-outputs
            gexp-modules
            gexp-extensions
            gexp->sexp*
            gexp->sexp
            gexp->approximate-sexp
            &gexp-error
            gexp-error?
            &gexp-input-error
            gexp-input-error?
            gexp-error-invalid-input

            with-imported-modules
            with-extensions
            current-imported-modules
            current-imported-extensions

            define-gexp-compiler
            gexp-compiler?
            lower-object
            file-like?

            local-file
            local-file?
            local-file-file
            local-file-absolute-file-name
            local-file-name
            local-file-recursive?
            plain-file
            plain-file?
            plain-file-name
            plain-file-content
            computed-file
            computed-file?
            computed-file-name
            computed-file-gexp
            program-file
            program-file?
            scheme-file
            scheme-file?
            mixed-text-file
            text-file*
            file-append
            file-append?
            file-union
            directory-union
            let-system
            with-parameters
            raw-derivation-file
            raw-derivation-file?
            <system-binding>
            imported-files

            lower-gexp
            lowered-gexp?
            lowered-gexp-sexp
            lowered-gexp-inputs
            lowered-gexp-sources
            lowered-gexp-guile
            lowered-gexp-load-path
            lowered-gexp-load-compiled-path
            imported-modules
            compiled-modules
            gexp->derivation
            gexp->file
            gexp->script
            built-derivations
            build-expression->derivation)
  #:re-export (%guile-for-build))

;;;
;;; Records.
;;;

(define-record-type <gexp>
  (make-gexp references modules extensions proc location)
  gexp?
  (references gexp-references)       ;list of <gexp-input> and <gexp-output>
  (modules    gexp-self-modules)     ;module names, from with-imported-modules
  (extensions gexp-self-extensions)  ;file-like objects, from with-extensions
  (proc       gexp-proc)             ;lowered values -> S-expression
  (location   gexp-location))        ;source properties, or #f

(define-record-type <gexp-input>
  (%gexp-input thing output native?)
  gexp-input?
  (thing   gexp-input-thing)         ;file-like, gexp, string, list…
  (output  gexp-input-output)        ;"out" or another output name
  (native? gexp-input-native?))      ;#t for #+ (built for the host)

(define* (gexp-input thing #:optional (output "out") #:key native?)
  "Return a new input referring to output OUTPUT of THING, a file-like
object or any value that can appear in a gexp.  NATIVE? true means THING is
to be built for the build machine (as with #+)."
  (%gexp-input thing output native?))

(define-record-type <gexp-output>
  (gexp-output name)
  gexp-output?
  (name gexp-output-name))           ;"out" for #$output

(define (write-gexp gexp port)
  ;; Show the code, with the references as the user wrote them: not a
  ;; procedure.
  (define (shown reference)
    (match reference
      (($ <gexp-output> name)
       (if (string=? name "out") '(ungexp output) `(ungexp output ,name)))
      (($ <gexp-input> (? gexp? inner) _ _)
       (gexp->sexp* inner shown))
      (($ <gexp-input> (? list? things) _ _)
       (map (lambda (thing)
              (if (gexp-input? thing) (shown thing) thing))
            things))
      (($ <gexp-input> thing "out" _) thing)
      (($ <gexp-input> thing output _) (list thing output))))
  (display "#<gexp " port)
  (write (gexp->sexp* gexp shown) port)
  (match (gexp-location gexp)
    (#f #t)
    (location
     (format port " ~a:~a:~a"
             (or (assq-ref location 'filename) "?")
             (+ 1 (or (assq-ref location 'line) 0))
             (or (assq-ref location 'column) 0))))
  ;; The address tells two gexps with the same code apart, as Guix's
  ;; printer does.
  (format port " ~a>" (number->string (object-address gexp) 16)))

(set-record-type-printer! <gexp> write-gexp)


;;;
;;; Imported modules and extensions, attached to the gexps made in their
;;; extent.
;;;

(define current-imported-modules
  ;; Module names the gexps created in this dynamic extent need on the
  ;; build side.
  (make-parameter '()))

(define current-imported-extensions
  ;; Guile extensions (file-like objects) they need.
  (make-parameter '()))

(define-syntax-rule (with-imported-modules modules body ...)
  "Mark the gexps defined in BODY… as needing MODULES, a list of module
names (or (NAME => FILE-LIKE) pairs), in their build environment."
  (parameterize ((current-imported-modules
                  (delete-duplicates (append modules (current-imported-modules))
                                     same-module-entry?)))
    body ...))

(define-syntax-rule (with-extensions extensions body ...)
  "Mark the gexps defined in BODY… as needing EXTENSIONS, a list of
file-like objects (packages providing Guile modules), in their build
environment."
  (parameterize ((current-imported-extensions
                  (delete-duplicates (append extensions (current-imported-extensions)))))
    body ...))


;;;
;;; The syntax.
;;;

(define-syntax ungexp
  (lambda (s)
    (syntax-violation 'ungexp "ungexp (#$) outside of a gexp (#~)" s)))
(define-syntax ungexp-splicing
  (lambda (s)
    (syntax-violation 'ungexp-splicing "ungexp-splicing (#$@) outside of a gexp (#~)" s)))
(define-syntax ungexp-native
  (lambda (s)
    (syntax-violation 'ungexp-native "ungexp-native (#+) outside of a gexp (#~)" s)))
(define-syntax ungexp-native-splicing
  (lambda (s)
    (syntax-violation 'ungexp-native-splicing "ungexp-native-splicing (#+@) outside of a gexp (#~)" s)))

(define (ensure-input value native?)
  "Turn VALUE, what an ungexp refers to, into a <gexp-input>."
  (if (gexp-input? value)
      value
      (%gexp-input value "out" native?)))

(define (ensure-input-list values native?)
  "Turn VALUES, what an ungexp-splicing refers to, into one <gexp-input>:
for a list, one whose thing is the list of inputs; otherwise (a gexp, a
let-system…) one whose value, once lowered, must be a list."
  (if (list? values)
      (%gexp-input (map (lambda (value) (ensure-input value native?)) values)
                   "out" native?)
      (ensure-input values native?)))

(define (splice value)
  ;; The value of a #$@ escape, appended to what follows it.
  (unless (list? value)
    (raise (condition
            (&gexp-input-error (input value))
            (&message
             (message (format #f "ungexp-splicing (#$@) of ~s, which is not \
a list" value))))))
  value)

(define-syntax gexp
  (lambda (s)
    (define (escape? exp)
      (syntax-case exp (ungexp ungexp-splicing ungexp-native ungexp-native-splicing)
        ((ungexp . _) #t)
        ((ungexp-splicing . _) #t)
        ((ungexp-native . _) #t)
        ((ungexp-native-splicing . _) #t)
        (_ #f)))

    (define (splicing? exp)
      (syntax-case exp (ungexp-splicing ungexp-native-splicing)
        ((ungexp-splicing . _) #t)
        ((ungexp-native-splicing . _) #t)
        (_ #f)))

    (define (escape->reference exp)
      ;; The expression, evaluated on the host, that makes EXP's reference.
      (syntax-case exp (ungexp ungexp-splicing ungexp-native ungexp-native-splicing
                        output)
        ((ungexp output) #'(gexp-output "out"))
        ((ungexp output name) #'(gexp-output name))
        ((ungexp thing) #'(ensure-input thing #f))
        ((ungexp thing out) #'(%gexp-input thing out #f))
        ((ungexp-native output) #'(gexp-output "out"))
        ((ungexp-native output name) #'(gexp-output name))
        ((ungexp-native thing) #'(ensure-input thing #t))
        ((ungexp-native thing out) #'(%gexp-input thing out #t))
        ((ungexp-splicing things) #'(ensure-input-list things #f))
        ((ungexp-native-splicing things) #'(ensure-input-list things #t))
        (_ (syntax-violation 'gexp "invalid escape" exp))))

    (define (constructor exp)
      ;; Code building EXP at lowering time, and the escapes it contains,
      ;; each with the formal that stands for its value, in order.  Not a
      ;; quasiquote: the build code's own quasiquotes must stay as they
      ;; are.  Nested gexps are traversed too: their references are
      ;; lowered with the outer gexp's.
      (let ((escapes '()))
        (define (escape! exp)
          (let ((formal (car (generate-temporaries '(x)))))
            (set! escapes (cons (cons exp formal) escapes))
            formal))
        (define code
          (let loop ((exp exp))
            (cond ((escape? exp) (escape! exp))
                  (else
                   (syntax-case exp ()
                     ((head . tail)
                      (if (and (escape? #'head) (splicing? #'head))
                          (let ((formal (escape! #'head)))
                            #`(append (splice #,formal) #,(loop #'tail)))
                          (let* ((head-code (loop #'head))
                                 (tail-code (loop #'tail)))
                            #`(cons #,head-code #,tail-code))))
                     (atom #'(quote atom)))))))
        ;; The last escape first, as Guix orders a gexp's references:
        ;; gexp-inputs, gexp-modules… list them in that order.
        (values code escapes)))

    (syntax-case s ()
      ((_ exp)
       (call-with-values (lambda () (constructor #'exp))
         (lambda (body escapes)
           #`(make-gexp (list #,@(map (lambda (pair) (escape->reference (car pair)))
                                      escapes))
                        (current-imported-modules)
                        (current-imported-extensions)
                        (lambda #,(map cdr escapes) #,body)
                        (current-source-location))))))))

;; An input that is not a file-like object nor a value that can be written
;; in code (a procedure, a module…), as Guix reports it.
(define-condition-type &gexp-error &error
  gexp-error?)

(define-condition-type &gexp-input-error &gexp-error
  gexp-input-error?
  (input gexp-error-invalid-input))

(define (self-quoting? x)
  "Return #t if X can appear as it is in the code a gexp lowers to."
  (or (symbol? x) (string? x) (keyword? x) (pair? x) (null? x) (array? x)
      (number? x) (boolean? x) (char? x)))

;; The reader syntax.  #$@ and #+@ are #$ and #+ followed by @.
(read-hash-extend #\~
  (lambda (chr port)
    (list 'gexp (read port))))

(define (read-escape plain splicing)
  ;; #$x:out reads as (ungexp x "out"): a symbol's part after its last
  ;; colon names an output.
  (lambda (chr port)
    (let ((escape (if (eqv? (peek-char port) #\@)
                      (begin (read-char port) splicing)
                      plain)))
      (match (read port)
        ((? symbol? symbol)
         (let ((name (symbol->string symbol)))
           (match (string-rindex name #\:)
             (#f (list escape symbol))
             (colon (list escape
                          (string->symbol (substring name 0 colon))
                          (substring name (+ colon 1)))))))
        (exp (list escape exp))))))

(read-hash-extend #\$ (read-escape 'ungexp 'ungexp-splicing))
(read-hash-extend #\+ (read-escape 'ungexp-native 'ungexp-native-splicing))


;;;
;;; Inspecting gexps.
;;;

(define (input-of thing output native?)
  (if (gexp-input? thing)
      thing
      (%gexp-input thing output native?)))

(define (interesting-input? thing)
  ;; What lowering turns into a derivation input or a source.
  (or (file-like? thing)
      (and (string? thing) (direct-store-path? thing))))

(define (gexp-inputs gexp)
  "Return the inputs GEXP refers to, nested gexps' included, as a list of
<gexp-input>: those whose thing is a file-like object or a store file
name.  The inputs of a gexp used with #+ (ungexp-native) are native, as
are the elements of a list used with #+."
  (define (reference-inputs reference native?)
    (match reference
      (($ <gexp-input> (? gexp? inner) _ inner-native?)
       (gexp-inputs* inner (or native? inner-native?)))
      (($ <gexp-input> (? list? things) _ list-native?)
       ;; The elements, and those of nested lists, inherit the list's
       ;; nativeness.
       (let ((native? (or native? list-native?)))
         (append-map (lambda (thing)
                       (reference-inputs (input-of thing "out" native?) native?))
                     things)))
      (($ <gexp-input> thing output input-native?)
       (if (interesting-input? thing)
           (list (%gexp-input thing output (or native? input-native?)))
           '()))
      (_ '())))
  (define (gexp-inputs* gexp native?)
    (append-map (cut reference-inputs <> native?) (gexp-references gexp)))
  (if (gexp? gexp)
      (delete-duplicates (gexp-inputs* gexp #f))
      '()))

(define* (gexp-attribute gexp self-attribute #:optional (same? equal?))
  "Return what (SELF-ATTRIBUTE G) gives for GEXP and for each gexp G it
refers to, directly or in a list, without duplicates (by SAME?), or the
empty list if GEXP is not a gexp."
  (define (reference-gexps reference)
    (match reference
      (($ <gexp-input> (? gexp? inner) _ _) (list inner))
      (($ <gexp-input> (? list? things) _ _)
       (append-map (lambda (thing)
                     (reference-gexps (input-of thing "out" #f)))
                   things))
      (_ '())))
  (if (gexp? gexp)
      (delete-duplicates
       (append (self-attribute gexp)
               (append-map (lambda (inner)
                             (gexp-attribute inner self-attribute same?))
                           (append-map reference-gexps (gexp-references gexp))))
       same?)
      '()))

(define (gexp-outputs gexp)
  "Return the outputs GEXP refers to with #$output, nested gexps' included."
  (gexp-attribute gexp
                  (lambda (gexp) (filter gexp-output? (gexp-references gexp)))
                  (lambda (a b)
                    (string=? (gexp-output-name a) (gexp-output-name b)))))

(define (module-entry-name entry)
  ;; The module name of an entry of with-imported-modules.
  (match entry
    ((name '=> _) name)
    (name name)))

(define (same-module-entry? a b)
  ;; Two (NAME => FILE-LIKE) entries are the same when their names are:
  ;; their file-like objects hold closures, which equal? cannot compare.
  (match a
    ((name-a '=> _)
     (match b
       ((name-b '=> _) (equal? name-a name-b))
       (_ #f)))
    (_ (equal? a b))))

(define (warn-about-host-modules gexp modules)
  ;; Modules that differ from one host to the next, imported from this one:
  ;; (guix config) and Guile's own, as Guix warns about them.
  (match (filter (match-lambda
                   ((or ('guix 'config) ('ice-9 . _)) #t)
                   (_ #f))
                 modules)
    (() #t)
    (suspects
     (format (guix-warning-port) "~awarning: importing module~a ~a from the host~%"
             (match (gexp-location gexp)
               (#f "")
               (location (format #f "~a:~a:~a: "
                                 (or (assq-ref location 'filename) "?")
                                 (+ 1 (or (assq-ref location 'line) 0))
                                 (or (assq-ref location 'column) 0))))
             (if (null? (cdr suspects)) "" "s")
             (string-join (map object->string suspects))))))

(define (gexp-modules gexp)
  "Return the module names (and (NAME => FILE-LIKE) entries) GEXP and the
gexps it refers to need, each once; the empty list if GEXP is not a gexp.
Warn about modules that differ between hosts ((guix config), Guile's
own) imported from this one."
  (gexp-attribute gexp
                  (lambda (gexp)
                    (let ((modules (gexp-self-modules gexp)))
                      (warn-about-host-modules gexp modules)
                      modules))
                  same-module-entry?))

(define (gexp-extensions gexp)
  "Return the extensions GEXP and the gexps it refers to need, each once;
the empty list if GEXP is not a gexp."
  (gexp-attribute gexp gexp-self-extensions))

(define* (gexp->sexp* gexp lower #:optional native?)
  "Return the S-expression of GEXP, each input replaced by (LOWER INPUT),
each output by (LOWER OUTPUT), and nested gexps by their own S-expression.
LOWER is a procedure taking a <gexp-input> or a <gexp-output>; an input
under a #+ escape is given to it as native, whatever its own escape."
  (define (value reference native?)
    (match reference
      (($ <gexp-input> (? gexp? inner) _ inner-native?)
       (gexp->sexp* inner lower (or native? inner-native?)))
      (($ <gexp-input> (? list? things) _ list-native?)
       (map (lambda (thing)
              (value (input-of thing "out" (or native? list-native?))
                     (or native? list-native?)))
            things))
      (($ <gexp-input> thing output input-native?)
       (lower (if (and native? (not input-native?))
                  (%gexp-input thing output #t)
                  reference)))
      (_ (lower reference))))
  (apply (gexp-proc gexp)
         (map (cut value <> native?) (gexp-references gexp))))

(define (gexp->approximate-sexp gexp)
  "Return the S-expression of GEXP with its inputs left as they are when
they can be written in code, and (*approximate*) for file-like objects and
outputs: what GEXP does, without lowering anything (for messages and
checks)."
  (gexp->sexp* gexp
               (match-lambda
                 (($ <gexp-input> (? self-quoting? thing) _ _) thing)
                 (_ '(*approximate*)))))

;;;
;;; File-like objects and their compilers.
;;;

;; A compiler turns objects its predicate accepts into store items: its
;; LOWER procedure returns, in the store monad, a store file name or a
;; <derivation>.
(define-record-type <gexp-compiler>
  (make-gexp-compiler type predicate lower)
  gexp-compiler?
  (type      gexp-compiler-type)
  (predicate gexp-compiler-predicate)
  (lower     gexp-compiler-lower))

(define %gexp-compilers
  ;; Record type descriptor -> <gexp-compiler>.
  (make-hash-table 32))

(define (register-gexp-compiler! type predicate lower)
  (hashq-set! %gexp-compilers type (make-gexp-compiler type predicate lower)))

(define-syntax define-gexp-compiler
  (syntax-rules ()
    "Define how objects of record type TYPE (checked with PREDICATE) are
lowered: BODY, with PARAM bound to the object, SYSTEM and TARGET to the
systems, returns in the store monad a store file name or a derivation."
    ((_ (name (param predicate) system target) body ...)
     (define name
       (begin
         (register-gexp-compiler!
          (record-type-descriptor* predicate) predicate
          (lambda (param system target) body ...))
         #t)))))

(define (record-type-descriptor* predicate)
  ;; The key compilers are filed under: the predicate itself.
  predicate)

(define (lookup-compiler object)
  (hash-fold (lambda (key compiler result)
               (or result
                   (and ((gexp-compiler-predicate compiler) object) compiler)))
             #f
             %gexp-compilers))

(define* (lower-object object #:optional system #:key (target #f))
  "Return, in the store monad, OBJECT lowered for SYSTEM (by default
%current-system when the value runs): a store file name or a derivation.
OBJECT is a file-like object (local-file, plain-file, computed-file…), a
derivation, or a store file name; anything else raises &gexp-input-error."
  (match object
    ((? derivation?) (with-monad %store-monad (return object)))
    ((? string?) (with-monad %store-monad (return object)))
    (_
     (match (lookup-compiler object)
       (#f (raise (condition
                   (&gexp-input-error (input object))
                   (&message
                    (message (format #f "~s is not a file-like object: \
nothing knows how to put it in the store" object))))))
       (compiler
        (lambda (store)
          (((gexp-compiler-lower compiler) object
            (or system (%current-system)) target)
           store)))))))

;;; local-file

(define-record-type <local-file>
  (%local-file file absolute name recursive? select?)
  local-file?
  (file       local-file-file)
  (absolute   local-file-absolute-file-name)
  (name       local-file-name)
  (recursive? local-file-recursive?)
  (select?    local-file-select?))

(define* (%%local-file file directory location #:optional (name (basename file))
                       #:key recursive? (select? (const #t)))
  (let* ((joined (if (string-prefix? "/" file)
                     file
                     (string-append (or directory (getcwd)) "/" file)))
         ;; Canonical: "sub/../sub/x" and links lead to one name.
         (absolute (or (false-if-exception (canonicalize-path joined))
                       joined)))
    (unless (file-exists? absolute)
      (raise (condition
              (&message
               (message (string-append
                         (if location
                             (format #f "~a:~a:~a: "
                                     (assq-ref location 'filename)
                                     (+ 1 (assq-ref location 'line))
                                     (assq-ref location 'column))
                             "")
                         (format #f "~a: file not found (local-file ~s)"
                                 absolute file)))))))
    (%local-file file absolute name recursive? select?)))

(define-syntax local-file
  (lambda (s)
    "Return an object standing for FILE.  A relative FILE written as a
literal string is relative to the source file that names it; any other
relative FILE (computed) is relative to the current directory, as in Guix.
NAME is its name in the store; RECURSIVE? includes a whole directory;
SELECT? filters its files."
    (syntax-case s ()
      ((_ file rest ...)
       (string? (syntax->datum #'file))
       #'(%%local-file file (current-source-directory*) (current-source-location)
                       rest ...))
      ((_ file rest ...)
       #'(%%local-file file #f (current-source-location) rest ...)))))

(define-syntax current-source-directory*
  (lambda (s)
    ;; The directory of the file this form comes from, at expansion time.
    (syntax-case s ()
      ((_)
       (match (assq 'filename (syntax-source s))
         (('filename . (? string? file))
          (let ((absolute (if (string-prefix? "/" file)
                              file
                              (or (search-path %load-path file)
                                  (string-append (getcwd) "/" file)))))
            (datum->syntax s (dirname absolute))))
         (_ #f))))))

(define-gexp-compiler (local-file-compiler (file local-file?) system target)
  (interned-file (local-file-absolute-file-name file)
                 (local-file-name file)
                 #:recursive? (local-file-recursive? file)
                 #:select? (local-file-select? file)))

;;; plain-file

(define-record-type <plain-file>
  (%plain-file name content references)
  plain-file?
  (name       plain-file-name)
  (content    plain-file-content)
  (references plain-file-references))

(define (plain-file name content)
  "Return an object standing for a file called NAME whose content is
CONTENT, a string or a bytevector."
  (%plain-file name content '()))

(define-gexp-compiler (plain-file-compiler (file plain-file?) system target)
  (text-file (plain-file-name file) (plain-file-content file)
             (plain-file-references file)))

;;; computed-file, program-file, scheme-file

(define-record-type <computed-file>
  (%computed-file name gexp guile options)
  computed-file?
  (name    computed-file-name)
  (gexp    computed-file-gexp)
  (guile   computed-file-guile)
  (options computed-file-options))

(define* (computed-file name gexp #:key guile (options '()))
  "Return an object standing for the store item NAME built by GEXP, which
must create the file or directory #$output, with GUILE (a file name or a
derivation; by default %guile-for-build, else the host's guile).  OPTIONS
are more keyword arguments for `gexp->derivation'."
  (%computed-file name gexp guile options))

(define-gexp-compiler (computed-file-compiler (file computed-file?) system target)
  (apply gexp->derivation (computed-file-name file) (computed-file-gexp file)
         #:system system
         #:guile-for-build (or (computed-file-guile file) (%guile-for-build))
         (computed-file-options file)))

(define-record-type <program-file>
  (%program-file name gexp guile module-path)
  program-file?
  (name        program-file-name)
  (gexp        program-file-gexp)
  (guile       program-file-guile)
  (module-path program-file-module-path))

(define* (program-file name gexp #:key guile (module-path %load-path))
  "Return an object standing for an executable script NAME that runs GEXP
with GUILE (a file name or a derivation; by default %guile-for-build, else
the host's guile), its imported modules, found on MODULE-PATH, on the load
path."
  (%program-file name gexp guile module-path))

(define-gexp-compiler (program-file-compiler (file program-file?) system target)
  (gexp->script (program-file-name file) (program-file-gexp file)
                #:guile (or (program-file-guile file) (%guile-for-build))
                #:module-path (program-file-module-path file)
                #:system system))

(define-record-type <scheme-file>
  (%scheme-file name gexp splice? set-load-path?)
  scheme-file?
  (name           scheme-file-name)
  (gexp           scheme-file-gexp)
  (splice?        scheme-file-splice?)
  (set-load-path? scheme-file-set-load-path?))

(define* (scheme-file name gexp #:key splice? (set-load-path? #t))
  "Return an object standing for the file NAME holding the code of GEXP.
With SPLICE?, GEXP is a sequence of top-level forms.  With SET-LOAD-PATH?,
the file first puts GEXP's imported modules and extensions on the load
paths."
  (%scheme-file name gexp splice? set-load-path?))

(define-gexp-compiler (scheme-file-compiler (file scheme-file?) system target)
  (gexp->file (scheme-file-name file) (scheme-file-gexp file)
              #:splice? (scheme-file-splice? file)
              #:set-load-path? (scheme-file-set-load-path? file)
              #:system system))

;;; mixed-text-file, text-file*

(define-record-type <mixed-text-file>
  (%mixed-text-file name items)
  mixed-text-file?
  (name  mixed-text-file-name)
  (items mixed-text-file-items))

(define (mixed-text-file name . text)
  "Return an object standing for the file NAME whose content is TEXT, a
sequence of strings and file-like objects, the latter replaced by their
store file names."
  (%mixed-text-file name text))

(define-gexp-compiler (mixed-text-file-compiler (file mixed-text-file?) system target)
  (apply text-file* (mixed-text-file-name file) (mixed-text-file-items file)))

(define (text-file* name . text)
  "Return, in the store monad, the store item NAME whose content is TEXT,
strings and file-like objects (replaced by their file names), referring to
the latter."
  (lowered-text-file name text))

;;; file-append

(define-record-type <file-append>
  (%file-append base suffix)
  file-append?
  (base   file-append-base)
  (suffix file-append-suffix))

(define (file-append base . suffix)
  "Return an object standing for the file name of BASE, a file-like
object, followed by SUFFIX, strings."
  (%file-append base suffix))

;;; let-system, with-parameters, raw-derivation-file

(define-record-type <system-binding>
  (system-binding proc)
  system-binding?
  (proc system-binding-proc))              ;(SYSTEM TARGET) -> value

(define-syntax let-system
  (syntax-rules ()
    "Bind SYSTEM (and TARGET) to the system (and cross-compilation target,
or #f) an object is lowered for, in BODY, whose value is used as the
object: as a gexp input, BODY runs when the gexp is lowered."
    ((_ (system target) body ...)
     (system-binding (lambda (system target) body ...)))
    ((_ system body ...)
     (system-binding (lambda (system target) body ...)))))

(define-gexp-compiler (system-binding-compiler (binding system-binding?)
                                               system target)
  (lower-object ((system-binding-proc binding) system target) system
                #:target target))

(define-record-type <parameterized>
  (parameterized parameters values thunk)
  parameterized?
  (parameters parameterized-parameters)   ;list of parameters
  (values     parameterized-values)       ;thunk returning their values
  (thunk      parameterized-thunk))       ;thunk returning the object

(define-syntax-rule (with-parameters ((parameter value) ...) body ...)
  "Return an object that stands for the value of BODY… with each PARAMETER
bound to VALUE (e.g. %current-system) when it is lowered, not when it is
made."
  (parameterized (list parameter ...)
                 (lambda () (list value ...))
                 (lambda () body ...)))

(define (with-parameters* parameters values thunk)
  ;; Call THUNK with PARAMETERS bound to VALUES.
  (match parameters
    (() (thunk))
    ((parameter . rest)
     (parameterize ((parameter (car values)))
       (with-parameters* rest (cdr values) thunk)))))

(define-gexp-compiler (parameterized-compiler (object parameterized?)
                                              system target)
  (lambda (store)
    (with-parameters* (parameterized-parameters object)
                      ((parameterized-values object))
      (lambda ()
        ;; The system and target the parameters say, if they are among them.
        (let ((parameters (parameterized-parameters object)))
          ((lower-object ((parameterized-thunk object))
                         (if (memq %current-system parameters)
                             (%current-system)
                             system)
                         #:target (if (memq %current-target-system parameters)
                                      (%current-target-system)
                                      target))
           store))))))

(define-record-type <raw-derivation-file>
  (raw-derivation-file object)
  raw-derivation-file?
  (object raw-derivation-file-object))

(set-record-type-printer! <raw-derivation-file>
  (lambda (raw port)
    (format port "#<raw-derivation-file ~s>" (raw-derivation-file-object raw))))

(define-gexp-compiler (raw-derivation-file-compiler (raw raw-derivation-file?)
                                                    system target)
  ;; As an input, the .drv file itself (a source), not the derivation's
  ;; output (see lower-input).
  (mlet %store-monad ((drv (lower-object (raw-derivation-file-object raw)
                                         system #:target target)))
    (return (derivation-file-name drv))))

;;; file-union

(define (file-union name files)
  "Return a directory NAME holding FILES, a list of (FILE-NAME FILE-LIKE)
pairs: FILE-NAME is a symbolic link to the store item of FILE-LIKE."
  (computed-file name
                 (gexp (begin
                         (mkdir (ungexp output))
                         (for-each (lambda (entry)
                                     (let ((target (car entry))
                                           (source (cadr entry)))
                                       (let loop ((dir (dirname target)))
                                         (unless (member dir '("." "/"))
                                           (loop (dirname dir))
                                           (let ((full (string-append (ungexp output) "/" dir)))
                                             (unless (file-exists? full) (mkdir full)))))
                                       (symlink source
                                                (string-append (ungexp output) "/" target))))
                                   '(ungexp (map (lambda (entry)
                                                   (list (car entry) (cadr entry)))
                                                 files)))))))


(define* (directory-union name things #:key copy? quiet?)
  "Return a directory NAME that is the union of THINGS, file-like objects
that are directories: a tree whose files are symbolic links to theirs
(copies with COPY?), directories present in several merged.  When two
things have a file of the same name, the first one's wins, with a warning
on the build's standard error unless QUIET?.  With one thing, return it."
  (match things
    ((one) one)
    (_
     (computed-file
      name
      (gexp
       (begin
         (use-modules (ice-9 ftw) (srfi srfi-1))
         (define (directory? file)
           (eq? 'directory (stat:type (stat file))))
         (define (entries dir)
           (scandir dir (lambda (entry) (not (member entry '("." ".."))))))
         (define (copy source target)
           ;; A copy of SOURCE, links followed.
           (if (directory? source)
               (begin
                 (mkdir target)
                 (for-each (lambda (entry)
                             (copy (string-append source "/" entry)
                                   (string-append target "/" entry)))
                           (entries source)))
               (begin
                 (copy-file source target)
                 (chmod target (stat:perms (stat source))))))
         (define (place source target)
           (if (ungexp copy?) (copy source target) (symlink source target)))
         (define (union target sources)
           ;; TARGET holds the union of directories SOURCES.
           (mkdir target)
           (let ((names (delete-duplicates (append-map entries sources))))
             (for-each
              (lambda (entry)
                (let* ((files (filter file-exists?
                                      (map (lambda (dir) (string-append dir "/" entry))
                                           sources)))
                       (here (string-append target "/" entry)))
                  (cond ((null? (cdr files)) (place (car files) here))
                        ((every directory? files) (union here files))
                        (else
                         (unless (ungexp quiet?)
                           (format (current-error-port)
                                   "warning: collision: ~a~{ ~a~}; using the first~%"
                                   (car files) (cdr files)))
                         (place (car files) here)))))
              (sort names string<?))))
         (union (ungexp output) (list (ungexp-splicing things)))))))))

;;;
;;; Lowering gexps.
;;;

;; %guile-for-build and %current-system are (byre monads)' parameters, set
;; by run-with-store.  #f for %guile-for-build means the host's guile: it is
;; bound into build containers with its file closure, never copied into the
;; store.

(define (lower-file-name object)
  "Return, in the store monad, the file name OBJECT stands for: a store
item, a derivation's output, or a file-append's file name."
  (match object
    (($ <file-append> base suffix)
     (mlet %store-monad ((base (lower-file-name base)))
       (return (string-append base (string-concatenate suffix)))))
    (_
     (mlet %store-monad ((lowered (lower-object object)))
       (return (if (derivation? lowered)
                   (derivation->output-path lowered)
                   lowered))))))

(define-record-type <lowered-gexp>
  (lowered-gexp sexp inputs sources guile load-path load-compiled-path)
  lowered-gexp?
  (sexp               lowered-gexp-sexp)
  (inputs             lowered-gexp-inputs)     ;list of <derivation-input>
  (sources            lowered-gexp-sources)    ;list of store items
  (guile              lowered-gexp-guile)
  (load-path          lowered-gexp-load-path)
  (load-compiled-path lowered-gexp-load-compiled-path))

(define (file-like? object)
  (or (file-append? object) (lookup-compiler object) (derivation? object)))

(define (current-system-at-bind)
  ;; %current-system when the monadic value runs, not when it is made.
  (lambda (store) (values (%current-system) store)))

(define (current-target-at-bind)
  (lambda (store) (values (%current-target-system) store)))

(define (lower-input input system target)
  "Return, in the store monad, INPUT, a <gexp-input>, lowered for SYSTEM
and TARGET (#f for a native input): (VALUE . DEPENDENCY), VALUE what the
code gets (a file name…), DEPENDENCY a <derivation-input>, a source
store item, or #f."
  (define target* (if (gexp-input-native? input) #f target))
  (with-monad %store-monad
    (match input
      (($ <gexp-input> ($ <file-append> base suffix) output native?)
       (mlet %store-monad ((lowered (lower-input (%gexp-input base output native?)
                                                 system target)))
         (match lowered
           ((name . dep)
            (return (cons (string-append name (string-concatenate suffix))
                          dep))))))
      (($ <gexp-input> ($ <system-binding> proc) output native?)
       (let ((value (proc system target*)))
         (if (interesting-input? value)
             (lower-input (%gexp-input value output native?) system target)
             (return (cons value #f)))))
      (($ <gexp-input> ($ <parameterized> parameters values thunk) output native?)
       (lambda (store)
         (with-parameters* parameters (values)
           (lambda ()
             ((lower-input (%gexp-input (thunk) output native?)
                           (if (memq %current-system parameters)
                               (%current-system)
                               system)
                           (if (memq %current-target-system parameters)
                               (%current-target-system)
                               target))
              store)))))
      (($ <gexp-input> ($ <raw-derivation-file> object) _ _)
       (mlet %store-monad ((drv (lower-object object system #:target target*)))
         (let ((file (derivation-file-name drv)))
           (return (cons file file)))))
      (($ <gexp-input> (? string? item) _ _)
       ;; A store file name: a source.
       (return (cons item item)))
      (($ <gexp-input> thing output _)
       (mlet %store-monad ((lowered (lower-object thing system #:target target*)))
         (return
          (if (derivation? lowered)
              (cons (derivation->output-path lowered output)
                    (derivation-input lowered (list output)))
              (cons lowered lowered))))))))

(define* (lower-gexp exp #:key system (target 'current)
                     (module-path %load-path)
                     (effective-version (effective-version))
                     (guile-for-build (%guile-for-build))
                     graft?)
  "Return, in the store monad, EXP lowered: its S-expression with every
file-like input replaced by its file name, the derivations and sources it
needs, the guile that runs it and the load paths of its imported modules
and extensions (under share/guile/site/EFFECTIVE-VERSION).  SYSTEM (by
default %current-system when the value runs) and TARGET (by default
%current-target-system; #f for no cross-compilation) are what inputs are
lowered for; native (#+) inputs are lowered with no target.  An input that
is neither file-like nor a value code can hold raises &gexp-input-error.
GRAFT? is accepted for Guix's sake: byre has no grafts."
  (define inputs (gexp-inputs exp))
  (define module-names (gexp-modules exp))

  (mlet* %store-monad ((system (if system (return system) (current-system-at-bind)))
                       (target (if (eq? target 'current)
                                   (current-target-at-bind)
                                   (return target)))
                       (lowered (mapm %store-monad
                                      (cut lower-input <> system target)
                                      inputs))
                       (extensions (mapm %store-monad
                                         (lambda (extension)
                                           (lower-input (%gexp-input extension "out" #f)
                                                        system target))
                                         (gexp-extensions exp)))
                       (modules (if (null? module-names)
                                    (return #f)
                                    (imported-modules module-names
                                                      #:module-path module-path
                                                      #:system system)))
                       (compiled (if (null? module-names)
                                     (return #f)
                                     (compiled-modules module-names
                                                       #:module-path module-path
                                                       #:extensions (gexp-extensions exp)
                                                       #:system system))))
    (define table (map cons inputs lowered))
    (define (lower reference)
      (match reference
        (($ <gexp-output> name) `((@ (guile) getenv) ,name))
        (_ (match (assoc reference table)
             ((_ . (value . _)) value)
             (#f (match reference
                   (($ <gexp-input> (? self-quoting? thing) _ _) thing)
                   (($ <gexp-input> thing _ _)
                    (raise (condition
                            (&gexp-input-error (input thing))
                            (&message
                             (message
                              (format #f "~s cannot be used in a gexp: it is \
neither a file-like object nor a value code can hold" thing))))))))))))
    (define (dependency lowered) (and (pair? lowered) (cdr lowered)))
    (define deps (filter-map dependency (append lowered extensions)))
    (define (store-directory lowered)
      ;; What a lowered module directory stands for: a store item or a
      ;; derivation's output.
      (if (derivation? lowered) (derivation->output-path lowered) lowered))
    (define extension-directories (map car extensions))
    (let ((sexp (gexp->sexp* exp lower)))
      (return
       (lowered-gexp sexp
                     (delete-duplicates
                      (append (filter derivation-input? deps)
                              (if (derivation? modules)
                                  (list (derivation-input modules))
                                  '())
                              (if compiled (list (derivation-input compiled)) '())))
                     (delete-duplicates
                      (append (filter string? deps)
                              (if (string? modules) (list modules) '())))
                     (match guile-for-build
                       ((? derivation? drv) (derivation-input drv '("out")))
                       (#f %guile-program)
                       (guile guile))
                     (append (if modules (list (store-directory modules)) '())
                             (map (cut string-append <> "/share/guile/site/"
                                       effective-version)
                                  extension-directories))
                     (append (if compiled
                                 (list (derivation->output-path compiled))
                                 '())
                             (map (cut string-append <> "/lib/guile/"
                                       effective-version "/site-ccache")
                                  extension-directories)))))))

(define (gexp->sexp exp system target)
  "Return, in the store monad, the S-expression of EXP lowered for SYSTEM
and TARGET."
  (mlet %store-monad ((lowered (lower-gexp exp #:system system #:target target)))
    (return (lowered-gexp-sexp lowered))))

(define (module-file-name module)
  ;; (guix build utils) -> "guix/build/utils.scm"
  (string-append (string-join (map symbol->string module) "/") ".scm"))

(define* (imported-files files #:key (name "file-import") system
                         (guile (%guile-for-build)))
  "Return, in the store monad, a store directory NAME holding FILES, a list
of (FILE-NAME . SOURCE) pairs: SOURCE is a file name, whose content is
copied, or a file-like object.  With file names only, the result is a store
item, added directly; with a file-like object, it is a derivation whose
output has, at FILE-NAME, a link to the object's store item."
  (define (check-file-name file)
    (when (or (string-prefix? "/" file)
              (member ".." (string-split file #\/)))
      (raise (condition
              (&message
               (message (format #f "imported-files: ~s must be a relative \
file name inside the directory" file)))))))
  (for-each (match-lambda ((file . _) (check-file-name file))) files)
  (if (every (match-lambda ((_ . (? string?)) #t) (_ #f)) files)
      (mlet %store-monad ((store (current-state)))
        (return
         (call-with-temporary-directory
          (lambda (dir)
            (for-each (match-lambda
                        ((file . source)
                         (let ((target (string-append dir "/" file)))
                           (mkdir-p* (dirname target))
                           (copy-file source target))))
                      files)
            (add-to-store store name #t "sha256" dir)))))
      (mlet %store-monad ((entries
                           (mapm %store-monad
                                 (match-lambda
                                   ((file . (? string? source))
                                    (mlet %store-monad ((item (interned-file
                                                               source (basename file))))
                                      (return (list file item))))
                                   ((file . object)
                                    (return (list file object))))
                                 files)))
        (gexp->derivation
         name
         (gexp
          (begin
            (define (mkdir-p dir)
              (unless (file-exists? dir)
                (mkdir-p (dirname dir))
                (mkdir dir)))
            (mkdir (ungexp output))
            (for-each (lambda (entry)
                        (let ((target (string-append (ungexp output) "/" (car entry))))
                          (mkdir-p (dirname target))
                          (symlink (cadr entry) target)))
                      '(ungexp entries))))
         #:system system
         #:guile-for-build guile
         #:local-build? #t))))

(define* (imported-modules modules #:key (name "module-import") system
                           (guile (%guile-for-build))
                           (module-path %load-path))
  "Return, in the store monad, a store directory holding the source files
of MODULES: module names found on MODULE-PATH, or (NAME => FILE-LIKE)
entries, whose source is FILE-LIKE.  The result is a store item, or a
derivation when some entries are file-like (see `imported-files')."
  (define (source module)
    (let ((file (module-file-name module)))
      (or (search-path module-path file)
          (raise (condition
                  (&file-search-error (file-name file)
                                      (search-path module-path))
                  (&message
                   (message (format #f "module ~s cannot be found on the load \
path for with-imported-modules (looked in ~a)"
                                    module (string-join module-path ":")))))))))
  (imported-files (map (match-lambda
                         ((name '=> object) (cons (module-file-name name) object))
                         (name (cons (module-file-name name) (source name))))
                       modules)
                  #:name name #:system system #:guile guile))

(define* (compiled-modules modules #:key (name "module-import-compiled")
                           system (guile (%guile-for-build))
                           (module-path %load-path) (extensions '()))
  "Return, in the store monad, a derivation whose output holds MODULES (as
for `imported-modules') compiled, EXTENSIONS' modules on the load path.
Compiling is a build, in a fresh process: the same modules give the same
output, which is built once."
  (define files
    (map (lambda (module)
           (string-drop-right (module-file-name (module-entry-name module)) 4))
         modules))
  (mlet %store-monad ((sources (imported-modules modules #:module-path module-path
                                                 #:system system #:guile guile)))
    (gexp->derivation
     name
     (gexp
      (begin
        (use-modules (system base compile))
        (define (mkdir-p dir)
          (unless (file-exists? dir)
            (mkdir-p (dirname dir))
            (mkdir dir)))
        ;; The modules may import each other and the extensions'.
        (set! %load-path
          (cons (ungexp sources)
                (append (map (lambda (dir)
                               (string-append dir "/share/guile/site/"
                                              (effective-version)))
                             '(ungexp extensions))
                        %load-path)))
        (set! %load-compiled-path
          (append (map (lambda (dir)
                         (string-append dir "/lib/guile/" (effective-version)
                                        "/site-ccache"))
                       '(ungexp extensions))
                  %load-compiled-path))
        (for-each (lambda (file)
                    (let ((target (string-append (ungexp output) "/" file ".go")))
                      (mkdir-p (dirname target))
                      (compile-file (string-append (ungexp sources) "/" file ".scm")
                                    #:output-file target
                                    #:opts '(#:warnings ()))))
                  '(ungexp files))))
     #:system system
     #:guile-for-build guile
     #:module-path module-path
     #:local-build? #t)))

(define (mkdir-p* dir)
  (unless (file-exists? dir)
    (mkdir-p* (dirname dir))
    (mkdir dir)))

(define* (gexp->derivation name exp
                           #:key system (target 'current)
                           (module-path %load-path)
                           (modules '())
                           references-graphs
                           allowed-references disallowed-references
                           leaked-env-vars
                           (env-vars '()) hash (hash-algo 'sha256) recursive?
                           (local-build? #f) (substitutable? #t)
                           (properties '())
                           (effective-version (effective-version))
                           (script-name (string-append name "-builder"))
                           guile-for-build graft?)
  "Return, in the store monad, a derivation NAME whose builder runs EXP
with GUILE-FOR-BUILD (by default %guile-for-build, else the host's guile);
#$output in EXP is the derivation's output.  SYSTEM defaults to
%current-system when the value runs.  MODULES are imported as with
`with-imported-modules'.  REFERENCES-GRAPHS is a list of (FILE-NAME THING
[OUTPUT]): THING, file-like, is lowered and its closure written to
FILE-NAME in the build directory.  ALLOWED-REFERENCES and
DISALLOWED-REFERENCES list output names and file-like objects.  The other
keywords are those of `derivation'; GRAFT? is accepted for Guix's sake:
byre has no grafts."
  (define exp*
    ;; #:modules, as with-imported-modules would have them.
    (if (null? modules)
        exp
        (make-gexp (list (%gexp-input exp "out" #f)) modules '()
                   identity (gexp-location exp))))

  (define (lower-reference system)
    ;; An output name stays; a file-like object (or a gexp-input naming one
    ;; of its outputs) becomes its file name.
    (lambda (thing)
      (if (string? thing)
          (with-monad %store-monad (return thing))
          (mlet %store-monad ((lowered (lower-input (input-of thing "out" #f)
                                                    system #f)))
            (return (car lowered))))))

  (mlet* %store-monad ((store (current-state))
                       (system (if system (return system) (current-system-at-bind)))
                       (lowered (lower-gexp exp* #:system system #:target target
                                            #:module-path module-path
                                            #:effective-version effective-version
                                            #:guile-for-build guile-for-build))
                       (graphs (mapm %store-monad
                                     (match-lambda
                                       ((file thing . output)
                                        (mlet %store-monad
                                            ((lowered (lower-input
                                                       (%gexp-input thing
                                                                    (match output
                                                                      (() "out")
                                                                      ((o) o))
                                                                    #f)
                                                       system #f)))
                                          (return (cons file lowered)))))
                                     (or references-graphs '())))
                       (allowed (if allowed-references
                                    (mapm %store-monad (lower-reference system)
                                          allowed-references)
                                    (return #f)))
                       (disallowed (if disallowed-references
                                       (mapm %store-monad (lower-reference system)
                                             disallowed-references)
                                       (return #f)))
                       ;; The builder refers to the sources only: the
                       ;; inputs' outputs may not be built yet.  The
                       ;; derivation lists both, and its inputs are built
                       ;; before it.
                       (builder (text-file script-name
                                           (sexp->string (lowered-gexp-sexp lowered))
                                           (lowered-gexp-sources lowered))))
    (define-values (guile guile-inputs)
      (guile-program (lowered-gexp-guile lowered)))
    (define graph-deps (map (match-lambda ((_ . (_ . dep)) dep)) graphs))
    (return
     (derivation store name guile
                 `("--no-auto-compile"
                   ,@(append-map (lambda (dir) (list "-L" dir))
                                 (lowered-gexp-load-path lowered))
                   ,@(append-map (lambda (dir) (list "-C" dir))
                                 (lowered-gexp-load-compiled-path lowered))
                   ,builder)
                 #:system system
                 #:inputs (append guile-inputs (lowered-gexp-inputs lowered)
                                  (filter derivation-input? graph-deps))
                 #:sources (append (list builder) (lowered-gexp-sources lowered)
                                   (filter string? graph-deps))
                 #:outputs (match (map gexp-output-name (gexp-outputs exp))
                             (() '("out"))
                             (names (delete-duplicates names)))
                 #:env-vars env-vars
                 #:hash hash #:hash-algo hash-algo #:recursive? recursive?
                 #:references-graphs (and references-graphs
                                          (map (match-lambda
                                                 ((file . (path . _)) (cons file path)))
                                               graphs))
                 #:allowed-references allowed
                 #:disallowed-references disallowed
                 #:leaked-env-vars leaked-env-vars
                 #:local-build? local-build?
                 #:substitutable? substitutable?
                 #:properties properties))))

(define (guile-program guile)
  "Return the file name of the guile program GUILE stands for and the
derivation inputs that provide it: GUILE is a file name (the host's guile),
or a derivation (or an input of one) whose output has bin/guile, as Guix's
%guile-for-build."
  (match guile
    ((? string?) (values guile '()))
    ((? derivation?) (guile-program (derivation-input guile '("out"))))
    ((? derivation-input? input)
     (values (string-append (derivation->output-path
                             (derivation-input-derivation input))
                            "/bin/guile")
             (list input)))
    (_ (raise (condition
               (&message
                (message (format #f "~s is not a guile for builds: expected \
a file name or a derivation whose output has bin/guile" guile))))))))

(define (sexp->string sexp)
  (call-with-output-string
    (lambda (port) (write sexp port) (newline port))))

(define* (gexp->file name exp #:key splice? (set-load-path? #t)
                     (module-path %load-path) system)
  "Return, in the store monad, a derivation whose output is the file NAME
holding the code of EXP (a list of gexps, each a top-level form, with
SPLICE?).  With SET-LOAD-PATH? and EXP needing modules or extensions, the
code first puts them on Guile's load paths.  Built, the file refers to the
inputs whose file names it holds."
  (define whole
    ;; The forms, as one gexp: with SPLICE?, EXP is a list of gexps or a
    ;; gexp whose code is a list, as #$@ takes them.
    (if splice?
        (make-gexp (list (ensure-input-list exp #f)) '() '() splice #f)
        (make-gexp (list (%gexp-input exp "out" #f)) '() '() list #f)))
  (mlet* %store-monad ((lowered (lower-gexp whole #:system system
                                            #:module-path module-path)))
    (define forms
      (append (if (and set-load-path?
                       (or (pair? (lowered-gexp-load-path lowered))
                           (pair? (lowered-gexp-load-compiled-path lowered))))
                  `((eval-when (expand load eval)
                      (set! %load-path
                        (append ',(lowered-gexp-load-path lowered) %load-path))
                      (set! %load-compiled-path
                        (append ',(lowered-gexp-load-compiled-path lowered)
                                %load-compiled-path))))
                  '())
              (lowered-gexp-sexp lowered)))
    (text-derivation name (string-concatenate (map sexp->string forms))
                     (lowered-gexp-inputs lowered) (lowered-gexp-sources lowered)
                     #:system system)))

(define* (text-derivation name text inputs sources #:key system (mode #o444))
  "Return, in the store monad, a derivation whose output is the file NAME
holding TEXT with MODE, built by the host guile with INPUTS (derivation
inputs) and SOURCES available, so that the file's references to them are
found by scanning."
  (mlet* %store-monad ((store (current-state))
                       (system (if system (return system) (current-system-at-bind))))
    (return
     (derivation store name %guile-program
                 (list "--no-auto-compile" "-c"
                       (sexp->string
                        `(let ((out (getenv "out")))
                           (call-with-output-file out
                             (lambda (port) (display ,text port)))
                           (chmod out ,mode))))
                 #:system system
                 #:inputs inputs
                 #:sources sources
                 #:local-build? #t))))

(define (lowered-text-file name text)
  ;; text-file*'s work, here where lowered gexps are defined: TEXT is added
  ;; as it is when it refers to store items only, and built when it refers
  ;; to outputs not built yet (a store item may refer to valid items only).
  (mlet %store-monad ((lowered (lower-gexp (gexp (ungexp-splicing text)))))
    (let ((string (string-concatenate (lowered-gexp-sexp lowered))))
      (if (null? (lowered-gexp-inputs lowered))
          (text-file name string
                     (delete-duplicates (lowered-gexp-sources lowered)))
          (text-derivation name string (lowered-gexp-inputs lowered)
                           (lowered-gexp-sources lowered))))))

(define* (gexp->script name exp #:key guile (module-path %load-path) system)
  "Return, in the store monad, a derivation whose output is an executable
script NAME that runs EXP with GUILE (a file name or a derivation; by
default %guile-for-build, else the host's guile), EXP's imported modules
and extensions on its load paths."
  (mlet* %store-monad ((lowered (lower-gexp exp #:module-path module-path
                                            #:system system
                                            #:guile-for-build guile)))
    (define-values (program program-inputs)
      (guile-program (lowered-gexp-guile lowered)))
    (text-derivation
     name
     (string-append
      "#!" program " --no-auto-compile\n!#\n"
      (sexp->string
       `(begin
          ;; At expansion time too: the body's `use-modules' are expanded
          ;; before the body runs.
          (eval-when (expand load eval)
            (set! %load-path
              (append ',(lowered-gexp-load-path lowered) %load-path))
            (set! %load-compiled-path
              (append ',(lowered-gexp-load-compiled-path lowered)
                      %load-compiled-path)))
          ,(lowered-gexp-sexp lowered))))
     (append program-inputs (lowered-gexp-inputs lowered))
     (lowered-gexp-sources lowered)
     #:system system #:mode #o555)))

(define (built-derivations derivations)
  "Return, in the store monad, #t once DERIVATIONS are built."
  (mlet %store-monad ((store (current-state)))
    (return (build-derivations store derivations))))

(define* (build-expression->derivation store name exp
                                       #:key (system (%current-system))
                                       (inputs '()) (outputs '("out"))
                                       hash hash-algo recursive?
                                       (env-vars '()) (modules '())
                                       guile-for-build references-graphs
                                       allowed-references disallowed-references
                                       local-build? (substitutable? #t)
                                       (properties '()))
  "Return a derivation NAME whose builder evaluates EXP, a Scheme
expression, with GUILE-FOR-BUILD (a derivation or a file name; by default
%guile-for-build, else the host's guile).  EXP sees %output, the main
output's file name, %outputs, an alist of OUTPUTS and their file names, and
%build-inputs, an alist made from INPUTS, a list of (NAME DRV [OUTPUT]) or
(NAME FILE) entries.  MODULES, module names, are imported and compiled for
it; its `define-module' and `use-modules' forms are hoisted to the top.
The build fails when EXP returns #f.  The other arguments are those of
`derivation'.  This is Guix's older interface; gexps supersede it."
  (define guile (or guile-for-build (%guile-for-build) %guile-program))

  (define (module-form? form)
    (match form
      (((or 'define-module 'use-modules) . _) #t)
      (_ #f)))

  (define (input-output rest)
    (match rest (() "out") ((output) output)))

  (define input-derivations
    (filter-map (match-lambda
                  ((_ (? derivation? drv) . rest)
                   (derivation-input drv (list (input-output rest))))
                  ((_ (? derivation-path? file) . rest)
                   (derivation-input (read-derivation-from-file file)
                                     (list (input-output rest))))
                  (_ #f))
                inputs))

  (define input-sources
    (filter-map (match-lambda
                  ((_ (? derivation?) . _) #f)
                  ((_ (? derivation-path?) . _) #f)
                  ((_ (? string? file) . _) file)
                  (entry
                   (raise (condition
                           (&message
                            (message (format #f "build-expression->derivation ~s: \
~s is not an input: expected (NAME DERIVATION [OUTPUT]) or (NAME FILE)"
                                             name entry)))))))
                inputs))

  (define build-inputs
    (map (match-lambda
           ((input-name (? derivation? drv) . rest)
            (cons input-name (derivation->output-path drv (input-output rest))))
           ((input-name (? derivation-path? file) . rest)
            (cons input-name (derivation-path->output-path file (input-output rest))))
           ((input-name file . _) (cons input-name file)))
         inputs))

  (define body
    ;; EXP without its module forms, which the prologue has.
    (match exp
      ((_ ...) (remove module-form? exp))
      (_ exp)))

  (define text
    (call-with-output-string
      (lambda (port)
        (write `(begin
                  ,@(match exp
                      ((_ ...) (filter module-form? exp))
                      (_ '()))
                  (define %output (getenv "out"))
                  (define %outputs
                    (map (lambda (output) (cons output (getenv output)))
                         ',outputs))
                  (define %build-inputs ',build-inputs))
               port)
        (write `(exit ,body) port))))

  (define-values (guile-file guile-inputs) (guile-program guile))
  (let* ((builder (add-text-to-store store (string-append name "-guile-builder")
                                     text input-sources))
         (mod+go (if (null? modules)
                     #f
                     (run-with-store store
                       (mlet %store-monad ((dir (imported-modules modules))
                                           (go (compiled-modules modules)))
                         (return (cons dir go)))
                       #:system system))))
    (derivation store name guile-file
                `("--no-auto-compile"
                  ,@(match mod+go
                      (#f '())
                      ((dir . go) (list "-L" dir "-C" (derivation->output-path go))))
                  ,builder)
                #:system system
                #:inputs (append guile-inputs input-derivations
                                 (match mod+go
                                   (#f '())
                                   ((_ . go) (list (derivation-input go)))))
                #:sources (append (list builder) input-sources
                                  (match mod+go
                                    (#f '())
                                    ((dir . _) (list dir))))
                #:outputs outputs
                #:env-vars env-vars
                #:hash hash #:hash-algo (or hash-algo 'sha256)
                #:recursive? recursive?
                #:references-graphs references-graphs
                #:allowed-references allowed-references
                #:disallowed-references disallowed-references
                #:local-build? local-build?
                #:substitutable? substitutable?
                #:properties properties)))
