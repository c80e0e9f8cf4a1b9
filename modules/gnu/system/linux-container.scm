;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (gnu system linux-container), provided by byre: a façade that
;;; re-exports byre's procedures under the names Guix users write.

(define-module (gnu system linux-container)
  #:use-module (byre system container)
  #:re-export (system-container
               containerized-operating-system
               container-script
               container-essential-services
               dummy-networking-service-type
               %nscd-container-caches
               eval/container))
