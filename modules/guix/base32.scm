;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix base32), provided by byre: a façade that re-exports Nix's
;;; base32 encoding from (byre store), where the C++ core implements it.

(define-module (guix base32)
  #:use-module (byre store)
  #:re-export (bytevector->nix-base32-string
               nix-base32-string->bytevector))
