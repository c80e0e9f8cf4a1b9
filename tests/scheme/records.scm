;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Tests of (byre records): define-record-type* and match-record.

(use-modules (harness)
             (srfi srfi-64)
             (byre records))

(define (expansion-error expression)
  "Expand and evaluate EXPRESSION in the current module; return the who and
message of the syntax error it raises as a list, or 'no-error."
  (catch 'syntax-error
    (lambda ()
      (eval expression (current-module))
      'no-error)
    (lambda (key who message . rest)
      (list who message))))

(define forced 0)

(define-record-type* <thing> thing make-thing thing? this-thing
  (name     thing-name)
  (size     thing-size (default 3))
  (area     thing-area (thunked)
            (default (* (thing-size this-thing) (thing-size this-record))))
  (label    thing-label (thunked)
            (default (string-append "thing " (thing-name this-record))))
  (heavy    thing-heavy (delayed)
            (default (begin (set! forced (+ 1 forced)) 'computed)))
  (checked  thing-checked (default 0)
            (sanitize (lambda (n)
                        (if (and (integer? n) (>= n 0))
                            n
                            (error "checked must be a natural" n)))))
  (location thing-location (innate)
            (default (current-source-location))))

;; A type without a this-identifier.
(define-record-type* <point> point make-point point?
  (x point-x (default 0))
  (y point-y (default 0)))

(test-begin "records")

(define t (thing (name "a")))

(test-assert "predicate" (and (thing? t) (not (thing? 42)) (not (point? t))))
(test-equal "given field" "a" (thing-name t))
(test-equal "default" 3 (thing-size t))
(test-equal "thunked default sees this-thing and this-record" 9 (thing-area t))
(test-equal "thunked field with this-record" "thing a" (thing-label t))

(test-equal "given thunked value is computed on access"
  '(7 8)
  (let* ((n 7)
         (t (thing (name "b") (area n))))
    (let ((first (thing-area t)))
      (set! n 8)
      (list first (thing-area t)))))

(test-equal "delayed field is computed once, when first accessed"
  '(0 computed computed 1)
  (let* ((before forced)
         (t (thing (name "c")))
         (unforced (- forced before))
         (first (thing-heavy t))
         (second (thing-heavy t)))
    (list unforced first second (- forced before))))

(test-equal "fields in any order"
  '("d" 5)
  (let ((t (thing (size 5) (name "d"))))
    (list (thing-name t) (thing-size t))))

(test-equal "a bare field name takes the variable's value"
  "e"
  (let ((name "e"))
    (thing-name (thing name))))

(test-equal "inherit copies fields and overrides the given ones"
  '("a" 5 25 "thing a")
  (let ((u (thing (inherit t) (size 5))))
    (list (thing-name u) (thing-size u) (thing-area u) (thing-label u))))

(test-equal "inherit recomputes thunked fields against the new record"
  "thing z"
  (thing-label (thing (inherit t) (name "z"))))

(test-equal "inherit keeps a given thunked value"
  42
  (thing-area (thing (inherit (thing (name "f") (area 42))) (size 10))))

(test-assert "innate location is where the record is written"
  (let* ((here (current-source-location))
         (u (thing (inherit t))))
    (and (equal? (assq-ref (thing-location u) 'filename)
                 (assq-ref here 'filename))
         (= (assq-ref (thing-location u) 'line)
            (+ 1 (assq-ref here 'line)))
         (not (equal? (thing-location u) (thing-location t))))))

(test-equal "sanitize accepts" 4 (thing-checked (thing (name "g") (checked 4))))
(test-error "sanitize rejects" #t (thing (name "g") (checked -1)))

(test-error "inherit from something else" 'wrong-type-arg
  (thing (inherit 42)))

(test-equal "raw constructor takes every field in order"
  '("h" 2 10)
  (let ((t (make-thing "h" 2 (lambda (record) 10) (lambda (record) "l")
                       (delay 'x) 0 #f)))
    (list (thing-name t) (thing-size t) (thing-area t))))

(test-equal "type without this-identifier"
  '(0 2)
  (let ((p (point (y 2))))
    (list (point-x p) (point-y p))))

(test-equal "missing field"
  '(thing "missing field 'name'")
  (expansion-error '(thing (size 2))))

(test-equal "missing fields"
  '(file "missing fields 'a', 'b'")
  (expansion-error
   '(begin
      (define-record-type* <file> file make-file file?
        (a file-a) (b file-b) (c file-c (default 1)))
      (file (c 2)))))

(test-equal "missing field is fine with inherit"
  "a"
  (thing-name (thing (inherit t) (size 1))))

(test-equal "unknown field"
  '(thing "unknown field 'typo'")
  (expansion-error '(thing (name "x") (typo 2))))

(test-equal "duplicate field"
  '(thing "duplicate field 'size'")
  (expansion-error '(thing (name "x") (size 1) (size 2))))

(test-equal "two inherits"
  '(thing "more than one 'inherit'")
  (expansion-error '(thing (inherit t) (inherit t))))

(test-equal "this-record outside a thunked field"
  '(this-record "used outside of a thunked field")
  (expansion-error '(list this-record)))

(test-equal "this-thing outside a thunked field"
  '(this-thing "used outside of a thunked field")
  (expansion-error '(list this-thing)))

(test-equal "unknown field property"
  '(define-record-type* "unknown field property '(frozen)'")
  (expansion-error '(define-record-type* <bad> bad make-bad bad?
                      (a bad-a (frozen)))))

(test-equal "thunked and delayed at once"
  '(define-record-type* "a field cannot be both thunked and delayed")
  (expansion-error '(define-record-type* <bad> bad make-bad bad?
                      (a bad-a (thunked) (delayed)))))

(test-equal "syntax errors carry the source location"
  '("records.scm" 11)
  (catch 'syntax-error
    (lambda ()
      (eval (call-with-input-string "\n\n\n\n\n\n\n\n\n\n(thing (size 2))"
              (lambda (port)
                (set-port-filename! port "records.scm")
                (read port)))
            (current-module)))
    (lambda (key who message properties form subform)
      (list (assq-ref properties 'filename)
            (+ 1 (assq-ref properties 'line))))))

(test-equal "match-record binds fields, thunked ones computed"
  '("a" 3 9 "thing a")
  (match-record t <thing> (name (size s) area label)
    (list name s area label)))

(test-error "match-record of another type" 'wrong-type-arg
  (match-record (point) <thing> (name) name))

(test-error "match-record of an unknown field" #t
  (match-record t <thing> (colour) colour))

(test-equal "record-field-accessor"
  9
  ((record-field-accessor <thing> 'area) t))

(test-assert "exported macros are documented"
  (let ((doc (procedure-documentation
              (macro-transformer
               (module-ref (resolve-interface '(byre records))
                           'define-record-type*)))))
    (and (string? doc) (string-contains doc "inherit"))))

(test-end/exit "records")
