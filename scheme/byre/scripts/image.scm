;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre scripts image): `byre system image', as `guix system image -t
;;; docker': the containerized operating system of a configuration file
;;; as a Docker or OCI image, and a Kubernetes Pod that runs it.

(define-module (byre scripts image)
  #:use-module (byre ui)
  #:use-module (byre store)
  #:use-module ((byre derivations) #:select (%build-verbosity))
  #:use-module (byre pack)
  #:use-module (byre pack-system)
  #:use-module ((byre scripts system) #:select (read-operating-system))
  #:use-module ((byre scripts pack) #:select (compression-option))
  #:use-module ((byre scripts eval) #:select (register-root))
  #:use-module ((byre system) #:select (operating-system-host-name))
  #:use-module (json)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-37)
  #:use-module (ice-9 match)
  #:use-module (ice-9 format)
  #:export (byre-system-image))

(define (show-image-help)
  (display "Usage: byre system image [OPTION]... FILE
Build the operating system declared in FILE, made for a container, as a
Docker or OCI image whose entry point boots it (its init as PID 1), and
print the image's file name.

  -t, --image-type=TYPE  docker (the default: podman load) or oci
  -C, --compression=TOOL compress the layers with gzip (the default) or none
      --image-tag=NAME   name the image NAME (default: the host name)
      --kube=FILE        also write to FILE a Kubernetes Pod that runs the
                         image (JSON, which kubectl and podman kube play read)
  -p, --port=[HOST:]PORT with --kube, declare the container's TCP PORT,
                         published on the node's HOST port if given
                         (repeatable)
      --share=SRC[=DST]  with --kube, mount the node's SRC at DST (by
                         default SRC) in the container, writable
      --expose=SRC[=DST] the same, read-only
  -r, --root=FILE        make FILE a symlink to the image, and register it
                         as a garbage collector root
  -L, --load-path=DIR    prepend DIR to the module search path
  -v, --verbosity=LEVEL  0: only errors; 1: a line per build (default)
  -h, --help             display this help and exit

Example:
  podman load -i $(byre system image -t docker --kube=pod.json -p 2222 \\
                     examples/bare-bones.scm)
  podman kube play pod.json
")
  (show-bug-report-information))

(define (volume-specification spec option writable?)
  ;; SPEC, "SOURCE" or "SOURCE=TARGET", as (SOURCE TARGET WRITABLE?).
  (let-values (((source target)
                (match (string-index spec #\=)
                  (#f (values spec spec))
                  (i (values (substring spec 0 i) (substring spec (+ i 1)))))))
    (unless (and (string-prefix? "/" source) (string-prefix? "/" target))
      (usage-error (format #f "~a=~a: file names must be absolute" option spec)
                   #:command "system image"
                   #:hint (format #f "write ~a=/NODE/DIR or ~a=/NODE/DIR=/DIR"
                                  option option)))
    (list source target writable?)))

(define %image-options
  (list (option '(#\t "image-type") #t #f
                (lambda (opt name arg result)
                  (match arg
                    ((or "docker" "oci")
                     (alist-cons 'type (string->symbol arg) result))
                    (_ (usage-error (format #f "~a: unknown image type" arg)
                                    #:command "system image"
                                    #:hint "give -t docker or -t oci")))))
        (compression-option "system image")
        (option '("image-tag") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'image-tag arg result)))
        (option '("kube") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'kube arg result)))
        (option '(#\p "port") #t #f
                (lambda (opt name arg result)
                  (define (tcp-port text)
                    (match (string->number text)
                      ((? (lambda (n) (and (exact-integer? n) (< 0 n 65536))) n)
                       n)
                      (_ (usage-error (format #f "--port=~a: not a TCP port" arg)
                                      #:command "system image"
                                      #:hint "give a number from 1 to 65535, \
or HOST-PORT:PORT"))))
                  (alist-cons 'port
                              (match (string-index arg #\:)
                                (#f (tcp-port arg))
                                (i (cons (tcp-port (substring arg 0 i))
                                         (tcp-port (substring arg (+ i 1))))))
                              result)))
        (option '("share") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'volume (volume-specification arg "--share" #t)
                              result)))
        (option '("expose") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'volume (volume-specification arg "--expose" #f)
                              result)))
        (option '(#\r "root") #t #f
                (lambda (opt name arg result)
                  (alist-cons 'root arg result)))
        (load-path-option)
        (verbosity-option "system image")
        (option '(#\h "help") #f #f
                (lambda _ (show-image-help) (exit 0)))))

(define (byre-system-image args)
  "Implement `byre system image' with ARGS, the arguments after \"image\"."
  (let-values (((opts operands)
                (let loop ((args args) (opts '((type . docker) (compression . gzip)))
                           (operands '()))
                  (call-with-values
                      (lambda ()
                        (parse-command-options args %image-options opts
                                               #:command "system image"))
                    (lambda (opts rest)
                      (match rest
                        (() (values opts (reverse operands)))
                        ((operand . rest)
                         (loop rest opts (cons operand operands)))))))))
    (define ports
      (reverse (filter-map (match-lambda (('port . p) p) (_ #f)) opts)))
    (define volumes
      (reverse (filter-map (match-lambda (('volume . v) v) (_ #f)) opts)))
    (when (and (pair? ports) (not (assq-ref opts 'kube)))
      (usage-error "--port is for --kube" #:command "system image"
                   #:hint "add --kube=pod.json"))
    (when (and (pair? volumes) (not (assq-ref opts 'kube)))
      (usage-error "--share and --expose are for --kube"
                   #:command "system image"
                   #:hint "add --kube=pod.json"))
    (apply-load-paths opts)
    (match operands
      ((file)
       (let ((os (call-with-error-handling
                  (lambda () (read-operating-system file)))))
         (call-with-error-handling
          (lambda ()
            (parameterize ((%build-verbosity (or (assq-ref opts 'verbosity) 1)))
              (with-store store
                (let* ((name (or (assq-ref opts 'image-tag)
                                 (operating-system-host-name os)))
                       (image (operating-system-image
                               store os
                               #:format (assq-ref opts 'type)
                               #:compression (assq-ref opts 'compression)
                               #:name name)))
                  (when (assq-ref opts 'root)
                    (register-root store (assq-ref opts 'root)
                                   `(("out" . ,image))))
                  (match (assq-ref opts 'kube)
                    (#f #t)
                    (pod-file
                     (call-with-output-file pod-file
                       (lambda (port)
                         (scm->json (image-kubernetes-pod
                                     (image-reference name)
                                     (string-append "localhost/"
                                                    (image-reference name)
                                                    ":latest")
                                     #:ports ports
                                     #:volumes volumes)
                                    port #:pretty #t)
                         (newline port)))))
                  (display image)
                  (newline))))))))
      (()
       (usage-error "no configuration file given" #:command "system image"
                    #:hint "give a file that declares an (operating-system …)"))
      (_
       (usage-error "give one configuration file" #:command "system image")))))

;;; image.scm ends here
