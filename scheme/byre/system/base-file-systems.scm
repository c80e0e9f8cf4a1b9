;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system base-file-systems): the file systems every Guix system
;;; declares, and file system labels, as (gnu system file-systems) has
;;; them beside the <file-system> record of (byre file-systems).

(define-module (byre system base-file-systems)
  #:use-module (byre file-systems)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-9 gnu)
  #:export (file-system-label
            file-system-label?
            file-system-label->string
            %pseudo-terminal-file-system
            %shared-memory-file-system
            %immutable-store
            %control-groups
            %elogind-file-systems
            %fuse-control-file-system
            %binary-format-file-system
            %debug-file-system
            %efivars-file-system
            %base-file-systems))

;;; Commentary:
;;;
;;; A container gets its /dev/pts, /dev/shm and /proc from byre (see
;;; %container-file-systems), and its store read-only; the file systems
;;; here are declared so that configurations load, and the
;;; operating-system layer leaves out those a container cannot mount.
;;;
;;; Code:

(define-record-type <file-system-label>
  (file-system-label label)
  file-system-label?
  (label file-system-label->string))

(set-record-type-printer! <file-system-label>
                          (lambda (label port)
                            (format port "#<file-system-label ~s>"
                                    (file-system-label->string label))))

(define %pseudo-terminal-file-system
  (file-system
    (device "none")
    (mount-point "/dev/pts")
    (type "devpts")
    (check? #f)
    (needed-for-boot? #f)
    (create-mount-point? #t)
    (options "gid=5,mode=620")))

(define %shared-memory-file-system
  (file-system
    (device "tmpfs")
    (mount-point "/dev/shm")
    (type "tmpfs")
    (check? #f)
    (flags '(no-suid no-dev))
    (options "size=50%")
    (create-mount-point? #t)))

(define %immutable-store
  ;; The store, read-only: a container's is bound read-only already.
  (file-system
    (device "/gnu/store")
    (mount-point "/gnu/store")
    (type "none")
    (check? #f)
    (flags '(read-only bind-mount no-atime))))

(define %control-groups
  (list (file-system
          (device "cgroup")
          (mount-point "/sys/fs/cgroup")
          (type "cgroup2")
          (check? #f)
          (create-mount-point? #t))))

(define %elogind-file-systems
  (list (file-system
          (device "none")
          (mount-point "/run/systemd")
          (type "tmpfs")
          (check? #f)
          (flags '(no-suid no-dev no-exec))
          (options "mode=0755")
          (create-mount-point? #t))
        (file-system
          (device "none")
          (mount-point "/run/user")
          (type "tmpfs")
          (check? #f)
          (flags '(no-suid no-dev no-exec))
          (options "mode=0755")
          (create-mount-point? #t))))

(define %fuse-control-file-system
  (file-system
    (device "fusectl")
    (mount-point "/sys/fs/fuse/connections")
    (type "fusectl")
    (check? #f)))

(define %binary-format-file-system
  (file-system
    (device "binfmt_misc")
    (mount-point "/proc/sys/fs/binfmt_misc")
    (type "binfmt_misc")
    (check? #f)))

(define %debug-file-system
  (file-system
    (device "none")
    (mount-point "/sys/kernel/debug")
    (type "debugfs")
    (check? #f)
    (create-mount-point? #t)))

(define %efivars-file-system
  (file-system
    (device "efivarfs")
    (mount-point "/sys/firmware/efi/efivars")
    (type "efivarfs")
    (check? #f)
    (mount-may-fail? #t)))

(define %base-file-systems
  ;; What Guix's systems always have.
  (list %pseudo-terminal-file-system
        %debug-file-system
        %shared-memory-file-system
        %efivars-file-system
        %immutable-store))

;;; base-file-systems.scm ends here
