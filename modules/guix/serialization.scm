;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix serialization), provided by byre: a façade re-exporting
;;; (byre serialization), the wire format and NAR archives.

(define-module (guix serialization)
  #:use-module (byre serialization)
  #:re-export (write-int read-int
               write-long-long read-long-long
               write-bytevector write-string read-string read-latin1-string
               read-maybe-utf8-string
               write-string-list read-string-list
               write-store-path read-store-path
               write-store-path-list read-store-path-list
               &nar-error nar-error? nar-error-file nar-error-port
               write-file restore-file))
