;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre ports): ports filtered through programs (the host's gzip, bzip2,
;;; xz, lzip and zstd) and ports that mend line endings, as Guix's (guix
;;; utils) has them.
;;;
;;;   (call-with-decompressed-port 'xz (open-file "a.tar.xz" "r0b")
;;;     get-bytevector-all)                ⇒ the tar file's bytes
;;;
;;;   (let-values (((port pids) (filtered-port '("sort") input)))
;;;     … (get-string-all port) …
;;;     (for-each waitpid pids))           ; the caller reaps, as with Guix

(define-module (byre ports)
  #:use-module (byre config)
  #:use-module (ice-9 match)
  #:use-module (rnrs io ports)
  #:use-module (srfi srfi-1)
  #:use-module (srfi srfi-11)
  #:export (filtered-port
            compressed-port
            decompressed-port
            compressed-output-port
            call-with-compressed-output-port
            call-with-decompressed-port
            canonical-newline-port))

;;; Commentary:
;;;
;;; A filtered port reads what a program writes when its standard input
;;; is another port.  The program runs in a child that does nothing but
;;; `dup2' and `exec' (a child exiting 127 when the program cannot be
;;; run, as a shell reports it).  Every pipe end the parent makes is
;;; close-on-exec, so no program holds a write end open that another
;;; waits to see closed; without that, a compressor writing to a file
;;; never saw the end of its input and `waitpid' hung.  An input port
;;; that is not a file port is copied into a pipe by a second child.
;;;
;;; Code:

(define (cloexec-pipe)
  "Return a pipe, (READ-PORT . WRITE-PORT), whose ends are closed on exec."
  (let ((ends (pipe)))
    (fcntl (car ends) F_SETFD FD_CLOEXEC)
    (fcntl (cdr ends) F_SETFD FD_CLOEXEC)
    ends))

(define (file-port-descriptor port)
  "Return PORT's file descriptor, or #f if it is not a file port."
  (and (file-port? port) (fileno port)))

(define (spawn-filter command input-fd output-fd)
  "Start COMMAND, a list of strings (the program, looked for in $PATH when
it has no slash, and its arguments), with INPUT-FD as its standard input
and OUTPUT-FD as its standard output; return its pid."
  (match (primitive-fork)
    (0
     (catch #t
       (lambda ()
         (unless (= input-fd 0) (dup2 input-fd 0))
         (unless (= output-fd 1) (dup2 output-fd 1))
         (apply execlp (car command) command))
       (lambda _
         (primitive-_exit 127))))
    (pid pid)))

(define (spawn-copier input output others)
  "Start a child that closes OTHERS, a list of ports, copies INPUT, an
input port, to OUTPUT, an output port, closes OUTPUT and exits (1 on a
failure); return its pid."
  (match (primitive-fork)
    (0
     (catch #t
       (lambda ()
         (for-each close-port others)
         (let loop ()
           (match (get-bytevector-some input)
             ((? eof-object?) #t)
             (chunk (put-bytevector output chunk) (loop))))
         (close-port output)
         (primitive-_exit 0))
       (lambda _
         (primitive-_exit 1))))
    (pid pid)))

(define (filtered-port command input)
  "Return two values: an input port from which can be read what COMMAND,
a list of strings (the program and its arguments), writes to its standard
output when its standard input is INPUT, an input port; and the list of
pids of the processes started, which the caller waits for.  A program that
cannot be run makes its process exit with 127."
  (match (cloexec-pipe)
    ((output-read . output-write)
     (let-values (((input-fd copiers)
                   (match (file-port-descriptor input)
                     (#f
                      (match (cloexec-pipe)
                        ((copy-read . copy-write)
                         (let ((pid (spawn-copier input copy-write
                                                 (list copy-read output-read
                                                       output-write))))
                           (close-port copy-write)
                           (values copy-read (list pid))))))
                     (fd (values fd '())))))
       (let ((pid (spawn-filter command
                                (if (port? input-fd) (fileno input-fd) input-fd)
                                (fileno output-write))))
         (close-port output-write)
         (when (port? input-fd) (close-port input-fd))
         (values output-read (cons pid copiers)))))))

(define (compression-program method)
  "Return the file name of the program of compression METHOD, a symbol."
  (match method
    ('gzip %gzip-program)
    ('bzip2 %bzip2-program)
    ('xz %xz-program)
    ('lzip %lzip-program)
    ('zstd %zstd-program)
    (_ (scm-error 'wrong-type-arg "compression-program"
                  "unknown compression method: ~s (known: gzip, bzip2, xz, lzip, zstd, or none)"
                  (list method) (list method)))))

(define (no-compression? method)
  (or (not method) (eq? method 'none)))

(define (compressed-port method input)
  "Return two values: an input port reading INPUT, an input port,
compressed with METHOD (gzip, bzip2, xz, lzip or zstd; #f or none for
INPUT itself), and the list of pids to wait for."
  (if (no-compression? method)
      (values input '())
      (filtered-port (list (compression-program method) "-c") input)))

(define (decompressed-port method input)
  "Return two values: an input port reading INPUT, an input port,
decompressed with METHOD (see `compressed-port'), and the list of pids to
wait for."
  (if (no-compression? method)
      (values input '())
      (filtered-port (list (compression-program method) "-dc") input)))

(define* (compressed-output-port method output #:key (options '()))
  "Return two values: an output port whose data goes compressed with
METHOD (see `compressed-port'), the program given OPTIONS, a list of
strings, to OUTPUT, a file port; and the list of pids to wait for once the
port is closed."
  (if (no-compression? method)
      (values output '())
      (let ((output-fd (or (file-port-descriptor output)
                           (scm-error 'wrong-type-arg "compressed-output-port"
                                      "not a file port: ~s" (list output)
                                      (list output)))))
        (match (cloexec-pipe)
          ((read-end . write-end)
           (let ((pid (spawn-filter `(,(compression-program method) "-c"
                                      ,@options)
                                    (fileno read-end) output-fd)))
             (close-port read-end)
             (values write-end (list pid))))))))

