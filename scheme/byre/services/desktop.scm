;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; byre --- Guix-style Scheme on any Linux host
;;;
;;; (byre services desktop): the desktop services of Guix's (gnu services
;;; desktop), (gnu services xorg), (gnu services spice), (gnu services
;;; sound), (gnu services dbus) and (gnu services avahi), declared so that
;;; desktop configurations load; a container on this host provides none
;;; of them, and a system that has them is refused with the whole list.

(define-module (byre services desktop)
  #:use-module (byre records)
  #:use-module (byre services)
  #:use-module (byre services base)
  #:use-module (byre services networking)
  #:use-module (srfi srfi-1)
  #:export (%desktop-services
            gdm-service-type gdm-configuration
            slim-service-type slim-configuration
            sddm-service-type sddm-configuration
            lightdm-service-type
            xorg-configuration xorg-configuration?
            %default-xorg-modules
            set-xorg-configuration
            screen-locker-service-type screen-locker-service
            x11-socket-directory-service
            xfce-desktop-service-type xfce-desktop-configuration
            gnome-desktop-service-type gnome-desktop-configuration
            mate-desktop-service-type lxqt-desktop-service-type
            enlightenment-desktop-service-type
            network-manager-applet-service-type
            avahi-service-type avahi-configuration
            udisks-service-type udisks-service
            upower-service-type upower-configuration
            accountsservice-service-type accountsservice-service
            cups-pk-helper-service-type
            colord-service-type
            geoclue-service-type geoclue-service
            polkit-service-type
            elogind-service-type elogind-configuration elogind-service
            dbus-root-service-type dbus-configuration dbus-service
            pulseaudio-service-type pulseaudio-configuration
            alsa-service-type alsa-configuration
            spice-vdagent-service-type spice-vdagent-configuration
            bluetooth-service-type bluetooth-configuration))

;;; Code:

