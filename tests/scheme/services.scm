;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (byre services) and (byre services shepherd): service types, the
;;; graph's fold, Guix's checks and their messages, modify-services,
;;; shepherd services and the init's configuration.

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-34)
             (srfi srfi-35)
             (srfi srfi-64)
             (ice-9 match)
             (byre diagnostics)
             (byre gexp)
             (gnu services)
             (gnu services shepherd))

(test-begin "services")

(define (message-of thunk)
  ;; The message of the condition THUNK raises, or #f.
  (guard (c ((message-condition? c) (condition-message c)))
    (thunk)
    #f))

(define numbers
  ;; A root type collecting the numbers its extensions give.
  (service-type (name 'numbers) (extensions '())
                (compose concatenate) (extend append)
                (default-value '())))

(define (number-type name)
  (service-type (name name)
                (extensions (list (service-extension numbers list)))))

(define one (number-type 'one))

(test-equal "fold-services: extensions in the order of the services"
  '(0 1 2 3)
  (service-value
   (fold-services (list (service numbers '(0)) (service one 1)
                        (service one 2) (service one 3))
                  #:target-type numbers)))

(test-equal "fold-services: a chain of extensions"
  '(10 20)
  (let* ((middle (service-type
                  (name 'middle)
                  (extensions (list (service-extension numbers identity)))
                  (compose concatenate) (extend append)
                  (default-value '())))
         (leaf (service-type
                (name 'leaf)
                (extensions (list (service-extension middle
                                                     (lambda (n)
                                                       (list (* 10 n)))))))))
    (service-value
     (fold-services (list (service leaf 1) (service middle '())
                          (service leaf 2) (service numbers '()))
                    #:target-type numbers))))

(test-equal "missing extension target: Guix's message"
  "no target of type 'numbers' for service 'one'"
  (message-of (lambda ()
                (service-back-edges (list (service one 1))))))

(test-assert "missing extension target: a &missing-target-service-error"
  (guard (c ((missing-target-service-error? c)
             (and (eq? numbers (missing-target-service-error-target-type c))
                  (eq? one (service-kind
                            (missing-target-service-error-service c))))))
    (fold-services (list (service one 1)) #:target-type one)
    #f))

(test-assert "missing extension target: located where the service is"
  (guard (c ((error-location? c)
             (string-suffix? "services.scm"
                             (assq-ref (error-location c) 'filename))))
    (service-back-edges (list (service one 1)))
    #f))

(test-equal "two targets of one type: Guix's message"
  "more than one target service of type 'numbers'"
  (message-of (lambda ()
                (service-back-edges (list (service numbers '())
                                          (service numbers '())
                                          (service one 1))))))

(test-equal "no root: Guix's message"
  "service of type 'numbers' not found"
  (message-of (lambda ()
                (fold-services (list (service (service-type
                                               (name 'alone)
                                               (extensions '()))
                                              1))
                               #:target-type numbers))))

(test-equal "a service without a value, of a type without a default"
  "no value specified for service of type 'one'"
  (message-of (lambda () (service one))))

(test-equal "instantiate-missing-services adds a default target"
  '(numbers)
  (map (compose service-type-name service-kind)
       (drop (instantiate-missing-services (list (service one 1))) 1)))

(test-equal "instantiate-missing-services: a target without a default"
  "no target of type 'one' for service 'two'"
  (let ((two (service-type (name 'two)
                           (extensions (list (service-extension one list))))))
    (message-of (lambda ()
                  (instantiate-missing-services (list (service two 2)))))))

(test-equal "simple-service extends its target"
  '(7)
  (service-value
   (fold-services (list (service numbers '())
                        (simple-service 'seven numbers '(7)))
                  #:target-type numbers)))

(test-equal "modify-services changes the value of the services of a type"
  '(10 2)
  (map service-value
       (modify-services (list (service one 1)
                              (service (number-type 'other) 2))
         (one value => (* 10 value)))))

(test-equal "modify-services deletes"
  '(other)
  (map (compose service-type-name service-kind)
       (modify-services (list (service one 1)
                              (service (number-type 'other) 2))
         (delete one))))

(test-equal "modify-services: a type not in the list is an error (Guix 2023)"
  "modify-services: service 'one' not found in service list"
  (message-of (lambda ()
                (modify-services (list (service numbers '()))
                  (one value => value)))))

(test-assert "modify-services keeps the location of the services"
  (let* ((before (service one 1))
         (after (car (modify-services (list before) (one v => v)))))
    (equal? (service-location before) (service-location after))))

(test-equal "duplicate /etc entries"
  "duplicate 'motd' entry for /etc"
  (message-of
   (lambda ()
     (fold-services (list (service system-service-type '())
                          (service etc-service-type
                                   `(("motd" ,(plain-file "a" "a"))))
                          (simple-service 'more etc-service-type
                                          `(("motd" ,(plain-file "b" "b"))))
                          (service activation-service-type #t)
                          (service boot-service-type '()))))))

(test-assert "lookup-service-types finds a type by name"
  (memq shepherd-root-service-type
        (lookup-service-types 'shepherd-root)))


;;;
;;; Shepherd services.
;;;

(define (simple-shepherd provision requirement)
  (shepherd-service (provision provision) (requirement requirement)
                    (start #~(const #t))))

(test-equal "shepherd-service defaults are Guix's"
  '("[No documentation.]" () #t #f #t)
  (let ((s (shepherd-service (provision '(x)) (start #~(const #t)))))
    (list (shepherd-service-documentation s)
          (shepherd-service-requirement s)
          (shepherd-service-respawn? s)
          (shepherd-service-one-shot? s)
          (shepherd-service-auto-start? s))))

(test-equal "shepherd-service-canonical-name"
  'sshd
  (shepherd-service-canonical-name (simple-shepherd '(sshd ssh) '())))

(test-equal "a provision that is not a list of symbols"
  #t
  (guard (c ((message-condition? c)
             (string-contains (condition-message c) "provision")
             #t))
    (shepherd-service (provision "sshd") (start #f))
    #f))

(test-equal "unsatisfied requirement: Guix's message"
  "service 'b' requires 'c', which is not provided by any service"
  (message-of (lambda ()
                (assert-valid-graph (list (simple-shepherd '(a) '())
                                          (simple-shepherd '(b) '(a c)))))))

(test-equal "a name provided twice: Guix's message"
  "service 'a' provided more than once"
  (message-of (lambda ()
                (assert-valid-graph (list (simple-shepherd '(a) '())
                                          (simple-shepherd '(b a) '()))))))

(test-assert "the init provides root and shepherd"
  (assert-valid-graph (list (simple-shepherd '(a) '(root shepherd)))))

(test-assert "a valid graph is returned"
  (let ((services (list (simple-shepherd '(a) '())
                        (simple-shepherd '(b) '(a)))))
    (eq? services (assert-valid-graph services))))

(test-equal "shepherd-service-back-edges"
  '((b) (c))
  (let* ((a (simple-shepherd '(a) '()))
         (b (simple-shepherd '(b) '(a)))
         (c (simple-shepherd '(c) '(b)))
         (edges (shepherd-service-back-edges (list a b c))))
    (list (append-map shepherd-service-provision (edges a))
          (append-map shepherd-service-provision (edges b)))))

(test-equal "shepherd-service-lookup-procedure"
  '(#t #f)
  (let* ((a (simple-shepherd '(a alias) '()))
         (lookup (shepherd-service-lookup-procedure (list a))))
    (list (eq? a (lookup 'alias)) (lookup 'nothing))))

(test-equal "services extend the shepherd root, in order"
  '(user-processes a b)
  (let* ((type (shepherd-service-type 'ab
                                      (lambda (names)
                                        (simple-shepherd names '()))
                                      (description "Test.")))
         (root (fold-services (list (service system-service-type '())
                                    (service boot-service-type '())
                                    (service profile-service-type '())
                                    (service user-processes-service-type '())
                                    (service type '(a))
                                    (service type '(b))
                                    (service shepherd-root-service-type
                                             (shepherd-configuration
                                              (shepherd 'init))))
                              #:target-type shepherd-root-service-type)))
    (map shepherd-service-canonical-name
         (shepherd-configuration-services (service-value root)))))

(test-end/exit "services")
