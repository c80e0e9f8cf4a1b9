;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (gnu services networking): network services: (byre services networking).
;;; A façade: it re-exports the public interface of byre's module,
;;; whole, and holds no logic of its own.

(define-module (gnu services networking))

(eval-when (expand load eval)
  (for-each (lambda (module)
              (module-use! (module-public-interface (current-module))
                           (resolve-interface module)))
            '((byre services networking))))

;;; networking.scm ends here
