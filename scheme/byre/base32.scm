;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre base32): the two base32 encodings Guix uses.
;;;
;;;   (bytevector->base32-string (string->utf8 "foo"))  ⇒ "mzxw6"
;;;   (bytevector->nix-base32-string (sha256 bv))        ⇒ "0mdqa9w1p6…"
;;;
;;; RFC 4648's (lower case, no padding, as Guix writes it) is done here;
;;; Nix's, the one of store file names and hashes, by the C++ core.  A
;;; character outside the alphabet raises &invalid-base32-character.

(define-module (byre base32)
  #:use-module (byre store-core)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:use-module (rnrs bytevectors)
  #:export (bytevector->base32-string
            base32-string->bytevector
            bytevector->nix-base32-string
            nix-base32-string->bytevector

            &invalid-base32-character
            invalid-base32-character?
            invalid-base32-character-value
            invalid-base32-character-string))

;;; Code:

(define-condition-type &invalid-base32-character &error
  invalid-base32-character?
  (character invalid-base32-character-value)
  (string    invalid-base32-character-string))

(define %rfc4648-alphabet "abcdefghijklmnopqrstuvwxyz234567")
(define %nix-alphabet "0123456789abcdfghijklmnpqrsvwxyz")

(define (bytevector->base32-string bv)
  "Return BV, a bytevector, in the base32 encoding of RFC 4648, in lower
case and without padding: \"mzxw6\" for the bytes of \"foo\"."
  ;; Five bits at a time, from the most significant bit of the first byte;
  ;; the last group is padded with zero bits.
  (let ((bits (* 8 (bytevector-length bv))))
    (let loop ((offset 0) (chars '()))
      (if (>= offset bits)
          (list->string (reverse chars))
          (let ((value (let group ((i 0) (value 0))
                         (if (= i 5)
                             value
                             (let* ((bit (+ offset i))
                                    (set? (and (< bit bits)
                                               (logbit? (- 7 (remainder bit 8))
                                                        (bytevector-u8-ref
                                                         bv (quotient bit 8))))))
                               (group (+ i 1)
                                      (+ (* 2 value) (if set? 1 0))))))))
            (loop (+ offset 5)
                  (cons (string-ref %rfc4648-alphabet value) chars)))))))

(define (alphabet-values string alphabet)
  "Return the list of the values of the characters of STRING in ALPHABET;
raise &invalid-base32-character for the first one not in it."
  (map (lambda (char)
         (or (string-index alphabet char)
             (raise (condition (&invalid-base32-character
                                (character char)
                                (string string))))))
       (string->list string)))

(define (base32-string->bytevector string)
  "Return the bytevector that STRING, in RFC 4648's base32 without padding
(as `bytevector->base32-string' writes it), stands for.  Raise
&invalid-base32-character for a character outside the alphabet (upper
case and padding included)."
  (let* ((values (alphabet-values string %rfc4648-alphabet))
         (bits (* 5 (length values)))
         (bv (make-bytevector (quotient bits 8) 0)))
    ;; Bits past the last whole byte are the encoder's zero padding.
    (let loop ((values values) (offset 0))
      (if (null? values)
          bv
          (begin
            (do ((i 0 (+ i 1))) ((= i 5))
              (let ((bit (+ offset i)))
                (when (and (< (quotient bit 8) (bytevector-length bv))
                           (logbit? (- 4 i) (car values)))
                  (let ((index (quotient bit 8)))
                    (bytevector-u8-set! bv index
                                        (logior (bytevector-u8-ref bv index)
                                                (ash 1 (- 7 (remainder bit 8)))))))))
            (loop (cdr values) (+ offset 5)))))))

(define (bytevector->nix-base32-string bv)
  "Return BV, a bytevector, in Nix's base32 encoding, the one of store file
names and of Guix's hashes."
  (%nix-base32-encode bv))

(define (nix-base32-string->bytevector string)
  "Return the bytevector that STRING, in Nix's base32 encoding, stands for.
Raise &invalid-base32-character for a character outside Nix's alphabet,
which lacks e, o, t and u."
  (alphabet-values string %nix-alphabet)
  (%nix-base32-decode string))

;;; base32.scm ends here
