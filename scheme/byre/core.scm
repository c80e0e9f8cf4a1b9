;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre's C++ core, loaded as a Guile extension.
;;;
;;; The primitives are named %… and take and return plain data: strings,
;;; integers, lists.  They raise 'system-error (with errno) for what fails
;;; in the kernel and 'wrong-type-arg for bad values.  Records and policy
;;; live in the modules that call them, never here.

(define-module (byre core)
  #:use-module (byre config))

;; The extension defines and exports its primitives in this module.
(load-extension %byre-extension "init_byre")
