;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre pack): store closures as tarballs, OCI images, Docker archives
;;; and OCI runtime bundles, written into the store.

(define-module (byre pack)
  #:use-module (byre store)
  #:use-module (byre oci)
  #:use-module (byre oci-config)
  #:use-module (byre diagnostics)
  #:use-module ((byre utils) #:select (call-with-temporary-directory))
  #:use-module ((byre config) #:select (%byre-version))
  #:use-module ((byre packages) #:select (%dpkg-admin-directory))
  #:use-module (json)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:use-module (srfi srfi-26)
  #:use-module (srfi srfi-34)
  #:use-module (ice-9 ftw)
  #:use-module (ice-9 match)
  #:use-module (ice-9 rdelim)
  #:use-module (rnrs bytevectors)
  #:export (%pack-formats
            %default-max-layers
            pack-output-name
            image-reference
            group-layers
            unreadable-host-files
            build-pack))

;;; Commentary:
;;;
;;; An image holds exactly the closure of its items in the store (at their
;;; store file names), the host files of host packages at their own file
;;; names, the symbolic links asked for, and /tmp.  Nothing else: no shell,
;;; no /etc unless an item provides one.
;;;
;;; The result is a store item whose name is computed from everything that
;;; determines its bytes (format, compression, the closure, the host
;;; files' sizes and times, links, entry point, layers), as a derivation's
;;; output is: packing the same thing again returns the item already there.
;;; Its contents are self-contained, so it refers to nothing.
;;;
;;; Code:

(define %pack-formats
  ;; Format, the suffix of the result's name, and what it is.
  '((tarball ".tar" "a tar archive of the closure, for tar -x at /")
    (docker ".tar" "an image for docker load and podman load")
    (oci ".tar" "an OCI image layout in a tar archive, for skopeo, \
podman and registries")
    (bundle "" "an OCI runtime bundle: config.json and rootfs/, for crun \
run and runc run")))

(define %default-max-layers
  ;; Guix's default for --max-layers; overlay file systems allow about 127.
  100)

