;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix monad-repl), provided by byre: using it registers the
;;; REPL meta-commands `,run-in-store' and `,enter-store-monad' of
;;; (byre monad-repl).

(define-module (guix monad-repl)
  #:use-module (byre monad-repl)
  #:re-export (store-monad-language))
