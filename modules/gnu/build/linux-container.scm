;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (gnu build linux-container), provided by byre: a façade that
;;; re-exports (byre container) under the names Guix users write.

(define-module (gnu build linux-container)
  #:use-module (byre container)
  #:re-export (%namespaces
               user-namespace-supported?
               unprivileged-user-namespace-supported?
               setgroups-supported?
               run-container
               call-with-container
               container-excursion
               container-excursion*))