(define (pack-output-name name format compression)
  "Return the name of the store item that packs NAME in FORMAT, a symbol of
%pack-formats, compressed with COMPRESSION ('gzip or #f), as Guix names
its packs: NAME-docker-pack.tar.gz and so on."
  (match format
    ('bundle (string-append name "-bundle"))
    (_ (string-append name "-" (symbol->string format) "-pack"
                      (cadr (assq format %pack-formats))
                      ;; Images' layers are compressed, not their archive.
                      (if (and compression (eq? format 'tarball))
                          ".gz" "")))))

(define (image-reference name)
  "Return NAME as a repository name that Docker and the OCI index accept:
lower case, only letters, digits, '.', '_' and '-'."
  (let ((clean (string-map (lambda (c)
                             (if (or (char-set-contains? char-set:letter+digit c)
                                     (memv c '(#\. #\_ #\-)))
                                 (char-downcase c)
                                 #\-))
                           name)))
    (if (or (string-null? clean)
            (not (char-alphabetic? (string-ref clean 0))))
        (string-append "byre-" clean)
        clean)))

(define (file-tree-entries directory)
  "Return the sorted names of the entries of DIRECTORY."
  (sort (scandir directory (negate (cut member <> '("." ".."))))
        string<?))


;;;
;;; What goes in.
;;;

(define (host-entry-stamp entry)
  ;; What identifies a host file's contents cheaply: its size and mtime.
  ;; A package upgrade changes them, and with them the pack's name.
  (match entry
    (((or 'file 'directory) path)
     (let ((st (lstat path)))
       (list path (stat:size st) (stat:mtime st) (stat:mtimensec st)
             (stat:perms st))))
    (('symlink path target) (list path target))))

(define (make-extras directory symlinks mount-points)
  "Make under DIRECTORY, as the root of the image, each symbolic link of
SYMLINKS, a list of (LINK . TARGET) absolute file names, their parent
directories (mode 0755), /tmp (mode 1777) and each of MOUNT-POINTS, empty
directories of mode 0755."
  (make-skeleton directory
                 (append (append-map (compose parent-directories car) symlinks)
                         mount-points))
  (mkdir (string-append directory "/tmp"))
  (chmod (string-append directory "/tmp") #o1777)
  (for-each (match-lambda
              ((link . target)
               (let ((file (string-append directory link)))
                 (when (file-exists? file)
                   (raise (make-user-error
                           "symbolic link ~a is given twice, or hides ~a"
                           (list link link)
                           #:hint "give each -S LINK=TARGET once.")))
                 (symlink target file))))
            symlinks))

(define (host-sources skeleton entries)
  "Return the tar sources (see `tar-sources') of host ENTRIES, closure
entries as (byre host) lists them, with their parent directories taken
from SKELETON."
  (let* ((paths (map (match-lambda ((_ path . _) path)) entries))
         (parents (lset-difference string=?
                                   (delete-duplicates
                                    (append-map parent-directories paths))
                                   paths)))
    (make-skeleton skeleton parents)
    `((,skeleton #f ,@(sort parents string<?))
      ("/" #f ,@(sort (filter-map (match-lambda
                                    (((or 'file 'symlink) path . _) path)
                                    (_ #f))
                                  entries)
                      string<?))
      ("/" #t ,@(sort (filter-map (match-lambda
                                    (('directory path) path)
                                    (_ #f))
                                  entries)
                      string<?)))))

(define (unreadable-host-files entries)
  "Return the files and directories of ENTRIES, host closure entries as
(byre host) lists them, and beneath their directories, that this process
may not read (a directory: not list or not enter), sorted.  Symbolic links
are not followed."
  (define (readable? file directory?)
    (access? file (if directory? (logior R_OK X_OK) R_OK)))
  (define (walk directory result)
    ;; Each unreadable file or directory beneath DIRECTORY, with RESULT.
    (fold (lambda (name result)
            (let* ((file (string-append directory "/" name))
                   (st (false-if-exception (lstat file))))
              (cond ((not st) result)
                    ((eq? (stat:type st) 'directory)
                     (if (readable? file #t)
                         (walk file result)
                         (cons file result)))
                    ((eq? (stat:type st) 'symlink) result)
                    ((readable? file #f) result)
                    (else (cons file result)))))
          result
          (or (scandir directory (lambda (name)
                                   (not (member name '("." "..")))))
              '())))
  (sort (fold (lambda (entry result)
                (match entry
                  (('file file)
                   (if (or (not (file-exists? file)) (readable? file #f))
                       result
                       (cons file result)))
                  (('directory directory)
                   (cond ((not (file-exists? directory)) result)
                         ((readable? directory #t) (walk directory result))
                         (else (cons directory result))))
                  (_ result)))
              '()
              entries)
        string<?))

(define (debian-packages-of files)
  "Return an alist of FILES, absolute file names, to the name of the
Debian package that installed each (dpkg's lists), #f for a file no package
lists."
  (define info (string-append (%dpkg-admin-directory) "/info"))
  (define table (make-hash-table))
  (for-each (cut hash-set! table <> #f) files)
  (for-each (lambda (list-file)
              (let ((package (basename list-file ".list")))
                (call-with-input-file (string-append info "/" list-file)
                  (lambda (port)
                    (let loop ()
                      (let ((line (read-line port)))
                        (unless (eof-object? line)
                          (when (and (hash-get-handle table line)
                                     (not (hash-ref table line)))
                            ;; libfoo:amd64 -> libfoo
                            (hash-set! table line
                                       (match (string-index package #\:)
                                         (#f package)
                                         (i (string-take package i)))))
                          (loop))))))))
            (or (scandir info (cut string-suffix? ".list" <>)) '()))
  (map (lambda (file) (cons file (hash-ref table file))) files))

(define (check-host-files-readable entries)
  ;; Raise a user error naming the host files of ENTRIES this process may
  ;; not read, with their Debian packages, before a layer is written.
  (match (unreadable-host-files entries)
    (() #t)
    (files
     (let* ((owners (debian-packages-of files))
            (shown (if (> (length owners) 8) (take owners 8) owners))
            (packages (delete-duplicates (filter-map cdr owners))))
       (raise (make-user-error
               "host files only root may read: ~a~a"
               (list (string-join
                      (map (match-lambda
                             ((file . #f) file)
                             ((file . package)
                              (string-append file " (" package ")")))
                           shown)
                      ", ")
                     (if (> (length owners) 8)
                         (string-append " and " (number->string
                                                 (- (length owners) 8))
                                        " more")
                         ""))
               #:hint (string-append
                       "an image holds copies of the host files of its \
packages: build it as root (sudo byre ...), or leave out what needs "
                       (match packages
                         (() "those files")
                         ((one) (string-append "the Debian package " one))
                         (_ (string-append "the Debian packages "
                                           (string-join packages ", "))))
                       ".")))))))

(define (item-sources skeleton items)
  "Return the tar sources of the store ITEMS, with the directories above
the store from SKELETON."
  (let ((parents (parent-directories (string-append (%store-prefix) "/x"))))
    (make-skeleton skeleton parents)
    `((,skeleton #f ,@parents)
      ("/" #t ,@(sort items string<?)))))

(define* (group-layers items sizes max-layers)
  "Return ITEMS, store file names, grouped into at most MAX-LAYERS lists,
one layer each: the largest items (SIZES is an alist of item and size)
alone in a layer of their own, so that images sharing them share the
layer, and the rest, if any, together in the last one.  Each list is
sorted by name, and so is the list of lists."
  (let ((items (sort items string<?)))
    (if (<= (length items) max-layers)
        (map list items)
        (let* ((by-size (sort items (lambda (a b)
                                      (let ((sa (assoc-ref sizes a))
                                            (sb (assoc-ref sizes b)))
                                        (if (= sa sb)
                                            (string<? a b)
                                            (> sa sb))))))
               (alone (take by-size (- max-layers 1)))
               (rest (drop by-size (- max-layers 1))))
          (append (map list (sort alone string<?))
                  (list (sort rest string<?)))))))


;;;
;;; Building.
;;;

(define (profile-environment profile)
  ;; PATH for programs of PROFILE, as a profile's search paths give it.
  (if profile
      (let ((directories (filter (lambda (dir)
                                   (file-exists? (string-append profile "/" dir)))
                                 '("bin" "sbin"))))
        (if (null? directories)
            '()
            (list (string-append "PATH="
                                 (string-join (map (cut string-append profile "/" <>)
                                                   directories)
                                              ":")))))
      '()))

(define (pack-key . parts)
  ;; The hash that names a pack: of everything that decides its bytes.
  (sha256 (string->utf8 (object->string (cons* 'byre-pack 1 %byre-version parts)))))

(define* (build-pack store items
                     #:key
                     (format 'docker)
                     (compression 'gzip)
                     (name #f)
                     (profile #f)
                     (host-entries '())
                     (symlinks '())
                     (entry-point #f)
                     (entry-point-arguments '())
                     (environment #f)
                     (max-layers %default-max-layers)
                     (labels '()))
  "Pack the closure in STORE of ITEMS, a list of valid store items, with
HOST-ENTRIES (host files as (byre host) closures list them, packed at
their own file names), in FORMAT: 'tarball, 'docker, 'oci or 'bundle.
Return the store item that holds the result, building it unless it is
there already.

PROFILE, an item among ITEMS or #f, is what relative file names are
relative to: SYMLINKS, a list of (LINK . TARGET) with LINK absolute, makes
LINK point to PROFILE/TARGET (or to TARGET when it is absolute);
ENTRY-POINT, a file name, is the image's entry point, given
ENTRY-POINT-ARGUMENTS, with ENVIRONMENT, \"NAME=VALUE\" strings (by
default, PATH for PROFILE's programs).  COMPRESSION is 'gzip or #f: of the whole archive
for tarball, of each layer for docker and oci.  MAX-LAYERS bounds the
layers of docker and oci images, one per store item while they fit.
LABELS is an alist of strings for the image configuration.  NAME names
the result (by default, after PROFILE or the first item)."
  (define name*
    (or name
        (store-path-package-name (or profile (first items)))))

  (define (in-profile file)
    (cond ((string-prefix? "/" file) file)
          (profile (string-append profile "/" file))
          (else
           (raise (make-user-error
                   "~a: a relative file name needs a profile to be relative \
to" (list file)
                   #:hint "pack one package or file-like object, or give an \
absolute file name.")))))

  (define links
    (map (match-lambda
           ((link . target)
            (unless (string-prefix? "/" link)
              (raise (make-user-error
                      "symbolic link ~s is not an absolute file name" (list link)
                      #:hint "write -S /bin=bin: the link, =, then where it \
points, relative to the profile.")))
            (cons link (in-profile target))))
         symlinks))

  (define entry
    (and entry-point (cons (in-profile entry-point) entry-point-arguments)))

  (define closure
    (sort (requisites store items) string<?))

  (define environment*
    (or environment (profile-environment profile)))

  (define output
    (output-path "out"
                 (pack-key format compression closure
                           (map host-entry-stamp host-entries)
                           links entry environment* max-layers labels name*)
                 (pack-output-name name* format compression)))

  (unless (memq format (map car %pack-formats))
    (raise (make-user-error "unknown pack format ~s" (list format)
                            #:hint "the formats are tarball, docker, oci and \
bundle.")))
  (unless (and (exact-integer? max-layers) (>= max-layers 2))
    (raise (make-user-error "~s layers is too few" (list max-layers)
                            #:hint "give at least 2: the store items, and \
the links and host files.")))
  (for-each (cut add-temp-root store <>) items)
  (add-temp-root store output)
  (unless (valid-path? store output)
    (check-host-files-readable host-entries))
  (if (valid-path? store output)
      output
      (call-with-temporary-directory
       (lambda (directory)
         (define skeleton (string-append directory "/skeleton"))
         (define extras (string-append directory "/extras"))
         (define result (string-append directory "/result"))

         (define (extra-sources)
           `((,extras #t ,@(file-tree-entries extras))))

         (define (layers compression)
           ;; One layer per group of store items, then one for the host
           ;; files (if any), then one for links and /tmp.
           (let* ((sizes (map (lambda (item)
                                (cons item (path-info-nar-size
                                            (query-path-info store item))))
                              closure))
                  (reserved (if (null? host-entries) 1 2))
                  (groups (group-layers closure sizes
                                        (- max-layers reserved)))
                  (count 0))
             (define (next-layer sources)
               (set! count (+ count 1))
               (write-layer (string-append directory "/layer-"
                                           (number->string count) ".tar")
                            sources #:compression compression))
             (append (map (lambda (group)
                            (next-layer (item-sources skeleton group)))
                          groups)
                     (if (null? host-entries)
                         '()
                         (list (next-layer (host-sources skeleton host-entries))))
                     (list (next-layer (extra-sources))))))

         (define (history-of)
           (append (map (lambda (group) (string-join (map basename group) " "))
                        (group-layers closure
                                      (map (lambda (item)
                                             (cons item (path-info-nar-size
                                                         (query-path-info store item))))
                                           closure)
                                      (- max-layers (if (null? host-entries) 1 2))))
                   (if (null? host-entries) '() '("host files"))
                   '("symbolic links and /tmp")))

         (define (config-of layers)
           (image-config layers
                         #:entry-point entry
                         #:environment environment*
                         #:labels labels
                         #:history (history-of)))

         (mkdir skeleton)
         (mkdir extras)
         (make-extras extras links
                      (if (eq? format 'bundle)
                          '("/proc" "/dev" "/sys" "/run")
                          '()))
         (match format
           ('tarball
            (let ((tar (string-append directory "/pack.tar")))
              (write-reproducible-tar
               tar
               (append (item-sources skeleton closure)
                       (if (null? host-entries)
                           '()
                           (host-sources skeleton host-entries))
                       (extra-sources)))
              (rename-file (compress-file tar compression) result)))
           ('oci
            (let ((layout (string-append directory "/layout"))
                  (layers (layers compression)))
              (mkdir layout)
              (write-oci-layout layout layers (config-of layers)
                                #:reference (image-reference name*))
              (write-reproducible-tar result
                                      `((,layout #t ,@(file-tree-entries layout))))))
           ('docker
            ;; The layers are compressed, not the archive: `podman load'
            ;; reads compressed layers but not a compressed archive.
            (let ((tree (string-append directory "/tree"))
                  (layers (layers compression)))
              (mkdir tree)
              (write-docker-archive-tree tree layers (config-of layers)
                                         #:repository-tag
                                         (string-append (image-reference name*)
                                                        ":latest"))
              (write-reproducible-tar result
                                      `((,tree #t ,@(file-tree-entries tree))))))
           ('bundle
            (let ((tar (string-append directory "/rootfs.tar"))
                  (rootfs (string-append result "/rootfs")))
              (unless entry
                (raise (make-user-error
                        "a bundle needs an entry point: what config.json runs"
                        '()
                        #:hint "give --entry-point=bin/PROGRAM, relative to \
the profile.")))
              (write-reproducible-tar
               tar
               (append (item-sources skeleton closure)
                       (if (null? host-entries)
                           '()
                           (host-sources skeleton host-entries))
                       (extra-sources)))
              (mkdir result)
              (mkdir rootfs)
              (run-tool (%tar-program) "--extract" "--file" tar
                        "--directory" rootfs "--no-same-owner"
                        "--no-same-permissions")
              (delete-file tar)
              (call-with-output-file (string-append result "/config.json")
                (lambda (port)
                  (scm->json (oci-runtime-config
                              #:program entry
                              #:environment environment*
                              ;; A store under /tmp (a test's) must not
                              ;; be hidden by a fresh /tmp.
                              #:tmp? (not (string-prefix? "/tmp/"
                                                          (%store-prefix))))
                             port #:pretty #t))))))
         (register-output store result output)))))

;;; pack.scm ends here
