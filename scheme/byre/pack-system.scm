;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre pack-system): images of operating systems, as `guix system
;;; image -t docker' makes them, and Kubernetes Pods that run them.

(define-module (byre pack-system)
  #:use-module (byre store)
  #:use-module (byre monads)
  #:use-module (byre derivations)
  #:use-module (byre diagnostics)
  #:use-module (byre pack)
  #:use-module (byre container-spec)
  #:use-module ((byre host) #:select (store-items-host-closure))
  #:use-module ((byre system container) #:select (system-container
                                                  system-container-spec
                                                  system-etc-shadows))
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-34)
  #:export (operating-system-image
            image-kubernetes-pod))

;;; Commentary:
;;;
;;; The image holds the closure of the system directory of the
;;; containerized operating system (S's `system-container'), the host
;;; files its host packages record, and, as its entry point, what PID 1 of
;;; `byre system container' runs: the host's guile loading the system's
;;; boot, which activates the system and executes the init.
;;;
;;; Code:

(define (system-host-entries system entries)
  ;; ENTRIES, host closure entries, but for those SYSTEM's /etc shadows,
  ;; as in a system container.
  (define shadowed? (system-etc-shadows system))
  (remove (match-lambda ((_ file . _) (shadowed? file))) entries))

(define* (operating-system-image store os #:key (format 'docker)
                                 (compression 'gzip) name)
  "Build in STORE the image of OS, an operating system, made for a
container, in FORMAT ('docker or 'oci, compressed with COMPRESSION, 'gzip
or #f), named NAME (by default OS's host name), and return the store item
that holds it.  The image's entry point boots the system: its init runs
as PID 1."
  (unless (memq format '(docker oci))
    (raise (make-user-error "~a: a system image is docker or oci" (list format)
                            #:hint "give -t docker or -t oci.")))
  (let* ((drv (run-with-store store (system-container os #:runtime-network? #t)))
         (system (derivation->output-path drv)))
    (build-derivations store (list drv))
    (let* ((items (requisites store (list system)))
           (spec (system-container-spec system '() #:host-uids 1
                                        #:console #f)))
      (build-pack store (list system)
                  #:format format
                  #:compression compression
                  #:name (or name
                             ((@ (byre system) operating-system-host-name) os))
                  #:host-entries (system-host-entries
                                  system (store-items-host-closure items))
                  #:entry-point (first (container-spec-program spec))
                  #:entry-point-arguments (cdr (container-spec-program spec))
                  #:environment (container-spec-environment spec)
                  #:labels `(("dev.byre.system" . ,system))))))

(define (kubernetes-volume-name target index)
  ;; A Kubernetes name for the volume mounted at TARGET, the INDEXth.
  (let ((base (string-map (lambda (c)
                            (if (or (char-numeric? c) (char-lower-case? c)) c #\-))
                          (string-downcase (string-trim-both target #\/)))))
    (string-append "volume-" (number->string index)
                   (if (string-null? base) "" (string-append "-" base)))))

(define* (image-kubernetes-pod name image #:key (ports '()) (volumes '()))
  "Return a Kubernetes Pod manifest, as a guile-json value (JSON is YAML
that kubectl and `podman kube play' read), named NAME, that runs IMAGE, a
reference such as \"localhost/komputilo:latest\", with its entry point.
PORTS lists the container's TCP ports: a port number, or a pair
(HOST-PORT . PORT) that also publishes PORT on the node's HOST-PORT.
VOLUMES lists (SOURCE TARGET WRITABLE?): the node's directory or file
SOURCE (a hostPath volume) mounted at TARGET, read-only unless WRITABLE?."
  (define (tcp-port? port)
    (and (exact-integer? port) (< 0 port 65536)))
  (unless (and (string? name)
               (string-every (lambda (c) (or (char-numeric? c) (char-lower-case? c)
                                             (char=? c #\-)))
                             name)
               (not (string-null? name)))
    (raise (make-user-error "~s is not a Kubernetes name" (list name)
                            #:hint "use lower-case letters, digits and -, \
as in komputilo.")))
  (for-each (lambda (port)
              (unless (match port
                        ((host . container)
                         (and (tcp-port? host) (tcp-port? container)))
                        (_ (tcp-port? port)))
                (raise (make-user-error "port ~s is not a TCP port number"
                                        (list port)
                                        #:hint "give a number from 1 to 65535, \
or HOST-PORT:PORT."))))
            ports)
  (for-each (match-lambda
              ((source target _)
               (unless (and (string? source) (string-prefix? "/" source)
                            (string? target) (string-prefix? "/" target))
                 (raise (make-user-error "volume ~a=~a: file names must be \
absolute" (list source target)
                                         #:hint "write /NODE/DIR or \
/NODE/DIR=/DIR.")))))
            volumes)
  (let ((names (map (lambda (volume index)
                      (kubernetes-volume-name (second volume) index))
                    volumes (iota (length volumes)))))
    `(("apiVersion" . "v1")
      ("kind" . "Pod")
      ("metadata" . (("name" . ,name)
                     ("labels" . (("app" . ,name)))))
      ("spec"
       . (("restartPolicy" . "Never")
          ("containers"
           . #((("name" . ,name)
                ("image" . ,image)
                ("imagePullPolicy" . "Never")
                ("ports" . ,(list->vector
                             (map (match-lambda
                                    ((host . port)
                                     `(("containerPort" . ,port)
                                       ("hostPort" . ,host)
                                       ("protocol" . "TCP")))
                                    (port
                                     `(("containerPort" . ,port)
                                       ("protocol" . "TCP"))))
                                  ports)))
                ,@(if (null? volumes)
                      '()
                      `(("volumeMounts"
                         . ,(list->vector
                             (map (lambda (volume name)
                                    (match volume
                                      ((_ target writable?)
                                       `(("name" . ,name)
                                         ("mountPath" . ,target)
                                         ("readOnly" . ,(not writable?))))))
                                  volumes names))))))))
          ,@(if (null? volumes)
                '()
                `(("volumes"
                   . ,(list->vector
                       (map (lambda (volume name)
                              `(("name" . ,name)
                                ("hostPath" . (("path" . ,(first volume))))))
                            volumes names))))))))))

;;; pack-system.scm ends here
