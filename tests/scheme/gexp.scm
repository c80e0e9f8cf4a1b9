;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (byre gexp), (byre derivations) and eval/container: gexps, file-like
;;; objects, lowering, builds in containers.  Each test that touches the
;;; store uses a temporary one.

(use-modules (harness)
             (srfi srfi-1)
             (srfi srfi-34)
             (srfi srfi-35)
             (srfi srfi-64)
             (ice-9 ftw)
             (ice-9 match)
             (ice-9 rdelim)
             (ice-9 textual-ports)
             (byre gexp)
             (byre monads)
             (byre store)
             (byre derivations)
             (byre container)
             (byre file-systems)
             (byre system container)
             (byre host)
             ((guix gexp) #:prefix guix:)
             ((gnu system linux-container) #:prefix guix:))

(define supported?
  (if (zero? (getuid))
      (user-namespace-supported?)
      (unprivileged-user-namespace-supported?)))

(define (temporary-directory)
  (mkdtemp (string-append (or (getenv "TMPDIR") "/tmp") "/byre-gexp.XXXXXX")))

(define (delete-recursively dir)
  (for-each (lambda (entry)
              (let ((file (string-append dir "/" entry)))
                (if (eq? 'directory (stat:type (lstat file)))
                    (begin (chmod file #o755) (delete-recursively file))
                    (delete-file file))))
            (scandir dir (lambda (e) (not (member e '("." ".."))))))
  (rmdir dir))

(define top (temporary-directory))
(define store-dir (string-append top "/store"))
(define state-dir (string-append top "/state"))
(define store (open-connection #:store-directory store-dir
                               #:state-directory state-dir))

(define (run mvalue)
  (parameterize ((%store-prefix store-dir))
    (run-with-store store mvalue)))

(define (lower-simply gexp)
  ;; The S-expression with every input shown as its thing.
  (gexp->sexp* gexp (match-lambda
                      ((? gexp-output? o) `(output ,(gexp-output-name o)))
                      ((? gexp-input? i) (gexp-input-thing i)))))

(test-begin "gexp")

;;; The syntax, without the store.

(test-assert "#~ makes a gexp; the façade is the same module's"
  (and (gexp? #~(foo)) (eq? gexp? guix:gexp?)))

(test-equal "#$ substitutes a value; the build code's quasiquote stays"
  '(begin (display "x") `(a ,b))
  (lower-simply #~(begin (display #$"x") `(a ,b))))

(test-equal "#$@ splices"
  '(list 1 2 3 4)
  (lower-simply #~(list 1 #$@'(2 3) 4)))

(test-equal "#+ and #+@ mark native inputs"
  '(#t #t)
  (map gexp-input-native?
       (gexp-inputs #~(list #+(plain-file "a" "a") #+@(list (plain-file "b" "b"))))))

(test-equal "#$output and (ungexp output NAME)"
  '(list (output "out") (output "lib"))
  (lower-simply #~(list #$output (ungexp output "lib"))))

(test-equal "gexp-outputs, the last reference first, as Guix has them"
  '("doc" "out")
  (map gexp-output-name (gexp-outputs #~(list #$output (ungexp output "doc")
                                              (ungexp output "doc")))))

(test-equal "gexp-inputs: file-like objects, nested gexps' included"
  '("c" "b" "a")
  (let* ((inner #~(inner #$(plain-file "b" "b")))
         (g #~(outer #$(plain-file "a" "a") "not an input" #$inner
                     #$#~(nested #$(plain-file "c" "c")))))
    (map (compose plain-file-name gexp-input-thing) (gexp-inputs g))))

(test-equal "nested gexps: the inner one's references are lowered with the outer's"
  '(outer (inner "b") (gexp (nested "c")))
  (lower-simply #~(outer #$#~(inner #$"b") #~(nested #$"c"))))

(test-equal "(ungexp thing output) selects an output"
  "lib"
  (gexp-input-output
   (car (gexp-inputs #~(f #$(gexp-input (plain-file "pkg" "") "lib"))))))

(test-assert "the printer shows the code"
  (string-contains (object->string #~(display #$"hello")) "(display \"hello\")"))

(test-equal "with-imported-modules and gexp-modules"
  '((guix build utils) (ice-9 ftw))
  (let ((inner (with-imported-modules '((ice-9 ftw)) #~(inner))))
    (with-imported-modules '((guix build utils))
      (gexp-modules #~(outer #$inner)))))

(test-error "ungexp outside a gexp is a syntax error"
  #t
  (eval '(ungexp x) (current-module)))

(test-error "#$@ of a non-list is an error when lowered"
  #t
  (lower-simply #~(list #$@42)))

;;; File-like objects.

(test-assert "local-file is relative to this file, not the current directory"
  (let ((file (local-file "lib/harness.scm")))
    (and (local-file? file)
         (string-suffix? "tests/scheme/lib/harness.scm"
                         (local-file-absolute-file-name file)))))

(test-error "a missing local-file is an error naming the file"
  #t
  (local-file "does-not-exist.scm"))

(test-assert "plain-file lowers to a text item"
  (let ((path (run (lower-object (plain-file "hello.txt" "Hello!\n")))))
    (and (string-prefix? store-dir path)
         (string-suffix? "-hello.txt" path)
         (equal? "Hello!\n" (call-with-input-file path get-string-all)))))

(test-assert "local-file lowers to an interned copy"
  (let ((path (run (lower-object (local-file "lib/harness.scm" "harness.scm")))))
    (and (valid-path? store path)
         (string-suffix? "-harness.scm" path))))

(test-assert "mixed-text-file refers to the files it names"
  (let* ((dep (plain-file "dep" "x"))
         (path (run (lower-object (mixed-text-file "mixed" "a " dep " b"))))
         (dep-path (run (lower-object dep))))
    (and (equal? (string-append "a " dep-path " b")
                 (call-with-input-file path get-string-all))
         (equal? (list dep-path) (references store path)))))

(test-assert "lower-gexp: file names in the sexp, sources listed"
  (let* ((file (plain-file "data" "42"))
         (lowered (run (lower-gexp #~(display #$file)))))
    (match (lowered-gexp-sexp lowered)
      (('display (? string? name))
       (and (member name (lowered-gexp-sources lowered))
            (valid-path? store name))))))

(test-assert "file-append"
  (let* ((base (plain-file "base" "x"))
         (lowered (run (lower-gexp #~(list #$(file-append base "/suffix"))))))
    (match (lowered-gexp-sexp lowered)
      (('list (? string? name)) (string-suffix? "-base/suffix" name)))))

(test-error "a module that cannot be found for with-imported-modules"
  #t
  (run (lower-gexp (with-imported-modules '((no such module)) #~(foo)))))

;;; Derivations and builds.

(skip-unless supported? "no user namespaces")
(test-assert "computed-file builds in a container and registers its output"
  (let* ((dep (plain-file "dep" "dependency"))
         (drv (run (lower-object
                    (computed-file "built"
                                   #~(call-with-output-file #$output
                                       (lambda (port)
                                         (display #$dep port))))))))
    (build-derivations store (list drv))
    (let ((out (derivation->output-path drv)))
      (and (valid-path? store out)
           (equal? (run (lower-object dep))
                   (call-with-input-file out get-string-all))
           ;; The output holds the dependency's name: it refers to it.
           (equal? (list (run (lower-object dep))) (references store out))
           (equal? (derivation-file-name drv)
                   (path-info-deriver (query-path-info store out)))))))

(skip-unless supported? "no user namespaces")
(test-assert "a built derivation is not built again"
  (let ((drv (run (gexp->derivation "once"
                                    #~(begin
                                        (mkdir #$output)
                                        (call-with-output-file
                                            (string-append #$output "/t")
                                          (lambda (p) (write (current-time) p))))))))
    (build-derivations store (list drv))
    (let ((first (call-with-input-file
                     (string-append (derivation->output-path drv) "/t") read)))
      (sleep 1)
      (build-derivations store (list drv))
      (= first (call-with-input-file
                   (string-append (derivation->output-path drv) "/t") read)))))

(skip-unless supported? "no user namespaces")
(test-assert "a failing builder: an error with the log's tail, nothing registered"
  (let ((drv (run (gexp->derivation "fails"
                                    #~(begin
                                        (display "about to fail\n")
                                        (exit 3))))))
    (guard (c ((build-error? c)
               (and (string-contains (build-error-log-tail c) "about to fail")
                    (not (valid-path? store (derivation->output-path drv))))))
      (build-derivations store (list drv))
      #f)))

(skip-unless supported? "no user namespaces")
(test-assert "the builder sees no network and no host file outside its closure"
  (let ((drv (run (gexp->derivation
                   "isolated"
                   #~(call-with-output-file #$output
                       (lambda (port)
                         (write (list (file-exists? "/usr/bin/ls")
                                      (file-exists? "/etc/passwd"))
                                port)))))))
    (build-derivations store (list drv))
    (equal? '(#f #f) (call-with-input-file (derivation->output-path drv) read))))

(skip-unless supported? "no user namespaces")
(test-assert "disallowed references are refused"
  (let* ((dep (plain-file "forbidden" "x"))
         (drv (run (gexp->derivation "refers"
                                     #~(call-with-output-file #$output
                                         (lambda (p) (display #$dep p)))
                                     #:disallowed-references
                                     (list (run (lower-object dep)))))))
    (guard (c ((message-condition? c)
               (not (valid-path? store (derivation->output-path drv)))))
      (build-derivations store (list drv))
      #f)))

(skip-unless supported? "no user namespaces")
(test-assert "read-derivation gives back the derivation written"
  (let ((drv (run (gexp->derivation "roundtrip" #~(mkdir #$output)))))
    (let ((read (call-with-input-file (derivation-file-name drv) read-derivation)))
      (and (equal? (derivation-outputs read) (derivation-outputs drv))
           (equal? (derivation-builder-arguments read)
                   (derivation-builder-arguments drv))))))

(skip-unless supported? "no user namespaces")
(test-assert "gexp->script makes an executable script"
  (let ((drv (run (gexp->script "hello" #~(display "hi")))))
    (build-derivations store (list drv))
    (let ((script (derivation->output-path drv)))
      (and (access? script X_OK)
           (string-prefix? "#!" (call-with-input-file script read-line))))))

;;; More file-like objects, built.

(define (build-and-read object)
  (let ((lowered (run (lower-object object))))
    (when (derivation? lowered)
      (build-derivations store (list lowered)))
    (if (derivation? lowered) (derivation->output-path lowered) lowered)))

(skip-unless supported? "no user namespaces")
(test-equal "scheme-file holds the gexp's code, #:splice? its forms"
  '((define x 1) (display x))
  (let ((file (build-and-read (scheme-file "code.scm" #~((define x 1) (display x))
                                           #:splice? #t))))
    (call-with-input-file file
      (lambda (port)
        (let loop ((forms '()))
          (let ((form (read port)))
            (if (eof-object? form) (reverse forms) (loop (cons form forms)))))))))

(skip-unless supported? "no user namespaces")
(test-assert "program-file is an executable script that runs"
  (let ((script (build-and-read (program-file "prog" #~(exit 5)))))
    (and (access? script X_OK)
         ;; The host's guile runs it directly: no container needed here.
         (= 5 (status:exit-val (system* script))))))

(skip-unless supported? "no user namespaces")
(test-assert "file-union: a directory of links to its files"
  (let* ((a (plain-file "a" "A"))
         (dir (build-and-read (file-union "union" `(("x/a" ,a)))))
         (link (string-append dir "/x/a")))
    (and (eq? 'symlink (stat:type (lstat link)))
         (equal? "A" (call-with-input-file link get-string-all))
         (member (run (lower-object a)) (references store dir)))))

(skip-unless supported? "no user namespaces")
(test-assert "gexp->file: a derivation whose output has the code, referring to its inputs"
  (let* ((dep (plain-file "dep" "x"))
         (drv (run (gexp->file "code" #~(display #$dep))))
         (file (begin
                 (build-derivations store (list drv))
                 (derivation->output-path drv))))
    (and (equal? `(display ,(run (lower-object dep)))
                 (call-with-input-file file read))
         (equal? (list (run (lower-object dep))) (references store file)))))

(skip-unless supported? "no user namespaces")
(test-equal "with-extensions puts an extension's modules on the load path"
  7
  (let ((extension
         (computed-file "extension"
                        #~(let ((dir (string-append #$output "/share/guile/site/"
                                                    (effective-version) "/ext")))
                            (mkdir #$output)
                            (mkdir (string-append #$output "/share"))
                            (mkdir (string-append #$output "/share/guile"))
                            (mkdir (string-append #$output "/share/guile/site"))
                            (mkdir (string-append #$output "/share/guile/site/"
                                                  (effective-version)))
                            (mkdir dir)
                            (call-with-output-file (string-append dir "/seven.scm")
                              (lambda (port)
                                (write '(define-module (ext seven) #:export (seven))
                                       port)
                                (write '(define seven 7) port)))))))
    (status:exit-val
     (run (eval/container
           (with-extensions (list extension)
             #~(begin
                 (use-modules (ext seven))
                 (exit seven))))))))

(skip-unless (and supported? (file-exists? "/etc/os-release")) "no user namespaces")
(test-equal "%host-mounts decides what of the host a builder sees"
  '(#f #t)
  (let ((probe (lambda (name)
                 (let ((drv (run (gexp->derivation
                                  name
                                  #~(call-with-output-file #$output
                                      (lambda (port)
                                        (write (file-exists? "/etc/os-release")
                                               port)))))))
                   (build-derivations store (list drv))
                   (call-with-input-file (derivation->output-path drv) read)))))
    (list (probe "without-os-release")
          (parameterize ((%host-mounts
                          (lambda ()
                            (call-with-values host-guile-mounts
                              (lambda (mounts links)
                                (values (cons (file-system
                                                (device "/etc/os-release")
                                                (mount-point "/etc/os-release")
                                                (type "none")
                                                (flags '(bind-mount read-only)))
                                              mounts)
                                        links))))))
            (probe "with-os-release")))))

;;; eval/container (issue 4's three cases).

(skip-unless supported? "no user namespaces")
(test-equal "eval/container: (exit 42)"
  42
  (status:exit-val (run (eval/container #~(exit 42)))))

(skip-unless supported? "no user namespaces")
(test-assert "eval/container: the store holds exactly the closure of the inputs"
  (let* ((result (temporary-directory))
         (dep (plain-file "dep" "x"))
         (status (run (eval/container
                       #~(begin
                           (use-modules (ice-9 ftw))
                           (call-with-output-file "/result/store"
                             (lambda (port)
                               (write (list (scandir #$store-dir) #$dep) port))))
                       #:mappings (list (file-system-mapping
                                         (source result) (target "/result")
                                         (writable? #t)))))))
    (match (call-with-input-file (string-append result "/store") read)
      ((entries dep-path)
       (delete-recursively result)
       (and (zero? (status:exit-val status))
            (equal? entries
                    (append '("." "..")
                            (sort (map basename (requisites store (list dep-path)))
                                  string<?))))))))

(skip-unless supported? "no user namespaces")
(test-assert "eval/container: with-imported-modules (guix build utils)"
  (let* ((result (temporary-directory))
         (status (run (eval/container
                       (with-imported-modules '((guix build utils))
                         #~(begin
                             (use-modules (guix build utils))
                             (mkdir-p "/result/a/b/c")))
                       #:mappings (list (file-system-mapping
                                         (source result) (target "/result")
                                         (writable? #t)))))))
    (let ((made (file-exists? (string-append result "/a/b/c"))))
      (delete-recursively result)
      (and (zero? (status:exit-val status)) made))))

(skip-unless supported? "no user namespaces")
(test-assert "evaluating the same gexp again writes nothing to the store"
  (let* ((g (with-imported-modules '((guix build utils))
              #~(exit (if (string? #$(plain-file "again" "x")) 0 1)))))
    (run (eval/container g))
    (let ((before (scandir store-dir)))
      (run (eval/container g))
      (equal? before (scandir store-dir)))))

;;; Guix's behaviour, as its own tests have it.

(skip-unless supported? "no user namespaces")
(test-assert "the manual's computed-file with imported modules builds on a fresh store"
  ;; Nothing is built yet: the builder must not name the compiled modules
  ;; as references before they exist.
  (let* ((dir (temporary-directory))
         (fresh (open-connection #:store-directory (string-append dir "/store")
                                 #:state-directory (string-append dir "/state")))
         (out (parameterize ((%store-prefix (string-append dir "/store")))
                (let ((drv (run-with-store fresh
                             (lower-object
                              (computed-file "empty-dir"
                                (with-imported-modules '((guix build utils))
                                  #~(begin
                                      (use-modules (guix build utils))
                                      (mkdir-p (string-append #$output "/bin")))))))))
                  (build-derivations fresh (list drv))
                  (derivation->output-path drv)))))
    (let ((made (file-is-directory? (string-append out "/bin"))))
      (close-connection fresh)
      (delete-recursively dir)
      made)))

(test-equal "#$x:out reads as (ungexp x \"out\")"
  '(gexp (list (ungexp x "out") (ungexp-native y "lib") (ungexp-splicing z)))
  (call-with-input-string "#~(list #$x:out #+y:lib #$@z)" read))

(test-equal "local-file: a computed relative name is relative to the current directory"
  (canonicalize-path (string-append (dirname (current-filename)) "/lib/harness.scm"))
  (let ((previous (getcwd))
        (name (string-append "../lib/" "harness.scm")))
    (dynamic-wind
      (lambda () (chdir (string-append (dirname (current-filename)) "/lib")))
      (lambda () (local-file-absolute-file-name (local-file name)))
      (lambda () (chdir previous)))))

(test-equal "local-file: a literal name is canonicalised"
  (canonicalize-path (string-append (dirname (current-filename)) "/lib/harness.scm"))
  (local-file-absolute-file-name (local-file "lib/../lib/harness.scm")))

(test-equal "gexp-modules and gexp-extensions of a non-gexp are empty"
  '(() ())
  (list (gexp-modules 42) (gexp-extensions "text")))

(test-equal "gexp-modules: the last reference first, duplicates removed"
  '((b) (a))
  (gexp-modules #~(list #$(with-imported-modules '((a)) #~1)
                        #$(with-imported-modules '((b) (a)) #~2))))

(test-assert "gexp-modules warns about (guix config) imported from the host"
  (let ((warnings (open-output-string)))
    (parameterize ((current-warning-port warnings))
      (gexp-modules #~(+ 39 #$(with-imported-modules '((guix config)) #~3))))
    (string-contains (get-output-string warnings)
                     "warning: importing module (guix config) from the host")))

(test-equal "gexp-extensions of a spliced list"
  '("e1" "e2")
  (map plain-file-name
       (gexp-extensions
        #~(list #$@(list (with-extensions (list (plain-file "e1" "")) #~1)
                         (with-extensions (list (plain-file "e2" "")) #~2))))))

(test-assert "a procedure in a gexp is a &gexp-input-error"
  (guard (c ((gexp-input-error? c) (eq? + (gexp-error-invalid-input c))))
    (run (lower-gexp #~(foo #$+)))
    #f))

(test-equal "#$@ of an empty gexp"
  '(begin)
  (lowered-gexp-sexp (run (lower-gexp #~(begin #$@#~())))))

(test-equal "gexp->approximate-sexp"
  '(display '(*approximate*) "x")
  (gexp->approximate-sexp #~(display '#$(plain-file "f" "") #$#~"x")))

(test-equal "let-system: the system and target an input is lowered for"
  `(list ,(%current-system) #f "arm-linux")
  (lowered-gexp-sexp
   (run (lower-gexp #~(list #$@(let-system (system target) (list system target))
                            #$(with-parameters ((%current-system "arm-linux"))
                                (let-system s s)))))))

(test-assert "lower-object of a scheme-file is a derivation"
  (derivation? (run (lower-object (scheme-file "s.scm" #~(display 1))))))

(test-equal "program-file and computed-file are lowered for the system asked for"
  '("riscv64-linux" "riscv64-linux")
  (map (lambda (object)
         (derivation-system (run (lower-object object "riscv64-linux"))))
       (list (program-file "p" #~1) (computed-file "c" #~(mkdir #$output)))))

(test-assert "computed-file #:guile and program-file #:guile choose the builder"
  (let ((drv (run (lower-object (computed-file "c" #~(mkdir #$output)
                                               #:guile "/some/guile")))))
    (string=? "/some/guile" (derivation-builder drv))))

(test-assert "program-file #:module-path: modules found there"
  (let* ((dir (temporary-directory)))
    (mkdir (string-append dir "/only"))
    (call-with-output-file (string-append dir "/only/here.scm")
      (lambda (port) (write '(define-module (only here)) port)))
    (let ((drv (run (lower-object
                     (program-file "p" (with-imported-modules '((only here))
                                         #~(use-modules (only here)))
                                   #:module-path (list dir))))))
      (delete-recursively dir)
      (derivation? drv))))

(test-equal "gexp->derivation #:properties"
  '((kind . test))
  (derivation-properties
   (run (gexp->derivation "props" #~(mkdir #$output)
                          #:properties '((kind . test))))))

(skip-unless supported? "no user namespaces")
(test-assert "gexp->derivation #:modules, ((NAME) => FILE-LIKE) entries"
  (let* ((module (scheme-file "m" #~((define-module (made here) #:export (answer))
                                     (define answer 42))
                              #:splice? #t))
         (drv (run (gexp->derivation
                    "uses-modules"
                    (with-imported-modules `(((made here) => ,module))
                      #~(begin
                          (use-modules (made here) (guix build utils))
                          (mkdir-p #$output)
                          (call-with-output-file (string-append #$output "/a")
                            (lambda (port) (write answer port)))))
                    #:modules '((guix build utils))))))
    (build-derivations store (list drv))
    (= 42 (call-with-input-file (string-append (derivation->output-path drv) "/a")
            read))))

(skip-unless supported? "no user namespaces")
(test-assert "imported-files: file names copied, file-like objects linked"
  (let* ((plain (plain-file "p" "plain"))
         (copied (run (imported-files `(("a/b" . ,(current-filename))))))
         (linked (run (imported-files `(("x/y" . ,plain))))))
    (build-derivations store (list linked))
    (and (string? copied)
         (file-exists? (string-append copied "/a/b"))
         (string=? "plain"
                   (call-with-input-file
                       (string-append (derivation->output-path linked) "/x/y")
                     get-string-all)))))

(test-assert "raw-derivation-file: the .drv file as a source"
  (let* ((thing (computed-file "thing" #~(mkdir #$output)))
         (drv (run (lower-object thing)))
         (lowered (run (lower-gexp #~(list #$(raw-derivation-file thing))))))
    (and (equal? `(list ,(derivation-file-name drv)) (lowered-gexp-sexp lowered))
         (equal? (list (derivation-file-name drv)) (lowered-gexp-sources lowered))
         (null? (lowered-gexp-inputs lowered)))))

(skip-unless supported? "no user namespaces")
(test-equal "directory-union: links to the files, directories merged, the first wins"
  '("1" "2" "first" symlink)
  (let* ((a (file-union "a" `(("x" ,(plain-file "x" "1"))
                              ("d/same" ,(plain-file "same" "first")))))
         (b (file-union "b" `(("d/y" ,(plain-file "y" "2"))
                              ("d/same" ,(plain-file "same2" "second")))))
         (dir (build-and-read (directory-union "ab" (list a b))))
         (read-file (lambda (file)
                      (call-with-input-file (string-append dir "/" file)
                        get-string-all))))
    (list (read-file "x") (read-file "d/y") (read-file "d/same")
          (stat:type (lstat (string-append dir "/x"))))))

(test-assert "directory-union of one thing is that thing"
  (let ((a (plain-file "a" "")))
    (eq? a (directory-union "u" (list a)))))

(close-connection store)
(false-if-exception (delete-recursively top))
(test-end/exit "gexp")
