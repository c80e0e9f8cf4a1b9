;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre scripts pack): `byre pack', as `guix pack': tarballs, Docker and
;;; OCI images and OCI runtime bundles of a store closure.

(define-module (byre scripts pack)
  #:use-module (byre ui)
  #:use-module (byre store)
  #:use-module (byre monads)
  #:use-module (byre gexp)
  #:use-module (byre derivations)
  #:use-module (byre pack)
  #:use-module ((byre scripts eval) #:select (read-gexp-file
                                              evaluate-expression
                                              register-root))
  #:use-module ((byre config) #:select (%byre-version))
  #:use-module ((byre host) #:select (store-items-host-closure))
  #:use-module ((byre user-file) #:select (load-user-file))
  #:use-module ((byre profiles) #:select (profile packages->manifest))
  #:use-module ((byre packages catalog) #:select (specification->package))
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-26)
  #:use-module (srfi srfi-37)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:export (compression-option
            byre-pack))

;;; Commentary:
;;;
;;; What to pack is one of: a file whose last value is a file-like object
;;; or a gexp (--file), an expression (-e), package specifications
;;; (PACKAGE operands), or a manifest (-m), as `guix pack' takes them.
;;; Packages and manifests are host packages (modules (gnu packages …));
;;; they are profiles whose files are the host's, packed at their own
;;; file names.
;;;
;;; Code:

(define (show-pack-help)
  (display "Usage: byre pack [OPTION]... PACKAGE...
  or:  byre pack [OPTION]... -m MANIFEST
  or:  byre pack [OPTION]... --file=FILE | -e EXPRESSION
Pack the store closure of PACKAGEs (host packages), of the profile of
MANIFEST, or of the file-like object or gexp that FILE or EXPRESSION
evaluates to, into the store, and print the result's file name.

  -f, --format=FORMAT    FORMAT: tarball, docker (the default), oci or
                         bundle (config.json and rootfs/, for crun and runc)
      --file=FILE        pack what FILE evaluates to
  -e, --expression=EXPR  pack what EXPR evaluates to
  -m, --manifest=FILE    pack the profile of the manifest FILE returns
  -S, --symlink=SPEC     add the symbolic link SPEC, LINK=TARGET, such as
                         /bin=bin: LINK points to TARGET in the profile
      --entry-point=PROGRAM
                         run PROGRAM, a file of the profile such as
                         bin/sh, when the image is run
  -A, --entry-point-argument=ARG
                         give ARG to the entry point (repeatable)
  -C, --compression=TOOL compress with TOOL: gzip (the default) or none
      --max-layers=N     use at most N layers for docker and oci (100)
      --image-tag=NAME   name the image NAME in its archive or index
      --save-provenance  record what was packed, and from what, in the image
  -r, --root=FILE        make FILE a symlink to the result, and register it
                         as a garbage collector root
  -L, --load-path=DIR    prepend DIR to the module search path
  -v, --verbosity=LEVEL  0: only errors; 1: a line per build (default)
  -q, --quiet            the same as --verbosity=0
  -h, --help             display this help and exit
  -V, --version          display version information and exit

Examples:
  byre pack -f docker --file=hello.scm --entry-point=bin/hello
  byre pack -f bundle -S /bin=bin --entry-point=bin/echo coreutils
")
  (show-bug-report-information))

;; -C/--compression, as byre pack and byre system image take it.
(define (compression-option command)
  "Return the SRFI-37 option -C/--compression=TOOL of COMMAND, a string
such as \"pack\" that usage errors name: TOOL is gzip or none, recorded
as (compression . gzip) or (compression . #f) in the result."
  (option '(#\C "compression") #t #f
          (lambda (opt name arg result)
            (match arg
              ("gzip" (alist-cons 'compression 'gzip result))
              ("none" (alist-cons 'compression #f result))
              (_ (usage-error (format #f "~a: unknown compression" arg)
                              #:command command
                              #:hint "give gzip or none"))))))

(define (format-argument arg)
  (let ((pack-format (string->symbol arg)))
    (cond ((assq pack-format %pack-formats) pack-format)
          ((and (string-suffix? ".scm" arg) (file-exists? arg))
           (usage-error (format #f "~a: unknown pack format" arg)
                        #:command "pack"
                        #:hint (format #f "-f is the format, as in guix pack; \
to pack what a file evaluates to, write --file=~a" arg)))
          (else
           (usage-error (format #f "~a: unknown pack format" arg)
                        #:command "pack"
                        #:hint (format #f "the formats are ~{~a~^, ~}"
                                       (map car %pack-formats)))))))

(define (symlink-argument arg)
  ;; "LINK=TARGET", as guix pack -S.
  (match (string-index arg #\=)
    (#f (usage-error (format #f "-S ~a: no '=' between the link and its \
target" arg)
                     #:command "pack" #:hint "write -S /bin=bin"))
    (index
     (let ((link (substring arg 0 index))
           (target (substring arg (+ 1 index))))
       (unless (and (string-prefix? "/" link) (> (string-length link) 1))
         (usage-error (format #f "-S ~a: the link ~s is not an absolute file \
name" arg link)
                      #:command "pack" #:hint "write -S /bin=bin"))
       (when (string-null? target)
         (usage-error (format #f "-S ~a: no target" arg)
                      #:command "pack" #:hint "write -S /bin=bin"))
       (cons link target)))))

(define %pack-options
  (list (option '(#\f "format") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'format (format-argument arg) result)))
        (option '("file") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'file arg result)))
        (option '(#\e "expression") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'expression arg result)))
        (option '(#\m "manifest") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'manifest arg result)))
        (option '(#\S "symlink") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'symlink (symlink-argument arg) result)))
        (option '("entry-point") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'entry-point arg result)))
        (option '(#\A "entry-point-argument") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'entry-point-argument arg result)))
        (compression-option "pack")
        (option '("max-layers") #t #f
                (lambda (opt name arg result)
                  (match (string->number arg)
                    ((? (lambda (n) (and (exact-integer? n) (>= n 2))) n)
                     (alist-cons 'max-layers n result))
                    (_ (usage-error (format #f "--max-layers=~a: not a number \
of 2 or more" arg)
                                    #:command "pack")))))
        (option '("image-tag") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'image-tag arg result)))
        (option '("save-provenance") #f #f
                (lambda (opt name arg result)
                  (alist-cons 'save-provenance? #t result)))
        (option '(#\r "root") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'root arg result)))
        (load-path-option)
        (verbosity-option "pack")
        (quiet-option)
        (option '(#\h "help") #f #f
                (lambda _ (show-pack-help) (exit 0)))
        (option '(#\V "version") #f #f
                (lambda _ (show-version "pack") (exit 0)))))

(define %default-options
  '((format . docker) (compression . gzip) (verbosity . 1)))

(define (all key opts)
  ;; Every value of KEY in OPTS, first given first.
  (reverse (filter-map (match-lambda
                         ((k . v) (and (eq? k key) v)))
                       opts)))

(define (objects-to-pack opts operands)
  "Return two values: the file-like object or gexp to pack, and the text
that describes where it came from, for --save-provenance."
  (match (list (assq-ref opts 'file) (assq-ref opts 'expression)
               (assq-ref opts 'manifest) operands)
    (((? string? file) #f #f ())
     (values (read-gexp-file file)
             `(file ,file ,(call-with-input-file file (cut read-string <>)))))
    ((#f (? string? expression) #f ())
     (values (evaluate-expression expression) `(expression ,expression)))
    ((#f #f (? string? manifest) ())
     (let ((manifest-object (read-manifest-file manifest)))
       (values (profile (content manifest-object))
               `(manifest ,manifest
                          ,(call-with-input-file manifest (cut read-string <>))))))
    ((#f #f #f (specs ..1))
     (values (profile (content (packages->manifest
                                (map specification->package specs))))
             `(packages ,@specs)))
    ((#f #f #f ())
     (usage-error "nothing to pack" #:command "pack"
                  #:hint "give packages, -m MANIFEST, --file=FILE or -e \
'(plain-file \"hello\" \"Hello!\")'"))
    (_
     (usage-error "give one of PACKAGE..., -m MANIFEST, --file=FILE and -e \
EXPRESSION" #:command "pack"))))

(define (read-string port)
  ((@ (ice-9 rdelim) read-string) port))

(define (object->item store object)
  "Build OBJECT, a file-like object or a gexp, and return its store item."
  (let ((lowered (run-with-store store
                   (cond ((gexp? object)
                          (gexp->derivation "pack-input" object))
                         ((file-like? object) (lower-object object))
                         (else
                          (leave "~s is neither a file-like object nor a \
gexp; nothing to pack" object))))))
    (match lowered
      ((? derivation? drv)
       (build-derivations store (list drv))
       (derivation->output-path drv))
      ((? string? item) item))))

(define (host-entries-of store item)
  "Return the host files the closure of ITEM, a store item, stands for, as
closure entries (see (byre host)): those its host packages record."
  (store-items-host-closure (requisites store (list item))))

(define (read-manifest-file file)
  "Return the value of FILE's last expression, evaluated where Guix
evaluates manifests: with (guix profiles) and (gnu packages) as well as
Guix's usual modules."
  (let ((module (make-fresh-user-module)))
    (for-each (lambda (name)
                (module-use! module (resolve-interface name)))
              '((guile) (guix gexp) (guix store) (guix profiles)
                (gnu packages)))
    (load-user-file file module)))

(define (byre-pack args)
  "Implement `byre pack' with ARGS, the arguments after \"pack\"."
  (let-values (((opts operands)
                (parse-command-options args %pack-options %default-options
                                       #:command "pack")))
    (apply-load-paths opts)
    (call-with-error-handling
     (lambda ()
       (let-values (((object provenance) (objects-to-pack opts operands)))
         (parameterize ((%build-verbosity (assq-ref opts 'verbosity)))
           (with-store store
             (let* ((item (object->item store object))
                    (provenance-item
                     (and (assq-ref opts 'save-provenance?)
                          (add-text-to-store
                           store "provenance"
                           (object->string
                            `(provenance (byre ,%byre-version)
                                         (command pack ,@args)
                                         (source ,provenance)
                                         (profile ,item)))
                           (list item))))
                    (result
                     (build-pack store
                                 (if provenance-item
                                     (list item provenance-item)
                                     (list item))
                                 #:format (assq-ref opts 'format)
                                 #:compression (assq-ref opts 'compression)
                                 #:name (assq-ref opts 'image-tag)
                                 #:profile item
                                 #:host-entries (host-entries-of store item)
                                 #:symlinks (all 'symlink opts)
                                 #:entry-point (assq-ref opts 'entry-point)
                                 #:entry-point-arguments
                                 (all 'entry-point-argument opts)
                                 #:max-layers (or (assq-ref opts 'max-layers)
                                                  %default-max-layers)
                                 #:labels
                                 (if provenance-item
                                     `(("org.opencontainers.image.version"
                                        . ,%byre-version)
                                       ("dev.byre.provenance" . ,provenance-item))
                                     '()))))
               (when (assq-ref opts 'root)
                 (register-root store (assq-ref opts 'root)
                                `(("out" . ,result))))
               (display result)
               (newline))))))))
  (exit 0))

;;; pack.scm ends here
