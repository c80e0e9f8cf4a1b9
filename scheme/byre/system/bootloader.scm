;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system bootloader): bootloaders and their configuration, as
;;; Guix's (gnu bootloader) and (gnu bootloader grub) declare them.

(define-module (byre system bootloader)
  #:use-module (byre records)
  #:use-module (srfi srfi-1)
  #:export (bootloader
            bootloader?
            bootloader-name
            bootloader-package
            bootloader-installer
            bootloader-configuration-file
            bootloader-configuration-file-generator

            menu-entry
            menu-entry?
            menu-entry-label
            menu-entry-device
            menu-entry-linux
            menu-entry-linux-arguments
            menu-entry-initrd

            bootloader-configuration
            bootloader-configuration?
            bootloader-configuration-bootloader
            bootloader-configuration-targets
            bootloader-configuration-target
            bootloader-configuration-menu-entries
            bootloader-configuration-default-entry
            bootloader-configuration-timeout
            bootloader-configuration-keyboard-layout
            bootloader-configuration-theme
            bootloader-configuration-terminal-outputs
            bootloader-configuration-terminal-inputs
            bootloader-configuration-serial-unit
            bootloader-configuration-serial-speed

            grub-bootloader
            grub-efi-bootloader
            grub-efi-removable-bootloader
            grub-efi-netboot-bootloader
            extlinux-bootloader
            syslinux-bootloader
            grub-theme
            grub-configuration))

;;; Commentary:
;;;
;;; A system container boots no kernel: the host's runs it.  The records
;;; are here so that configurations written for a machine load unchanged;
;;; `byre system' says once that it leaves the bootloader, the kernel and
;;; the initrd out.
;;;
;;; Code:

(define-record-type* <bootloader> bootloader make-bootloader bootloader?
  (name                    bootloader-name)                    ;symbol
  (package                 bootloader-package (default #f))
  (installer               bootloader-installer (default #f))
  (configuration-file      bootloader-configuration-file (default #f))
  (configuration-file-generator bootloader-configuration-file-generator
                                (default #f)))

(define-record-type* <menu-entry> menu-entry make-menu-entry menu-entry?
  (label           menu-entry-label)
  (device          menu-entry-device (default #f))
  (linux           menu-entry-linux (default #f))
  (linux-arguments menu-entry-linux-arguments (default '()))
  (initrd          menu-entry-initrd (default #f)))

(define-record-type* <bootloader-configuration> bootloader-configuration
  make-bootloader-configuration bootloader-configuration?
  (bootloader       bootloader-configuration-bootloader)
  ;; `targets' is today's name; `target', a single one, the older.
  (targets          %bootloader-configuration-targets (default #f))
  (target           %bootloader-configuration-target (default #f))
  (menu-entries     bootloader-configuration-menu-entries (default '()))
  (default-entry    bootloader-configuration-default-entry (default 0))
  (timeout          bootloader-configuration-timeout (default 5))
  (keyboard-layout  bootloader-configuration-keyboard-layout (default #f))
  (theme            bootloader-configuration-theme (default #f))
  (terminal-outputs bootloader-configuration-terminal-outputs
                    (default '(gfxterm)))
  (terminal-inputs  bootloader-configuration-terminal-inputs (default '()))
  (serial-unit      bootloader-configuration-serial-unit (default #f))
  (serial-speed     bootloader-configuration-serial-speed (default #f)))

(define (bootloader-configuration-targets config)
  "Return the devices or directories CONFIG installs the bootloader to."
  (or (%bootloader-configuration-targets config)
      (let ((target (%bootloader-configuration-target config)))
        (if target (list target) '()))))

(define (bootloader-configuration-target config)
  "Return the first target of CONFIG, or #f."
  (match* (bootloader-configuration-targets config)))

(define (match* targets)
  (and (pair? targets) (first targets)))

(define-syntax-rule (define-bootloader variable symbol)
  (define variable (bootloader (name 'symbol))))

(define-bootloader grub-bootloader grub)
(define-bootloader grub-efi-bootloader grub-efi)
(define-bootloader grub-efi-removable-bootloader grub-efi-removable)
(define-bootloader grub-efi-netboot-bootloader grub-efi-netboot)
(define-bootloader extlinux-bootloader extlinux)
(define-bootloader syslinux-bootloader syslinux)

(define* (grub-theme #:key image resolution (color-normal '((fg . light-gray)
                                                           (bg . black)))
                     (color-highlight '((fg . yellow) (bg . black)))
                     gfxmode)
  "Return GRUB's theme settings as an association list."
  `((image . ,image) (resolution . ,resolution)
    (color-normal . ,color-normal) (color-highlight . ,color-highlight)
    (gfxmode . ,gfxmode)))

(define-syntax-rule (grub-configuration fields ...)
  ;; Guix's deprecated name.
  (bootloader-configuration (bootloader grub-bootloader) fields ...))

;;; bootloader.scm ends here
