;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre's store primitives, loaded from their own Guile extension.
;;;
;;; The local store's C++ core (src/store) is a separate extension so that
;;; containers never load SQLite or libcrypto.  The primitives are named %…
;;; (plus store-handle?) and take and return plain data; (byre store) builds
;;; the Guix API on them.

(define-module (byre store-core)
  #:use-module (byre config))

;; The extension defines and exports its primitives in this module.
(load-extension %byre-store-extension "init_byre_store")
