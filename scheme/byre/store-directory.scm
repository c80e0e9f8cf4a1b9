;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre store-directory): where the store is.

(define-module (byre store-directory)
  #:export (%store-directory
            default-store-directory))

;;; Commentary:
;;;
;;; The store directory is BYRE_STORE_DIR when set; otherwise root gets the
;;; configure-time default and other users a store under XDG_DATA_HOME, so
;;; that an unprivileged user never needs write access to a system folder.
;;; It is never /gnu/store by default: a real Guix daemon may own it.
;;;
;;; Code:

;; Root's default when (byre config), which make writes, is not there: the
;; tests run from the source tree before anything is built.
(define %fallback-root-store-directory "/var/lib/byre/store")

(define (configured-root-store-directory)
  "Return the store directory configure chose for root, or the fallback when
the build has not written (byre config) yet."
  ;; Looked up at run time rather than imported, for the reason above.
  (let ((config (false-if-exception
                 (resolve-module '(byre config) #t #:ensure #f))))
    (or (and config
             (module-variable config '%byre-default-store-directory)
             (module-ref config '%byre-default-store-directory))
        %fallback-root-store-directory)))

(define (home-directory uid)
  "Return the home directory of user UID in the password database, or
\"/\" when it has no entry (as in a container with no /etc/passwd)."
  (or (false-if-exception (passwd:dir (getpwuid uid)))
      "/"))

(define* (default-store-directory #:key
                                  (environment getenv)
                                  (uid (getuid)))
  "Return the store directory for a process whose environment variables
ENVIRONMENT (a procedure like `getenv') looks up and whose user id is UID:
BYRE_STORE_DIR when it is set and not empty, else the configured default
for root (\"/var/lib/byre/store\" unless configure said otherwise), else
\"$XDG_DATA_HOME/byre/store\", with XDG_DATA_HOME defaulting to
\"~/.local/share\"."
  (define (variable name)
    (let ((value (environment name)))
      (and value (not (string-null? value)) value)))

  (cond ((variable "BYRE_STORE_DIR") => identity)
        ((zero? uid) (configured-root-store-directory))
        (else
         (string-append (or (variable "XDG_DATA_HOME")
                            (string-append (or (variable "HOME")
                                               (home-directory uid))
                                           "/.local/share"))
                        "/byre/store"))))

(define %store-directory
  ;; A SRFI-39 parameter, computed once when this module is loaded; tests
  ;; and tools rebind it with `parameterize'.
  (make-parameter (default-store-directory)))

;;; store-directory.scm ends here
