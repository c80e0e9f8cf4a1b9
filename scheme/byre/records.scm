;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre records): records whose instances read as configuration.
;;;
;;; `define-record-type*' defines an ordinary Guile record type plus a
;;; "syntactic constructor" that takes its fields by name, in any order:
;;;
;;;   (define-record-type* <mount> mount make-mount mount? this-mount
;;;     (source      mount-source)
;;;     (target      mount-target (default "/mnt"))
;;;     (options     mount-options (thunked)
;;;                  (default (if (string=? (mount-target this-mount) "/")
;;;                               "ro" "rw")))
;;;     (location    mount-location (innate)
;;;                  (default (current-source-location))))
;;;
;;;   (mount (source "/dev/sda1"))
;;;   (mount (inherit m) (target "/"))
;;;
;;; Unknown, duplicate and missing fields are caught when the form is
;;; expanded, so the user sees file:line:column before anything runs.

(define-module (byre records)
  #:use-module (srfi srfi-1)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:use-module ((byre utils) #:select (string-closest))
  #:export (define-record-type*
            this-record
            match-record
            record-field-accessor

            ;; Internal, but exported: the code `define-record-type*'
            ;; generates calls them, and guild would warn that they are
            ;; unused otherwise.
            %register-record-accessors!
            %expand-record-construction))

