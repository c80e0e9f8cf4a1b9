;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre monads): monads as Guix users write them, and the store monad.
;;;
;;;   (define (two-files)
;;;     (mlet* %store-monad ((a (text-file "a" "hello"))
;;;                          (b (text-file "b" a (list a))))
;;;       (return (list a b))))
;;;
;;;   (run-with-store (open-connection) (two-files))
;;;
;;; A monad is a pair of procedures, BIND and RETURN.  `>>=' and `return'
;;; are syntax parameters: they mean the bind and return of whichever monad
;;; the innermost `with-monad' (or `mlet', `mbegin', ...) names, and are a
;;; syntax error anywhere else.

(define-module (byre monads)
  #:use-module (ice-9 match)
  #:use-module ((byre utils) #:select (%current-system %current-target-system))
  #:use-module ((system syntax) #:select (syntax-local-binding))
  ;; (byre store) loads the store extension; procedures that do not touch
  ;; the store must work without it.
  #:autoload (byre store) (add-text-to-store add-to-store
                                   references query-path-info)
  #:export (;; Monads.
            define-monad
            monad?
            monad-name
            monad-bind
            monad-return

            ;; Syntax.
            >>=
            return
            %current-monad
            with-monad
            mlet
            mlet*
            mbegin
            mwhen
            munless
            lift0 lift1 lift2 lift
            listm
            foldm
            mapm
            sequence
            anym

            ;; The identity monad.
            %identity-monad
            identity-return
            identity-bind

            ;; The state monad.
            %state-monad
            state-return
            state-bind
            current-state
            set-current-state
            state-push
            state-pop
            run-with-state

            ;; The store monad.
            %store-monad
            store-return
            store-bind
            store-lift
            run-with-store
            text-file
            interned-file
            references*
            query-path-info*
            store-lower
            current-system
            set-current-system
            current-target-system
            set-current-target

            ;; What `run-with-store' binds for the duration of a run.
            %guile-for-build)
  #:re-export (%current-system
               %current-target-system))

;;; Commentary:
;;;
;;; A monad is a <monad> record in an ordinary variable.  `define-monad' also
;;; records, for the expander, the syntax of its bind and return procedures:
;;; `with-monad' given the monad's name (or a name that imports it) turns
;;; `>>=' into a direct call of the bind procedure, which the compiler can
;;; inline when it is a `define-inlinable' one, as the state monad's is, so
;;; that an `mlet*' costs no look-up of the record.  Given any other
;;; expression, `with-monad' takes the procedures from the record when the
;;; code runs.
;;;
;;; Code:


;;;
;;; Monads.
;;;

;; A procedural record type: SRFI-9's inlined accessors would leave unused
;; top-level procedures behind.
(define <monad>
  (make-record-type '<monad> '(name bind return)
                    (lambda (monad port)
                      (format port "#<monad ~a>" (monad-name monad)))))

(define make-monad (record-constructor <monad>))

(define (monad? obj)
  "Return true if OBJ is a monad."
  ((record-predicate <monad>) obj))

(define (monad-name monad)
  "Return the name of MONAD, a symbol."
  ((record-accessor <monad> 'name) monad))

(define (monad-bind monad)
  "Return the bind procedure of MONAD: it takes a monadic value and a
procedure that returns one."
  ((record-accessor <monad> 'bind) monad))

(define (monad-return monad)
  "Return the return procedure of MONAD: it takes a value and returns it as
a monadic value."
  ((record-accessor <monad> 'return) monad))

(define-syntax-parameter >>=
  (lambda (s)
    "Within `with-monad', (>>= MVAL MPROC ...) binds MVAL to each MPROC in
