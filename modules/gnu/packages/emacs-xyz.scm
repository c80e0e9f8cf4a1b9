;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (gnu packages emacs-xyz): the packages data/packages.scm lists under `emacs-xyz',
;;; host packages re-exported from (byre packages catalog).

(define-module (gnu packages emacs-xyz)
  #:use-module (byre packages catalog))

(re-export-package-module! (current-module) 'emacs-xyz)
