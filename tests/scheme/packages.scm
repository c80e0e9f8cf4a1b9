;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; Host packages: dpkg's data, lowering, relocations, the package table,
;;; profiles and every error, as (byre packages), (byre profiles) and the
;;; (gnu packages …) façades give them.

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-26)
             (srfi srfi-34)
             (srfi srfi-35)
             (srfi srfi-64)
             (ice-9 ftw)
             (ice-9 match)
             (ice-9 rdelim)
             (ice-9 textual-ports)
             (byre config)
             (byre container)
             (byre derivations)
             (byre diagnostics)
             (byre gexp)
             (byre host)
             (byre monads)
             (byre packages)
             (byre packages catalog)
             (byre profiles)
             (byre store)
             (byre system container)
             (gnu packages)
             (gnu packages base)
             (gnu packages certs)
             (gnu packages admin)
             (gnu packages ssh)
             (gnu packages web))

(define supported?
  (if (zero? (getuid))
      (user-namespace-supported?)
      (unprivileged-user-namespace-supported?)))

(define (delete-recursively dir)
  ;; rm, not Guile: in a C locale Guile mangles the non-ASCII file names
  ;; of a profile holding ca-certificates.
  (system* "chmod" "-R" "u+w" dir)
  (system* "rm" "-rf" dir))

