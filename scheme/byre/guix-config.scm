;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre guix-config): the values Guix's (guix config) holds, for byre.

(define-module (byre guix-config)
  #:use-module (byre config)
  #:export (%guix-package-name
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

;;; Commentary:
;;;
;;; Guix's (guix config) is written by its configure script: plain strings
;;; naming where its store and state are and which compressors it runs.
;;; Here they are byre's: the store and state directories of this process
;;; (BYRE_STORE_DIR and BYRE_STATE_DIR, or the defaults), computed once when
;;; the module is loaded, as Guix computes its own once at build time.
;;;
;;; Code:

(define %guix-package-name %byre-package-name)
(define %guix-version %byre-version)
(define %guix-bug-report-address %byre-bug-report-address)
(define %guix-home-page-url %byre-home-page)

(define %store-directory
  ;; A string, as Guix's; `%store-prefix' is the parameter to rebind.
  ((@ (byre store-directory) %store-directory)))

(define %storedir %store-directory)

(define %state-directory
  ;; Guix's /var/guix: byre's state directory.
  ((@ (byre store) %state-directory)))

(define %localstatedir (dirname %state-directory))

(define %store-database-directory
  (string-append %state-directory "/db"))

(define %config-directory
  ;; Where Guix keeps its ACL and signing keys; byre has neither, and
  ;; names the folder of the host's configuration it would use.
  "/etc/byre")

(define %system
  ;; The system byre was built for, in Guix's notation.
  (let ((machine (utsname:machine (uname))))
    (string-append (if (string=? machine "i686") "i686" machine) "-linux")))

(define %gzip %gzip-program)
(define %bzip2 %bzip2-program)
(define %xz %xz-program)
(define %zstd %zstd-program)

;;; guix-config.scm ends here
