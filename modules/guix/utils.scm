;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix utils), provided by byre: a façade that re-exports
;;; (byre utils) and (byre ports) under the names Guix users write.

(define-module (guix utils)
  #:use-module (byre utils)
  #:use-module (byre ports)
  #:re-export (call-with-temporary-directory
               call-with-temporary-output-file
               with-atomic-file-output
               current-source-directory
               absolute-dirname
               %current-system
               %current-target-system
               version-compare
               version>?
               version>=?
               version-prefix
               version-major+minor
               version-major
               string-distance
               string-closest
               string-replace-substring
               version-prefix?
               version-unique-prefix
               guile-version>?
               gnu-triplet->nix-system
               package-name->name+version
               strip-keyword-arguments
               ensure-keyword-arguments
               default-keyword-arguments
               substitute-keyword-arguments
               readlink*
               edit-expression
               filtered-port
               compressed-port
               decompressed-port
               compressed-output-port
               call-with-compressed-output-port
               call-with-decompressed-port
               canonical-newline-port))
