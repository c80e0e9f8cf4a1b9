;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix monads), provided by byre: a façade that re-exports
;;; (byre monads) under the names Guix users write.  Guix keeps the store
;;; monad in (guix store); it is here as well, since (byre monads) defines
;;; it, and the two façades export the same bindings.

(define-module (guix monads)
  #:use-module (byre monads)
  #:re-export (;; Monads.
               define-monad
               monad?
               monad-bind
               monad-return

               ;; Syntax.
               >>=
               return
               %current-monad
               with-monad
               mlet
               mlet*
               mbegin
               mwhen
               munless
               lift0 lift1 lift2 lift
               listm
               foldm
               mapm
               sequence
               anym

               ;; Concrete monads.
               %identity-monad

               %state-monad
               state-return
               state-bind
               current-state
               set-current-state
               state-push
               state-pop
               run-with-state

               ;; The store monad.
               %store-monad
               store-return
               store-bind
               store-lift
               run-with-store
               text-file
               interned-file))
