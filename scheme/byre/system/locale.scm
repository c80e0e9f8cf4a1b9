;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre system locale): locale definitions, as Guix's (gnu system locale)
;;; declares them.

(define-module (byre system locale)
  #:use-module (byre records)
  #:use-module (srfi srfi-1)
  #:use-module (ice-9 match)
  #:export (locale-definition
            locale-definition?
            locale-definition-name
            locale-definition-source
            locale-definition-charset
            locale-name->definition
            %default-locale-definitions
            %default-locale-libcs
            normalize-codeset))

;;; Commentary:
;;;
;;; A system's `locale' names what LANG is set to.  On Guix the definitions
;;; are compiled into the system; byre's containers run the host's C
;;; library, which finds compiled locales in the host's locale archive
;;; (C.UTF-8 is built into glibc), so the definitions say which names a
;;; system may use.
;;;
;;; Code:

(define-record-type* <locale-definition> locale-definition
  make-locale-definition locale-definition?
  (name    locale-definition-name)                 ;"en_US.utf8"
  (source  locale-definition-source)               ;"en_US"
  (charset locale-definition-charset (default "UTF-8")))

(define (normalize-codeset codeset)
  "Return CODESET as glibc normalises it: lower case, without dashes or
underscores (\"UTF-8\" → \"utf8\")."
  (string-filter (lambda (c) (not (memv c '(#\- #\_))))
                 (string-downcase codeset)))

(define (locale-name->definition name)
  "Return a <locale-definition> for NAME, of the form \"xx_YY.CODESET\", or
#f if NAME has no codeset."
  (match (string-index name #\.)
    (#f #f)
    (dot
     (let ((codeset (substring name (+ dot 1))))
       (locale-definition (name name)
                          (source (substring name 0 dot))
                          (charset (if (string=? (normalize-codeset codeset)
                                                 "utf8")
                                       "UTF-8"
                                       (string-upcase codeset))))))))

(define %default-locale-libcs
  ;; The C libraries locales are built for: the host's.
  '())

(define %default-locale-definitions
  ;; Guix's usual UTF-8 locales.
  (map locale-name->definition
       '("de_DE.utf8" "en_CA.utf8" "en_GB.utf8" "en_US.utf8" "es_AR.utf8"
         "es_ES.utf8" "fr_BE.utf8" "fr_CA.utf8" "fr_CH.utf8" "fr_FR.utf8"
         "ja_JP.utf8" "pt_BR.utf8" "ru_RU.utf8" "sv_SE.utf8" "zh_CN.utf8"
         "ko_KR.utf8" "hi_IN.utf8" "it_IT.utf8" "nl_NL.utf8" "pl_PL.utf8"
         "C.utf8")))

;;; locale.scm ends here
