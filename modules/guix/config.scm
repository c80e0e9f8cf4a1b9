;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix config), provided by byre: a façade re-exporting (byre
;;; guix-config): byre's store and state directories and the host's
;;; compressors under the names Guix's configure gives them.

(define-module (guix config)
  #:use-module (byre guix-config)
  #:re-export (%guix-package-name
               %guix-version
               %guix-bug-report-address
               %guix-home-page-url
               %storedir
               %localstatedir
               %store-directory
               %state-directory
               %store-database-directory
               %config-directory
               %system
               %gzip
               %bzip2
               %xz
               %zstd))
