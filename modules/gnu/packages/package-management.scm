;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (gnu packages package-management): the packages data/packages.scm lists under `package-management',
;;; host packages re-exported from (byre packages catalog).

(define-module (gnu packages package-management)
  #:use-module (byre packages catalog))

(re-export-package-module! (current-module) 'package-management)
