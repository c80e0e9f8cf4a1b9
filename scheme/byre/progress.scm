;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre progress): progress reports for long operations on many bytes.

(define-module (byre progress)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:use-module (ice-9 threads)
  #:export (%progress-reports?
            %progress-threshold
            byte-count->string
            progress-line
            call-with-byte-progress))

;;; Commentary:
;;;
;;; Adding a large tree to the store or writing an image takes seconds; a
;;; user at a terminal sees
;;;
;;;   adding linux-6.1  412.0 MiB of 1.2 GiB  850.3 MiB/s [######         ]
;;;
;;; redrawn in place a few times a second, and ended by a line with the
;;; total and the mean rate.  Output that is not a terminal gets one plain
;;; line when the work starts, none in between, as Guix does.  The work
;;; runs in a thread of its own while the caller's thread draws; how far it
;;; is comes from a procedure the caller gives (the store's C++ core counts
;;; the bytes it reads).
;;;
;;; Code:

(define %progress-reports?
  ;; Whether long operations report their progress at all; `--quiet'
  ;; turns it off.
  (make-parameter #t))

(define %progress-threshold
  ;; Operations on fewer bytes than this are not reported: they end before
  ;; a report would be read.
  (make-parameter (* 32 1024 1024)))

(define (byte-count->string bytes)
  "Return BYTES, a number of bytes, as a short string with a binary unit,
such as \"512 B\", \"1.5 KiB\" or \"3.2 GiB\"."
  (let loop ((value (exact->inexact bytes))
             (units '("B" "KiB" "MiB" "GiB" "TiB" "PiB")))
    (match units
      ((unit) (format #f "~,1f ~a" value unit))
      (("B" . rest)
       (if (< value 1024)
           (format #f "~d B" (inexact->exact (round value)))
           (loop (/ value 1024) rest)))
      ((unit . rest)
       (if (< value 1024)
           (format #f "~,1f ~a" value unit)
           (loop (/ value 1024) rest))))))

(define* (progress-line label done total seconds #:key (width 72))
  "Return the one-line report of LABEL having done DONE bytes of TOTAL in
SECONDS, at most WIDTH characters long: the counts, the rate and a bar."
  (let* ((rate (if (> seconds 0) (/ done seconds) 0))
         (counts (format #f "~a of ~a  ~a/s"
                         (byte-count->string done)
                         (byte-count->string total)
                         (byte-count->string rate)))
         (room (- width (string-length label) (string-length counts) 5))
         (bar-width (max 0 (min 30 room)))
         (filled (if (> total 0)
                     (min bar-width
                          (inexact->exact (floor (* bar-width (/ done total)))))
                     0))
         (line (if (> bar-width 4)
                   (format #f "~a  ~a [~a~a]" label counts
                           (make-string filled #\#)
                           (make-string (- bar-width filled) #\space))
                   (format #f "~a  ~a" label counts))))
    (if (> (string-length line) width)
        (substring line 0 width)
        line)))

(define (now)
  ;; Seconds, as a real number.
  (match (gettimeofday)
    ((seconds . microseconds) (+ seconds (/ microseconds 1e6)))))

(define (terminal? port)
  (and (file-port? port) (isatty? port)
       (not (equal? (getenv "TERM") "dumb"))))

(define* (call-with-byte-progress label total current thunk
                                  #:key (port (current-error-port))
                                  (interval 0.2))
  "Call THUNK and return its values.  When progress reports are on and
TOTAL, the number of bytes THUNK is expected to process, is at least
`%progress-threshold', report its progress on PORT: THUNK runs in a new
thread while this one redraws, every INTERVAL seconds, LABEL with the
bytes done (the growth of (CURRENT) since the start), TOTAL, the rate and
a bar, when PORT is a terminal; else one plain line at the start.  An
exception THUNK raises is raised again here, in the caller's thread."
  (if (not (and (%progress-reports?) (>= total (%progress-threshold))))
      (thunk)
      (let* ((start (now))
             (base (current))
             (tty? (terminal? port))
             (width (or (and=> (getenv "COLUMNS") string->number) 80))
             ;; The worker's outcome, under MUTEX.  (Guile 3.0.8's
             ;; `join-thread' with a timeout leaves its mutex locked when it
             ;; times out, so it cannot be called twice.)
             (mutex (make-mutex))
             (done (make-condition-variable))
             (outcome #f)
             (worker (call-with-new-thread
                      (lambda ()
                        (let ((result
                               (catch #t
                                 (lambda ()
                                   (call-with-values thunk
                                     (lambda results (cons 'values results))))
                                 (lambda (key . args)
                                   (cons 'exception (cons key args))))))
                          (with-mutex mutex
                            (set! outcome result)
                            (signal-condition-variable done)))))))
        (define (draw)
          (let ((done (min total (- (current) base))))
            (format port "\r~a\x1b[K"
                    (progress-line label done total (- (now) start)
                                   #:width (- width 1)))
            (force-output port)))

        (define (deadline)
          ;; INTERVAL seconds from now, as `gettimeofday' gives times.
          (let* ((at (+ (now) interval))
                 (whole (inexact->exact (floor at))))
            (cons whole (inexact->exact (floor (* 1e6 (- at whole)))))))

        (unless tty?
          (format port "~a (~a)...~%" label (byte-count->string total))
          (force-output port))
        (let ((result (with-mutex mutex
                        (let wait ()
                          (or outcome
                              (begin
                                (unless (wait-condition-variable done mutex
                                                                 (deadline))
                                  (when tty? (draw)))
                                (wait)))))))
          (join-thread worker)
          (match result
            (('values . results)
             (when tty?
               (let ((seconds (- (now) start))
                     (done (- (current) base)))
                 (format port "\r~a  ~a in ~,1f s (~a/s)\x1b[K~%"
                         label (byte-count->string done) seconds
                         (byte-count->string (if (> seconds 0)
                                                 (/ done seconds)
                                                 0)))
                 (force-output port)))
             (apply values results))
            (('exception key . args)
             (when tty? (format port "\r\x1b[K") (force-output port))
             (apply throw key args)))))))

;;; progress.scm ends here
