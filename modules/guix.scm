;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix), provided by byre: one module that re-exports the public
;;; (guix …) modules, so that `(use-modules (guix))' brings the store, the
;;; monads, gexps, derivations, base32 and utils at once, as with Guix.

(define-module (guix))

(eval-when (expand load eval)
  ;; The modules Guix's (guix) re-exports that byre has; those of Guix's
  ;; list that belong to the package layer join when they are installed.
  (let ((interface (module-public-interface (current-module))))
    (for-each (lambda (name)
                (module-use! interface (resolve-interface `(guix ,name))))
              '(base32 derivations gexp monads monad-repl store utils))
    (for-each (lambda (name)
                (when (resolve-module `(guix ,name) #:ensure #f)
                  (module-use! interface (resolve-interface `(guix ,name)))))
              '(build-system download packages))))
