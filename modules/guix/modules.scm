;;; Guix's (guix modules), provided by byre: a façade re-exporting (byre
;;; modules).

(define-module (guix modules)
  #:use-module (byre modules)
  #:re-export (source-module-closure))
