;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix gexp), provided by byre: a façade re-exporting (byre gexp)
;;; under the names Guix users write.

(define-module (guix gexp)
  #:use-module (byre gexp)
  #:re-export (gexp
               ungexp
               ungexp-splicing
               ungexp-native
               ungexp-native-splicing
               gexp?
               gexp-input
               gexp-input?
               gexp-inputs
               gexp-outputs
               gexp-modules
               with-imported-modules
               with-extensions
               define-gexp-compiler
               lower-object
               local-file
               local-file?
               plain-file
               plain-file?
               computed-file
               computed-file?
               program-file
               program-file?
               scheme-file
               scheme-file?
               mixed-text-file
               text-file*
               file-append
               file-append?
               file-union
               lower-gexp
               lowered-gexp?
               lowered-gexp-sexp
               lowered-gexp-inputs
               lowered-gexp-sources
               lowered-gexp-guile
               lowered-gexp-load-path
               lowered-gexp-load-compiled-path
               imported-modules
               compiled-modules
               gexp->derivation
               gexp->file
               gexp->script
               %guile-for-build))
