;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; A system with a scheduled job (mcron) and a service of its own made
;;; with simple-service: a file in /etc and a one-shot service of the
;;; init.  Build it with
;;;   byre system build examples/mcron-jobs.scm

(use-modules (gnu) (gnu services shepherd))
(use-service-modules mcron)

(define %tick-job
  ;; Every minute, a line in /var/log/tick.
  #~(job '(next-minute)
         (lambda ()
           (call-with-output-file "/var/log/tick"
             (lambda (port)
               (display (current-time) port)
               (newline port))
             #:append? #t))
         "tick"))

(define %greeting-service
  ;; Services of one's own: a file in /etc, and a one-shot service that
  ;; records when the system started.
  (list (simple-service 'greeting-file etc-service-type
                        `(("greeting" ,(plain-file "greeting"
                                                   "Hello from byre.\n"))))
        (simple-service 'boot-stamp shepherd-root-service-type
                        (list (shepherd-service
                                (provision '(boot-stamp))
                                (requirement '(user-processes))
                                (one-shot? #t)
                                (documentation "Write the boot time.")
                                (start #~(lambda _
                                           (call-with-output-file
                                               "/var/log/boot-stamp"
                                             (lambda (port)
                                               (display (current-time) port)))
                                           #t)))))))

(operating-system
  (host-name "cron")
  (timezone "Etc/UTC")
  (bootloader (bootloader-configuration
                (bootloader grub-bootloader)
                (targets '("/dev/sdX"))))
  (file-systems %base-file-systems)
  (services (append (list (service mcron-service-type
                                   (mcron-configuration
                                     (jobs (list %tick-job)))))
                    %greeting-service
                    %base-services)))
