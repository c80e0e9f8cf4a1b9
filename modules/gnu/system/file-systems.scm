;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (gnu system file-systems): Guix's name for (byre file-systems).  A
;;; façade: it re-exports and holds no logic of its own.

(define-module (gnu system file-systems)
  #:use-module (byre file-systems)
  #:use-module (byre system base-file-systems)
  #:use-module (byre system uuid)
  #:re-export (uuid
               uuid?
               uuid-type
               uuid-bytevector
               uuid->string
               string->uuid

               file-system-label
               file-system-label?
               file-system-label->string
               %pseudo-terminal-file-system
               %shared-memory-file-system
               %immutable-store
               %control-groups
               %elogind-file-systems
               %fuse-control-file-system
               %binary-format-file-system
               %debug-file-system
               %efivars-file-system
               %base-file-systems

               <file-system>
               file-system
               file-system?
               make-file-system
               file-system-device
               file-system-mount-point
               file-system-type
               file-system-flags
               file-system-options
               file-system-mount?
               file-system-mount-may-fail?
               file-system-needed-for-boot?
               file-system-check?
               file-system-create-mount-point?
               file-system-dependencies
               file-system-location

               %file-system-flags
               validate-file-system
               file-system-type-predicate
               %pseudo-file-system-types
               pseudo-file-system?

               file-system->spec
               spec->file-system

               <file-system-mapping>
               file-system-mapping
               file-system-mapping?
               make-file-system-mapping
               file-system-mapping-source
               file-system-mapping-target
               file-system-mapping-writable?
               file-system-mapping->bind-mount

               %store-mapping
               %network-configuration-files
               %network-file-mappings
               %container-file-systems))

;;; file-systems.scm ends here
