;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix derivations), provided by byre: a façade re-exporting
;;; (byre derivations) under the names Guix users write.

(define-module (guix derivations)
  #:use-module (byre derivations)
  #:use-module (byre gexp)
  #:re-export (<derivation>
               <derivation-output>
               <derivation-input>
               derivation?
               derivation-outputs
               derivation-inputs
               derivation-sources
               derivation-system
               derivation-builder
               derivation-builder-arguments
               derivation-builder-environment-vars
               derivation-file-name
               derivation-name
               derivation-output-names
               derivation->output-path
               derivation->output-paths
               derivation-path->output-path
               derivation-path->output-paths
               derivation-properties
               offloadable-derivation?
               substitutable-derivation?
               derivation-output?
               derivation-output-path
               derivation-output-hash-algo
               derivation-output-hash
               derivation-output-recursive?
               derivation-input
               derivation-input?
               derivation-input-derivation
               derivation-input-sub-derivations
               derivation-input-path
               derivation-input-output-paths
               derivation-input-fold
               derivation-prerequisites
               valid-derivation-input?
               derivation
               write-derivation
               read-derivation
               read-derivation-from-file
               derivation-hash
               fixed-output-derivation?
               build-expression->derivation
               build-derivations
               derivation-build-plan
               built-derivations
               &file-search-error
               file-search-error?
               file-search-error-file-name
               file-search-error-search-path
               %guile-for-build))
