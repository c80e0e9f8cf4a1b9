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
               gexp-input-thing
               gexp-input-output
               gexp-input-native?
               gexp->approximate-sexp
               gexp->sexp
               gexp-extensions
               &gexp-error
               gexp-error?
               &gexp-input-error
               gexp-input-error?
               gexp-error-invalid-input
               let-system
               <system-binding>
               with-parameters
               raw-derivation-file
               raw-derivation-file?
               imported-files
               gexp-inputs
               gexp-outputs
               gexp-modules
               with-imported-modules
               with-extensions
               define-gexp-compiler
               lower-object
               local-file
               local-file?
               local-file-file
               local-file-absolute-file-name
               local-file-name
               local-file-recursive?
               plain-file
               plain-file?
               plain-file-name
               plain-file-content
               computed-file
               computed-file?
               computed-file-name
               computed-file-gexp
               program-file
               program-file?
               scheme-file
               scheme-file?
               mixed-text-file
               text-file*
               file-append
               file-append?
               file-union
               directory-union
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
