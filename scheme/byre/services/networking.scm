;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre services networking): network services, as Guix's (gnu services
;;; networking) declares them, for systems in containers.

(define-module (byre services networking)
  #:use-module (byre records)
  #:use-module (byre gexp)
  #:use-module (byre services)
  #:use-module (byre services shepherd)
  #:use-module (byre services base)
  #:use-module (byre system packages)
  #:use-module (srfi srfi-1)
  #:re-export (static-networking-service-type
               static-networking
               static-networking?
               network-address
               network-route
               network-link
               %loopback-static-networking
               static-networking-service)
  #:export (dhcp-client-service-type
            dhcp-client-configuration
            dhcp-client-configuration?
            network-manager-service-type
            network-manager-configuration
            connman-service-type
            connman-configuration
            wicd-service-type
            wpa-supplicant-service-type
            wpa-supplicant-configuration
            modem-manager-service-type
            modem-manager-configuration
            usb-modeswitch-service-type
            ntp-service-type
            ntp-configuration
            openntpd-service-type
            openntpd-configuration
            %ntp-servers
            %networking-service-types))

;;; Commentary:
;;;
;;; A system container gets its network from byre: either the host's
;;; (`-N'), or a namespace of its own whose interfaces byre sets up from
;;; outside.  DHCP-CLIENT-SERVICE-TYPE is therefore replaced by a service
;;; that brings the container's interfaces up and provides `networking';
;;; the daemons that manage a machine's interfaces (NetworkManager,
;;; ConnMan, wicd, wpa_supplicant) need D-Bus, udev and devices a container
;;; lacks, and a system that has them is refused — unless the network is
;;; shared, which drops them (%networking-service-types lists them all).
;;;
;;; Code:

(define-record-type* <dhcp-client-configuration> dhcp-client-configuration
  make-dhcp-client-configuration dhcp-client-configuration?
  (package dhcp-client-configuration-package (default #f))
  (interfaces dhcp-client-configuration-interfaces (default 'all)))

(define (dhcp-client-shepherd-service config)
  ;; The interfaces of the container's namespace, up; addresses are given
  ;; from outside.
  (let ((ip (file-append (system-package "iproute") "/sbin/ip"))
        (interfaces (dhcp-client-configuration-interfaces config)))
    (list (shepherd-service
            (documentation "Bring up the network interfaces byre gave the
container.")
            (provision '(networking))
            (requirement '(user-processes loopback))
            ;; Running while the interfaces are up, as Guix's dhcp-client
            ;; (a daemon) is; stopping leaves them to the namespace's end.
            (respawn? #f)
            (start (gexp (lambda _
                           (let ((names (if (eq? '(ungexp interfaces) 'all)
                                            (filter (lambda (name)
                                                      (not (member name
                                                                   '("." ".." "lo"))))
                                                    ((@ (ice-9 ftw) scandir)
                                                     "/sys/class/net"))
                                            '(ungexp (if (list? interfaces)
                                                         interfaces
                                                         '())))))
                             (for-each (lambda (name)
                                         (system* (ungexp ip) "link" "set"
                                                  name "up"))
                                       names)
                             #t))))))))

(define dhcp-client-service-type
  (service-type (name 'dhcp-client)
                (extensions
                 (list (service-extension shepherd-root-service-type
                                          dhcp-client-shepherd-service)))
                (default-value (dhcp-client-configuration))
                (description "Configure the network interfaces; in a
container, byre gives them their addresses and this service brings them
up.")))

(define-syntax-rule (define-machine-network-type variable symbol what)
  (define variable
    (service-type (name 'symbol)
                  (extensions '())
                  (compose concatenate)
                  (extend (lambda (config extensions) config))
                  (default-value #f)
                  (container-limitation what)
                  (description what))))

(define-record-type* <network-manager-configuration>
  network-manager-configuration make-network-manager-configuration
  network-manager-configuration?
  (network-manager network-manager-configuration-network-manager
                   (default #f))
  (dns network-manager-configuration-dns (default "default"))
  (vpn-plugins network-manager-configuration-vpn-plugins (default '())))

(define-record-type* <connman-configuration> connman-configuration
  make-connman-configuration connman-configuration?
  (connman connman-configuration-connman (default #f))
  (disable-vpn? connman-configuration-disable-vpn? (default #f)))

(define-record-type* <wpa-supplicant-configuration> wpa-supplicant-configuration
  make-wpa-supplicant-configuration wpa-supplicant-configuration?
  (wpa-supplicant wpa-supplicant-configuration-wpa-supplicant (default #f))
  (pid-file wpa-supplicant-configuration-pid-file
            (default "/var/run/wpa_supplicant.pid"))
  (dbus? wpa-supplicant-configuration-dbus? (default #t))
  (interface wpa-supplicant-configuration-interface (default #f))
  (config-file wpa-supplicant-configuration-config-file (default #f))
  (extra-options wpa-supplicant-configuration-extra-options (default '())))

(define-record-type* <modem-manager-configuration> modem-manager-configuration
  make-modem-manager-configuration modem-manager-configuration?
  (modem-manager modem-manager-configuration-modem-manager (default #f)))

(define-machine-network-type network-manager-service-type network-manager
  "NetworkManager manages a machine's interfaces, with D-Bus and udev")
(define-machine-network-type connman-service-type connman
  "ConnMan manages a machine's interfaces, with D-Bus and udev")
(define-machine-network-type wicd-service-type wicd
  "wicd manages a machine's interfaces, with D-Bus")
(define-machine-network-type wpa-supplicant-service-type wpa-supplicant
  "wpa_supplicant needs the machine's wireless devices")
(define-machine-network-type modem-manager-service-type modem-manager
  "ModemManager needs the machine's modems and udev")
(define-machine-network-type usb-modeswitch-service-type usb-modeswitch
  "usb_modeswitch needs the machine's USB devices and udev")

(define %ntp-servers
  '("0.guix.pool.ntp.org" "1.guix.pool.ntp.org" "2.guix.pool.ntp.org"
    "3.guix.pool.ntp.org"))

(define-record-type* <ntp-configuration> ntp-configuration
  make-ntp-configuration ntp-configuration?
  (ntp ntp-configuration-ntp (default #f))
  (servers ntp-configuration-servers (default %ntp-servers))
  (allow-large-adjustment? ntp-configuration-allow-large-adjustment?
                           (default #t)))

(define-record-type* <openntpd-configuration> openntpd-configuration
  make-openntpd-configuration openntpd-configuration?
  (openntpd openntpd-configuration-openntpd (default #f))
  (listen-on openntpd-configuration-listen-on (default '("127.0.0.1" "::1")))
  (servers openntpd-configuration-servers (default '()))
  (constraint-from openntpd-configuration-constraint-from (default '()))
  (allow-large-adjustment? openntpd-configuration-allow-large-adjustment?
                           (default #f)))

(define ntp-service-type
  (service-type (name 'ntp)
                (extensions '())
                (default-value (ntp-configuration))
                (container-note "the clock is the host's kernel's; the host \
keeps it in time")
                (description "Keep the clock in time with ntpd.")))

(define openntpd-service-type
  (service-type (name 'openntpd)
                (extensions '())
                (default-value (openntpd-configuration))
                (container-note "the clock is the host's kernel's; the host \
keeps it in time")
                (description "Keep the clock in time with OpenNTPD.")))

(define %networking-service-types
  ;; What a container that shares the host's network drops.
  (list static-networking-service-type dhcp-client-service-type
        network-manager-service-type connman-service-type wicd-service-type))

;;; networking.scm ends here
