;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix diagnostics), provided by byre: a façade that re-exports
;;; (byre diagnostics) under the names Guix code writes.

(define-module (guix diagnostics)
  #:use-module (byre diagnostics)
  #:re-export (guix-warning-port
               (diagnostic-warning . warning)
               (diagnostic-info . info)
               (diagnostic-error . report-error)
               (diagnostic-leave . leave)
               formatted-message
               formatted-message?
               formatted-message-string
               formatted-message-arguments
               &formatted-message
               &fix-hint
               fix-hint?
               condition-fix-hint))
