;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre oci): reproducible layers, OCI image layouts and Docker archives.

(define-module (byre oci)
  #:use-module (byre store-core)
  #:use-module (byre diagnostics)
  #:use-module (json)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-26)
  #:use-module (srfi srfi-34)
  #:use-module (ice-9 match)
  #:use-module (rnrs bytevectors)
  #:use-module ((rnrs io ports) #:select (put-bytevector))
  #:export (%tar-program
            %gzip-program
            %epoch-timestamp
            %oci-architecture

            run-tool
            parent-directories
            make-skeleton
            tar-sources
            write-reproducible-tar
            compress-file

            <layer>
            layer?
            layer-file
            layer-media-type
            layer-digest
            layer-diff-id
            layer-size
            write-layer

            file-digest
            json-blob
            image-config
            write-oci-layout
            write-docker-archive-tree))

;;; Commentary:
;;;
;;; A layer is a tar archive written by GNU tar with everything that varies
;;; between machines or runs fixed: names sorted, every mtime 1 (the
;;; store's own), owner and group 0 by number, no atime or ctime in pax
;;; headers, hard links stored as files.  Directories that lead to the
;;; files (/var, /var/lib, … above the store) come from a skeleton made
;;; here with mode 0755, not from the host, whose modes vary.  So the same
;;; store item always gives the same bytes, and images that share items
;;; share layers (same digest).  gzip runs with -n (no name, no time).
;;;
;;; JSON is written by guile-json: configurations, manifests and indexes
;;; are alists (objects, in the order written) and vectors (arrays).  A
;;; blob's digest is the SHA-256 of exactly the bytes written.
;;;
;;; Code:

(define %tar-program
  ;; GNU tar: --sort=name and --pax-option need 1.28 or later.
  (make-parameter "tar"))

(define %gzip-program
  (make-parameter "gzip"))

(define %epoch-timestamp
  ;; The creation time images say they have: the store's mtime, 1 second
  ;; after the epoch, so that two builds agree.
  "1970-01-01T00:00:01Z")

(define %oci-architecture
  ;; GOARCH names, which the image specification uses.
  (let ((machine (utsname:machine (uname))))
    (match machine
      ("x86_64" "amd64")
      ("aarch64" "arm64")
      ((or "i386" "i486" "i586" "i686") "386")
      ("armv7l" "arm")
      ("ppc64le" "ppc64le")
      ("s390x" "s390x")
      ("riscv64" "riscv64")
      (other other))))


;;;
;;; Tools.
;;;

(define (run-tool program . arguments)
  "Run PROGRAM with ARGUMENTS, strings, looked up in PATH, and return when
it exits with status 0; otherwise raise an error naming the command and
how it ended."
  (let ((status (apply system* program arguments)))
    (unless (and (status:exit-val status) (zero? (status:exit-val status)))
      (raise (make-user-error
              "~a failed (~a): ~a ~{~a~^ ~}"
              (list program
                    (if (status:exit-val status)
                        (format #f "exit status ~a" (status:exit-val status))
                        (format #f "signal ~a" (status:term-sig status)))
                    program
                    ;; Long file lists are not worth printing whole.
                    (if (> (length arguments) 12)
                        (append (take arguments 12) '("…"))
                        arguments))
              #:hint (and (not (status:exit-val status))
                          "the command was interrupted or killed"))))))

(define (parent-directories file)
  "Return the directories that lead to FILE, an absolute file name, from
the top: \"/a/b/c\" gives (\"/a\" \"/a/b\")."
  (let loop ((parts (drop-right (string-split file #\/) 1))
             (prefix "")
             (result '()))
    (match parts
      (() (reverse result))
      (("" . rest) (loop rest prefix result))
      ((part . rest)
       (let ((directory (string-append prefix "/" part)))
         (loop rest directory (cons directory result)))))))

(define (make-skeleton root directories)
  "Make each of DIRECTORIES, absolute file names, under ROOT with mode
0755, parents first."
  (for-each (lambda (directory)
              (let ((file (string-append root directory)))
                (unless (file-exists? file)
                  (mkdir file))
                (chmod file #o755)))
            (sort (delete-duplicates directories) string<?)))

(define (relative file)
  ;; FILE without its leading slash, as tar wants it after -C /.
  (string-trim file #\/))

(define (tar-sources sources)
  "Return the tar arguments that archive SOURCES, a list of (DIRECTORY
RECURSIVE? FILE ...) entries: the absolute FILEs read from DIRECTORY (a
host directory standing for the image's root), with what is beneath them
when RECURSIVE? is true."
  (append-map (match-lambda
                ((directory recursive? files ...)
                 (if (null? files)
                     '()
                     (cons* "-C" directory
                            (if recursive? "--recursion" "--no-recursion")
                            (map relative files)))))
              sources))

(define %reproducible-tar-options
  (list "--format=posix"
        "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime"
        "--sort=name" "--mtime=@1" "--owner=0" "--group=0" "--numeric-owner"
        "--hard-dereference" "--no-acls" "--no-xattrs" "--no-selinux"))

(define (write-reproducible-tar output sources)
  "Write OUTPUT, an uncompressed tar archive of SOURCES (see
`tar-sources'), with fixed names order, times and owners, so that the same
files always give the same bytes.  Return OUTPUT."
  (apply run-tool (%tar-program) "--create" "--file" output
         (append %reproducible-tar-options (tar-sources sources)))
  output)

(define (compress-file file compression)
  "Compress FILE with COMPRESSION, 'gzip or #f (none), replacing it, and
return the name of the result: FILE.gz, or FILE itself."
  (match compression
    (#f file)
    ('gzip
     ;; -n: no file name or time in the header.
     (run-tool (%gzip-program) "-n" "-f" file)
     (string-append file ".gz"))
    (other
     (raise (make-user-error "unknown compression ~s" (list other)
                             #:hint "use gzip or none.")))))


;;;
;;; Digests and JSON.
;;;

(define (bytevector->base16 bv)
  (string-concatenate
   (map (lambda (byte)
          (string-append (if (< byte 16) "0" "") (number->string byte 16)))
        (bytevector->u8-list bv))))

(define (file-digest file)
  "Return two values: the digest of FILE's contents as the image
specification writes it, \"sha256:\" followed by 64 hexadecimal digits, and
its size in bytes."
  (values (string-append "sha256:"
                         (bytevector->base16 (%file-hash file #f 'sha256)))
          (stat:size (stat file))))

(define (json-blob value)
  "Return three values for VALUE, a JSON value as guile-json represents it
(alists for objects, vectors for arrays): its serialisation as a UTF-8
bytevector, the digest of those bytes and their size."
  (let ((bytes (string->utf8 (scm->json-string value))))
    (values bytes
            (string-append "sha256:" (bytevector->base16 (%sha256 bytes)))
            (bytevector-length bytes))))

(define (write-bytes file bytes)
  (call-with-output-file file
    (lambda (port) (put-bytevector port bytes))
    #:binary #t))


;;;
;;; Layers.
;;;

(define-record-type <layer>
  (make-layer file media-type digest diff-id size)
  layer?
  (file       layer-file)                 ;the blob on disk
  (media-type layer-media-type)           ;OCI media type of the blob
  (digest     layer-digest)               ;"sha256:…" of the blob
  (diff-id    layer-diff-id)              ;"sha256:…" of the uncompressed tar
  (size       layer-size))                ;the blob's size in bytes

(define* (write-layer file sources #:key (compression 'gzip))
  "Write the layer of SOURCES (see `tar-sources') to FILE, compressed with
COMPRESSION ('gzip or #f), and return it as a <layer> whose file is FILE or
FILE.gz."
  (write-reproducible-tar file sources)
  (let ((diff-id (file-digest file))
        (blob (compress-file file compression)))
    (let-values (((digest size) (file-digest blob)))
      (make-layer blob
                  (if compression
                      "application/vnd.oci.image.layer.v1.tar+gzip"
                      "application/vnd.oci.image.layer.v1.tar")
                  digest diff-id size))))


;;;
;;; Images.
;;;

(define* (image-config layers #:key entry-point (command '())
                       (environment '()) (working-directory #f)
                       (labels '()) (history '()))
  "Return the image configuration (OCI image-spec config.json, which
Docker reads too) of an image made of LAYERS, a list of <layer>, bottom
first, as a guile-json value.  ENTRY-POINT and COMMAND are lists of
strings (or #f); ENVIRONMENT a list of \"NAME=VALUE\"; LABELS an alist of
strings; HISTORY a list of strings, one a layer, saying what it holds."
  `(("architecture" . ,%oci-architecture)
    ("os" . "linux")
    ("created" . ,%epoch-timestamp)
    ("config"
     . (,@(if (and entry-point (pair? entry-point))
              `(("Entrypoint" . ,(list->vector entry-point)))
              '())
        ,@(if (pair? command)
              `(("Cmd" . ,(list->vector command)))
              '())
        ("Env" . ,(list->vector environment))
        ,@(if working-directory
              `(("WorkingDir" . ,working-directory))
              '())
        ,@(if (pair? labels)
              `(("Labels" . ,labels))
              '())))
    ("rootfs"
     . (("type" . "layers")
        ("diff_ids" . ,(list->vector (map layer-diff-id layers)))))
    ("history"
     . ,(list->vector
         (map (lambda (comment)
                `(("created" . ,%epoch-timestamp)
                  ("created_by" . "byre pack")
                  ("comment" . ,comment)))
              history)))))

(define (descriptor media-type digest size . annotations)
  `(("mediaType" . ,media-type)
    ("digest" . ,digest)
    ("size" . ,size)
    ,@(match annotations
        (() '())
        ((alist) `(("annotations" . ,alist))))))

(define (digest-hex digest)
  (string-drop digest (string-length "sha256:")))

(define* (write-oci-layout directory layers config #:key (reference "latest"))
  "Write in DIRECTORY, an empty directory, the OCI image layout of one
image made of LAYERS (a list of <layer>, whose files are moved into it)
and CONFIG (see `image-config'), named REFERENCE in its index: the files
oci-layout, index.json and blobs/sha256/*.  Return the manifest's digest."
  (define blobs (string-append directory "/blobs/sha256"))
  (define (blob-file digest) (string-append blobs "/" (digest-hex digest)))

  (mkdir (string-append directory "/blobs"))
  (mkdir blobs)
  (for-each (lambda (layer)
              ;; Two identical layers are one blob.
              (let ((target (blob-file (layer-digest layer))))
                (if (file-exists? target)
                    (delete-file (layer-file layer))
                    (rename-file (layer-file layer) target))))
            layers)
  (let*-values (((config-bytes config-digest config-size) (json-blob config))
                ((manifest-bytes manifest-digest manifest-size)
                 (json-blob
                  `(("schemaVersion" . 2)
                    ("mediaType" . "application/vnd.oci.image.manifest.v1+json")
                    ("config" . ,(descriptor
                                  "application/vnd.oci.image.config.v1+json"
                                  config-digest config-size))
                    ("layers"
                     . ,(list->vector
                         (map (lambda (layer)
                                (descriptor (layer-media-type layer)
                                            (layer-digest layer)
                                            (layer-size layer)))
                              layers)))))))
    (write-bytes (blob-file config-digest) config-bytes)
    (write-bytes (blob-file manifest-digest) manifest-bytes)
    (write-bytes (string-append directory "/oci-layout")
                 (string->utf8
                  (scm->json-string '(("imageLayoutVersion" . "1.0.0")))))
    (write-bytes (string-append directory "/index.json")
                 (string->utf8
                  (scm->json-string
                   `(("schemaVersion" . 2)
                     ("mediaType" . "application/vnd.oci.image.index.v1+json")
                     ("manifests"
                      . #(,(descriptor
                            "application/vnd.oci.image.manifest.v1+json"
                            manifest-digest manifest-size
                            `(("org.opencontainers.image.ref.name"
                               . ,reference)))))))))
    manifest-digest))

(define* (write-docker-archive-tree directory layers config #:key repository-tag)
  "Write in DIRECTORY, an empty directory, what `docker save' writes for
one image made of LAYERS (<layer>s, whose files are moved into it) and
CONFIG: ID/layer.tar for each layer (compressed or not: Docker and Podman
look at its first bytes), the configuration as
DIGEST.json, and manifest.json naming REPOSITORY-TAG (\"NAME:TAG\").
`docker load' and `podman load' read the tar of DIRECTORY.  Return the
configuration's digest."
  (let*-values (((config-bytes config-digest config-size) (json-blob config))
                ((config-file) (string-append (digest-hex config-digest) ".json")))
    (let ()
    (define (add-layer layer)
      ;; ID/layer.tar, ID being the layer's diff id; two identical layers
      ;; are one directory.
      (let* ((id (digest-hex (layer-diff-id layer)))
             (dir (string-append directory "/" id)))
        (if (file-exists? dir)
            (delete-file (layer-file layer))
            (begin
              (mkdir dir)
              (write-bytes (string-append dir "/VERSION") (string->utf8 "1.0"))
              (rename-file (layer-file layer)
                           (string-append dir "/layer.tar"))))
        (string-append id "/layer.tar")))

    (let ((layer-names (map add-layer layers)))
      (write-bytes (string-append directory "/" config-file) config-bytes)
      (write-bytes (string-append directory "/manifest.json")
                   (string->utf8
                    (scm->json-string
                     `#((("Config" . ,config-file)
                         ("RepoTags" . #(,repository-tag))
                         ("Layers" . ,(list->vector layer-names)))))))))
    config-digest))

;;; oci.scm ends here