(define top (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-packages.XXXXXX")))
(define store-dir (string-append top "/store"))
(define store (open-connection #:store-directory store-dir
                               #:state-directory (string-append top "/state")))

(define (run mvalue)
  (parameterize ((%store-prefix store-dir))
    (run-with-store store mvalue)))

(define (error-text thunk)
  ;; What the user sees of the condition THUNK raises.
  (guard (c (#t (call-with-output-string
                  (lambda (port) (report-condition c port)))))
    (thunk)
    #f))

(define merged-usr? (eq? 'symlink (stat:type (lstat "/bin"))))

(test-begin "packages")

;;; dpkg's data.

(test-assert "dpkg-package: an installed package, files canonical for merged /usr"
  (let ((coreutils (dpkg-package "coreutils")))
    (and (dpkg-package-installed? coreutils)
         (string=? "coreutils" (dpkg-package-name coreutils))
         (member (if merged-usr? "/usr/bin/ls" "/bin/ls")
                 (dpkg-package-files coreutils))
         (not (member "/usr/bin" (dpkg-package-files coreutils))))))

(test-equal "dpkg-package: a multiarch name, with and without its architecture"
  '(#t #t)
  (let ((plain (dpkg-package "libc6"))
        (qualified (dpkg-package (string-append "libc6:"
                                                (dpkg-package-architecture
                                                 (dpkg-package "libc6"))))))
    (list (dpkg-package-installed? qualified)
          (equal? (dpkg-package-files plain) (dpkg-package-files qualified)))))

(test-equal "dpkg-package: a package dpkg never heard of"
  #f
  (dpkg-package "byre-test-absent-package"))

(test-equal "host-file->item-file lays files out as Guix does"
  '("bin/ls" "sbin/sshd" "lib/openssh/sftp-server" "share/man/man1/ls.1.gz"
    "etc/ssh/moduli" "libexec/x" #f)
  (map host-file->item-file
       '("/usr/bin/ls" "/usr/sbin/sshd" "/usr/lib/openssh/sftp-server"
         "/usr/share/man/man1/ls.1.gz" "/etc/ssh/moduli" "/usr/libexec/x"
         "/var/lib/x")))

;;; Lowering.

(define coreutils-item (run (lower-object coreutils)))

(test-assert "a host package lowers to a store item laid out as a package"
  (and (string-prefix? store-dir coreutils-item)
       (string-contains coreutils-item "-coreutils-")
       (string=? (if merged-usr? "/usr/bin/ls" "/bin/ls")
                 (readlink (string-append coreutils-item "/bin/ls")))))

(test-assert "the item records the host files to bind: the package's and its ELF closure"
  (let ((closure (read-host-closure
                  (string-append coreutils-item "/" %host-closure-file))))
    (and (assoc-ref (map (lambda (e) (cons (closure-entry-path e) e)) closure)
                    (if merged-usr? "/usr/bin/ls" "/bin/ls"))
         (any (lambda (entry)
                (string-suffix? "/libc.so.6" (closure-entry-path entry)))
              closure)
         ;; Nothing of another package: no ssh.
         (not (any (lambda (entry)
                     (string-suffix? "/ssh" (closure-entry-path entry)))
                   closure)))))

(test-equal "lowering is deterministic: the same installed package, the same item"
  coreutils-item
  (run (lower-object (host-package "coreutils"))))

(test-assert "maintainer-script-only dependencies are not dragged in"
  ;; openssh-server's maintainer scripts use debconf and ucf.
  (let ((closure (read-host-closure
                  (string-append (run (lower-object openssh)) "/"
                                 %host-closure-file))))
    (not (any (lambda (entry)
                (let ((path (closure-entry-path entry)))
                  (or (string-contains path "debconf")
                      (string-suffix? "/ucf" path))))
              closure))))

(test-equal "relocations: Guix's file names lead to Debian's"
  '("/usr/sbin/syslogd" "/usr/lib/openssh/sftp-server" "/usr/sbin/sshd")
  (list (readlink (string-append (run (lower-object inetutils)) "/libexec/syslogd"))
        (readlink (string-append (run (lower-object openssh)) "/libexec/sftp-server"))
        (readlink (string-append (run (lower-object openssh-sans-x)) "/sbin/sshd"))))

(test-assert "file-append of a host package"
  (equal? `(begin ,(string-append (run (lower-object openssh)) "/sbin/sshd"))
          (lowered-gexp-sexp
           (run (lower-gexp #~(begin #$(file-append openssh "/sbin/sshd")))))))

(test-assert "alternatives: guile's /usr/bin/guile is in guile's item"
  (let ((guile (run (lower-object (specification->package "guile")))))
    (or (not (file-exists? "/etc/alternatives/guile"))
        (string=? "/usr/bin/guile" (readlink (string-append guile "/bin/guile"))))))

;;; The table and the façades.

(test-assert "every module part of the table has its façade, and back"
  (let* ((dir (string-append (dirname (dirname (dirname (current-filename))))
                             "/modules/gnu/packages"))
         (files (map (cut string-drop-right <> 4)
                     (scandir dir (cut string-suffix? ".scm" <>)))))
    (equal? (sort files string<?)
            (map symbol->string (package-module-names)))))

(test-assert "every table variable is exported by its (gnu packages …) module"
  (every (lambda (entry)
           (eq? (catalog-entry-package entry)
                (module-ref (resolve-interface
                             `(gnu packages ,(catalog-entry-module entry)))
                            (catalog-entry-variable entry))))
         (package-table)))

(test-equal "table entries: names, Debian packages, locations"
  '("openssh-sans-x" ("openssh-client" "openssh-server" "openssh-sftp-server") #t)
  (list (package-name openssh-sans-x)
        (host-package-debian-packages openssh-sans-x)
        (string-suffix? "data/packages.scm"
                        (assq-ref (package-location openssh-sans-x) 'filename))))

(test-equal "specification->package: the table, then Debian's names, with versions"
  '("openssh" "perl-base" #t)
  (list (package-name (specification->package "openssh"))
        (package-name (specification->package "perl-base"))
        (eq? coreutils
             (specification->package
              (string-append "coreutils@" (string-take (package-version coreutils) 1))))))

(test-assert "specification->package: an unknown name"
  (string-contains (error-text (lambda () (specification->package "no-such-thing")))
                   "no-such-thing: unknown package"))

(test-assert "specification->package: a version that is not installed"
  (string-contains (error-text (lambda () (specification->package "coreutils@0.1")))
                   "the installed version is"))

(test-equal "package-version: the installed Debian version, byre's for what byre stands for"
  (list (dpkg-package-version (dpkg-package "coreutils")) %byre-version %byre-version)
  (list (package-version coreutils) (package-version shepherd)
        (package-version (specification->package "guix"))))

(test-assert "package-version: a package not installed is an error with the fix"
  (let ((text (error-text
               (lambda ()
                 (package-version (host-package "byre-test-absent-package"
                                                #:name "absent"))))))
    (and (string-contains text "absent needs the Debian package \
byre-test-absent-package, which is not installed")
         (string-contains text "apt-get install byre-test-absent-package"))))

(test-equal "host-package-version: #f for a package not installed"
  #f
  (host-package-version (host-package "byre-test-absent-package")))

(test-assert "host-package: #:version only for a package with no Debian equivalent"
  (string-contains (error-text (lambda () (host-package "coreutils" #:version "1")))
                   "a version is given only to a package with no Debian equivalent"))

(test-equal "use-package-modules"
  openssh
  (let ((module (make-fresh-user-module)))
    (eval '(use-modules (gnu packages)) module)
    (eval '(use-package-modules ssh base) module)
    (eval 'openssh module)))

;;; Errors, all at once.

(test-assert "not installed: FILE:LINE:COL error with an apt-get hint"
  (let ((text (error-text
               (lambda ()
                 (check-host-packages
                  (list (host-package "byre-test-absent-package"
                                      #:name "absent"
                                      #:location '((filename . "os.scm")
                                                   (line . 11) (column . 4)))))))))
    (and (string-contains text "os.scm:12:4: error: absent needs the Debian \
package byre-test-absent-package, which is not installed")
         (string-contains text "hint: apt-get install byre-test-absent-package"))))

(test-equal "every problem at once, one apt-get line"
  '(3 "apt-get install byre-test-absent-1 byre-test-absent-2")
  (guard (c ((package-errors? c)
             (list (length (package-errors-list c)) (condition-fix-hint c))))
    (check-host-packages
     (list coreutils
           (host-package "byre-test-absent-1")
           (host-package "byre-test-absent-2")
           shepherd))
    'no-error))

(test-assert "no Debian equivalent: an error naming what needs it"
  (let ((text (error-text
               (lambda ()
                 (parameterize ((%package-needed-by "service shepherd-root"))
                   (run (lower-object shepherd)))))))
    (and (string-contains text "shepherd has no Debian equivalent")
         (string-contains text "service shepherd-root needs it")
         (string-contains text "data/packages.scm:"))))

(test-assert "a relocation the package lacks: an error naming package and path"
  (let ((text (error-text
               (lambda ()
                 (check-host-packages
                  (list (host-package "coreutils" #:name "broken"
                                      #:relocations '(("libexec/ls" "/usr/bin/no-ls")))))))))
    (string-contains text "package broken lacks /usr/bin/no-ls (for its libexec/ls)")))

;;; Where entries meet: one link each, none beneath another.

(test-equal "layout: a link to a host directory covers the files beneath it"
  '(("sbin/nginx" . "/usr/sbin/nginx")
    ("share/nginx/html" . "/usr/share/nginx/html"))
  (package-layout '("/usr/sbin/nginx" "/usr/share/nginx/html/index.html")
                  '(("share/nginx/html" . "/usr/share/nginx/html"))))

(test-equal "layout: a relocation wins over a file of the package, at it or above it"
  '(("bin/tool" . "/opt/tool")
    ("lib/x/y" . "/opt/y"))
  (package-layout '("/usr/bin/tool" "/usr/lib/x")
                  '(("bin/tool" . "/opt/tool") ("lib/x/y" . "/opt/y"))))

(test-equal "layout: two paths of the host that go to one entry make it once"
  '(("bin/fortune" . "/usr/games/fortune"))
  (package-layout '("/usr/bin/fortune" "/usr/games/fortune") '()))

(test-assert "relocations that overlap: an error naming the package and both"
  (let ((text (error-text
               (lambda ()
                 (check-host-packages
                  (list (host-package "nginx" #:name "broken-nginx"
                                      #:relocations
                                      '(("share/nginx/html" "/usr/share/nginx/html")
                                        ("share/nginx/html/index.html"
                                         "/usr/share/nginx/html/index.html")))))))))
    (and (string-contains text "package broken-nginx: its relocations share/nginx/html \
and share/nginx/html/index.html overlap")
         (string-contains text "hint:"))))

(define (item-file item file)
  (string-append item "/" file))

(test-assert "nginx lowers: share/nginx/html leads to Debian's, sbin/nginx is there"
  (let ((item (host-package->store-item store nginx)))
    (and (equal? (readlink (item-file item "share/nginx/html")) "/usr/share/nginx/html")
         (file-exists? (item-file item "share/nginx/html/index.html"))
         (file-exists? (item-file item "sbin/nginx"))
         (member '(directory "/usr/share/nginx/html")
                 (read-host-closure (item-file item %host-closure-file))))))

(test-assert "every package of the table lowers"
  ;; Each one installed here (debian-packages installs them all).
  (every (lambda (package)
           (or (not (host-package-available? package))
               (string? (host-package->store-item store package))))
         (catalog-packages)))

;;; Profiles.

(define certs-profile
  (profile (content (packages->manifest (list coreutils nss-certs shepherd)))))

(define profile-drv #f)
(define profile-warnings
  (call-with-output-string
    (lambda (port)
      (parameterize ((current-error-port port))
        (set! profile-drv (run (lower-object certs-profile)))))))

(test-assert "a package with no Debian equivalent is left out of a profile, with a warning"
  (string-contains profile-warnings
                   "warning: shepherd has no Debian equivalent; it is left out of the profile"))

(skip-unless supported? "no user namespaces")
(test-assert "a profile: the union tree and etc/profile"
  (begin
    (build-derivations store (list profile-drv))
    (let* ((out (derivation->output-path profile-drv))
           (text (call-with-input-file (string-append out "/etc/profile") get-string-all)))
      (and (file-exists? (string-append out "/bin/ls"))
           (file-exists? (string-append out "/etc/ssl/certs"))
           (not (file-exists? (string-append out "/.host-closure")))
           (string-contains text (string-append "export PATH=\"${GUIX_PROFILE:-" out "}/bin"))
           (string-contains text "export SSL_CERT_DIR=")
           (member (string-append out "/bin")
                   (string-split (assoc-ref (profile-environment
                                             out (profile-search-paths certs-profile))
                                            "PATH")
                                 #\:))))))

(test-equal "specifications->manifest"
  '("coreutils" "openssh")
  (map manifest-entry-name
       (manifest-entries (specifications->manifest '("coreutils" "openssh")))))

(test-assert "profile: content must be a manifest"
  (string-contains (error-text (lambda () (profile (content (list coreutils)))))
                   "content must be a manifest"))

;;; Containers bind exactly the host files of the packages they hold.

(skip-unless supported? "no user namespaces")
(test-equal "a container holding coreutils runs its ls, and has no ssh"
  '(0 #f)
  (list (status:exit-val
         (run (eval/container
               #~(exit (zero? (system* #$(file-append coreutils "/bin/ls") "/")))))) 
        (zero? (status:exit-val
                (run (eval/container
                      #~(exit (and (file-exists? #$(file-append coreutils "/bin/ls"))
                                   (file-exists? "/usr/bin/ssh")))))))))

(skip-unless supported? "no user namespaces")
(test-equal "nothing else of /usr: a container without host packages has no ls"
  1
  (status:exit-val
   (run (eval/container #~(exit (file-exists? "/usr/bin/ls"))))))

(test-equal "merge-closures: each path once, nothing beneath a directory"
  '((directory "/a") (file "/b") (symlink "/c" "b"))
  (merge-closures '((file "/a/x") (file "/b"))
                  '((directory "/a") (symlink "/c" "b") (file "/b"))))

(delete-recursively top)
(test-end/exit "packages")
