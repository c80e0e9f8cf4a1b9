;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system uuid): file system UUIDs, as Guix's (gnu system uuid)
;;; writes them: (uuid "1234-ABCD" 'fat).

(define-module (byre system uuid)
  #:use-module (byre diagnostics)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-9 gnu)
  #:use-module (srfi srfi-34)
  #:use-module (rnrs bytevectors)
  #:use-module (ice-9 match)
  #:export (uuid
            uuid?
            uuid-type
            uuid-bytevector
            uuid->string
            string->uuid
            uuid=?))

;;; Code:

(define-record-type <uuid>
  (make-uuid type bytevector)
  uuid?
  (type       uuid-type)                  ;'dce, 'fat, 'iso9660, 'ntfs
  (bytevector uuid-bytevector))

(define (hex-string->bytevector hex)
  (let* ((digits (string-filter (lambda (c) (not (char=? c #\-))) hex))
         (bv (make-bytevector (quotient (string-length digits) 2))))
    (let loop ((i 0))
      (when (< i (bytevector-length bv))
        (bytevector-u8-set! bv i (string->number (substring digits (* 2 i)
                                                            (+ 2 (* 2 i)))
                                                 16))
        (loop (+ i 1))))
    bv))

(define %uuid-syntax
  ;; Type → the regexp-free shape of its text: group lengths.
  '((dce 8 4 4 4 12) (ext2 8 4 4 4 12) (ext4 8 4 4 4 12) (btrfs 8 4 4 4 12)
    (fat 4 4) (fat32 4 4) (iso9660 4 2 2 2 2 2 2 2) (ntfs 16)))

(define (well-formed? text groups)
  (let ((parts (string-split text #\-)))
    (and (= (length parts) (length groups))
         (every* (lambda (part length)
                   (and (= (string-length part) length)
                        (string-every char-set:hex-digit part)))
                 parts groups))))

(define (every* pred a b)
  (or (null? a) (and (pred (car a) (car b)) (every* pred (cdr a) (cdr b)))))

(define (string->uuid text type)
  "Return the <uuid> TEXT denotes for TYPE, or #f if it is malformed."
  (match (assq type %uuid-syntax)
    ((_ . groups)
     (and (well-formed? text groups)
          (make-uuid (if (memq type '(ext2 ext4 btrfs)) 'dce type)
                     (hex-string->bytevector text))))
    (#f #f)))

(define* (uuid text #:optional (type 'dce))
  "Return the UUID that TEXT, as printed by blkid, denotes for TYPE, a
symbol (dce by default, fat, iso9660, ntfs); raise an error if it is
malformed."
  (or (string->uuid text type)
      (raise (make-user-error "~s: invalid ~a UUID" (list text type)
                              #:hint "write it as blkid prints it, \
e.g. (uuid \"1234-ABCD\" 'fat)"))))

(define (uuid->string uuid)
  "Return the text of UUID as blkid prints it."
  (let* ((bv (uuid-bytevector uuid))
         (hex (string-concatenate
               (map (lambda (i)
                      (string-pad (number->string (bytevector-u8-ref bv i)
                                                  16)
                                  2 #\0))
                    (iota (bytevector-length bv)))))
         (groups (cdr (assq (uuid-type uuid) %uuid-syntax))))
    (let loop ((groups groups) (start 0) (parts '()))
      (match groups
        (() (string-join (reverse parts) "-"))
        ((n . rest)
         (loop rest (+ start n) (cons (substring hex start (+ start n))
                                      parts)))))))

(define (uuid=? a b)
  "Return true if A and B are the same UUID."
  (bytevector=? (uuid-bytevector a) (uuid-bytevector b)))

(set-record-type-printer! <uuid>
                          (lambda (uuid port)
                            (format port "#<uuid ~a ~a>" (uuid-type uuid)
                                    (uuid->string uuid))))

;;; uuid.scm ends here
