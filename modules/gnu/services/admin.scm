;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (gnu services admin): log rotation, from (byre services base).  A
;;; façade: it re-exports and holds no logic of its own.

(define-module (gnu services admin)
  #:use-module (byre services base)
  #:re-export (rottlog-service-type
               rottlog-configuration
               rottlog-configuration?
               log-cleanup-service-type
               log-cleanup-configuration))

;;; admin.scm ends here
