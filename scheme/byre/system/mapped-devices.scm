;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system mapped-devices): device mappings (LUKS, RAID, LVM), as
;;; Guix's (gnu system mapped-devices) declares them.  A container opens no
;;; device: a system that declares mappings is refused by `byre system'.

(define-module (byre system mapped-devices)
  #:use-module (byre records)
  #:use-module (srfi srfi-9)
  #:export (mapped-device
            mapped-device?
            mapped-device-source
            mapped-device-target
            mapped-device-targets
            mapped-device-type
            mapped-device-location
            mapped-device-kind
            mapped-device-kind?
            mapped-device-kind-name
            luks-device-mapping
            raid-device-mapping
            lvm-device-mapping))

;;; Code:

(define-record-type <mapped-device-kind>
  (mapped-device-kind name)
  mapped-device-kind?
  (name mapped-device-kind-name))

(define luks-device-mapping (mapped-device-kind 'luks))
(define raid-device-mapping (mapped-device-kind 'raid))
(define lvm-device-mapping (mapped-device-kind 'lvm))

(define-record-type* <mapped-device> mapped-device make-mapped-device
  mapped-device?
  (source   mapped-device-source)                ;string, uuid or list
  (targets  %mapped-device-targets (default #f))
  (target   %mapped-device-target (default #f))
  (type     mapped-device-type)                  ;<mapped-device-kind>
  (location mapped-device-location (innate)
            (default (current-source-location))))

(define (mapped-device-targets device)
  "Return the names under /dev/mapper that DEVICE makes."
  (or (%mapped-device-targets device)
      (list (%mapped-device-target device))))

(define (mapped-device-target device)
  "Return the first name under /dev/mapper that DEVICE makes."
  (car (mapped-device-targets device)))

;;; mapped-devices.scm ends here
