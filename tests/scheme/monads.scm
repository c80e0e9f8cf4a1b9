;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Tests of (byre monads), (byre monad-repl) and their (guix …) façades.

(use-modules (harness)
             (srfi srfi-64)
             (srfi srfi-1)
             (srfi srfi-9)
             (ice-9 match)
             (byre monads)
             (system base language))

;; The store tests, when (byre store) is there, use a store of their own.
(define %test-directory
  (let ((dir (string-append (or (getenv "TMPDIR") "/tmp")
                            "/byre-monads-test-" (number->string (getpid)))))
    (mkdir dir)
    dir))
(setenv "BYRE_STORE_DIR" (string-append %test-directory "/store"))
(setenv "BYRE_STATE_DIR" (string-append %test-directory "/state"))

(define (delete-tree dir)
  (when (file-exists? dir)
    (when (eq? 'directory (stat:type (lstat dir)))
      (chmod dir #o700)
      (for-each (lambda (name)
                  (unless (member name '("." ".."))
                    (delete-tree (string-append dir "/" name))))
                (scandir* dir)))
    (if (eq? 'directory (stat:type (lstat dir)))
        (rmdir dir)
        (delete-file dir))))

(define (scandir* dir)
  (let ((stream (opendir dir)))
    (let loop ((names '()))
      (let ((name (readdir stream)))
        (if (eof-object? name)
            (begin (closedir stream) names)
            (loop (cons name names)))))))

(define (run-state mval state)
  ;; Both results of a state-monad run, as a list, for `test-equal'.
  (call-with-values (lambda () (run-with-state mval state)) list))

(define (syntax-error? exp)
  ;; Whether expanding EXP in this module is a syntax error.
  (catch 'syntax-error
    (lambda () (eval exp (current-module)) #f)
    (lambda _ #t)))

;; A monad of our own: lists, for non-determinism.
(define (list-bind mvalue mproc)
  (append-map mproc mvalue))
(define-monad %list-monad
  (bind list-bind)
  (return list))

(test-begin "monads")


;;;
;;; The monad laws, for each monad, with its own notion of equality.
;;;

(define-syntax-rule (test-laws monad name equal-values? mvalue f g x)
  (begin
    (test-assert (string-append name ": left identity")
      (equal-values? (with-monad monad (>>= (return x) f))
                     (f x)))
    (test-assert (string-append name ": right identity")
      (equal-values? (with-monad monad (>>= mvalue return))
                     mvalue))
    (test-assert (string-append name ": associativity")
      (equal-values? (with-monad monad (>>= (>>= mvalue f) g))
                     (with-monad monad
                       (>>= mvalue (lambda (v) (>>= (f v) g))))))
    ;; The same laws when the monad is only known at run time.
    (test-assert (string-append name ": associativity, monad computed")
      (let ((m (identity monad)))
        (equal-values? (with-monad m (>>= (>>= mvalue f) g))
                       (with-monad m
                         (>>= mvalue (lambda (v) (>>= (f v) g)))))))))

(test-laws %identity-monad "identity" equal?
           7 (lambda (x) (* x 2)) (lambda (x) (+ x 1)) 5)

(test-laws %list-monad "list" equal?
           '(1 2 3)
           (lambda (x) (list x (* 10 x)))
           (lambda (x) (if (even? x) (list x) '()))
           4)

(define (same-state-run? a b)
  ;; State-monad values are procedures: compare what they do from a few
  ;; initial states.
  (every (lambda (state)
           (equal? (run-state a state) (run-state b state)))
         '(() (1) (a b c))))

(test-laws %state-monad "state" same-state-run?
           (with-monad %state-monad
             (>>= (state-push 'x) (lambda (previous)
                                    (return (length previous)))))
           (lambda (n) (state-push n))
           (lambda (previous) (with-monad %state-monad
                                (>>= (current-state)
                                     (lambda (now)
                                       (return (list previous now))))))
           42)

;; A stand-in for a store connection: store-monad values only pass it
;; along, and `store-lift' hands it to the procedures it lifts.
(define-record-type <mock-store>
  (make-mock-store log)
  mock-store?
  (log mock-store-log set-mock-store-log!))

(define (mock-add store name)
  (set-mock-store-log! store (cons name (mock-store-log store)))
  (string-append "/mock/" name))

(define mock-add* (store-lift mock-add))

(define (same-store-run? a b)
  (let ((store-a (make-mock-store '()))
        (store-b (make-mock-store '())))
    (and (equal? (run-with-store store-a a) (run-with-store store-b b))
         (equal? (mock-store-log store-a) (mock-store-log store-b)))))

(test-laws %store-monad "store" same-store-run?
           (mock-add* "a")
           (lambda (file) (mock-add* (string-append (basename file) "b")))
           (lambda (file) (with-monad %store-monad
                            (return (string-length file))))
           "x")


;;;
;;; Syntax.
;;;

(test-equal "mlet*: each binding sees the ones before, -> binds a value"
  '((3 4 7) (4))
  (run-state (mlet* %state-monad ((a (return 3))
                                  (b -> (+ a 1))
                                  (_ (state-push b))
                                  (c (return (+ a b))))
               (return (list a b c)))
             '()))

(test-equal "mlet: bindings do not see each other"
  '(1 10)
  (let ((a 10))
    (mlet %identity-monad ((a 1)
                           (b (return a)))
      (return (list a b)))))

(test-equal "mlet: -> bindings"
  '(2 3)
  (mlet %identity-monad ((a -> 2) (b 3))
    (return (list a b))))

(test-equal "mlet*: the monad expression is evaluated once"
  1
  (let ((count 0))
    (run-with-state
     (mlet* (begin (set! count (+ count 1)) %state-monad)
         ((a (return 1)) (b (return 2)) (c (return 3)))
       (return (+ a b c))))
    count))

(test-equal "mbegin: in order, the last value"
  '(last (2 1))
  (run-state (mbegin %state-monad
               (state-push 1)
               (state-push 2)
               (return 'last))
             '()))

(test-equal "mwhen, munless"
  '((unless when) (unless when))
  (run-state (mbegin %state-monad
               (mwhen #t (state-push 'when))
               (mwhen #f (state-push 'not-when))
               (munless #t (state-push 'not-unless))
               (munless #f (state-push 'unless) (current-state)))
             '()))

(test-equal ">>= takes several procedures, applied from the left"
  '(((1 . 2) . 3))
  (with-monad %list-monad
    (>>= (return 1)
         (lambda (x) (return (cons x 2)))
         (lambda (x) (return (cons x 3))))))

(test-equal ">>= and return as values"
  6
  (with-monad %identity-monad
    (apply >>= (list 3 (lambda (x) (return (* 2 x)))))))

(test-equal "with-monad: the innermost monad's return"
  '((inner) . outer)
  (with-monad %identity-monad
    (cons (with-monad %list-monad (return 'inner))
          (return 'outer))))

(test-equal "with-monad: %current-monad"
  (list %state-monad %list-monad %state-monad)
  (with-monad %state-monad
    (list %current-monad
          (with-monad %list-monad %current-monad)
          %current-monad)))

(test-assert "return outside with-monad: a syntax error"
  (syntax-error? '(return 1)))

(test-assert ">>= outside with-monad: a syntax error"
  (syntax-error? '(>>= 1 identity)))

(test-assert "mwhen outside with-monad: a syntax error"
  (syntax-error? '(mwhen #t 1)))

(test-assert "define-monad without return: a syntax error"
  (syntax-error? '(define-monad %broken (bind list-bind))))

(test-assert "define-monad with an unknown clause: a syntax error"
  (syntax-error? '(define-monad %broken
                    (bind list-bind) (return list) (join concatenate))))

(test-assert "mlet*: a malformed binding is a syntax error"
  (syntax-error? '(mlet* %identity-monad ((a 1 2)) (return a))))

(test-equal "define-monad: clauses that are expressions"
  '(#t %doubling 12)
  (begin
    (eval '(define-monad %doubling
             (bind (lambda (mvalue mproc) (mproc (* 2 mvalue))))
             (return (lambda (value) value)))
          (current-module))
    (let ((m (eval '%doubling (current-module))))
      (list (monad? m) (monad-name m)
            (eval '(mlet %doubling ((x 3)) (return (* 2 x)))
                  (current-module))))))

(test-assert "monad?, monad-bind, monad-return"
  (and (every monad? (list %identity-monad %state-monad %store-monad
                           %list-monad))
       (not (monad? 'nope))
       (eq? list-bind (monad-bind %list-monad))
       (eq? list (monad-return %list-monad))))


;;;
;;; Monadic procedures.
;;;

(test-equal "lift0, lift1, lift2, lift"
  '((zero) (2) ((a . b)) (6))
  (list ((lift0 (const 'zero) %list-monad))
        ((lift1 1+ %list-monad) 1)
        ((lift2 cons %list-monad) 'a 'b)
        ((lift 3 + %list-monad) 1 2 3)))

(test-assert "lift: the wrong number of arguments"
  (catch 'wrong-number-of-args
    (lambda () ((lift 2 + %identity-monad) 1) #f)
    (lambda _ #t)))

(test-equal "listm: left to right"
  '((0 () (x)) (y x))
  (run-state (listm %state-monad
                    (return 0)
                    (state-push 'x)
                    (state-push 'y))
             '()))

(test-equal "foldm"
  '(c b a)
  (run-with-state (foldm %state-monad (lift2 cons %state-monad)
                         '() '(a b c))))

(test-equal "foldm: long lists"
  (* 50000 99999)
  (run-with-state (foldm %state-monad (lift2 + %state-monad)
                         0 (iota 100000))))

(test-equal "mapm: in order"
  '((1 2 3) (2 1 0))
  (run-state (mapm %state-monad
                   (lambda (x)
                     (mbegin %state-monad
                       (state-push x)
                       (return (+ x 1))))
                   '(0 1 2))
             '()))

(test-equal "sequence"
  '((start () x) ())
  (run-state (sequence %state-monad
                       (list (state-pop)
                             (state-push 'x)
                             (state-pop)))
             '(start)))

(test-equal "anym: the first true value, the rest unseen"
  '(20 (2 1))
  (run-state (anym %state-monad
                   (lambda (x)
                     (mbegin %state-monad
                       (state-push x)
                       (return (and (> x 1) (* 10 x)))))
                   '(1 2 3))
             '()))

(test-equal "anym: #f when none"
  #f
  (anym %identity-monad (const #f) '(1 2 3)))

(test-equal "mapm, sequence, anym in the list monad"
  '(((1 2) (1 20) (10 2) (10 20))
    ((a c) (b c))
    (2))
  (list (mapm %list-monad (lambda (x) (list x (* 10 x))) '(1 2))
        (sequence %list-monad '((a b) (c)))
        (anym %list-monad (lambda (x) (list (and (> x 1) x))) '(1 2 3))))


;;;
;;; The state monad.
;;;

(test-equal "current-state, set-current-state"
  '((s0 s0 s1) s1)
  (run-state (mlet* %state-monad ((a (current-state))
                                  (b (set-current-state 's1))
                                  (c (current-state)))
               (return (list a b c)))
             's0))

(test-equal "state-push, state-pop"
  '(((b a) 2 1) (b a))
  (run-state (mlet* %state-monad ((before (state-push 1))
                                  (_ (state-push 2))
                                  (two (state-pop))
                                  (one (state-pop)))
               (return (list before two one)))
             '(b a)))

(test-equal "run-with-state: the empty list by default"
  '(() ())
  (call-with-values (lambda () (run-with-state (current-state))) list))

(test-assert "state-pop of an empty state: an error"
  (catch 'wrong-type-arg
    (lambda () (run-with-state (state-pop) '()) #f)
    (lambda _ #t)))

(test-assert "binding a plain value: a type error naming it"
  (catch 'wrong-type-arg
    (lambda ()
      (run-with-state (mlet %state-monad ((x 42)) (return x)))
      #f)
    (lambda (key who message args rest)
      (equal? args '(42)))))

(test-assert "a body that returns a plain value: a type error"
  (catch 'wrong-type-arg
    (lambda ()
      (run-with-state (mlet %state-monad ((x (return 42))) x))
      #f)
    (lambda (key who message args rest)
      (equal? args '(42)))))

(test-assert "run-with-state of a plain value: a type error"
  (catch 'wrong-type-arg
    (lambda () (run-with-state 42) #f)
    (lambda _ #t)))


;;;
;;; The store monad, against a stand-in store.
;;;

(test-equal "store-lift, store-return, store-bind"
  '(("/mock/a" "/mock/b" 2) ("b" "a"))
  (let* ((store (make-mock-store '()))
         (value (run-with-store store
                  (store-bind (mock-add* "a")
                              (lambda (a)
                                (mlet %store-monad ((b (mock-add* "b")))
                                  (store-return
                                   (list a b (length
                                              (mock-store-log store))))))))))
    (list value (mock-store-log store))))

(test-equal "run-with-store: the store is the state"
  #t
  (let ((store (make-mock-store '())))
    (eq? store (run-with-store store (current-state)))))

(test-equal "run-with-store: #:system, #:target, #:guile-for-build"
  '(("riscv64-linux" "riscv64-linux-gnu" guile) (#f #f))
  (let* ((store (make-mock-store '()))
         (inside (run-with-store store
                   ;; Read when the value runs, not when it is made.
                   ((store-lift (lambda (store)
                                  (list (%current-system)
                                        (%current-target-system)
                                        (%guile-for-build)))))
                   #:system "riscv64-linux"
                   #:target "riscv64-linux-gnu"
                   #:guile-for-build 'guile)))
    (list inside (list (%current-target-system) (%guile-for-build)))))

(test-assert "%current-system: Guix's form"
  (string-suffix? "-linux" (%current-system)))


;;;
;;; The store monad against the store, when (byre store) loads.
;;;

(define (get-string-all* port)
  ((@ (ice-9 textual-ports) get-string-all) port))

(define store-interface
  ;; A module that failed to load half-way may still resolve: ask for what
  ;; the tests use.
  (false-if-exception
   (let ((interface (resolve-interface '(byre store))))
     (and (every (lambda (name)
                   (and=> (module-variable interface name) variable-bound?))
                 '(open-connection close-connection valid-path? references
                   add-text-to-store add-to-store))
          interface))))

(define (store-ref name)
  (module-ref store-interface name))

(define-syntax-rule (test-with-store name (store) body ...)
  (begin
    (skip-unless store-interface "(byre store) is not available")
    (test-assert name
      (let ((store ((store-ref 'open-connection))))
        (dynamic-wind
          (const #t)
          (lambda () body ...)
          (lambda () ((store-ref 'close-connection) store)))))))

(test-with-store "text-file: an item with the text and its references"
    (store)
  (let* ((valid-path? (store-ref 'valid-path?))
         (references (store-ref 'references))
         (files (run-with-store store
                  (mlet* %store-monad ((a (text-file "a" "hello"))
                                       (b (text-file "b" a (list a))))
                    (return (list a b))))))
    (match files
      ((a b)
       (and (valid-path? store a)
            (valid-path? store b)
            (string-suffix? "-a" a)
            (equal? "hello" (call-with-input-file a get-string-all*))
            (equal? (list a) (references store b)))))))

(test-with-store "interned-file: a file, a directory, a name, select?"
    (store)
  (let* ((source (string-append %test-directory "/source"))
         (_ (begin
              (mkdir source)
              (call-with-output-file (string-append source "/keep")
                (lambda (port) (display "kept" port)))
              (call-with-output-file (string-append source "/drop")
                (lambda (port) (display "dropped" port)))))
         (items (run-with-store store
                  (listm %store-monad
                         (interned-file (string-append source "/keep"))
                         (interned-file source "tree"
                                        #:select?
                                        (lambda (file stat)
                                          (not (string-suffix? "/drop"
                                                               file))))))))
    (match items
      ((file tree)
       (and (string-suffix? "-keep" file)
            (string-suffix? "-tree" tree)
            (file-exists? (string-append tree "/keep"))
            (not (file-exists? (string-append tree "/drop"))))))))


;;;
;;; The REPL, the façades.
;;;

(test-equal "store-monad language: each expression runs in the store"
  '(42 (store 1))
  (let* ((store 'store)
         (language ((@ (byre monad-repl) store-monad-language) store))
         (evaluate (language-evaluator language)))
    (list (evaluate '(return 42) (current-module))
          (evaluate '(mlet %store-monad ((x ((store-lift list) 1)))
                       (return x))
                    (current-module)))))

(test-assert "meta-commands registered"
  (let ((lookup (@@ (system repl command) lookup-command)))
    (and (lookup 'run-in-store)
         (lookup 'enter-store-monad))))

(test-assert "(guix monads) is (byre monads)"
  (let ((guix (resolve-interface '(guix monads)))
        (byre (resolve-interface '(byre monads))))
    (every (lambda (name)
             (eq? (module-variable guix name) (module-variable byre name)))
           '(%state-monad %store-monad run-with-store text-file mapm))))

(test-assert "(guix monad-repl) loads"
  (module? (resolve-interface '(guix monad-repl))))

(delete-tree %test-directory)

(test-end/exit "monads")
