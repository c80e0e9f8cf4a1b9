;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre services web): the nginx web server, as Guix's (gnu services web)
;;; declares it, run from Debian's nginx.

(define-module (byre services web)
  #:use-module (byre records)
  #:use-module (byre gexp)
  #:use-module (byre services)
  #:use-module (byre services shepherd)
  #:use-module (byre system accounts)
  #:use-module (byre system shadow)
  #:use-module (byre system packages)
  #:use-module (srfi srfi-1)
  #:use-module (ice-9 match)
  #:export (nginx-configuration
            nginx-configuration?
            nginx-configuration-nginx
            nginx-configuration-log-directory
            nginx-configuration-run-directory
            nginx-configuration-server-blocks
            nginx-configuration-upstream-blocks
            nginx-configuration-file
            nginx-server-configuration
            nginx-server-configuration?
            nginx-server-configuration-listen
            nginx-server-configuration-server-name
            nginx-server-configuration-root
            nginx-server-configuration-locations
            nginx-location-configuration
            nginx-location-configuration?
            nginx-named-location-configuration
            nginx-named-location-configuration?
            nginx-upstream-configuration
            nginx-upstream-configuration?
            nginx-service-type
            default-nginx-config))

;;; Commentary:
;;;
;;; The configuration file is written as Guix writes it; the server runs
;;; in the foreground (`daemon off'), as the `nginx' account for its
;;; workers, its pid file and temporary files under the run directory.
;;;
;;; Code:

(define-record-type* <nginx-server-configuration> nginx-server-configuration
  make-nginx-server-configuration nginx-server-configuration?
  (listen nginx-server-configuration-listen (default '("80" "443 ssl")))
  (server-name nginx-server-configuration-server-name (default '()))
  (root nginx-server-configuration-root (default "/srv/http"))
  (locations nginx-server-configuration-locations (default '()))
  (index nginx-server-configuration-index (default '("index.html")))
  (try-files nginx-server-configuration-try-files (default '()))
  (ssl-certificate nginx-server-configuration-ssl-certificate (default #f))
  (ssl-certificate-key nginx-server-configuration-ssl-certificate-key
                       (default #f))
  (server-tokens? nginx-server-configuration-server-tokens? (default #f))
  (raw-content nginx-server-configuration-raw-content (default '())))

(define-record-type* <nginx-upstream-configuration> nginx-upstream-configuration
  make-nginx-upstream-configuration nginx-upstream-configuration?
  (name nginx-upstream-configuration-name)
  (servers nginx-upstream-configuration-servers))

(define-record-type* <nginx-location-configuration> nginx-location-configuration
  make-nginx-location-configuration nginx-location-configuration?
  (uri nginx-location-configuration-uri (default #f))
  (body nginx-location-configuration-body))

(define-record-type* <nginx-named-location-configuration>
  nginx-named-location-configuration make-nginx-named-location-configuration
  nginx-named-location-configuration?
  (name nginx-named-location-configuration-name (default #f))
  (body nginx-named-location-configuration-body))

(define-record-type* <nginx-configuration> nginx-configuration
  make-nginx-configuration nginx-configuration?
  (nginx nginx-configuration-nginx (thunked)
         (default (system-package "nginx")))
  (log-directory nginx-configuration-log-directory (default "/var/log/nginx"))
  (run-directory nginx-configuration-run-directory (default "/var/run/nginx"))
  (server-blocks nginx-configuration-server-blocks (default '()))
  (upstream-blocks nginx-configuration-upstream-blocks (default '()))
  (server-names-hash-bucket-size nginx-configuration-server-names-hash-bucket-size
                                 (default #f))
  (modules nginx-configuration-modules (default '()))
  (global-directives nginx-configuration-global-directives
                     (default '((events . ()))))
  (lua-package-path nginx-configuration-lua-package-path (default #f))
  (lua-package-cpath nginx-configuration-lua-package-cpath (default #f))
  (extra-content nginx-configuration-extra-content (default ""))
  (file nginx-configuration-file (default #f)))

(define (flatten . items)
  ;; Strings and file-likes of ITEMS, nested lists spliced.
  (append-map (lambda (item) (if (list? item) (apply flatten item)
                                 (list item)))
              items))

(define (location->strings location)
  (match location
    (($ <nginx-location-configuration> uri body)
     (list "      location " uri " {\n"
           (map (lambda (x) (list "        " x "\n")) body)
           "      }\n"))
    (($ <nginx-named-location-configuration> name body)
     (list "      location @" name " {\n"
           (map (lambda (x) (list "        " x "\n")) body)
           "      }\n"))))

(define (server->strings server)
  (let ((listen (nginx-server-configuration-listen server))
        (names (nginx-server-configuration-server-name server))
        (certificate (nginx-server-configuration-ssl-certificate server))
        (key (nginx-server-configuration-ssl-certificate-key server))
        (root (nginx-server-configuration-root server))
        (index (nginx-server-configuration-index server))
        (try-files (nginx-server-configuration-try-files server)))
    (list "    server {\n"
          (map (lambda (address) (list "      listen " address ";\n")) listen)
          (if (null? names) '()
              (list "      server_name " (string-join names) ";\n"))
          (if certificate
              (list "      ssl_certificate " certificate ";\n") '())
          (if key (list "      ssl_certificate_key " key ";\n") '())
          "      root " root ";\n"
          (if (null? index) '()
              (list "      index " (string-join index) ";\n"))
          (if (null? try-files) '()
              (list "      try_files " (string-join try-files) ";\n"))
          "      server_tokens "
          (if (nginx-server-configuration-server-tokens? server) "on" "off")
          ";\n"
          (map location->strings (nginx-server-configuration-locations server))
          (map (lambda (x) (list "      " x "\n"))
               (nginx-server-configuration-raw-content server))
          "    }\n")))

(define (global-directive->strings directive)
  (match directive
    ((key . (? list? alist))
     (list (symbol->string key) " {\n"
           (map (match-lambda
                  ((k . v) (list "  " (symbol->string k) " " v ";\n")))
                alist)
           "}\n"))
    ((key . value)
     (list (symbol->string key) " " value ";\n"))))

(define (default-nginx-config config)
  "Return nginx.conf, a file-like object, for CONFIG."
  (let ((nginx (nginx-configuration-nginx config))
        (run (nginx-configuration-run-directory config))
        (log (nginx-configuration-log-directory config)))
    (apply mixed-text-file "nginx.conf"
           (flatten
            "user nginx nginx;\n"
            "pid " run "/pid;\n"
            "error_log " log "/error.log info;\n"
            (map (lambda (module) (list "load_module " module ";\n"))
                 (nginx-configuration-modules config))
            (map global-directive->strings
                 (nginx-configuration-global-directives config))
            "http {\n"
            "    client_body_temp_path " run "/client_body_temp;\n"
            "    proxy_temp_path " run "/proxy_temp;\n"
            "    fastcgi_temp_path " run "/fastcgi_temp;\n"
            "    uwsgi_temp_path " run "/uwsgi_temp;\n"
            "    scgi_temp_path " run "/scgi_temp;\n"
            "    access_log " log "/access.log;\n"
            "    include " nginx "/etc/nginx/mime.types;\n"
            (let ((size (nginx-configuration-server-names-hash-bucket-size
                         config)))
              (if size
                  (list "    server_names_hash_bucket_size "
                        (number->string size) ";\n")
                  '()))
            "\n"
            (map (lambda (upstream)
                   (list "    upstream "
                         (nginx-upstream-configuration-name upstream) " {\n"
                         (map (lambda (server)
                                (list "      server " server ";\n"))
                              (nginx-upstream-configuration-servers upstream))
                         "    }\n"))
                 (nginx-configuration-upstream-blocks config))
            (map server->strings (nginx-configuration-server-blocks config))
            (nginx-configuration-extra-content config)
            "\n}\n"))))

(define (config-file config)
  (or (nginx-configuration-file config) (default-nginx-config config)))

(define %nginx-accounts
  (list (user-group (name "nginx") (system? #t))
        (user-account
          (name "nginx")
          (group "nginx")
          (system? #t)
          (comment "nginx server user")
          (home-directory "/var/empty")
          (create-home-directory? #f)
          (shell (file-append (system-package "shadow") "/sbin/nologin")))))

(define (nginx-activation config)
  (let ((run (nginx-configuration-run-directory config))
        (log (nginx-configuration-log-directory config))
        (nginx (nginx-configuration-nginx config)))
    (gexp (begin
            (use-modules (guix build utils))
            (format #t "creating nginx log directory '~a'~%" (ungexp log))
            (mkdir-p (ungexp log))
            (format #t "creating nginx run directory '~a'~%" (ungexp run))
            (mkdir-p (ungexp run))
            (for-each (lambda (dir)
                        (mkdir-p (string-append (ungexp run) "/" dir)))
                      '("client_body_temp" "proxy_temp" "fastcgi_temp"
                        "uwsgi_temp" "scgi_temp"))
            ;; The configuration is checked at activation, as Guix does.
            (unless (zero? (system* (ungexp (file-append nginx "/sbin/nginx"))
                                    "-c" (ungexp (config-file config))
                                    "-p" (ungexp run) "-t"))
              (format (current-error-port)
                      "warning: nginx rejects its configuration~%"))))))

(define (nginx-shepherd-service config)
  (let ((nginx (file-append (nginx-configuration-nginx config) "/sbin/nginx"))
        (run (nginx-configuration-run-directory config)))
    (list (shepherd-service
            (documentation "Run the nginx web server.")
            (provision '(nginx))
            (requirement '(user-processes loopback))
            (start (gexp (make-forkexec-constructor
                          (list (ungexp nginx)
                                "-c" (ungexp (config-file config))
                                "-p" (ungexp run)
                                "-g" "daemon off;"))))
            (stop (gexp (make-kill-destructor)))
            (actions
             (list (shepherd-action
                     (name 'reload)
                     (documentation "Reload nginx's configuration.")
                     (procedure
                      (gexp (lambda (running . _)
                              (zero? (system* (ungexp nginx)
                                              "-c" (ungexp (config-file
                                                            config))
                                              "-p" (ungexp run)
                                              "-s" "reload"))))))))))))

(define nginx-service-type
  (service-type (name 'nginx)
                (extensions
                 (list (service-extension shepherd-root-service-type
                                          nginx-shepherd-service)
                       (service-extension activation-service-type
                                          nginx-activation)
                       (service-extension account-service-type
                                          (const %nginx-accounts))))
                (compose concatenate)
                (extend (lambda (config servers)
                          (nginx-configuration
                            (inherit config)
                            (server-blocks
                             (append (nginx-configuration-server-blocks config)
                                     servers)))))
                (default-value (nginx-configuration))
                (description "Run the nginx web server, Debian's.")))

;;; web.scm ends here
