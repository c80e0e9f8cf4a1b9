;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Issue 7's "N containers leave nothing behind":
;;;
;;;   TMPDIR=$(mktemp -d) ./pre-inst-env guile --no-auto-compile bench/leak-check.scm [N]
;;;
;;; Runs N containers (default 10,000), alternately the thunk form and the
;;; exec form (/bin/true with the host's /usr, /bin and /lib bound), with a
;;; third of them failing on purpose (a bind of a missing source), and
;;; compares this process's descriptors, its mounts, its children and
;;; TMPDIR's entries before and after.  Exits 0 when nothing is left.

(use-modules (byre container)
             (byre file-systems)
             (ice-9 ftw)
             (ice-9 format)
             (ice-9 match)
             (ice-9 rdelim)
             (srfi srfi-1))

(define n
  (match (command-line)
    ((_ n) (string->number n))
    (_ 10000)))

(define tmpdir (or (getenv "TMPDIR") "/tmp"))

(define (entries dir)
  (scandir dir (lambda (e) (not (member e '("." ".."))))))

(define (lines file)
  (call-with-input-file file
    (lambda (port)
      (let loop ((acc '()))
        (match (read-line port)
          ((? eof-object?) (reverse acc))
          (line (loop (cons line acc))))))))

(define (children)
  "Return the pids whose parent is this process."
  (filter (lambda (pid)
            (match (false-if-exception
                    (call-with-input-file (format #f "/proc/~a/stat" pid) read-line))
              (#f #f)
              (stat (let ((fields (string-split
                                   (substring stat (+ 2 (string-rindex stat #\))))
                                   #\space)))
                      (= (getpid) (string->number (second fields)))))))
          (filter-map string->number (entries "/proc"))))

(define (snapshot)
  `((descriptors . ,(entries "/proc/self/fd"))
    (mounts . ,(lines "/proc/self/mountinfo"))
    (children . ,(children))
    (tmpdir . ,(entries tmpdir))))

(define binds
  (filter-map (lambda (dir)
                (and (file-exists? dir)
                     (file-system-mapping (source dir) (target dir))))
              '("/usr" "/bin" "/lib" "/lib64")))

(define (one i)
  "Run the Ith container; return #t when it did what it should."
  (define broken? (zero? (modulo i 3)))
  (define mounts
    (if broken?
        (cons (file-system-mapping (source "/nonexistent/byre-leak-check")
                                   (target "/x"))
              binds)
        binds))
  (catch 'system-error
    (lambda ()
      (let ((status (if (even? i)
                        (call-with-container mounts (lambda () (primitive-exit 0)))
                        (run-program-in-container '("/bin/true") #:mounts mounts))))
        (and (not broken?) (eqv? 0 (status:exit-val status)))))
    (lambda args broken?)))

;; Once first, so that what a first container makes once per process (its
;; root mount directory, loaded modules) is in the "before" snapshot.
(one 1)
(define before (snapshot))
(define start (get-internal-real-time))
(define wrong (count (negate one) (iota n)))
(define elapsed (- (get-internal-real-time) start))
(define after (snapshot))

(define leftovers
  (filter-map (match-lambda
                ((what . items)
                 (let ((new (lset-difference equal? items (assq-ref before what))))
                   (and (pair? new) (cons what new)))))
              after))

(format #t "~a containers (thunk and exec form, a third failing on purpose), \
~a wrong outcomes, ~,2f ms each; left behind: ~a~%"
        n wrong (/ elapsed 1e6 n)
        (if (null? leftovers) "nothing" leftovers))
(format #t "descriptors ~a, mounts ~a, children ~a, ~a entries in ~a (before and after; run with a TMPDIR of its own)~%"
        (length (assq-ref after 'descriptors)) (length (assq-ref after 'mounts))
        (length (assq-ref after 'children)) (length (assq-ref after 'tmpdir)) tmpdir)
(exit (and (zero? wrong) (null? leftovers)))
