;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (guix repl): Guix's name for byre's machine REPL.

(define-module (guix repl)
  #:use-module (byre machine-repl)
  #:re-export (machine-repl
               send-repl-response))
