;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (shepherd support): the helpers of GNU Shepherd's (shepherd support)
;;; that service code and clients use, from byre's init.

(define-module (shepherd support)
  #:use-module (byre build shepherd)
  #:use-module (byre build shepherd-comm)
  #:re-export (local-output
               log-output-port
               catch-system-error
               mkdir-p
               default-socket-file))