turn, from the left, with the monad's bind procedure.  Elsewhere, a syntax
error."
    (syntax-violation '>>= "'>>=' (bind) used outside of 'with-monad'" s)))

(define-syntax-parameter return
  (lambda (s)
    "Within `with-monad', (return VALUE) is VALUE as a monadic value of the
monad.  Elsewhere, a syntax error."
    (syntax-violation 'return "'return' used outside of 'with-monad'" s)))

(define-syntax-parameter %current-monad
  (lambda (s)
    "Within `with-monad', the monad it names.  Elsewhere, a syntax error."
    (syntax-violation '%current-monad
                      "'%current-monad' used outside of 'with-monad'" s)))

(eval-when (expand load eval)
  ;; The bind and return syntax of each monad that `define-monad' defined,
  ;; by its variable once that exists (weak keys: a monad redefined at the
  ;; REPL drops its entry), and by (MODULE-NAME . NAME) for the module
  ;; being compiled, whose variables do not exist yet.
  (define %operations-by-variable (make-weak-key-hash-table))
  (define %operations-by-name (make-hash-table))

  (define (register-monad-operations! name bind return)
    "Record BIND and RETURN, syntax, as the operations of the monad NAME,
a symbol bound in the current module."
    (let* ((module (current-module))
           (variable (module-local-variable module name)))
      (hash-set! %operations-by-name (cons (module-name module) name)
                 (list bind return))
      (when variable
        (hashq-set! %operations-by-variable variable (list bind return)))))

  (define (inlinable-operations monad)
    "Return the list (BIND RETURN) of syntax objects when the identifier
MONAD names a monad defined by `define-monad', else #f."
    (and (identifier? monad)
         (call-with-values (lambda () (syntax-local-binding monad))
           (lambda (type value)
             (and (eq? type 'global)
                  (match value
                    ((name . module-name)
                     (let ((variable (module-variable
                                      (resolve-module module-name) name)))
                       (or (and variable
                                (hashq-ref %operations-by-variable
                                           variable))
                           (hash-ref %operations-by-name
                                     (cons module-name name)))))))))))

  (define (monad-clause clauses keyword form)
    "Return the expression of the clause (KEYWORD EXP) among CLAUSES, syntax
of the `define-monad' FORM; a syntax error when it is missing."
    (let loop ((clauses clauses))
      (syntax-case clauses ()
        (()
         (syntax-violation 'define-monad
                           (format #f "missing '~a' clause" keyword)
                           form))
        (((name exp) rest ...)
         (if (eq? (syntax->datum #'name) keyword)
             #'exp
             (loop #'(rest ...))))))))

(define-syntax bind-syntax
  (syntax-rules ()
    "Return a transformer for `>>=' in terms of BIND, a two-argument bind
procedure: (>>= M F G ...) is (BIND (BIND M F) G) ..."
    ((_ bind)
     (lambda (s)
       (syntax-case s ()
         (id (identifier? #'id) #'bind)
         ((_ mvalue mproc mprocs (... ...))
          (let loop ((result #'(bind mvalue mproc))
                     (mprocs #'(mprocs (... ...))))
            (syntax-case mprocs ()
              (() result)
              ((mproc rest (... ...))
               (loop #`(bind #,result mproc) #'(rest (... ...))))))))))))

(define-syntax define-monad
  (lambda (s)
    "Define NAME as the monad whose bind and return procedures are given by
the clauses (bind PROC) and (return PROC).  `with-monad' and the forms built
on it inline them where they name NAME itself."
    (syntax-case s ()
      ((_ name clause ...)
       (identifier? #'name)
       (let ((clauses #'(clause ...)))
         (for-each (lambda (clause)
                     (syntax-case clause ()
                       ((keyword exp)
                        (memq (syntax->datum #'keyword) '(bind return))
                        #t)
                       (_ (syntax-violation 'define-monad
                                            "unknown clause, expected \
(bind PROC) or (return PROC)" s clause))))
                   clauses)
         (unless (= 2 (length clauses))
           (syntax-violation 'define-monad
                             "expected one 'bind' and one 'return' clause"
                             s))
         (define (operation keyword)
           ;; An identifier (typically a `define-inlinable' procedure) is
           ;; inlined as it is; any other expression is evaluated once,
           ;; into a variable of its own.
           (let ((exp (monad-clause clauses keyword s)))
             (if (identifier? exp)
                 (list exp '())
                 (with-syntax ((exp exp)
                               ((var) (generate-temporaries (list keyword))))
                   (list #'var (list #'(define var exp)))))))
         (with-syntax (((bind (bind-definition ...)) (operation 'bind))
                       ((return (return-definition ...)) (operation 'return)))
           #'(begin
               bind-definition ...
               return-definition ...
               (define name
                 (make-monad 'name bind return))
               (eval-when (expand load eval)
                 (register-monad-operations! 'name #'bind #'return)))))))))

(define-syntax with-monad
  (lambda (s)
    "Evaluate BODY with `>>=', `return' and `%current-monad' meaning
MONAD's bind, return and MONAD itself."
    (syntax-case s ()
      ((_ monad body ...)
       (and (identifier? #'monad)
            (free-identifier=? #'monad #'%current-monad))
       ;; Already inside a `with-monad' of this monad.
       #'(let () body ...))
      ((_ monad body ...)
       (inlinable-operations #'monad)
       (with-syntax (((bind return*) (inlinable-operations #'monad)))
         #'(syntax-parameterize ((>>= (bind-syntax bind))
                                 (return (identifier-syntax return*))
                                 (%current-monad (identifier-syntax monad)))
             body ...)))
      ((_ monad body ...)
       ;; MONAD is computed: evaluate it once, take its procedures from it
       ;; at run time.
       #'(let* ((m monad)
                (bind (monad-bind m))
                (return* (monad-return m)))
           (syntax-parameterize ((>>= (bind-syntax bind))
                                 (return (identifier-syntax return*))
                                 (%current-monad (identifier-syntax m)))
             body ...))))))

(define-syntax mlet*
  (lambda (s)
    "Bind each VAR to the value of the monadic value MVAL in MONAD, in turn,
each MVAL seeing the VARs before it; (VAR -> VAL) binds VAR to the plain
value VAL.  Then evaluate BODY, which must return a monadic value."
    (syntax-case s (->)
      ((_ monad bindings body ...)
       (not (identifier? #'monad))
       ;; Evaluate the monad expression once, not once a binding.
       #'(let ((m monad))
           (mlet* m bindings body ...)))
      ((_ monad () body ...)
       #'(with-monad monad body ...))
      ((_ monad ((var -> val) rest ...) body ...)
       (identifier? #'var)
       #'(let ((var val))
           (mlet* monad (rest ...) body ...)))
      ((_ monad ((var mval) rest ...) body ...)
       (identifier? #'var)
       #'(with-monad monad
           (>>= mval
                (lambda (var)
                  (mlet* monad (rest ...) body ...)))))
      ((_ monad (binding rest ...) body ...)
       (syntax-violation 'mlet* "invalid binding, expected (VAR MVAL) \
or (VAR -> VAL)" s #'binding)))))

(define-syntax mlet
  (lambda (s)
    "Like `mlet*', but no MVAL sees the VARs: they are bound for BODY
only."
    (syntax-case s ()
      ((_ monad ((var . rhs) ...) body ...)
       (with-syntax (((temp ...) (generate-temporaries #'(var ...))))
         #'(mlet* monad ((temp . rhs) ...)
             (let ((var temp) ...)
               body ...)))))))

(define-syntax mbegin
  (syntax-rules ()
    "Bind the monadic expressions MEXP in turn in MONAD, discarding their
values but the last, which is that of the whole."
    ((_ monad mexp)
     (with-monad monad mexp))
    ((_ monad mexp rest ...)
     (with-monad monad
       (>>= mexp
            (lambda (_)
              (mbegin %current-monad rest ...)))))))

(define-syntax mwhen
  (syntax-rules ()
    "When CONDITION is true, bind the monadic expressions MEXP0 MEXP ... in
turn, as `mbegin' does, in the current monad; otherwise return an
unspecified value in it."
    ((_ condition mexp0 mexp ...)
     (if condition
         (mbegin %current-monad mexp0 mexp ...)
         (return *unspecified*)))))

(define-syntax munless
  (syntax-rules ()
    "When CONDITION is false, bind the monadic expressions MEXP0 MEXP ... in
turn, as `mbegin' does, in the current monad; otherwise return an
unspecified value in it."
    ((_ condition mexp0 mexp ...)
     (if condition
         (return *unspecified*)
         (mbegin %current-monad mexp0 mexp ...)))))

(define-syntax listm
  (lambda (s)
    "Return, in MONAD, the list of the values of the monadic values MVAL,
bound from left to right."
    (syntax-case s ()
      ((_ monad mval ...)
       (with-syntax (((value ...) (generate-temporaries #'(mval ...))))
         #'(mlet monad ((value mval) ...)
             (return (list value ...))))))))


;;;
;;; Monadic procedures that work in any monad.
;;;

(define (lift nargs proc monad)
  "Lift PROC, a procedure of NARGS arguments, to MONAD: return a procedure
of NARGS arguments that returns PROC's result as a monadic value."
  (let ((return (monad-return monad)))
    (lambda args
      (unless (= (length args) nargs)
        (scm-error 'wrong-number-of-args "lift"
                   "Wrong number of arguments: expected ~a, got ~a"
                   (list nargs (length args)) #f))
      (return (apply proc args)))))

(define (lift0 proc monad)
  "Lift PROC, a thunk, to MONAD: return a thunk that returns PROC's result
as a monadic value."
  (let ((return (monad-return monad)))
    (lambda ()
      (return (proc)))))

(define (lift1 proc monad)
  "Lift PROC, a one-argument procedure, to MONAD."
  (let ((return (monad-return monad)))
    (lambda (a)
      (return (proc a)))))

(define (lift2 proc monad)
  "Lift PROC, a two-argument procedure, to MONAD."
  (let ((return (monad-return monad)))
    (lambda (a b)
      (return (proc a b)))))

(define (foldm monad mproc init lst)
  "Fold MPROC over LST from the left, starting from INIT: MPROC is called
as (MPROC ELEMENT RESULT) and returns the next result as a monadic value in
MONAD.  Return the final result as a monadic value."
  (with-monad monad
    (let loop ((lst lst)
               (result init))
      (match lst
        (() (return result))
        ((head . tail)
         (>>= (mproc head result)
              (lambda (result)
                (loop tail result))))))))

(define (mapm monad mproc lst)
  "Map MPROC, a procedure that returns a monadic value in MONAD, over LST,
in order; return the list of the results as a monadic value."
  (with-monad monad
    (>>= (foldm monad
                (lambda (item result)
                  (>>= (mproc item)
                       (lambda (value)
                         (return (cons value result)))))
                '()
                lst)
         (lambda (result)
           (return (reverse result))))))

(define (sequence monad lst)
  "Bind each monadic value of LST in MONAD, in order; return the list of
their values as a monadic value."
  (mapm monad identity lst))

(define (anym monad mproc lst)
  "Apply MPROC, a procedure that returns a monadic value in MONAD, to the
elements of LST in order until one yields a true value; return that value,
or #f if none does, as a monadic value.  Elements after it are not seen."
  (with-monad monad
    (let loop ((lst lst))
      (match lst
        (() (return #f))
        ((head . tail)
         (>>= (mproc head)
              (lambda (result)
                (if result
                    (return result)
                    (loop tail)))))))))


;;;
;;; The identity monad: a monadic value is the value itself.
;;;

(define-inlinable (identity-return value)
  "Return VALUE, unchanged: the return of the identity monad."
  value)

(define-inlinable (identity-bind mvalue mproc)
  "Return (MPROC MVALUE): the bind of the identity monad."
  (mproc mvalue))

(define-monad %identity-monad
  (bind identity-bind)
  (return identity-return))


;;;
;;; The state monad: a monadic value is a procedure of the current state
;;; that returns two values, its value and the new state.
;;;

(define (not-monadic who value)
  ;; A plain value where a state-monad value belongs is the usual mistake
  ;; (a missing `return'); Guile alone would say "Wrong type to apply"
  ;; somewhere inside the bind, naming neither.
  (scm-error 'wrong-type-arg who
             "Wrong type argument: ~s is not a monadic value of the state \
or store monad (a procedure of the state); is a 'return' missing?"
             (list value) (list value)))

(define-inlinable (state-return value)
  "Return VALUE as a value in the state monad: the state is unchanged."
  (lambda (state)
    (values value state)))

(define-inlinable (state-bind mvalue mproc)
  "Return the state-monad value that runs MVALUE, passes its value to
MPROC, and runs the monadic value MPROC returns with the resulting state."
  (begin
    (unless (procedure? mvalue)
      (not-monadic "state-bind" mvalue))
    (lambda (state)
      (call-with-values (lambda () (mvalue state))
        (lambda (value state)
          (let ((next (mproc value)))
            (if (procedure? next)
                (next state)
                (not-monadic "state-bind" next))))))))

(define-monad %state-monad
  (bind state-bind)
  (return state-return))

(define (current-state)
  "Return the current state as a monadic value."
  (lambda (state)
    (values state state)))

(define (set-current-state value)
  "Make VALUE the current state; return the previous state as a monadic
value."
  (lambda (state)
    (values state value)))

(define (state-push value)
  "Push VALUE onto the current state, a list; return the previous state as
a monadic value."
  (lambda (state)
    (values state (cons value state))))

(define (state-pop)
  "Pop the first element of the current state, a list, and return it as a
monadic value."
  (lambda (state)
    (match state
      ((head . tail)
       (values head tail))
      (_
       (scm-error 'wrong-type-arg "state-pop"
                  "Cannot pop from state ~s: not a non-empty list"
                  (list state) (list state))))))

(define* (run-with-state mval #:optional (state '()))
  "Run MVAL, a value in the state monad, from the initial STATE.  Return two
values: MVAL's value and the final state."
  (unless (procedure? mval)
    (not-monadic "run-with-state" mval))
  (mval state))


;;;
;;; The store monad: the state monad whose state is a store connection.
;;;

(define-inlinable (store-return value)
  "Return VALUE as a value in the store monad."
  (state-return value))

(define-inlinable (store-bind mvalue mproc)
  "Bind MVALUE, a value in the store monad, to MPROC, as `state-bind'."
  (state-bind mvalue mproc))

;; A monad of its own, so that it prints as the store monad, but its values
;; are state-monad values: the two mix freely (`state-push' in an `mlet*'
;; of the store monad pushes onto... the store, and `run-with-state' runs a
;; store-monad value given a store).
(define-monad %store-monad
  (bind store-bind)
  (return store-return))

(define (store-lift proc)
  "Lift PROC, a procedure whose first argument is a store connection, to the
store monad: return a procedure of PROC's other arguments that returns PROC's
result as a monadic value."
  (lambda args
    (lambda (store)
      (values (apply proc store args) store))))

;; %current-system and %current-target-system are those of (byre utils),
;; so that parameterizing the (guix utils) ones changes what a run sees.

(define %guile-for-build
  ;; The Guile that runs builders, or #f for the default.
  (make-parameter #f))

(define* (run-with-store store mval
                         #:key
                         (guile-for-build (%guile-for-build))
                         (system (%current-system))
                         (target #f))
  "Run MVAL, a value in the store monad, against STORE, an open store
connection, and return its value.  For the duration of the run,
%GUILE-FOR-BUILD is GUILE-FOR-BUILD, %CURRENT-SYSTEM is SYSTEM and
%CURRENT-TARGET-SYSTEM is TARGET."
  ;; MVAL may have been made where these parameters had other values; a run
  ;; sees only what it is given.
  (parameterize ((%guile-for-build guile-for-build)
                 (%current-system system)
                 (%current-target-system target))
    (call-with-values (lambda () (run-with-state mval store))
      (lambda (value store)
        value))))

(define (store-lower proc)
  "Return a procedure that takes a store connection and the arguments of
PROC, a procedure returning a value in the store monad, and returns that
value run against the store: (store-lower text-file) is a procedure of a
store, a name and a text."
  (lambda (store . arguments)
    (run-with-store store (apply proc arguments))))

(define (current-system)
  "Return, as a value in the store monad, the system of the current run
(`%current-system')."
  (lambda (store)
    (values (%current-system) store)))

(define (set-current-system system)
  "Make SYSTEM, a system name such as \"x86_64-linux\", the system of the
rest of the current run, as a value in the store monad; return the previous
one."
  (lambda (store)
    (let ((previous (%current-system)))
      (%current-system system)
      (values previous store))))

(define (current-target-system)
  "Return, as a value in the store monad, the target of the current run
(`%current-target-system', #f when not cross-building)."
  (lambda (store)
    (values (%current-target-system) store)))

(define (set-current-target target)
  "Make TARGET, a GNU triplet or #f, the target of the rest of the current
run, as a value in the store monad; return the previous one."
  (lambda (store)
    (let ((previous (%current-target-system)))
      (%current-target-system target)
      (values previous store))))

(define* (text-file name text #:optional (references '()))
  "Return, as a monadic value, the file name of the store item called NAME
that contains TEXT, a string.  REFERENCES is the list of store items the
text refers to."
  (lambda (store)
    (values (add-text-to-store store name text references)
            store)))

(define* (interned-file file #:optional name
                        #:key (recursive? #t) select?)
  "Return, as a monadic value, the file name of FILE once added to the
store under NAME, or under FILE's base name if NAME is omitted.  When
RECURSIVE? is true, FILE may be a directory, which is added with its
contents, and the executable bit of files is kept.  SELECT?, when given, is
called with each file name and its stat buffer and says which files to add;
by default all are."
  ;; #f rather than Guix's (const #t) as the default: given a procedure,
  ;; `add-to-store' copies the tree to filter it, which is wasted work when
  ;; everything is selected.
  (lambda (store)
    (values (add-to-store store (or name (basename file))
                          recursive? "sha256" file
                          #:select? select?)
            store)))

(define (references* item)
  "Return, as a monadic value, the list of the store items ITEM, a valid
store item, refers to (the store monad's `references')."
  (lambda (store)
    (values (references store item) store)))

(define (query-path-info* item)
  "Return, as a monadic value, the <path-info> of ITEM, a valid store item
(the store monad's `query-path-info')."
  (lambda (store)
    (values (query-path-info store item) store)))

;;; monads.scm ends here
