;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (gnu): what Guix's composite module gives a configuration file, from
;;; byre's modules: the operating-system record, file systems, bootloaders,
;;; accounts, services, packages and gexps, and `use-service-modules' and
;;; its siblings.  A façade: it re-exports and holds no logic of its own.

(define-module (gnu)
  #:use-module (byre system modules)
  #:re-export (use-package-modules
               use-service-modules
               use-system-modules))

(eval-when (expand load eval)
  (for-each (lambda (module)
              (module-use! (module-public-interface (current-module))
                           (resolve-interface module)))
            '((gnu system)
              (gnu system mapped-devices)
              (gnu system file-systems)
              (gnu bootloader)
              (gnu bootloader grub)
              (gnu system keyboard)
              (gnu system pam)
              (gnu system shadow)
              (gnu system linux-initrd)
              (gnu system nss)
              (gnu services)
              (gnu services base)
              (gnu packages)
              (gnu packages base)
              (guix gexp))))

;;; gnu.scm ends here
