;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre scripts gc): the `byre gc' command, in the spirit of `guix gc'.

(define-module (byre scripts gc)
  #:use-module (byre ui)
  #:use-module (byre store)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-37)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:export (byre-gc
            size->number))

;;; Commentary:
;;;
;;; Queries print one store item a line on standard output and nothing
;;; else, so that they compose in pipes (`byre gc -R ITEM | xargs du -sh');
;;; progress and totals go to standard error.  The store is the one
;;; BYRE_STORE_DIR and BYRE_STATE_DIR name, as for (byre store).
;;;
;;; Code:

(define (show-help)
  (display "Usage: byre gc [OPTION]... [ITEM]...
Collect garbage in the store, or query it.  With no option, collect garbage.

  -C, --collect-garbage[=MIN]
                         delete the items no root holds, until at least MIN
                         bytes are freed when MIN is given (K, M, G and T
                         suffixes are powers of 1024)
  -d, --delete           delete ITEMs, if nothing alive holds them
      --list-roots       list the garbage collector's roots
      --list-dead        list the items that garbage collection would delete
      --list-live        list the items that garbage collection would keep
      --references       list the items ITEMs refer to
      --referrers        list the items that refer to ITEMs
  -R, --requisites       list the closure of ITEMs: them and what they
                         refer to, directly or not
      --verify[=contents]
                         check the database against the store; with
                         'contents', also recompute each item's hash
      --optimize         make identical files of the store hard links to
                         one copy
  -h, --help             display this help and exit
  -V, --version          display version information and exit

ITEM is a store item, a file inside one, or a symbolic link to one.  Items
are printed one a line.  The store is $BYRE_STORE_DIR and its state
$BYRE_STATE_DIR; see 'info byre \"The Store\"' for their defaults.
")
  (show-bug-report-information))

(define %command "gc")

(define (size->number string)
  "Return the number of bytes that STRING, such as \"512\", \"10K\",
\"1.5G\", \"2GiB\" or \"3MB\", stands for, or #f if it is not an amount
of storage.  K, M, G and T alone or followed by \"iB\" are powers of 1024;
followed by \"B\", powers of 1000."
  (define units
    '(("" . 1) ("B" . 1)
      ("K" . 1024) ("KiB" . 1024) ("KB" . 1000)
      ("M" . 1048576) ("MiB" . 1048576) ("MB" . 1000000)
      ("G" . 1073741824) ("GiB" . 1073741824) ("GB" . 1000000000)
      ("T" . 1099511627776) ("TiB" . 1099511627776)
      ("TB" . 1000000000000)))

  (let* ((end (or (string-skip string
                               (char-set-union char-set:digit
                                               (char-set #\.)))
                  (string-length string)))
         (number (and (> end 0)
                      (string->number (substring string 0 end) 10)))
         (unit (assoc (substring string end) units)))
    (and number unit (>= number 0)
         ;; Beyond 2^63 bytes it is no amount a file system holds, and the
         ;; store's primitives take a signed 64-bit count.
         (let ((bytes (inexact->exact (round (* number (cdr unit))))))
           (and (< bytes (expt 2 63)) bytes)))))

(define (option-processor key value)
  "Return an SRFI-37 processor that adds KEY with VALUE to the options."
  (lambda (opt name arg result)
    (alist-cons key value result)))

(define (check-size string)
  "Return the number of bytes STRING stands for, or leave with a usage
error naming it."
  (or (size->number string)
      (usage-error (format #f "invalid amount of storage '~a'" string)
                   #:command %command
                   #:hint "write a number of bytes, possibly followed by \
K, M, G or T, such as 500M")))

(define %options
  (list (option '(#\C "collect-garbage") #f #t
                (lambda (opt name arg result)
                  (let ((result (alist-cons 'action 'collect-garbage result)))
                    (if arg
                        (alist-cons 'min-freed (check-size arg) result)
                        result))))
        (option '(#\d "delete") #f #f
                (option-processor 'action 'delete))
        (option '("list-roots") #f #f
                (option-processor 'action 'list-roots))
        (option '("list-dead") #f #f
                (option-processor 'action 'list-dead))
        (option '("list-live") #f #f
                (option-processor 'action 'list-live))
        (option '("references") #f #f
                (option-processor 'action 'references))
        (option '("referrers") #f #f
                (option-processor 'action 'referrers))
        (option '(#\R "requisites") #f #f
                (option-processor 'action 'requisites))
        (option '("optimize" "optimise") #f #f
                (option-processor 'action 'optimize))
        (option '("verify") #f #t
                (lambda (opt name arg result)
                  (match arg
                    ((or #f "contents")
                     (alist-cons 'action 'verify
                                 (alist-cons 'check-contents?
                                             (and arg #t) result)))
                    (_ (usage-error
                        (format #f "invalid --verify option '~a'" arg)
                        #:command %command
                        #:hint "the only --verify option is 'contents'")))))
        (option '(#\h "help") #f #f
                (lambda _ (show-help) (exit 0)))
        (option '(#\V "version") #f #f
                (lambda _ (show-version %command) (exit 0)))))

(define (symbolic-link? file)
  (let ((st (false-if-exception (lstat file))))
    (and st (eq? 'symlink (stat:type st)))))

(define (item-argument store file)
  "Return the valid store item FILE designates: FILE itself, the item a
file inside the store belongs to, or the item a chain of symbolic links
from FILE leads to; leave with an error naming FILE otherwise."
  (define prefix (store-connection-store-directory store))

  (define item
    (let loop ((current file) (links 0))
      (cond ((store-path? current prefix)
             (direct-store-path current prefix))
            ((and (< links 40) (symbolic-link? current))
             (let ((target (readlink current)))
               (loop (if (string-prefix? "/" target)
                         target
                         (string-append (dirname current) "/" target))
                     (+ links 1))))
            (else #f))))

  (cond ((not item)
         (leave "~a: not in the store ~a~%" file prefix))
        ((not (valid-path? store item))
         (leave "~a: not a valid store item~%" item))
        (else item)))

(define (display-lines items)
  "Print ITEMS, a list of strings, one a line on standard output."
  (for-each (lambda (item)
              (display item)
              (newline))
            items))

(define (size->string bytes)
  "Return BYTES as a short human-readable amount."
  (if (< bytes 1024)
      (format #f "~a bytes" bytes)
      (format #f "~,2f MiB" (/ bytes 1048576.))))

(define (collect store min-freed)
  "Collect garbage in STORE until MIN-FREED bytes are freed (all of it when
MIN-FREED is 0); print what was deleted, then the total on standard
error."
  (let-values (((deleted freed) (collect-garbage store min-freed)))
    (display-lines deleted)
    (format (current-error-port) "byre gc: freed ~a (~a item~:p)~%"
            (size->string freed) (length deleted))))

(define (delete-items store items)
  "Delete ITEMS from STORE, print those deleted, and leave with an error
if some were not (something alive holds them)."
  (let-values (((deleted freed) (delete-paths store items)))
    (display-lines deleted)
    (format (current-error-port) "byre gc: freed ~a (~a item~:p)~%"
            (size->string freed) (length deleted))
    (match (remove (lambda (item) (member item deleted)) items)
      (() #t)
      ((kept . _)
       (leave "cannot delete ~a: it is still alive~%" kept)))))

(define (report-problems problems)
  "Print PROBLEMS, as `store-problems' returns them, one a line on standard
output; leave with an error when there is any."
  (for-each (match-lambda
              ((kind item . details)
               (format #t "~a ~a~{ ~a~}~%" kind item details)))
            problems)
  (unless (null? problems)
    (leave "the store has ~a problem~:p~%" (length problems))))

(define (byre-gc args)
  "Implement `byre gc' with ARGS, the arguments after \"gc\"."
  (let*-values (((opts operands)
                 (parse-command-options args %options
                                        '((action . collect-garbage))
                                        #:command %command))
                ((action) (assq-ref opts 'action))
                ;; "-C 5G": MIN given as a word of its own.
                ((min-freed operands)
                 (match (cons action operands)
                   (('collect-garbage word)
                    (if (assq 'min-freed opts)
                        (values (assq-ref opts 'min-freed) operands)
                        (values (check-size word) '())))
                   (_ (values (or (assq-ref opts 'min-freed) 0) operands)))))
    (define (no-operands)
      (unless (null? operands)
        (usage-error (format #f "extraneous argument '~a'" (car operands))
                     #:command %command)))

    (define (some-operands)
      (when (null? operands)
        (usage-error "no store item specified" #:command %command
                     #:hint "give one or more store items, such as \
$BYRE_STORE_DIR/…-hello-2.10")))

    (case action
      ((collect-garbage list-roots list-dead list-live verify optimize)
       (no-operands))
      (else (some-operands)))

    (call-with-error-handling
     (lambda ()
       (let* ((store (open-connection))
              (items (lambda ()
                       (map (lambda (file) (item-argument store file))
                            operands))))
         (case action
           ((collect-garbage) (collect store min-freed))
           ((delete) (delete-items store (items)))
           ((list-roots) (display-lines (map car (gc-roots store))))
           ((list-dead) (display-lines (dead-paths store)))
           ((list-live) (display-lines (live-paths store)))
           ((references)
            (display-lines (delete-duplicates
                            (append-map (lambda (item)
                                          (references store item))
                                        (items)))))
           ((referrers)
            (display-lines (delete-duplicates
                            (append-map (lambda (item)
                                          (referrers store item))
                                        (items)))))
           ((requisites) (display-lines (requisites store (items))))
           ((optimize)
            (let-values (((files saved) (optimise-store store)))
              (format (current-error-port)
                      "byre gc: ~a file~:p deduplicated, ~a saved~%"
                      files (size->string saved))))
           ((verify)
            (report-problems
             (store-problems store
                             #:check-contents?
                             (assq-ref opts 'check-contents?)))))
         (close-connection store))))))

;;; gc.scm ends here
