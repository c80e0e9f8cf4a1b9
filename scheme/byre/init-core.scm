;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; The init's primitives, loaded from their own Guile extension.
;;;
;;; %spawn-process starts a service's process with prepared system calls
;;; (nothing in Scheme between the fork and the exec); %open-signal-descriptor
;;; and %read-signals take signals through a signalfd rather than Guile's
;;; asynchronous handlers; %become-subreaper! adopts orphans.  Plain data in
;;; and out; (byre build shepherd) builds Shepherd's API on them.

(define-module (byre init-core)
  #:use-module (byre config))

;; The extension defines and exports its primitives in this module.
(load-extension %byre-init-extension "init_byre_init")
