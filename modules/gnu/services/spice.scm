;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (gnu services spice): Guix's spice services, from (byre services desktop),
;;; which a container on this host cannot provide (see there).
;;; A façade: it re-exports the public interface of byre's module,
;;; whole, and holds no logic of its own.

(define-module (gnu services spice))

(eval-when (expand load eval)
  (for-each (lambda (module)
              (module-use! (module-public-interface (current-module))
                           (resolve-interface module)))
            '((byre services desktop))))

;;; spice.scm ends here
