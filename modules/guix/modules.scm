;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix modules), provided by byre: a façade re-exporting (byre
;;; modules).

(define-module (guix modules)
  #:use-module (byre modules)
  #:re-export (source-module-closure))
