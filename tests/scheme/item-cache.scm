;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (byre item-cache): an item made once is found again for the same key,
;;; and made again for another key or when it is no longer in the store;
;;; a host package's and the build modules' items use it.

(use-modules (harness)
             (srfi srfi-64)
             (byre store)
             (byre item-cache))

(define top (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp")
                                    "/byre-item-cache.XXXXXX")))
(define store
  (open-connection #:store-directory (string-append top "/store")
                   #:state-directory (string-append top "/state")))

(define made 0)
(define (make-item text)
  (lambda ()
    (set! made (+ made 1))
    (add-text-to-store store "cached" text)))

(test-begin "item-cache")

(define first
  (call-with-item-cache store "test" '(a 1) (make-item "one")))

(test-equal "the first call makes the item"
  '(1 #t) (list made (valid-path? store first)))

(test-equal "the same key finds it without making it"
  (list first 1)
  (list (call-with-item-cache store "test" '(a 1) (make-item "other"))
        made))

(test-equal "another key makes another item"
  '(2 #t)
  (let ((second (call-with-item-cache store "test" '(a 2) (make-item "two"))))
    (list made (not (equal? first second)))))

(test-equal "the same key under another kind is another entry"
  3
  (begin
    (call-with-item-cache store "other" '(a 1) (make-item "one"))
    made))

(test-equal "an item deleted from the store is made again"
  '(4 #t)
  (begin
    (delete-paths store (list first))
    (let ((item (call-with-item-cache store "test" '(a 1) (make-item "one"))))
      (list made (valid-path? store item)))))

(test-assert "a file's stamp changes when the file does"
  (let ((file (string-append top "/f")))
    (call-with-output-file file (lambda (port) (display "x" port)))
    (let ((before (file-stamp file)))
      (call-with-output-file file (lambda (port) (display "xy" port)))
      (and (not (equal? before (file-stamp file)))
           (equal? (list (string-append top "/absent"))
                   (file-stamp (string-append top "/absent")))))))

(close-connection store)
(system* "chmod" "-R" "u+w" top)
(system* "rm" "-rf" top)
(test-end/exit "item-cache")
