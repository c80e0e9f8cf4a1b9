;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre serialization): Nix's wire format and its archives (NAR), as
;;; Guix's (guix serialization) writes and reads them.

(define-module (byre serialization)
  #:use-module (rnrs bytevectors)
  #:use-module (rnrs io ports)
  #:use-module (ice-9 match)
  #:use-module (ice-9 ftw)
  #:use-module (srfi srfi-35)
  #:use-module ((ice-9 exceptions) #:select (raise-exception))
  #:export (write-int read-int
            write-long-long read-long-long
            write-bytevector write-string read-string read-latin1-string
            read-maybe-utf8-string
            write-string-list read-string-list
            write-store-path read-store-path
            write-store-path-list read-store-path-list

            &nar-error nar-error? nar-error-file nar-error-port
            write-file restore-file))

;;; Commentary:
;;;
;;; Integers are 64-bit little-endian; a string is its length then its
;;; bytes padded with zeros to a multiple of 8.  A NAR is the string
;;; "nix-archive-1" then the file's node: regular files (with an
;;; "executable" mark), symbolic links, and directories whose entries come
;;; sorted by name.  Nothing else (no owner, no time) is kept, so the NAR
;;; of a tree says all that matters of it and its hash names it.
;;;
;;; Code:

(define-condition-type &nar-error &error
  nar-error?
  (file nar-error-file)
  (port nar-error-port))

