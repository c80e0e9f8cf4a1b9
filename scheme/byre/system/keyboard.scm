;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system keyboard): keyboard layouts, as Guix's (gnu system
;;; keyboard) declares them.  A container has no console: a layout is kept
;;; for what configurations pass it to (X, the bootloader).

(define-module (byre system keyboard)
  #:use-module (srfi srfi-9)
  #:use-module (srfi srfi-9 gnu)
  #:use-module (ice-9 format)
  #:export (keyboard-layout
            keyboard-layout?
            keyboard-layout-name
            keyboard-layout-variant
            keyboard-layout-model
            keyboard-layout-options))

;;; Code:

(define-record-type <keyboard-layout>
  (%keyboard-layout name variant model options)
  keyboard-layout?
  (name    keyboard-layout-name)           ;"us"
  (variant keyboard-layout-variant)        ;"altgr-intl" or #f
  (model   keyboard-layout-model)          ;"pc105" or #f
  (options keyboard-layout-options))       ;list of strings

(set-record-type-printer! <keyboard-layout>
                          (lambda (layout port)
                            (format port "#<keyboard-layout ~a~@[ ~a~]>"
                                    (keyboard-layout-name layout)
                                    (keyboard-layout-variant layout))))

(define* (keyboard-layout name #:optional variant
                          #:key model (options '()))
  "Return a keyboard layout for NAME, an XKB layout name such as \"us\",
with VARIANT (such as \"altgr-intl\"), MODEL and OPTIONS, XKB names."
  (%keyboard-layout name variant model options))

;;; keyboard.scm ends here
