;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre host): host software in containers.  The host's guile (and other
;;; host programs) is not copied into the store: its file closure, the
;;; files, directories and symbolic links the kernel and the dynamic loader
;;; go through to run it, is bound read-only at the same places in a root
;;; that holds nothing else (DESIGN.md, "Gexps and evaluation").

(define-module (byre host)
  #:use-module (byre core)
  #:use-module (byre config)
  #:use-module (byre file-systems)
  #:use-module ((byre utils) #:select (file-stamp))
  #:use-module (ice-9 match)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:export (elf-dependencies
            file-closure
            host-guile-program
            host-guile-directories
            host-guile-closure
            closure-entry-path
            closure-symlinks
            closure->file-systems
            host-guile-mounts
            %host-mounts

            host-closure-file-name
            host-closure->string
            read-host-closure
            merge-closures
            collapse-closure
            store-items-host-closure
            closure-mounts
            add-host-item-mounts
            host-software-stamp))

;;; Commentary:
;;;
;;; A closure is a list of entries sorted by file name, as %file-closure
;;; returns it:
;;;
;;;   (file PATH)              a file to bind read-only at PATH
;;;   (directory PATH)         a directory needed whole, bound at PATH
;;;   (symlink PATH TARGET)    a link to re-create
;;;
;;; Links matter: the loader opens libraries by their soname links, and on
;;; a merged-/usr host the interpreter is /lib64/ld-linux-x86-64.so.2,
;;; reached through two links.  Containers cannot create links from
;;; <file-system> records, so closure->file-systems binds what a link leads
;;; to at the link's place instead, which is what the loader needs.
;;;
;;; Code:

