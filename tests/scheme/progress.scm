;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Tests of (byre progress): what a long operation reports, on a terminal
;;; and elsewhere, and that the work's values and errors come back.

(use-modules (harness)
             (srfi srfi-64)
             (ice-9 match)
             (byre progress))

(test-begin "progress")

(test-equal "byte counts with binary units"
  '("0 B" "1023 B" "1.0 KiB" "1.5 KiB" "3.0 MiB" "2.0 GiB")
  (map byte-count->string
       (list 0 1023 1024 1536 (* 3 1024 1024) (* 2 1024 1024 1024))))

(test-assert "a progress line has the counts, the rate and a bar"
  (let ((line (progress-line "adding x" (* 512 1024 1024) (* 1024 1024 1024) 2)))
    (and (string-contains line "adding x")
         (string-contains line "512.0 MiB of 1.0 GiB")
         (string-contains line "256.0 MiB/s")
         (string-contains line "[#"))))

(test-assert "a progress line fits its width"
  (<= (string-length (progress-line (make-string 100 #\x) 1 2 1 #:width 40))
      40))

(test-equal "half done, half a bar"
  15
  (let ((line (progress-line "a" 50 100 1 #:width 200)))
    (string-count line #\#)))

(test-equal "below the threshold: the thunk alone, nothing printed"
  '((1 2) "")
  (let ((port (open-output-string)))
    (let ((values* (call-with-values
                       (lambda ()
                         (call-with-byte-progress "adding small" 10
                                                  (const 0)
                                                  (lambda () (values 1 2))
                                                  #:port port))
                     list)))
      (list values* (get-output-string port)))))

(define (counter)
  ;; A `current' procedure that grows each time it is asked.
  (let ((n 0))
    (lambda () (set! n (+ n 1000)) n)))

(test-equal "not a terminal: one plain line, the thunk's values"
  '((a b) "adding big (64.0 MiB)...\n")
  (let ((port (open-output-string)))
    (let ((result (call-with-values
                      (lambda ()
                        (call-with-byte-progress "adding big" (* 64 1024 1024)
                                                 (counter)
                                                 (lambda () (usleep 50000)
                                                         (values 'a 'b))
                                                 #:port port
                                                 #:interval 0.01))
                    list)))
      (list result (get-output-string port)))))

(test-equal "an exception of the work is raised in the caller's thread"
  '(oops 42)
  (catch 'oops
    (lambda ()
      (call-with-byte-progress "adding big" (* 64 1024 1024) (counter)
                               (lambda () (throw 'oops 42))
                               #:port (open-output-string)))
    (lambda (key . args) (cons key args))))

(test-equal "many waits in a row (each interval a timed wait)"
  'finished
  (call-with-byte-progress "adding big" (* 64 1024 1024) (counter)
                           (lambda () (usleep 200000) 'finished)
                           #:port (open-output-string)
                           #:interval 0.001))

(test-equal "reports off: nothing printed"
  ""
  (let ((port (open-output-string)))
    (parameterize ((%progress-reports? #f))
      (call-with-byte-progress "adding big" (* 64 1024 1024) (counter)
                               (const #t) #:port port))
    (get-output-string port)))

(test-end/exit "progress")
