;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (guix profiles): manifests and profiles, from (byre profiles).

(define-module (guix profiles)
  #:use-module (byre profiles)
  #:re-export (manifest
               manifest?
               manifest-entries
               manifest-entry
               manifest-entry?
               manifest-entry-name
               manifest-entry-version
               manifest-entry-output
               manifest-entry-item
               manifest-entry-search-paths
               package->manifest-entry
               packages->manifest
               concatenate-manifests
               manifest-search-paths
               profile
               profile?
               profile-name
               profile-content
               profile-search-paths))
