;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system setuid): programs installed set-user-id, as Guix's (gnu
;;; system setuid) describes them.

(define-module (byre system setuid)
  #:use-module (byre records)
  #:use-module (byre gexp)
  #:export (setuid-program
            setuid-program?
            setuid-program-program
            setuid-program-setuid?
            setuid-program-setgid?
            setuid-program-user
            setuid-program-group
            file-like->setuid-program
            setuid-program->gexp))

;;; Code:

(define-record-type* <setuid-program> setuid-program make-setuid-program
  setuid-program?
  (program setuid-program-program)            ;file-like: the program
  (setuid? setuid-program-setuid? (default #t))
  (setgid? setuid-program-setgid? (default #f))
  (user    setuid-program-user (default 0))   ;name or id
  (group   setuid-program-group (default 0)))

(define (file-like->setuid-program program)
  "Return a <setuid-program> for PROGRAM, a file-like object, set-user-id
root."
  (setuid-program (program program)))

(define (setuid-program->gexp program)
  "Return PROGRAM, a <setuid-program> or a file-like object (as older
configurations write them), as the gexp of a list for activation."
  (if (setuid-program? program)
      (gexp (list (ungexp (setuid-program-program program))
                  (ungexp (setuid-program-setuid? program))
                  (ungexp (setuid-program-setgid? program))
                  (ungexp (setuid-program-user program))
                  (ungexp (setuid-program-group program))))
      (gexp (list (ungexp program) #t #f 0 0))))

;;; setuid.scm ends here
