;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (gnu packages disk): the packages data/packages.scm lists under `disk',
;;; host packages re-exported from (byre packages catalog).

(define-module (gnu packages disk)
  #:use-module (byre packages catalog))

(re-export-package-module! (current-module) 'disk)
