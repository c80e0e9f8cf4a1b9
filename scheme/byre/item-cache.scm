;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre item-cache): store items that byre makes from files outside the
;;; store (a host package's links, byre's own build modules), found again
;;; by a later process without being made and hashed again.

(define-module (byre item-cache)
  #:use-module (byre store)
  #:use-module ((byre utils) #:select (with-atomic-file-output file-stamp))
  #:use-module ((ice-9 rdelim) #:select (read-line))
  #:use-module ((rnrs bytevectors) #:select (string->utf8))
  #:re-export (file-stamp)
  #:export (call-with-item-cache))

;;; Commentary:
;;;
;;; Adding a directory to the store hashes all of it, and it must first be
;;; laid out in a temporary directory: for coreutils, thousands of links,
;;; every time a process lowers it, even when the item is there already.
;;; What such an item is made of can be said more cheaply: the records it
;;; comes from and the stamps (device, inode, size, modification time) of
;;; the files it is read from.  A store's state directory keeps, for each
;;; such key, the item made from it, in a file of its own named after the
;;; key's hash; an entry whose item is no longer valid (collected) is
;;; ignored, and a state directory that cannot be written costs only the
;;; cache.
;;;
;;; Code:

(define (cache-file store kind key)
  (string-append (store-connection-state-directory store) "/" kind "/"
                 (bytevector->nix-base32-string
                  (sha256 (string->utf8
                           (object->string
                            (cons (store-connection-store-directory store)
                                  key)))))))

(define (cached-item store file)
  ;; The item FILE records, if it is still valid in STORE.
  (let ((item (false-if-exception (call-with-input-file file read-line))))
    (and (string? item) (valid-path? store item) item)))

(define (record-item! file item)
  ;; Atomically, so that concurrent processes read a whole line or none.
  (false-if-exception
   (begin
     (unless (file-exists? (dirname file))
       (false-if-exception (mkdir (dirname file))))
     (with-atomic-file-output file
       (lambda (port)
         (display item port)
         (newline port))))))

(define (call-with-item-cache store kind key make)
  "Return the store item of STORE recorded for KEY, any datum that `write'
prints readably, under KIND, a string naming the cache (a directory of
STORE's state directory), when it is still valid; otherwise call MAKE, a
thunk returning a store item, record its value for KEY and return it.
KEY must hold everything the item is made of."
  (let ((file (cache-file store kind key)))
    (or (cached-item store file)
        (let ((item (make)))
          (record-item! file item)
          item))))

;;; item-cache.scm ends here
