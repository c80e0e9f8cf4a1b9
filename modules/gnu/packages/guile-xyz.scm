;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; (gnu packages guile-xyz): the packages data/packages.scm lists under `guile-xyz',
;;; host packages re-exported from (byre packages catalog).

(define-module (gnu packages guile-xyz)
  #:use-module (byre packages catalog))

(re-export-package-module! (current-module) 'guile-xyz)
