;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system linux-initrd): the initial RAM disk, as Guix's (gnu system
;;; linux-initrd) names it.  A container has none: the procedures describe
;;; what a machine's would hold, so that configurations that customise it
;;; load.

(define-module (byre system linux-initrd)
  #:use-module (srfi srfi-9)
  #:export (initrd
            initrd?
            initrd-file-systems
            initrd-modules
            base-initrd
            raw-initrd
            %base-initrd-modules))

;;; Code:

(define-record-type <initrd>
  (initrd file-systems modules)
  initrd?
  (file-systems initrd-file-systems)
  (modules      initrd-modules))

(define %base-initrd-modules
  ;; The kernel modules Guix's initrd loads on x86_64.
  '("ahci" "usb-storage" "uas" "usbhid" "hid-generic" "hid-apple"
    "dm-crypt" "xts" "serpent_generic" "wp512" "nls_iso8859-1"
    "virtio_pci" "virtio_balloon" "virtio_blk" "virtio_net"
    "virtio-rng" "virtio_console"))

(define* (raw-initrd file-systems #:key (linux-modules '())
                     mapped-devices keyboard-layout helper-packages
                     qemu-networking? volatile-root? on-error linux)
  "Return the description of an initrd mounting FILE-SYSTEMS with exactly
LINUX-MODULES; a container boots none."
  (initrd file-systems linux-modules))

(define* (base-initrd file-systems #:key (linux-modules '())
                      (initrd-modules %base-initrd-modules)
                      mapped-devices keyboard-layout qemu-networking?
                      volatile-root? on-error linux)
  "Return the description of Guix's usual initrd for FILE-SYSTEMS, with
INITRD-MODULES and LINUX-MODULES; a container boots none."
  (initrd file-systems (append initrd-modules linux-modules)))

;;; linux-initrd.scm ends here
