;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (gnu packages version-control): the packages data/packages.scm lists under `version-control',
;;; host packages re-exported from (byre packages catalog).

(define-module (gnu packages version-control)
  #:use-module (byre packages catalog))

(re-export-package-module! (current-module) 'version-control)
