;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre store-builds): the build requests of Guix's (guix store) that
;;; need derivations: build-things, accumulated builds, derivation outputs.

(define-module (byre store-builds)
  #:use-module (byre store)
  #:use-module (byre monads)
  #:use-module (byre derivations)
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-35)
  #:use-module ((ice-9 exceptions) #:select (raise-exception))
  #:export (build-things
            map/accumulate-builds
            mapm/accumulate-builds
            query-derivation-outputs))

;;; Commentary:
;;;
;;; Guix's daemon builds what it is asked; here builds run in this process
;;; through (byre derivations).  A build handler (see `with-build-handler'
;;; in (byre store)) sees every request first, which is how
;;; `map/accumulate-builds' gathers the requests of several computations
;;; into one.
;;;
;;; Code:

(define* (build-things store things #:optional (mode (build-mode normal)))
  "Build THINGS in STORE, as Guix's `build-things' does: each is a .drv
file name, a pair (DRV-FILE . OUTPUT), or a store item, which is left as
it is when valid (there are no substitutes to fetch it from).  MODE is a
build mode (see `build-derivations').  Return #t."
  (define (derivation-thing? thing)
    (match thing
      (((? string? drv) . (? string?)) (derivation-path? drv))
      ((? string? file) (derivation-path? file))
      (_ #f)))
  (for-each (lambda (thing)
              (unless (or (derivation-thing? thing) (string? thing))
                (protocol-error "build-things: ~s is neither a .drv file \
name nor a store item" thing)))
            things)
  ;; Items that are not derivations could only be substituted.
  (build-derivations store (filter derivation-thing? things) mode))

(define (protocol-error format-string . arguments)
  "Raise &store-protocol-error with FORMAT-STRING applied to ARGUMENTS, as
Guix's daemon reports a bad request."
  (let ((message (apply format #f format-string arguments)))
    (raise-exception
     (condition (&store-protocol-error (message message) (status 1))
                (&message (message message))))))

;; The build requests a computation made, and how to resume it.
(define-record-type <unresolved>
  (unresolved things continuation)
  unresolved?
  (things unresolved-things)
  (continuation unresolved-continuation))

(define (build-accumulator continue store things mode)
  "A build handler that returns the request as an <unresolved> instead of
building, for normal builds."
  (if (= mode (build-mode normal))
      (unresolved things continue)
      (continue #t)))

(define (map/accumulate-builds store proc lst)
  "Apply PROC to each element of LST, gathering the builds the calls
request into one `build-things' call (one list of derivations handed to
the build handler, if any), after which the calls resume; return the list
of their values."
  (define results
    (map (lambda (obj)
           (with-build-handler build-accumulator
             (proc obj)))
         lst))

  (match (append-map (lambda (result)
                       (if (unresolved? result) (unresolved-things result) '()))
                     results)
    (() results)
    (requested
     (build-things store (delete-duplicates requested))
     (map/accumulate-builds store
                            (lambda (result)
                              (if (unresolved? result)
                                  ;; Built already: resume without building.
                                  ((unresolved-continuation result) #f)
                                  result))
                            results))))

(define (mapm/accumulate-builds mproc lst)
  "Like `mapm' in the store monad, applying MPROC to each element of LST,
but with the builds they request gathered as `map/accumulate-builds'
does."
  (lambda (store)
    (values (map/accumulate-builds
             store
             (lambda (obj)
               (run-with-store store (mproc obj)
                               #:system (%current-system)
                               #:target (%current-target-system)))
             lst)
            store)))

(define (query-derivation-outputs store drv-file)
  "Return the file names of the outputs of DRV-FILE, a valid .drv file of
STORE, built or not."
  (unless (and (derivation-path? drv-file) (valid-path? store drv-file))
    (protocol-error "~s is not a valid derivation of the store" drv-file))
  (map cdr (derivation->output-paths (read-derivation-from-file drv-file))))

;;; store-builds.scm ends here