;;; Commentary:
;;;
;;; How it works.  For each field the record stores a "raw" value: the value
;;; itself for a plain field, a one-argument procedure for a thunked field
;;; (called with the record, so that it can refer to the record's other
;;; fields through `this-record'), or a promise for a delayed field.  Public
;;; accessors turn the raw value into the field's value.  `inherit' copies
;;; raw values, so an inherited thunked field is computed again against the
;;; new record, which is what makes `(file-system (inherit fs) …)' behave.
;;;
;;; The syntactic constructor is a macro generated per record type; it hands
;;; a description of the fields to `%expand-record-construction', which does
;;; the checking and writes the constructor call.
;;;
;;; Code:

(define-syntax-parameter this-record
  (lambda (s)
    "Within the value or the default of a thunked field, the record being
accessed.  Anywhere else, a syntax error."
    (syntax-violation 'this-record
                      "used outside of a thunked field" s)))


;;;
;;; Expansion-time helpers.
;;;

;; A field specification, parsed from `(name accessor property ...)':
;; NAME and ACCESSOR are identifiers, RAW-ACCESSOR the identifier of the
;; accessor of the stored value, KIND one of 'plain, 'thunked or 'delayed,
;; DEFAULT and SANITIZER syntax or #f.  Procedural records rather than
;; SRFI-9's, whose inlined accessors leave unused top-level procedures.
(define <field-spec>
  (make-record-type '<field-spec>
                    '(name accessor raw-accessor kind innate? default
                           sanitizer)))
(define make-field-spec (record-constructor <field-spec>))
(define field-spec-name (record-accessor <field-spec> 'name))
(define field-spec-accessor (record-accessor <field-spec> 'accessor))
(define field-spec-raw-accessor (record-accessor <field-spec> 'raw-accessor))
(define field-spec-kind (record-accessor <field-spec> 'kind))
(define field-spec-innate? (record-accessor <field-spec> 'innate?))
(define field-spec-default (record-accessor <field-spec> 'default))
(define field-spec-sanitizer (record-accessor <field-spec> 'sanitizer))

(define (parse-field-spec form spec)
  "Parse SPEC, the syntax of one field of the `define-record-type*' FORM,
and return a <field-spec>.  Raise a syntax violation on a malformed SPEC."
  (define (bad message subform)
    (syntax-violation 'define-record-type* message form subform))

  (syntax-case spec ()
    ((name accessor property ...)
     (and (identifier? #'name) (identifier? #'accessor))
     (let loop ((properties #'(property ...))
                (kind 'plain) (innate? #f) (default-value #f) (sanitizer #f))
       (syntax-case properties (thunked delayed innate default sanitize)
         (()
          (make-field-spec #'name #'accessor
                           (if (eq? kind 'plain)
                               #'accessor
                               (car (generate-temporaries #'(accessor))))
                           kind innate? default-value sanitizer))
         (((thunked) rest ...)
          (if (eq? kind 'delayed)
              (bad "a field cannot be both thunked and delayed" spec)
              (loop #'(rest ...) 'thunked innate? default-value sanitizer)))
         (((delayed) rest ...)
          (if (eq? kind 'thunked)
              (bad "a field cannot be both thunked and delayed" spec)
              (loop #'(rest ...) 'delayed innate? default-value sanitizer)))
         (((innate) rest ...)
          (loop #'(rest ...) kind #t default-value sanitizer))
         (((default expression) rest ...)
          (if default-value
              (bad "more than one default for a field" spec)
              (loop #'(rest ...) kind innate? #'expression sanitizer)))
         (((sanitize procedure) rest ...)
          (loop #'(rest ...) kind innate? default-value #'procedure))
         ((other rest ...)
          (bad (format #f "unknown field property '~a'"
                       (syntax->datum #'other))
               #'other)))))
    (_
     (bad "a field reads (NAME ACCESSOR PROPERTY ...)" spec))))

(define (field-spec->syntax spec)
  "Return SPEC as plain syntax, to be quoted into a syntactic constructor."
  (with-syntax ((name (field-spec-name spec))
                (raw (field-spec-raw-accessor spec))
                (kind (datum->syntax #'here (field-spec-kind spec)))
                (innate? (datum->syntax #'here (field-spec-innate? spec)))
                (has-default? (datum->syntax #'here
                                             (and (field-spec-default spec)
                                                  #t)))
                (default (or (field-spec-default spec) #'#f))
                (sanitizer (or (field-spec-sanitizer spec) #'#f)))
    #'(name raw kind innate? has-default? default sanitizer)))

(define (field-spec->accessor-definition spec)
  "Return the definition of SPEC's public accessor when it differs from the
accessor of the stored value, or #f."
  (with-syntax ((accessor (field-spec-accessor spec))
                (raw (field-spec-raw-accessor spec)))
    (match (field-spec-kind spec)
      ('plain #f)
      ('thunked
       #'(define (accessor record)
           ;; The raw value is a procedure of the record: see Commentary.
           ((raw record) record)))
      ('delayed
       #'(define (accessor record)
           (force (raw record)))))))

(define (closest-field symbol fields)
  "Return the field of FIELDS, symbols, closest to SYMBOL when it is close
enough to be a misspelling of it, or #f."
  (and=> (string-closest (symbol->string symbol) (map symbol->string fields))
         string->symbol))

(define (%expand-record-construction form description)
  "Expand FORM, a use of a syntactic constructor, for the record type that
DESCRIPTION, syntax written by `define-record-type*', describes.  Return
the syntax of a call to the record's raw constructor.  Raise a syntax
violation naming the field for unknown, duplicate or missing fields."
  (syntax-case description ()
    ((type-name constructor predicate (this-identifier ...)
                ((field raw kind innate? has-default? default sanitizer)
                 ...))
     (let* ((who (syntax->datum #'type-name))
            (fields (syntax->datum #'(field ...)))
            (specs #'((field raw kind innate? has-default? default sanitizer)
                      ...)))
       (define (violation message subform)
         (syntax-violation who message form subform))

       ;; Split FORM's clauses into the inherited record and the field
       ;; values, checking names as we go.
       (define-values (base given)
         (syntax-case form ()
           ((_ clause ...)
            (let loop ((clauses #'(clause ...)) (base #f) (given '()))
              (syntax-case clauses (inherit)
                (()
                 (values base (reverse given)))
                (((inherit expression) rest ...)
                 (if base
                     (violation "more than one 'inherit'" (car clauses))
                     (loop #'(rest ...) #'expression given)))
                (((name expression) rest ...)
                 (identifier? #'name)
                 (let ((symbol (syntax->datum #'name)))
                   (cond ((not (memq symbol fields))
                          (violation (match (closest-field symbol fields)
                                       (#f (format #f "unknown field '~a'"
                                                   symbol))
                                       (closest
                                        (format #f "unknown field '~a' (did \
you mean '~a'?)" symbol closest)))
                                     (car clauses)))
                         ((assq symbol given)
                          (violation (format #f "duplicate field '~a'" symbol)
                                     (car clauses)))
                         (else
                          (loop #'(rest ...) base
                                (cons (cons symbol #'expression) given))))))
                ((name rest ...)
                 ;; `(mount source)' is `(mount (source source))'.
                 (identifier? #'name)
                 (loop #'((name name) rest ...) base given))
                ((other rest ...)
                 (violation "a field value reads (FIELD VALUE)"
                            #'other)))))))

       (define missing
         (filter-map (lambda (spec)
                       (syntax-case spec ()
                         ((name raw kind innate? has-default? _ ...)
                          (let ((symbol (syntax->datum #'name)))
                            (and (not (assq symbol given))
                                 (not (syntax->datum #'has-default?))
                                 (or (not base)
                                     (syntax->datum #'innate?))
                                 symbol)))))
                     specs))

       (define (wrap spec value)
         ;; Turn VALUE, an expression, into the field's raw value.
         (syntax-case spec ()
           ((name raw kind innate? has-default? default sanitizer)
            (with-syntax ((value (if (syntax->datum #'sanitizer)
                                     #`(sanitizer #,value)
                                     value)))
              (match (syntax->datum #'kind)
                ('plain #'value)
                ('delayed #'(delay value))
                ('thunked
                 #`(lambda (record)
                     (syntax-parameterize
                         ((this-record (identifier-syntax record))
                          #,@(map (lambda (id)
                                    #`(#,id (identifier-syntax record)))
                                  #'(this-identifier ...)))
                       value))))))))

       (define (field-value spec base-variable)
         (syntax-case spec ()
           ((name raw kind innate? has-default? default sanitizer)
            (let ((symbol (syntax->datum #'name)))
              (cond ((assq symbol given)
                     => (lambda (pair) (wrap spec (cdr pair))))
                    ((and base-variable (not (syntax->datum #'innate?)))
                     ;; Copy the raw value: see Commentary.
                     #`(raw #,base-variable))
                    (else
                     (wrap spec #'default)))))))

       (unless (null? missing)
         (violation (format #f "missing field~a ~{'~a'~^, ~}"
                            (if (null? (cdr missing)) "" "s")
                            missing)
                    #f))

       (if base
           (with-syntax ((base base))
             #`(let ((inherited base))
                 (unless (predicate inherited)
                   (throw 'wrong-type-arg 'type-name
                          "inherit: not a ~a record: ~s"
                          (list 'type-name inherited) (list inherited)))
                 (constructor
                  #,@(map (lambda (spec) (field-value spec #'inherited))
                          specs))))
           #`(constructor
              #,@(map (lambda (spec) (field-value spec #f)) specs)))))))


;;;
;;; Run-time registry, for `match-record'.
;;;

;; Record type -> alist of field name and public accessor.  Weak keys: a
;; record type that is no longer reachable takes its entry with it.
(define %accessors (make-weak-key-hash-table))

(define (%register-record-accessors! type alist)
  "Record that the public accessors of record TYPE are those of ALIST, a
list of field-name/procedure pairs.  Called by `define-record-type*'."
  (hashq-set! %accessors type alist))

(define (record-field-accessor type field)
  "Return the public accessor of FIELD, a symbol, of TYPE, a record type
defined with `define-record-type*'.  A thunked or delayed field's accessor
returns its computed value.  Raise an error if TYPE has no FIELD."
  (match (hashq-ref %accessors type)
    (#f
     (throw 'wrong-type-arg 'record-field-accessor
            "not a record type from define-record-type*: ~s"
            (list type) (list type)))
    (alist
     (match (assq field alist)
       ((_ . accessor) accessor)
       (#f
        (throw 'misc-error 'record-field-accessor
               "record type ~a has no field '~a'"
               (list (record-type-name type) field) #f))))))


;;;
;;; The macros.
;;;

(define-syntax define-record-type*
  (lambda (s)
    "Define a record type and its syntactic constructor:

  (define-record-type* TYPE NAME CONSTRUCTOR PREDICATE [THIS-IDENTIFIER]
    (FIELD ACCESSOR PROPERTY ...) ...)

TYPE is bound to the record type, CONSTRUCTOR to a procedure taking every
field's raw value in order, PREDICATE to the type predicate, each ACCESSOR
to a procedure returning that field's value, and NAME to a macro taking
fields by name: (NAME (FIELD VALUE) ...), optionally starting with
(inherit RECORD).  THIS-IDENTIFIER, like `this-record', refers to the
record in the value of a thunked field.  A PROPERTY is one of (default
EXPRESSION), (thunked), (delayed), (innate) (not copied by inherit) and
(sanitize PROCEDURE) (applied to each value given or defaulted)."
    (syntax-case s ()
      ((_ type name constructor predicate this-identifier field-spec ...)
       (identifier? #'this-identifier)
       (expand-definition s #'type #'name #'constructor #'predicate
                          (list #'this-identifier) #'(field-spec ...)))
      ((_ type name constructor predicate field-spec ...)
       (expand-definition s #'type #'name #'constructor #'predicate
                          '() #'(field-spec ...))))))

(define (expand-definition form type name constructor predicate
                           this-identifiers field-specs)
  "Return the expansion of FORM, a `define-record-type*' whose parts are
TYPE, NAME, CONSTRUCTOR, PREDICATE, THIS-IDENTIFIERS (a list of zero or
one identifier) and FIELD-SPECS."
  (let* ((specs (map (lambda (spec) (parse-field-spec form spec))
                     (syntax->list field-specs)))
         (names (map (compose syntax->datum field-spec-name) specs)))
    (match (find-duplicate names)
      (#f #t)
      (duplicate
       (syntax-violation 'define-record-type*
                         (format #f "duplicate field '~a'" duplicate)
                         form)))
    (with-syntax ((type type)
                  (name name)
                  (constructor constructor)
                  (predicate predicate)
                  ((this-identifier ...) this-identifiers)
                  ((field ...) (map field-spec-name specs))
                  ((raw ...) (map field-spec-raw-accessor specs))
                  ((accessor ...) (map field-spec-accessor specs))
                  ((accessor-definition ...)
                   (filter-map field-spec->accessor-definition specs))
                  ((description ...) (map field-spec->syntax specs)))
      #'(begin
          ;; Procedural records rather than SRFI-9's: its inlined accessors
          ;; leave behind unused top-level procedures that guild warns of.
          (define type (make-record-type 'type '(field ...)))
          (define constructor (record-constructor type))
          (define predicate (record-predicate type))
          (define raw (record-accessor type 'field))
          ...

          accessor-definition ...

          (define-syntax-parameter this-identifier
            (lambda (s)
              (syntax-violation 'this-identifier
                                "used outside of a thunked field" s)))
          ...

          (%register-record-accessors! type
                                       (list (cons 'field accessor) ...))

          (define-syntax name
            (lambda (s)
              (%expand-record-construction
               s
               ;; Escape the ellipses a default expression might hold.
               (syntax ((... ...)
                        (name constructor predicate (this-identifier ...)
                              (description ...)))))))))))

(define (syntax->list s)
  "Return the list that syntax S stands for, or raise an error."
  (syntax-case s ()
    ((item ...) #'(item ...))))

(define (find-duplicate symbols)
  "Return the first symbol that appears twice in SYMBOLS, or #f."
  (let loop ((symbols symbols))
    (match symbols
      (() #f)
      ((head . tail)
       (if (memq head tail) head (loop tail))))))

(define-syntax match-record
  (lambda (s)
    "Bind fields of RECORD, of TYPE, and evaluate BODY:

  (match-record RECORD TYPE (FIELD (FIELD VARIABLE) ...) BODY ...)

A bare FIELD is bound to a variable of the same name.  Thunked and delayed
fields are bound to their computed values.  Raise an error if RECORD is not
of TYPE or TYPE has no such FIELD."
    (syntax-case s ()
      ((_ record type (binding ...) body0 body ...)
       (with-syntax ((((variable field) ...)
                      (map (lambda (binding)
                             (syntax-case binding ()
                               (field
                                (identifier? #'field)
                                #'(field field))
                               ((field variable)
                                (and (identifier? #'field)
                                     (identifier? #'variable))
                                #'(variable field))
                               (_
                                (syntax-violation
                                 'match-record
                                 "a binding reads FIELD or (FIELD VARIABLE)"
                                 s binding))))
                           #'(binding ...))))
         #'(let ((value record) (rtd type))
             (unless (and (struct? value)
                          (eq? (struct-vtable value) rtd))
               (throw 'wrong-type-arg 'match-record
                      "not a ~a record: ~s"
                      (list (record-type-name rtd) value) (list value)))
             (let ((variable ((record-field-accessor rtd 'field) value))
                   ...)
               body0 body ...)))))))

;;; records.scm ends here