(define (elf-dependencies file)
  "Return three values read from the ELF file FILE as the dynamic loader
reads them: its interpreter (a file name, or #f), the list of the libraries
it needs (DT_NEEDED), and its library search path (DT_RUNPATH, or DT_RPATH
when it has no DT_RUNPATH), unexpanded."
  (apply values (%elf-dependencies file)))

(define* (file-closure files #:key (directories '()))
  "Return the file closure of FILES, a list of absolute file names of
programs, libraries or other files, and of DIRECTORIES, needed whole: every
file, directory and symbolic link the kernel and the dynamic loader go
through to use them, as a list of (file PATH), (directory PATH) and
(symlink PATH TARGET) entries sorted by PATH.  Nothing beneath a listed
directory is listed."
  (%file-closure files directories))

(define (host-guile-program)
  "Return the file name of the host's guile: the one byre was configured
with when it exists, or else the first `guile' in PATH."
  (if (and (string? %guile-program)
           (string-prefix? "/" %guile-program)
           (file-exists? %guile-program))
      %guile-program
      (or (search-path (parse-path (or (getenv "PATH") "/usr/bin:/bin")) "guile")
          (throw 'system-error 'host-guile-program "~A: ~A"
                 (list "guile" (strerror ENOENT)) (list ENOENT)))))

(define (host-guile-directories)
  "Return the directories of the running Guile's installation that exist:
those of its %load-path and %load-compiled-path as Guile was built with
them, without what GUILE_LOAD_PATH and GUILE_LOAD_COMPILED_PATH add (a
user's or a build tree's modules are not host software)."
  (filter (lambda (dir) (and (string? dir) (file-exists? dir)))
          (delete-duplicates
           (list (%library-dir) (%site-dir) (%global-site-dir)
                 (%package-data-dir)
                 (assq-ref %guile-build-info 'ccachedir)
                 (%site-ccache-dir)))))

(define %host-guile-closures
  ;; (PROGRAM . DIRECTORIES) -> closure.  The host's files do not change
  ;; while byre runs, or not in a way a container could follow.
  (make-hash-table))

(define* (host-guile-closure #:key (program (host-guile-program))
                             (directories (host-guile-directories)))
  "Return the file closure (see file-closure) of the host's guile: PROGRAM,
the libraries it loads, libguile's extension directory, the C library's
gconv directory (without it guile aborts at start-up) and DIRECTORIES,
Guile's module directories.  The result is computed once per PROGRAM and
DIRECTORIES."
  (let ((key (cons program directories)))
    (or (hash-ref %host-guile-closures key)
        (let ((closure (%host-guile-closure program directories)))
          (hash-set! %host-guile-closures key closure)
          closure))))

(define closure-entry-path
  (match-lambda
    ((_ path . _) path)))

(define (closure-symlinks entries)
  "Return the symbolic links of the closure ENTRIES as a list of (PATH .
TARGET) pairs, in order: what a root built from ENTRIES re-creates with
symlink(2)."
  (filter-map (match-lambda
                (('symlink path target) (cons path target))
                (_ #f))
              entries))

(define (read-only-bind source target)
  (file-system
    (device source)
    (mount-point target)
    (type "none")
    (flags '(bind-mount read-only))
    (check? #f)
    (create-mount-point? #t)))

(define* (closure->file-systems entries #:key (links-as-binds? #t))
  "Return a list of <file-system> records that build, out of read-only
bind mounts, a root in which the files and directories of the closure
ENTRIES are at their own places.  Each (file PATH) and (directory PATH) is
bound at PATH.  With LINKS-AS-BINDS?, a (symlink PATH TARGET) is bound as
what it leads to: a link to a file binds that file at PATH; a link to a
directory binds, at the same places beneath PATH, the entries of ENTRIES
beneath that directory.  So /lib64/ld-linux-x86-64.so.2 exists in the root
as it does on the host, though /lib64 is a directory there.  Without it,
links are left to the caller, who re-creates them (closure-symlinks) with
spawn-container's #:symlinks: fewer mounts."
  (define (beneath? dir path)
    (string-prefix? (string-append dir "/") path))

  (define directories
    (filter-map (match-lambda
                  (('directory path) path)
                  (_ #f))
                entries))

  (define (link-binds link depth)
    ;; The binds that stand for LINK (a host file name that is, or passes
    ;; through, symbolic links), seen at LINK.
    (let ((real (false-if-exception (canonicalize-path link))))
      (cond ((or (not real) (> depth 8)) '())
            ((not (eq? 'directory (stat:type (stat real))))
             (list (read-only-bind real link)))
            ((any (lambda (dir) (or (string=? dir real) (beneath? dir real)))
                  directories)
             ;; A directory needed whole, or part of one.
             (list (read-only-bind real link)))
            (else
             (append-map
              (lambda (entry)
                (let ((path (closure-entry-path entry)))
                  (if (beneath? real path)
                      (let ((seen (string-append
                                   link (string-drop path (string-length real)))))
                        (match entry
                          (((or 'file 'directory) path)
                           (list (read-only-bind path seen)))
                          (('symlink path _)
                           (link-binds seen (+ depth 1)))))
                      '())))
              entries)))))

  (define (entry->file-systems entry)
    (match entry
      (((or 'file 'directory) path) (list (read-only-bind path path)))
      (('symlink path _) (if links-as-binds? (link-binds path 0) '()))))

  ;; Each mount point once (the first), parents before what they hold:
  ;; a stable sort, then neighbours compared (delete-duplicates compares
  ;; every pair, 15 ms for a shell's 300 binds).
  (let loop ((sorted (sort (append-map entry->file-systems entries)
                           (lambda (a b)
                             (string<? (file-system-mount-point a)
                                       (file-system-mount-point b)))))
             (result '()))
    (match sorted
      (() (reverse result))
      ((fs . rest)
       (loop rest
             (match result
               ((previous . _)
                (if (string=? (file-system-mount-point previous)
                              (file-system-mount-point fs))
                    result
                    (cons fs result)))
               (() (list fs))))))))


(define (host-guile-mounts)
  "Return two values: the <file-system> records and the (PATH . TARGET)
symbolic links that make the host's guile, with its modules, work in a
container whose root has nothing else of the host (for spawn-container's
#:mounts and #:symlinks)."
  (let ((closure (host-guile-closure)))
    (values (closure->file-systems closure #:links-as-binds? #f)
            (closure-symlinks closure))))

(define %host-mounts
  ;; The procedure builds and eval/container call for the mounts and links
  ;; of the host software their code runs: host-guile-mounts unless
  ;; parameterized (say, to add a host compiler).
  (make-parameter host-guile-mounts))


;;;
;;; Host closures recorded in store items (host packages).
;;;

(define host-closure-file-name
  ;; The file of a store item that lists the host files a container holding
  ;; the item binds: a host package's (see (byre packages)).
  ".host-closure")

(define (host-closure->string entries)
  "Return ENTRIES, a closure (see file-closure), as the text of the file
read-host-closure reads."
  (call-with-output-string
    (lambda (port)
      (set-port-encoding! port "UTF-8")
      (display ";; The host files a container holding this item binds.\n" port)
      (write entries port)
      (newline port))))

(define (read-host-closure file)
  "Return the closure entries of FILE, written as host-closure->string
makes them (UTF-8, whatever the locale)."
  (call-with-input-file file read #:encoding "UTF-8"))

(define (merge-closures . closures)
  "Return the union of CLOSURES, lists of closure entries, as one closure:
each path once, nothing beneath a directory needed whole, sorted by path."
  (define table (make-hash-table))
  (for-each (lambda (closure)
              (for-each (lambda (entry)
                          (let ((path (closure-entry-path entry)))
                            (match (hash-ref table path)
                              (('directory _) #t)
                              (_ (hash-set! table path entry)))))
                        closure))
            closures)
  (let* ((entries (sort (hash-map->list (lambda (path entry) entry) table)
                        (lambda (a b)
                          (string<? (closure-entry-path a) (closure-entry-path b))))))
    ;; Sorted, a directory comes right before what it holds.
    (let loop ((entries entries) (directory #f) (result '()))
      (match entries
        (() (reverse result))
        ((entry . rest)
         (let ((path (closure-entry-path entry)))
           (if (and directory (string-prefix? (string-append directory "/") path))
               (loop rest directory result)
               (loop rest
                     (match entry (('directory path) path) (_ directory))
                     (cons entry result)))))))))

(define (store-items-host-closure items)
  "Return the host closure that ITEMS, store file names, record (see
host-closure-file-name), merged; the empty list when none records one."
  (apply merge-closures
         (filter-map (lambda (item)
                       (let ((file (string-append item "/" host-closure-file-name)))
                         (and (file-exists? file) (read-host-closure file))))
                     items)))

(define* (collapse-closure entries #:key (under '("/usr")))
  "Return the closure ENTRIES with each host directory beneath one of UNDER
whose every entry, recursively, is in ENTRIES standing as one (directory
PATH) entry, and what it holds left out: the same files, in one bind
instead of one a file.  A directory with anything else in it (another
package's file) is kept file by file, so the result is exactly what
ENTRIES list, as the host has it now.  Only directories beneath UNDER are
taken whole: the host's /usr, which nothing in a container writes; a
directory of /etc or /var stays writable beside the files bound in it."
  (define covered (make-hash-table))
  (define (beneath-under? path)
    (any (lambda (top) (string-prefix? (string-append top "/") path)) under))
  (define (parent path)
    (let ((slash (string-rindex path #\/)))
      (and slash (> slash 0) (substring path 0 slash))))
  (define (full? directory)
    ;; Whether every entry of DIRECTORY is covered; #f if it cannot be read
    ;; or is not a directory of its own (a symbolic link).
    (let ((st (false-if-exception (lstat directory))))
      (and st (eq? 'directory (stat:type st))
           (let ((stream (false-if-exception (opendir directory))))
             (and stream
                  (let loop ()
                    (let ((name (readdir stream)))
                      (cond ((eof-object? name) (closedir stream) #t)
                            ((member name '("." "..")) (loop))
                            ((hash-ref covered (string-append directory "/" name))
                             (loop))
                            (else (closedir stream) #f)))))))))
  (for-each (lambda (entry) (hash-set! covered (closure-entry-path entry) #t))
            entries)
  ;; Deepest directories first, so that a directory made whole counts as
  ;; covered for its own parent.
  (let* ((candidates (make-hash-table))
         (_ (for-each (lambda (entry)
                        (let ((dir (parent (closure-entry-path entry))))
                          (when (and dir (beneath-under? dir))
                            (hash-set! candidates dir #t))))
                      entries))
         (whole (make-hash-table)))
    (let loop ((pending (sort (hash-map->list (lambda (dir _) dir) candidates)
                              (lambda (a b) (> (string-length a) (string-length b))))))
      (match pending
        (() #t)
        ((dir . rest)
         (if (and (not (hash-ref whole dir)) (full? dir))
             (let ((up (parent dir)))
               (hash-set! whole dir #t)
               (hash-set! covered dir #t)
               (loop (if (and up (beneath-under? up) (not (hash-ref whole up)))
                         ;; Keep deepest first: UP is shorter than all of REST
                         ;; that are at DIR's depth.
                         (merge (list up) rest
                                (lambda (a b) (> (string-length a) (string-length b))))
                         rest)))
             (loop rest)))))
    (define (inside-whole? path)
      ;; Whether PATH lies beneath a directory taken whole.
      (let loop ((dir (parent path)))
        (and dir (or (hash-ref whole dir) (loop (parent dir))))))
    (if (zero? (hash-count (const #t) whole))
        entries
        (merge-closures
         (append (remove (lambda (entry) (inside-whole? (closure-entry-path entry)))
                         entries)
                 (filter-map (lambda (dir)
                               (and (not (inside-whole? dir)) (list 'directory dir)))
                             (hash-map->list (lambda (dir _) dir) whole)))))))

(define (closure-mounts entries)
  "Return two values: the read-only <file-system> bind mounts of the files
and directories of the closure ENTRIES, and its (PATH . TARGET) links, as
spawn-container's #:mounts and #:symlinks take them.  Directories of /usr
that the closure holds whole are bound once (see collapse-closure)."
  (let ((entries (collapse-closure entries)))
    (values (closure->file-systems entries #:links-as-binds? #f)
            (closure-symlinks entries))))

(define (add-host-item-mounts items mounts links)
  "Return two values: MOUNTS and LINKS, a container's <file-system> records
and (PATH . TARGET) links, with the binds and links of the host closures
that ITEMS, store file names, record (host packages) added; what MOUNTS
and LINKS already have is not added again."
  (match (store-items-host-closure items)
    (() (values mounts links))
    (closure
     (let-values (((more-mounts more-links) (closure-mounts closure)))
       (let ((points (map file-system-mount-point mounts))
             (paths (map car links)))
         (values (sort (append mounts
                               (remove (lambda (fs)
                                         (member (file-system-mount-point fs) points))
                                       more-mounts))
                       (lambda (a b)
                         (string<? (file-system-mount-point a)
                                   (file-system-mount-point b))))
                 (append links
                         (remove (lambda (link) (member (car link) paths))
                                 more-links))))))))

(define* (host-software-stamp #:optional (dpkg-directory "/var/lib/dpkg"))
  "Return what tells that the host's installed software changed, a list of
file stamps (see file-stamp): dpkg's status, diversions and alternatives
under DPKG-DIRECTORY, /etc/alternatives, and the loader's cache.  What is
resolved from them (host packages, their closures) is valid while it is
the same."
  (map file-stamp
       (list (string-append dpkg-directory "/status")
             (string-append dpkg-directory "/diversions")
             (string-append dpkg-directory "/alternatives")
             "/etc/alternatives"
             "/etc/ld.so.cache")))

;;; host.scm ends here