(define (wait-for-all pids what)
  "Wait for PIDS; raise an error naming WHAT if one of them failed."
  (let ((statuses (map (lambda (pid) (cdr (waitpid pid))) pids)))
    (unless (every zero? statuses)
      (error (string-append what " failed; exit statuses:")
             (map (lambda (status)
                    (or (status:exit-val status)
                        (list 'signal (status:term-sig status))))
                  statuses)))))

(define* (call-with-compressed-output-port method port proc
                                           #:key (options '()))
  "Call PROC with an output port whose data goes compressed with METHOD
(see `compressed-output-port', which OPTIONS is for) to PORT, a file port.
Close that port and wait for the compressor when PROC returns or exits;
raise an error if the compressor failed.  Return PROC's value."
  (let-values (((compressed pids)
                (compressed-output-port method port #:options options)))
    (dynamic-wind
      (const #t)
      (lambda () (proc compressed))
      (lambda ()
        (unless (eq? compressed port) (close-port compressed))
        (wait-for-all pids "compression")))))

(define (call-with-decompressed-port method port proc)
  "Call PROC with an input port reading PORT decompressed with METHOD (see
`compressed-port').  Close it and wait for the decompressor when PROC
returns or exits; raise an error if the decompressor failed.  Return
PROC's value."
  (let-values (((decompressed pids) (decompressed-port method port)))
    (dynamic-wind
      (const #t)
      (lambda () (proc decompressed))
      (lambda ()
        (unless (eq? decompressed port) (close-port decompressed))
        (wait-for-all pids "decompression")))))

(define (canonical-newline-port port)
  "Return an input port reading PORT, a textual input port, with every
line ending (\"\\r\\n\", or a lone \"\\r\") read as \"\\n\".  Closing it
closes PORT."
  (make-soft-port
   (vector #f #f #f
           (lambda ()
             (match (read-char port)
               (#\return
                (when (eqv? (peek-char port) #\newline) (read-char port))
                #\newline)
               (char char)))
           (lambda () (close-port port)))
   "r"))

;;; ports.scm ends here
