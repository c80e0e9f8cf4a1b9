;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix modules), provided by byre: a façade re-exporting (byre
;;; modules).

(define-module (guix modules)
  #:use-module (byre modules)
  #:re-export (&missing-dependency-error
               missing-dependency-error?
               missing-dependency-module
               missing-dependency-search-path
               file-name->module-name
               module-name->file-name
               source-module-dependencies
               source-module-closure
               live-module-closure
               guix-module-name?))