(define-syntax-rule (define-desktop-type variable symbol what)
  ;; A service type that a container on this host cannot provide: WHAT
  ;; says why.  Its services may be extended and take any value.
  (define variable
    (service-type (name 'symbol)
                  (extensions '())
                  (compose concatenate)
                  (extend (lambda (config extensions) config))
                  (default-value #f)
                  (container-limitation what)
                  (description what))))

(define %display
  "an X server and a display; a container on this host has no display")
(define %bus
  "the system's D-Bus; Debian's dbus is not part of byre's systems")

(define-desktop-type gdm-service-type gdm
  (string-append "GDM, a display manager, needs " %display))
(define-desktop-type slim-service-type slim
  (string-append "SLiM, a display manager, needs " %display))
(define-desktop-type sddm-service-type sddm
  (string-append "SDDM, a display manager, needs " %display))
(define-desktop-type lightdm-service-type lightdm
  (string-append "LightDM, a display manager, needs " %display))
(define-desktop-type screen-locker-service-type screen-locker
  (string-append "a screen locker needs " %display))
(define-desktop-type x11-socket-directory-service-type x11-socket-directory
  (string-append "/tmp/.X11-unix serves " %display))
(define-desktop-type xfce-desktop-service-type xfce-desktop
  (string-append "Xfce needs " %display))
(define-desktop-type gnome-desktop-service-type gnome-desktop
  (string-append "GNOME needs " %display))
(define-desktop-type mate-desktop-service-type mate-desktop
  (string-append "MATE needs " %display))
(define-desktop-type lxqt-desktop-service-type lxqt-desktop
  (string-append "LXQt needs " %display))
(define-desktop-type enlightenment-desktop-service-type enlightenment-desktop
  (string-append "Enlightenment needs " %display))
(define-desktop-type network-manager-applet-service-type
  network-manager-applet
  (string-append "the NetworkManager applet needs " %display))
(define-desktop-type avahi-service-type avahi
  (string-append "Avahi, multicast DNS, needs " %bus))
(define-desktop-type udisks-service-type udisks
  "UDisks manages the machine's disks, with udev")
(define-desktop-type upower-service-type upower
  "UPower watches the machine's batteries and power supplies")
(define-desktop-type accountsservice-service-type accountsservice
  (string-append "AccountsService needs " %bus))
(define-desktop-type cups-pk-helper-service-type cups-pk-helper
  (string-append "cups-pk-helper needs " %bus))
(define-desktop-type colord-service-type colord
  "colord manages the colour profiles of the machine's screens")
(define-desktop-type geoclue-service-type geoclue
  (string-append "GeoClue needs " %bus))
(define-desktop-type polkit-service-type polkit
  (string-append "polkit needs " %bus))
(define-desktop-type elogind-service-type elogind
  "elogind manages the seats and sessions of a machine")
(define-desktop-type dbus-root-service-type dbus
  %bus)
(define-desktop-type pulseaudio-service-type pulseaudio
  "PulseAudio needs the machine's sound devices")
(define-desktop-type alsa-service-type alsa
  "ALSA needs the machine's sound devices")
(define-desktop-type spice-vdagent-service-type spice-vdagent
  "the SPICE agent serves a virtual machine's display")
(define-desktop-type bluetooth-service-type bluetooth
  "BlueZ needs the machine's Bluetooth devices")

;; Each (NAME (FIELD VALUE) ...) form keeps its fields as data.
(define-syntax-rule (define-configuration-syntax name)
  (define-syntax name
    (syntax-rules (inherit)
      ((_ (field value) (... ...))
       (list 'name (cons 'field value) (... ...))))))

(define-configuration-syntax gdm-configuration)
(define-configuration-syntax slim-configuration)
(define-configuration-syntax sddm-configuration)
(define-configuration-syntax xfce-desktop-configuration)
(define-configuration-syntax gnome-desktop-configuration)
(define-configuration-syntax avahi-configuration)
(define-configuration-syntax upower-configuration)
(define-configuration-syntax elogind-configuration)
(define-configuration-syntax dbus-configuration)
(define-configuration-syntax pulseaudio-configuration)
(define-configuration-syntax alsa-configuration)
(define-configuration-syntax spice-vdagent-configuration)
(define-configuration-syntax bluetooth-configuration)

(define-record-type* <xorg-configuration> xorg-configuration
  make-xorg-configuration xorg-configuration?
  (modules xorg-configuration-modules (default %default-xorg-modules))
  (fonts xorg-configuration-fonts (default '()))
  (drivers xorg-configuration-drivers (default '()))
  (resolutions xorg-configuration-resolutions (default '()))
  (keyboard-layout xorg-configuration-keyboard-layout (default #f))
  (extra-config xorg-configuration-extra-config (default '()))
  (server xorg-configuration-server (default #f))
  (server-arguments xorg-configuration-server-arguments (default '())))

(define %default-xorg-modules
  ;; Guix lists its X drivers; on this host there is no X server to load
  ;; them into.
  '())

(define* (set-xorg-configuration config #:optional
                                 (login-manager-service-type
                                  gdm-service-type))
  "Return a service telling LOGIN-MANAGER-SERVICE-TYPE to use CONFIG."
  (simple-service 'set-xorg-configuration login-manager-service-type config))

(define* (screen-locker-service package #:optional program)
  "Return a service running PACKAGE's screen locker."
  (service screen-locker-service-type (list package program)))

(define x11-socket-directory-service
  (service x11-socket-directory-service-type #f))

(define* (udisks-service #:key udisks) (service udisks-service-type udisks))
(define* (accountsservice-service #:key accountsservice)
  (service accountsservice-service-type accountsservice))
(define* (geoclue-service #:key (applications '()))
  (service geoclue-service-type applications))
(define* (elogind-service #:key config) (service elogind-service-type config))
(define* (dbus-service #:key (services '()) verbose?)
  (service dbus-root-service-type services))

(define-syntax %desktop-services
  ;; Guix's desktop services, made where the name is used.
  (identifier-syntax (desktop-services)))

(define (desktop-services)
  (append (list (service gdm-service-type)
                (service screen-locker-service-type '("slock"))
                (service screen-locker-service-type '("xlock"))
                (service network-manager-service-type)
                (service wpa-supplicant-service-type)
                (service network-manager-applet-service-type)
                (service modem-manager-service-type)
                (service usb-modeswitch-service-type)
                (service avahi-service-type)
                (udisks-service)
                (service upower-service-type)
                (accountsservice-service)
                (service cups-pk-helper-service-type)
                (service colord-service-type)
                (geoclue-service)
                (service polkit-service-type)
                (elogind-service)
                (dbus-service)
                (service ntp-service-type)
                x11-socket-directory-service
                (service pulseaudio-service-type)
                (service alsa-service-type))
          %base-services))

;;; desktop.scm ends here
