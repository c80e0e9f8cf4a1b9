;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (guix packages): what byre has of Guix's package API, for host
;;; packages; (guix) re-exports it, as Guix's does.

(define-module (guix packages)
  #:use-module (byre packages)
  #:re-export (package?
               package-name
               package-version
               package-location
               package-search-paths))
