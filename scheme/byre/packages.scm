;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre packages): the host's Debian packages as file-like objects.  A
;;; host package lowers to a small store item laid out as a Guix package
;;; (bin/, sbin/, lib/, share/, etc/, libexec/ …) whose entries are
;;; symbolic links to the host's files, and that records the host files a
;;; container must bind for it (DESIGN.md, "Host packages").

(define-module (byre packages)
  #:use-module (byre core)
  #:use-module (byre diagnostics)
  #:use-module (byre gexp)
  #:use-module (byre host)
  #:use-module (byre monads)
  #:use-module (byre store)
  #:use-module ((byre utils) #:select (call-with-temporary-directory))
  #:use-module (byre item-cache)
  #:use-module (ice-9 format)
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-26)
  #:use-module (srfi srfi-34)
  #:use-module (srfi srfi-35)
  #:export (host-package
            host-package?
            host-package-name
            host-package-debian-packages
            host-package-relocations
            host-package-data-directories
            host-package-search-paths
            host-package-location
            host-package-version
            host-package-available?
            host-package-problems
            problems-debian-packages

            package?
            package-name
            package-version
            package-location
            package-search-paths

            dpkg-package
            dpkg-package?
            dpkg-package-name
            dpkg-package-architecture
            dpkg-package-version
            dpkg-package-status
            dpkg-package-installed?
            dpkg-package-files
            dpkg-package-alternatives

            host-package-resolution
            host-package-resolution?
            host-package-resolution-package
            host-package-resolution-dpkg-packages
            host-package-resolution-layout
            host-package-resolution-closure

            %dpkg-admin-directory
            %host-closure-file
            %package-needed-by
            host-file->item-file
            package-layout
            check-host-packages
            host-package->store-item

            &package-error
            package-error?
            package-error-package
            &package-errors
            package-errors?
            package-errors-list))

;;; Commentary:
;;;
;;; A <host-package> names one or more Debian packages, which must all be
;;; installed, and how the result differs from Guix's package of the same
;;; name (relocations: Guix's libexec/syslogd is Debian's
;;; /usr/sbin/syslogd).  Resolving it reads dpkg's database (src/host/dpkg)
;;; and the ELF closure of its files (src/host/closure), once per state of
;;; dpkg's status file.  Lowering it adds to the store a directory with:
;;;
;;;   bin/ssh -> /usr/bin/ssh        one link per file of the packages,
;;;   sbin/sshd -> /usr/sbin/sshd    placed as Guix places it
;;;   libexec/sftp-server -> /usr/lib/openssh/sftp-server   (a relocation)
;;;   .host-closure                  the host files a container binds
;;;
;;; The item depends only on what is installed: the same packages at the
;;; same versions give the same item.
;;;
;;; Code:

;;;
;;; dpkg's database.
;;;

(define %dpkg-admin-directory
  ;; Where dpkg keeps its database.
  (make-parameter "/var/lib/dpkg"))

(define-record-type <dpkg-package>
  (make-dpkg-package name architecture version status installed? files
                     alternatives)
  dpkg-package?
  (name         dpkg-package-name)
  (architecture dpkg-package-architecture)
  (version      dpkg-package-version)
  (status       dpkg-package-status)
  (installed?   dpkg-package-installed?)
  (files        dpkg-package-files)          ;canonical, sorted
  (alternatives dpkg-package-alternatives))  ;((LINK . CHOSEN) ...)