(define (nar-error port file format-string . arguments)
  (raise-exception
   (condition (&nar-error (file file) (port port))
              (&message (message (apply format #f format-string arguments))))))

(define (write-int n port)
  "Write N, an unsigned integer, to PORT as 8 bytes, little-endian."
  (let ((bv (make-bytevector 8 0)))
    (bytevector-u64-set! bv 0 n (endianness little))
    (put-bytevector port bv)))

(define write-long-long write-int)

(define (read-int port)
  "Read an integer written by `write-int' from PORT."
  (let ((bv (get-bytevector-n port 8)))
    (unless (and (bytevector? bv) (= 8 (bytevector-length bv)))
      (nar-error port #f "unexpected end of input while reading an integer"))
    (bytevector-u64-ref bv 0 (endianness little))))

(define read-long-long read-int)

(define (write-padding n port)
  (let ((rest (modulo n 8)))
    (unless (zero? rest)
      (put-bytevector port (make-bytevector (- 8 rest) 0)))))

(define (write-bytevector bv port)
  "Write BV to PORT as a string of the wire format."
  (write-int (bytevector-length bv) port)
  (put-bytevector port bv)
  (write-padding (bytevector-length bv) port))

(define (write-string s port)
  "Write S, a string, as UTF-8 to PORT in the wire format."
  (write-bytevector (string->utf8 s) port))

(define (read-bytevector port)
  (let* ((len (read-int port))
         (bv (if (zero? len) #vu8() (get-bytevector-n port len))))
    (unless (and (bytevector? bv) (= len (bytevector-length bv)))
      (nar-error port #f "unexpected end of input while reading a string"))
    (let ((rest (modulo len 8)))
      (unless (zero? rest)
        (get-bytevector-n port (- 8 rest))))
    bv))

(define (read-string port)
  "Read a UTF-8 string in the wire format from PORT."
  (utf8->string (read-bytevector port)))

(define (read-latin1-string port)
  "Read a string in the wire format from PORT, one character a byte."
  (list->string (map integer->char (bytevector->u8-list (read-bytevector port)))))

(define read-maybe-utf8-string read-string)

(define (write-string-list lst port)
  "Write LST, a list of strings, to PORT: its length, then each string."
  (write-int (length lst) port)
  (for-each (lambda (s) (write-string s port)) lst))

(define (read-string-list port)
  "Read a list of strings written by `write-string-list' from PORT."
  (let loop ((n (read-int port)) (result '()))
    (if (zero? n)
        (reverse result)
        (loop (- n 1) (cons (read-string port) result)))))

(define write-store-path write-string)
(define read-store-path read-string)
(define write-store-path-list write-string-list)
(define read-store-path-list read-string-list)

(define %archive-version "nix-archive-1")

(define (write-contents file size port)
  (write-int size port)
  (call-with-input-file file
    (lambda (input)
      (let loop ((left size))
        (unless (zero? left)
          (let ((chunk (get-bytevector-n input (min left 65536))))
            (when (eof-object? chunk)
              (nar-error port file "~a changed while it was archived" file))
            (put-bytevector port chunk)
            (loop (- left (bytevector-length chunk)))))))
    #:binary #t)
  (write-padding size port))

(define* (write-file file port #:key (select? (const #t)))
  "Write the NAR of FILE, which is not followed if it is a symbolic link,
to PORT.  Under directories, only the entries FILE for which (SELECT? FILE
STAT) is true are written."
  (define (write-node file st)
    (write-string "(" port)
    (match (stat:type st)
      ('regular
       (write-string "type" port)
       (write-string "regular" port)
       (unless (zero? (logand (stat:mode st) #o100))
         (write-string "executable" port)
         (write-string "" port))
       (write-string "contents" port)
       (write-contents file (stat:size st) port))
      ('symlink
       (write-string "type" port)
       (write-string "symlink" port)
       (write-string "target" port)
       (write-string (readlink file) port))
      ('directory
       (write-string "type" port)
       (write-string "directory" port)
       (for-each (lambda (entry)
                   (let* ((child (string-append file "/" entry))
                          (child-st (lstat child)))
                     (when (select? child child-st)
                       (write-string "entry" port)
                       (write-string "(" port)
                       (write-string "name" port)
                       (write-string entry port)
                       (write-string "node" port)
                       (write-node child child-st)
                       (write-string ")" port))))
                 ;; Sorted by bytes, as Nix sorts them.
                 (sort (scandir file (lambda (e) (not (member e '("." "..")))))
                       (lambda (a b)
                         (bytevector<? (string->utf8 a) (string->utf8 b))))))
      (type
       (nar-error port file "~a: cannot archive a file of type ~a" file type)))
    (write-string ")" port))

  (write-string %archive-version port)
  (write-node file (lstat file)))

(define (bytevector<? a b)
  (let ((la (bytevector-length a)) (lb (bytevector-length b)))
    (let loop ((i 0))
      (cond ((= i la) (< i lb))
            ((= i lb) #f)
            ((< (bytevector-u8-ref a i) (bytevector-u8-ref b i)) #t)
            ((> (bytevector-u8-ref a i) (bytevector-u8-ref b i)) #f)
            (else (loop (+ i 1)))))))

(define (restore-file port file)
  "Read a NAR from PORT and make FILE, which must not exist, the tree it
holds.  Raise &nar-error if the input is not a well-formed NAR or an entry
name would leave FILE."
  (define (expect token)
    (let ((s (read-string port)))
      (unless (string=? s token)
        (nar-error port file "malformed archive: expected ~s, got ~s" token s))))

  (define (restore-node file)
    (expect "(")
    (expect "type")
    (match (read-string port)
      ("regular"
       (let* ((next (read-string port))
              (executable? (string=? next "executable")))
         (when executable?
           (expect "")
           (expect "contents"))
         (unless (or executable? (string=? next "contents"))
           (nar-error port file "malformed archive: ~s in a regular file" next))
         (let ((size (read-int port)))
           (call-with-output-file file
             (lambda (output)
               (let loop ((left size))
                 (unless (zero? left)
                   (let ((chunk (get-bytevector-n port (min left 65536))))
                     (when (eof-object? chunk)
                       (nar-error port file "unexpected end of archive"))
                     (put-bytevector output chunk)
                     (loop (- left (bytevector-length chunk)))))))
             #:binary #t)
           (let ((rest (modulo size 8)))
             (unless (zero? rest) (get-bytevector-n port (- 8 rest))))
           (chmod file (if executable? #o555 #o444))
           (expect ")"))))
      ("symlink"
       (expect "target")
       (symlink (read-string port) file)
       (expect ")"))
      ("directory"
       (mkdir file #o755)
       (let loop ()
         (match (read-string port)
           (")" #t)
           ("entry"
            (expect "(")
            (expect "name")
            (let ((name (read-string port)))
              (when (or (member name '("" "." ".."))
                        (string-index name #\/)
                        (string-index name #\nul))
                (nar-error port file "malformed archive: entry name ~s" name))
              (expect "node")
              (restore-node (string-append file "/" name))
              (expect ")"))
            (loop))
           (other
            (nar-error port file "malformed archive: ~s in a directory" other)))))
      (type
       (nar-error port file "malformed archive: file type ~s" type))))

  (expect %archive-version)
  (restore-node file))
