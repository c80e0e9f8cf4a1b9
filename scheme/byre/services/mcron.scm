;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre services mcron): scheduled jobs with mcron, as Guix's (gnu
;;; services mcron) declares them, run by Debian's mcron.

(define-module (byre services mcron)
  #:use-module (byre records)
  #:use-module (byre gexp)
  #:use-module (byre services)
  #:use-module (byre services shepherd)
  #:use-module (byre system packages)
  #:use-module (srfi srfi-1)
  #:export (mcron-configuration
            mcron-configuration?
            mcron-configuration-mcron
            mcron-configuration-jobs
            mcron-configuration-log?
            mcron-configuration-log-file
            mcron-service-type
            mcron-job-files))

;;; Commentary:
;;;
;;; A job is a gexp of a `job' form, (job '(next-hour) "command"), as
;;; mcron's job files have them; each becomes a file mcron loads.
;;; Services extend MCRON-SERVICE-TYPE with more jobs.
;;;
;;; Code:

(define-record-type* <mcron-configuration> mcron-configuration
  make-mcron-configuration mcron-configuration?
  (mcron mcron-configuration-mcron (thunked)
         (default (system-package "mcron")))
  (jobs mcron-configuration-jobs (default '()))
  (log? mcron-configuration-log? (default #t))
  (log-file mcron-configuration-log-file (default "/var/log/mcron.log"))
  (log-format mcron-configuration-log-format (default "~1@*~a ~a: ~a~%"))
  (date-format mcron-configuration-date-format (default #f)))

(define (mcron-job-files jobs)
  "Return the job files, file-like objects, for JOBS, gexps."
  (map (lambda (job index)
         (scheme-file (string-append "mcron-job-" (number->string index))
                      job))
       jobs (iota (length jobs))))

(define (mcron-shepherd-services config)
  (let ((mcron (file-append (mcron-configuration-mcron config) "/bin/mcron"))
        (files (mcron-job-files (mcron-configuration-jobs config))))
    (if (null? files)
        '()
        (list (shepherd-service
                (documentation "Run the scheduled jobs, with mcron.")
                (provision '(mcron))
                (requirement '(user-processes))
                (modules `((srfi srfi-1) ,@%default-modules))
                (start (gexp (make-forkexec-constructor
                              (list (ungexp mcron)
                                    (ungexp-splicing files))
                              #:log-file
                              (ungexp (mcron-configuration-log-file
                                       config)))))
                (stop (gexp (make-kill-destructor)))
                (actions
                 (list (shepherd-action
                         (name 'schedule)
                         (documentation "Show the next times the jobs run.")
                         (procedure
                          (gexp (lambda (running . args)
                                  (zero? (apply system* (ungexp mcron)
                                                "--schedule=10"
                                                '(ungexp files))))))))))))))

(define mcron-service-type
  (service-type (name 'mcron)
                (extensions
                 (list (service-extension shepherd-root-service-type
                                          mcron-shepherd-services)
                       (service-extension profile-service-type
                                          (lambda (config)
                                            (list (mcron-configuration-mcron
                                                   config))))))
                (compose concatenate)
                (extend (lambda (config jobs)
                          (mcron-configuration
                            (inherit config)
                            (jobs (append (mcron-configuration-jobs config)
                                          jobs)))))
                (default-value (mcron-configuration))
                (description "Run jobs at the times they say, with mcron.")))

;;; mcron.scm ends here
