;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix base32), provided by byre: a façade that re-exports
;;; (byre base32), RFC 4648's encoding and Nix's.

(define-module (guix base32)
  #:use-module (byre base32)
  #:re-export (bytevector->base32-string
               base32-string->bytevector
               bytevector->nix-base32-string
               nix-base32-string->bytevector
               &invalid-base32-character
               invalid-base32-character?
               invalid-base32-character-value
               invalid-base32-character-string))
