;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre profiles): manifests and profiles, as Guix's (guix profiles) has
;;; them.  A profile is a store item holding the union of its packages'
;;; trees (bin/, share/ …, symbolic links into the packages' items) and an
;;; etc/profile that sets PATH and the packages' search paths.

(define-module (byre profiles)
  #:use-module (byre diagnostics)
  #:use-module (byre gexp)
  #:use-module (byre monads)
  #:use-module (byre packages)
  #:use-module ((byre packages catalog) #:select (specification->package))
  #:use-module (ice-9 format)
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-26)
  #:export (manifest
            manifest?
            manifest-entries
            manifest-entry
            manifest-entry?
            manifest-entry-name
            manifest-entry-version
            manifest-entry-output
            manifest-entry-item
            manifest-entry-search-paths
            package->manifest-entry
            packages->manifest
            specifications->manifest
            concatenate-manifests
            manifest-search-paths

            profile
            manifest->profile
            profile?
            profile-name
            profile-content
            profile-location
            profile-search-paths
            profile-environment))

;;; Commentary:
;;;
;;; Packages with no Debian equivalent are left out of a profile with a
;;; warning, as the issue of host packages asks: a profile is a list of
;;; conveniences, where a service cannot do without its package.  Every
;;; other problem (a Debian package not installed, a relocation that leads
;;; nowhere) is an error, all of them reported at once before anything is
;;; built.
;;;
;;; Code:

(define-record-type <manifest>
  (manifest entries)
  manifest?
  (entries manifest-entries))

(define-record-type <manifest-entry>
  (make-manifest-entry name version output item search-paths)
  manifest-entry?
  (name         manifest-entry-name)
  (version      manifest-entry-version)
  (output       manifest-entry-output)
  (item         manifest-entry-item)           ;a host package
  (search-paths manifest-entry-search-paths))  ;((VARIABLE DIR ...) ...)

