;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (gnu packages emacs): the packages data/packages.scm lists under `emacs',
;;; host packages re-exported from (byre packages catalog).

(define-module (gnu packages emacs)
  #:use-module (byre packages catalog))

(re-export-package-module! (current-module) 'emacs)
