;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (gnu packages): finding packages by name, as Guix has it; the packages
;;; are the host's (byre packages).

(define-module (gnu packages)
  #:use-module (byre packages)
  #:use-module (byre packages catalog)
  #:use-module ((byre profiles) #:select (specifications->manifest))
  #:re-export (specification->package
               specifications->manifest
               use-package-modules
               host-package
               host-package?))