(define* (manifest-entry #:key name version (output "out") item
                         (search-paths '()))
  "Return a manifest entry for ITEM, a package, named NAME at VERSION."
  (make-manifest-entry name version output item search-paths))

(define* (package->manifest-entry package #:optional (output "out"))
  "Return a manifest entry for OUTPUT of PACKAGE, a host package."
  ;; host-package-version, not package-version: a package the host lacks
  ;; is reported with the others when the profile is lowered.
  (make-manifest-entry (package-name package) (host-package-version package)
                       output package (package-search-paths package)))

(define (packages->manifest packages)
  "Return a manifest of PACKAGES, a list of packages or (PACKAGE OUTPUT)
lists."
  (manifest (map (match-lambda
                   ((package output) (package->manifest-entry package output))
                   (package (package->manifest-entry package)))
                 packages)))

(define (specifications->manifest specs)
  "Return a manifest of the packages SPECS, a list of strings
\"NAME[@VERSION][:OUTPUT]\", name (see specification->package)."
  (packages->manifest
   (map (lambda (spec)
          (match (string-rindex spec #\:)
            ;; "NAME:OUTPUT", unless the colon is a Debian architecture's.
            ((? (lambda (i) (and i (member (string-drop spec (+ i 1))
                                           '("out" "bin" "lib" "doc" "debug")))) i)
             (list (specification->package (string-take spec i))
                   (string-drop spec (+ i 1))))
            (_ (specification->package spec))))
        specs)))

(define (concatenate-manifests manifests)
  "Return the manifest holding the entries of MANIFESTS, in order."
  (manifest (append-map manifest-entries manifests)))

(define (manifest-search-paths manifest)
  "Return the search paths of MANIFEST's entries, (VARIABLE DIR ...) lists,
PATH's first, each variable once."
  (let loop ((specs (append '(("PATH" "bin" "sbin"))
                            (append-map manifest-entry-search-paths
                                        (manifest-entries manifest))))
             (result '()))
    (match specs
      (() (reverse result))
      (((variable . dirs) . rest)
       (match (assoc variable result)
         (#f (loop rest (cons (cons variable dirs) result)))
         ((_ . known)
          (loop rest (cons (cons variable (delete-duplicates (append known dirs)))
                           (alist-delete variable result)))))))))

(define-record-type <profile>
  (make-profile name content location)
  profile?
  (name     profile-name)
  (content  profile-content)
  (location profile-location))

(define-syntax profile
  (syntax-rules ()
    "Return a profile, a file-like object, of the manifest given as
(content MANIFEST), named (name NAME), \"profile\" by default."
    ((_ fields ...)
     (profile-fields (current-source-location) "profile" #f fields ...))))

(define-syntax profile-fields
  (syntax-rules (name content)
    ((_ loc n c (name value) rest ...) (profile-fields loc value c rest ...))
    ((_ loc n c (content value) rest ...) (profile-fields loc n value rest ...))
    ((_ loc n c) (begin
                   (unless (manifest? c)
                     (raise-exception
                      (make-user-error "profile: content must be a manifest, \
not ~s" (list c)
                                       #:location loc
                                       #:hint "write (content (packages->manifest \
(list ...)))")))
                   (make-profile n c loc)))))

(define* (manifest->profile manifest #:key (name "profile") location)
  "Return a profile of MANIFEST named NAME, as (profile (name NAME)
(content MANIFEST)) does, for code that cannot expand that form (it
loads this module lazily).  LOCATION, source properties or #f, is where
it is made, for errors."
  (unless (manifest? manifest)
    (raise-exception
     (make-user-error "manifest->profile: ~s is not a manifest" (list manifest)
                      #:location location)))
  (make-profile name manifest location))

(define (profile-search-paths profile)
  "Return the search paths of PROFILE's manifest, (VARIABLE DIR ...)."
  (manifest-search-paths (profile-content profile)))

(define* (profile-environment directory search-paths)
  "Return the environment, (VARIABLE . VALUE) pairs, that the profile in
DIRECTORY with SEARCH-PATHS, (VARIABLE DIR ...) lists, sets: each VARIABLE
lists the profile's DIRs that exist, those that have none are left out."
  (filter-map (match-lambda
                ((variable . dirs)
                 (match (filter file-exists?
                                (map (cut string-append directory "/" <>) dirs))
                   (() #f)
                   (existing (cons variable (string-join existing ":"))))))
              search-paths))

(define (usable-entries profile)
  ;; The entries that can go in PROFILE: a warning for each package with
  ;; no Debian equivalent, one error for every other problem.
  (define location (profile-location profile))
  (define-values (usable none)
    (partition (lambda (entry)
                 (pair? (host-package-debian-packages (manifest-entry-item entry))))
               (manifest-entries (profile-content profile))))
  (for-each (lambda (entry)
              (format (current-error-port)
                      "~@[~a: ~]warning: ~a has no Debian equivalent; it is left \
out of the profile~%"
                      (location->string location) (manifest-entry-name entry)))
            none)
  (check-host-packages (map manifest-entry-item usable) #:location location)
  usable)

(define-gexp-compiler (profile-compiler (profile profile?) system target)
  (let* ((entries (usable-entries profile))
         (search-paths (manifest-search-paths (manifest entries))))
    (gexp->derivation
     (profile-name profile)
     (gexp
      (begin
        ;; File names are bytes; Guile decodes them with the locale's
        ;; encoding, which must read any of them (glibc has C.UTF-8 built in).
        (false-if-exception (setlocale LC_ALL "C.UTF-8"))
        (define out (ungexp output))
        (define (union! source target)
          ;; Link every file of SOURCE into TARGET, directories merged;
          ;; the first package to provide a file wins, as in Guix.
          (for-each
           (lambda (name)
             (let ((from (string-append source "/" name))
                   (to (string-append target "/" name)))
               (cond ((member name '("." ".." ".host-closure")) #t)
                     ((and (eq? 'directory (stat:type (lstat from)))
                           (not (false-if-exception (lstat to))))
                      (mkdir to)
                      (union! from to))
                     ((eq? 'directory (stat:type (lstat from)))
                      (when (eq? 'directory (stat:type (lstat to)))
                        (union! from to)))
                     ((false-if-exception (lstat to)) #t)
                     (else (symlink from to)))))
           (let ((dir (opendir source)))
             (let loop ((names '()))
               (let ((name (readdir dir)))
                 (if (eof-object? name)
                     (begin (closedir dir) (sort names string<?))
                     (loop (cons name names))))))))
        (mkdir out)
        (for-each (lambda (item) (union! item out))
                  (list (ungexp-splicing (map manifest-entry-item entries))))
        (unless (file-exists? (string-append out "/etc"))
          (mkdir (string-append out "/etc")))
        ;; A package's own etc/profile (a link to the host's) gives way.
        (when (false-if-exception (lstat (string-append out "/etc/profile")))
          (delete-file (string-append out "/etc/profile")))
        (call-with-output-file (string-append out "/etc/profile")
          (lambda (port)
            (display "\
# Source this file to set the environment variables of this profile.
# GUIX_PROFILE, when set, names the profile as you see it.
" port)
            (for-each
             (lambda (spec)
               (let* ((variable (car spec))
                      (dirs (filter (lambda (dir)
                                      (file-exists? (string-append out "/" dir)))
                                    (cdr spec))))
                 (unless (null? dirs)
                   (format port "export ~a=\"~a${~a:+:}$~a\"~%"
                           variable
                           (string-join
                            (map (lambda (dir)
                                   (string-append "${GUIX_PROFILE:-" out "}/" dir))
                                 dirs)
                            ":")
                           variable variable))))
             '(ungexp search-paths))))))
     #:system system)))

;;; profiles.scm ends here