(define* (dpkg-package spec #:optional (admin (%dpkg-admin-directory)))
  "Return what dpkg's database ADMIN records of SPEC, a Debian package
\"NAME\" or \"NAME:ARCH\", as a <dpkg-package>, or #f when it has never
heard of it.  Its files are canonical for a merged /usr (/bin/ls is
/usr/bin/ls), with diversions followed; its alternatives are the links
under /etc/alternatives whose choice is one of its files."
  (match (%dpkg-package spec admin)
    (#f #f)
    ((name arch version status installed? files alternatives)
     (make-dpkg-package name arch version status installed? files
                        alternatives))))


(define-record-type <host-package>
  (make-host-package name debian relocations data search-paths version
                     location)
  host-package?
  (name         host-package-name)            ;string: Guix's name
  (debian       host-package-debian-packages) ;list of "NAME" or "NAME:ARCH"
  (relocations  host-package-relocations)     ;list of (ITEM-FILE HOST-FILE)
  (data         host-package-data-directories);list of host directories
  (search-paths host-package-search-paths)    ;list of (VARIABLE DIR ...)
  (version      host-package-own-version)     ;string or #f: see host-package
  (location     host-package-location))       ;source properties or #f

(define* (host-package debian
                       #:key
                       (name (if (string? debian) (dpkg-base-name debian) "host"))
                       (also '())
                       (relocations '())
                       (data-directories '())
                       (search-paths '())
                       version
                       location)
  "Return a host package standing for the Debian package DEBIAN (\"NAME\" or
\"NAME:ARCH\") and ALSO, a list of further Debian packages, all of which
must be installed when it is used.  NAME is its package name (DEBIAN's
name by default).  RELOCATIONS is a list of (ITEM-FILE HOST-FILE): the
package's store item has ITEM-FILE, relative, leading to HOST-FILE.
DATA-DIRECTORIES are host directories its programs read that no package
lists file by file; those that exist are bound whole.  SEARCH-PATHS is a
list of (VARIABLE DIRECTORY ...), the environment variables a profile
holding it sets.  LOCATION, source properties, is where it was defined,
for error messages.  DEBIAN may be #f: the package has no Debian
equivalent, and using it is an error.  VERSION, a string, is the version of
such a package when byre itself stands for it (Guix's guix and shepherd
packages: byre's store and init); a package with Debian packages has the
version of the first one."
  (when (and version debian)
    (raise-exception
     (make-user-error "host package ~a: a version is given only to a package \
with no Debian equivalent" (list name)
                      #:location location
                      #:hint "leave #:version out: the version is the \
installed Debian package's")))
  (make-host-package name
                     (if debian (cons debian also) also)
                     relocations data-directories search-paths version
                     location))

(define (dpkg-base-name spec)
  (match (string-index spec #\:)
    (#f spec)
    (index (string-take spec index))))

;; Guix's names for the accessors users call.
(define package? host-package?)
(define package-name host-package-name)
(define package-location host-package-location)
(define package-search-paths host-package-search-paths)

(define (host-package-available? package)
  "Return #t when PACKAGE has a Debian equivalent and each of its Debian
packages is installed."
  (and (pair? (host-package-debian-packages package))
       (every (lambda (spec)
                (match (dpkg-package spec)
                  (#f #f)
                  (pkg (dpkg-package-installed? pkg))))
              (host-package-debian-packages package))))

(define (host-package-version package)
  "Return the version of PACKAGE: the Debian version of its first Debian
package, or #f when that package is not installed; for a package byre
itself stands for, byre's version (see host-package)."
  (match (host-package-debian-packages package)
    ((first . _)
     (match (dpkg-package first)
       ((? dpkg-package? pkg)
        (and (dpkg-package-installed? pkg) (dpkg-package-version pkg)))
       (#f #f)))
    (() (host-package-own-version package))))

(define (package-version package)
  "Return the version of PACKAGE, a string, as Guix's package-version does:
see host-package-version.  Raise an error condition, with the fix, when the
version is not known: PACKAGE's Debian package is not installed, or it has
no Debian equivalent."
  (or (host-package-version package)
      (match (host-package-problems package)
        ((problem . _) (raise-exception problem))
        (()
         (raise-exception
          (make-user-error "~a: no version is known" (list (host-package-name package))
                           #:location (host-package-location package)))))))


;;;
;;; Errors.
;;;

(define-condition-type &package-error &error
  package-error?
  (package package-error-package))

(define-condition-type &package-errors &error
  package-errors?
  (errors package-errors-list))

(define %package-needed-by
  ;; When true, a string naming what needs the packages being lowered,
  ;; such as "service nginx": an error names it.
  (make-parameter #f))

(define (package-error package location format-string arguments hint)
  (make-compound-condition
   (make-condition &package-error 'package package)
   (make-user-error format-string arguments
                    #:location (or location (host-package-location package))
                    #:hint hint)))

(define* (host-package-problems package #:key location)
  "Return the list of error conditions that using PACKAGE raises: Debian
packages not installed, no Debian equivalent, relocations that lead
nowhere.  LOCATION, when true, is where the package is used."
  (define name (host-package-name package))
  (match (host-package-debian-packages package)
    (()
     (list (package-error package location
                          "~a has no Debian equivalent~@[; ~a needs it~]"
                          (list name (%package-needed-by))
                          "remove it, or map it to a Debian package in \
data/packages.scm (see \"Host Packages\" in the manual)")))
    (specs
     (let ((missing (remove (lambda (spec)
                              (match (dpkg-package spec)
                                (#f #f)
                                (pkg (dpkg-package-installed? pkg))))
                            specs)))
       (if (pair? missing)
           (map (lambda (spec)
                  (package-error package location
                                 "~a needs the Debian package ~a, which is not \
installed"
                                 (list name spec)
                                 (format #f "apt-get install ~a" spec)))
                missing)
           (append
            (filter-map (match-lambda
                          ((item host)
                           (and (not (file-exists? host))
                                (package-error package location
                                               "package ~a lacks ~a (for its ~a)"
                                               (list name host item)
                                               "correct its relocation in \
data/packages.scm"))))
                        (host-package-relocations package))
            (overlapping-relocations package location)))))))

(define (overlapping-relocations package location)
  ;; An error for each relocation that is another's item file, or lies
  ;; beneath it: one of them would be made through the other's link.
  (define relocations (host-package-relocations package))
  (let loop ((rest relocations) (problems '()))
    (match rest
      (() (reverse problems))
      (((item _) . rest)
       (loop rest
             (append (filter-map
                      (match-lambda
                        ((other _)
                         (and (or (string=? item other)
                                  (string-prefix? (string-append item "/") other)
                                  (string-prefix? (string-append other "/") item))
                              (package-error package location
                                             "package ~a: its relocations ~a and ~a \
overlap"
                                             (list (host-package-name package)
                                                   item other)
                                             "keep one of them in \
data/packages.scm, or relocate the files beneath the directory one by one"))))
                      rest)
                     problems))))))

(define (problems-debian-packages problems)
  "Return the Debian packages that PROBLEMS, error conditions of
host-package-problems, say to install (their apt-get hints), each once."
  (delete-duplicates
   (filter-map (lambda (c)
                 (and (fix-hint? c)
                      (string-prefix? "apt-get install " (condition-fix-hint c))
                      (string-drop (condition-fix-hint c)
                                   (string-length "apt-get install "))))
               problems)))

(define (raise-problems problems)
  "Raise PROBLEMS, a non-empty list of conditions, as one condition: the
first, whose message goes on with the others' lines, and whose hint
installs every missing Debian package at once.  The conditions themselves
are in its &package-errors."
  (define (line condition)
    (format #f "~@[~a: ~]error: ~a"
            (and (error-location? condition)
                 (location->string (error-location condition)))
            (condition-message condition)))
  (define installs (problems-debian-packages problems))
  (match problems
    ((single) (raise single))
    ((first . rest)
     (raise (make-compound-condition
             (make-condition &package-errors 'errors problems)
             (make-user-error "~a~{~%~a~}"
                              (list (condition-message first) (map line rest))
                              #:location (and (error-location? first)
                                              (error-location first))
                              #:hint (if (pair? installs)
                                         (format #f "apt-get install ~{~a~^ ~}"
                                                 installs)
                                         (and (fix-hint? first)
                                              (condition-fix-hint first)))))))))

(define* (check-host-packages packages #:key location)
  "Raise one error condition reporting every problem of PACKAGES, a list of
host packages, at once (see host-package-problems); return PACKAGES when
there is none.  LOCATION, when true, is where they are used."
  (match (append-map (cut host-package-problems <> #:location location)
                     packages)
    (() packages)
    (problems (raise-problems problems))))


;;;
;;; Resolution: files, layout and closure.
;;;

(define-record-type <host-package-resolution>
  (make-host-package-resolution package dpkg-packages layout closure)
  host-package-resolution?
  (package       host-package-resolution-package)
  (dpkg-packages host-package-resolution-dpkg-packages) ;<dpkg-package>s
  (layout        host-package-resolution-layout)  ;((ITEM-FILE . HOST-FILE) ...)
  (closure       host-package-resolution-closure)) ;closure entries

(define %layout
  ;; Host directories and where their files go in a package, most
  ;; specific first.  Files elsewhere (/var, /opt …) are bound but get no
  ;; entry.
  '(("/usr/local/bin/" . "bin/")
    ("/usr/bin/" . "bin/")
    ("/bin/" . "bin/")
    ("/usr/games/" . "bin/")
    ("/usr/sbin/" . "sbin/")
    ("/sbin/" . "sbin/")
    ("/usr/libexec/" . "libexec/")
    ("/usr/lib/" . "lib/")
    ("/lib/" . "lib/")
    ("/usr/include/" . "include/")
    ("/usr/share/" . "share/")
    ("/etc/" . "etc/")))

(define (host-file->item-file file)
  "Return where FILE, a host file name, goes in a package's store item
laid out as Guix lays out a package (\"bin/ls\" for /usr/bin/ls), or #f
when it has no place there."
  (any (match-lambda
         ((prefix . dir)
          (and (string-prefix? prefix file)
               (string-append dir (string-drop file (string-length prefix))))))
       %layout))

(define (item-ancestors item)
  ;; "share/nginx", "share" for "share/nginx/html".
  (let loop ((end (string-rindex item #\/)) (result '()))
    (if end
        (let ((parent (string-take item end)))
          (loop (string-rindex parent #\/) (cons parent result)))
        (reverse result))))

(define (package-layout files relocations)
  "Return the layout of a package's store item, a sorted list of
(ITEM-FILE . HOST-FILE), for FILES, host file names, placed by
host-file->item-file, and RELOCATIONS, a list of (ITEM-FILE . HOST-FILE).
Each item file is there once and none lies beneath another, which is a
link: where two entries meet, a relocation wins over a file of the
package, and a link to a host directory covers what the package has
beneath it (nginx's share/nginx/html leads to /usr/share/nginx/html, and
that directory's index.html is not made again in it)."
  (define table (make-hash-table))        ;item -> (host . relocation?)
  (for-each (lambda (file)
              (let ((item (host-file->item-file file)))
                (when item (hash-set! table item (cons file #f)))))
            files)
  (for-each (match-lambda
              ((item . host) (hash-set! table item (cons host #t))))
            relocations)
  (let ((hidden (make-hash-table)))
    (hash-for-each
     (lambda (item entry)
       (for-each (lambda (ancestor)
                   (match (hash-ref table ancestor)
                     (#f #f)
                     ((_ . ancestor-relocation?)
                      ;; Two relocations that meet are refused before
                      ;; this (host-package-problems).
                      (if (and (cdr entry) (not ancestor-relocation?))
                          (hash-set! hidden ancestor #t)
                          (hash-set! hidden item #t)))))
                 (item-ancestors item)))
     table)
    (sort (hash-fold (lambda (item entry result)
                       (if (hash-ref hidden item)
                           result
                           (cons (cons item (car entry)) result)))
                     '()
                     table)
          (lambda (a b) (string<? (car a) (car b))))))

(define %resolutions
  ;; Package -> (stamp . resolution); the stamp is dpkg's status file's.
  (make-weak-key-hash-table))

(define (dpkg-stamp)
  (let ((st (stat (string-append (%dpkg-admin-directory) "/status") #f)))
    (and st (list (%dpkg-admin-directory) (stat:ino st) (stat:size st)
                  (stat:mtime st) (stat:mtimensec st)))))

(define* (host-package-resolution package #:key location)
  "Return the <host-package-resolution> of PACKAGE: its Debian packages as
dpkg records them, the layout of its store item and the file closure a
container binds for it.  Raise an error condition listing every problem
(see check-host-packages) when it cannot be used.  The result is kept
while dpkg's status file does not change."
  (let ((stamp (dpkg-stamp)))
    (match (hashq-ref %resolutions package)
      (((? (cut equal? stamp <>)) . resolution) resolution)
      (_
       (check-host-packages (list package) #:location location)
       (let ((resolution (resolve package)))
         (hashq-set! %resolutions package (cons stamp resolution))
         resolution)))))

(define (resolve package)
  (define dpkgs (map dpkg-package (host-package-debian-packages package)))
  (define files
    (delete-duplicates (append-map dpkg-package-files dpkgs)))
  (define alternatives
    (append-map dpkg-package-alternatives dpkgs))
  (define relocations
    (map (match-lambda ((item host) (cons item host)))
         (host-package-relocations package)))
  (define (directory? file)
    (eq? 'directory (stat:type (stat file))))
  (define layout
    (package-layout (append files (map car alternatives)) relocations))
  (define data
    (filter file-exists? (host-package-data-directories package)))
  (define closure
    (%package-closure (append files
                              (map car alternatives)
                              (filter-map (match-lambda
                                            ((_ . host)
                                             (and (not (directory? host)) host)))
                                          relocations))
                      (delete-duplicates
                       (append data
                               (filter-map (match-lambda
                                             ((_ . host)
                                              (and (directory? host) host)))
                                           relocations)))))
  (make-host-package-resolution package dpkgs layout closure))


;;;
;;; The store item.
;;;

(define %host-closure-file
  ;; The file of a host package's store item that records the host files
  ;; a container binds for it; (byre host) reads it.
  host-closure-file-name)

(define (store-item-name package)
  ;; NAME-VERSION, with the version's epoch and the characters a store
  ;; item's name may not hold left out.
  (let* ((version (or (host-package-version package) "0"))
         (version (match (string-index version #\:)
                    (#f version)
                    (i (string-drop version (+ i 1))))))
    (string-append (host-package-name package) "-"
                   (string-map (lambda (c)
                                 (if (or (char-alphabetic? c) (char-numeric? c)
                                         (memv c '(#\+ #\- #\. #\_ #\? #\=)))
                                     c
                                     #\_))
                               version))))

(define %items
  ;; (store-directory package stamp) -> item.
  (make-hash-table))

(define (host-stamp)
  ;; What a host package's item is made of besides its own record: dpkg's
  ;; status and diversions, the alternatives' links, and this file's code,
  ;; which lays the item out.
  (append (host-software-stamp (%dpkg-admin-directory))
          (list (file-stamp (search-path %load-path "byre/packages.scm")))))

(define* (host-package->store-item store package #:key location)
  "Add to STORE the item of PACKAGE, a host package, and return its file
name: a directory laid out as Guix lays out a package whose entries are
symbolic links to the host's files, with the file .host-closure listing
the host files a container binds for it.  Raise an error condition when
PACKAGE cannot be used (see check-host-packages).  While the host's
packages do not change, the item is found again, in this process and
later ones, without being made again."
  (let* ((stamp (host-stamp))
         (key (list (store-connection-store-directory store) package stamp)))
    (or (let ((item (hash-ref %items key)))
          (and item (valid-path? store item) item))
        (let ((item (call-with-item-cache
                     store "host-items"
                     (list (host-package-name package)
                           (host-package-debian-packages package)
                           (host-package-relocations package)
                           (host-package-data-directories package)
                           stamp)
                     (lambda ()
                       (add-layout store (store-item-name package)
                                   (host-package-resolution
                                    package #:location location))))))
          (hash-set! %items key item)
          item))))

(define (memory-directory)
  ;; A directory of this user's on a memory file system, or #f: the
  ;; user's runtime directory, else /dev/shm.
  (let ((runtime (getenv "XDG_RUNTIME_DIR")))
    (find (lambda (directory)
            (and directory
                 (let ((st (stat directory #f)))
                   (and st (eq? 'directory (stat:type st))
                        (access? directory (logior W_OK X_OK))
                        (or (not (equal? directory runtime))
                            (= (stat:uid st) (getuid)))))))
          (list runtime "/dev/shm"))))

(define (add-layout store name resolution)
  ;; The tree is made by %make-link-tree, which takes file names as bytes:
  ;; Guile would mangle the non-ASCII ones (ca-certificates has some) in
  ;; a C locale.  It is laid out in memory where it can be: add-to-store
  ;; copies it into the store, and on a disk every link would be written
  ;; twice and deleted once (0.5 ms a link on this project's machine;
  ;; doc/hacking.md).
  (call-with-temporary-directory
   (lambda (directory)
     (let ((root (string-append directory "/" name)))
       (%make-link-tree root
                        (host-package-resolution-layout resolution)
                        `((,%host-closure-file
                           . ,(host-closure->string
                               (host-package-resolution-closure resolution)))))
       (add-to-store store name #t "sha256" root)))
   #:parent (memory-directory)))

(define-gexp-compiler (host-package-compiler (package host-package?) system target)
  (mlet %store-monad ((store (current-state)))
    (return (host-package->store-item store package))))

;;; packages.scm ends here
