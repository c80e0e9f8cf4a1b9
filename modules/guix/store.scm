;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Guix's (guix store), provided by byre: a façade that re-exports (byre
;;; store) under the names Guix users write.  There is no daemon: a
;;; connection is a handle on byre's local store (see "The Store" in the
;;; manual).

(define-module (guix store)
  #:use-module (byre store)
  #:use-module (byre store-builds)
  ;; Guix users get the store monad from (guix store) too.
  #:use-module ((byre monads) #:select (%store-monad store-bind store-return
                                        store-lift run-with-store
                                        text-file interned-file
                                        references* query-path-info*
                                        store-lower current-system
                                        set-current-system
                                        current-target-system
                                        %current-system
                                        %current-target-system))
  #:re-export (%store-monad
               store-bind
               store-return
               store-lift
               run-with-store
               text-file
               interned-file
               references*
               query-path-info*
               store-lower
               current-system
               set-current-system
               current-target-system
               %current-system
               %current-target-system

               %daemon-socket-uri
               set-build-options
               build-mode
               with-build-handler
               call-with-build-handler
               build-things
               map/accumulate-builds
               mapm/accumulate-builds
               query-derivation-outputs
               valid-derivers
               log-file
               find-roots
               add-file-tree-to-store
               export-paths
               import-paths

               %store-prefix

               &store-error
               store-error?
               &store-protocol-error
               store-protocol-error?
               store-protocol-error-message
               store-protocol-error-status

               store-connection?
               open-connection
               close-connection
               call-with-store
               with-store

               valid-path?
               add-text-to-store
               add-data-to-store
               add-to-store

               <path-info>
               path-info?
               path-info-deriver
               path-info-hash
               path-info-references
               path-info-registration-time
               path-info-nar-size
               query-path-info
               references
               referrers
               requisites
               topologically-sorted
               hash-part->path

               store-path?
               direct-store-path?
               direct-store-path
               derivation-path?
               store-path-package-name
               store-path-hash-part
               store-path
               output-path
               fixed-output-path

               add-temp-root
               add-indirect-root
               add-permanent-root
               remove-permanent-root
               gc-roots
               delete-paths
               run-gc
               collect-garbage
               live-paths
               dead-paths

               verify-store
               optimise-store
               query-path-hash
               current-build-output-port))
