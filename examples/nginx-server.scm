;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; A web server: Debian's nginx serving a directory built in the store
;;; with file-union.  Build it with
;;;   byre system build examples/nginx-server.scm

(use-modules (gnu))
(use-service-modules web)

(define %site
  ;; The whole site, read-only in the store.
  (file-union "site"
              `(("index.html"
                 ,(plain-file "index.html"
                              "<!DOCTYPE html>
<html><head><title>byre</title></head>
<body><p>Served from the store by nginx.</p></body></html>\n"))
                ("robots.txt" ,(plain-file "robots.txt" "User-agent: *\n")))))

(operating-system
  (host-name "www")
  (timezone "Etc/UTC")
  (bootloader (bootloader-configuration
                (bootloader grub-bootloader)
                (targets '("/dev/sdX"))))
  (file-systems (cons (file-system
                        (device "/dev/sda1")
                        (mount-point "/")
                        (type "ext4"))
                      %base-file-systems))

  (services (cons (service nginx-service-type
                           (nginx-configuration
                             (server-blocks
                              (list (nginx-server-configuration
                                      (listen '("8080"))
                                      (server-name '("www"))
                                      (root %site))))))
                  %base-services)))
