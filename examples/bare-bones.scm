;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;; A bare-bones system with an SSH server, for a container on this host.
;;; Build it with
;;;   byre system build examples/bare-bones.scm
;;; It reads as a Guix configuration does: the bootloader and the root
;;; file system are declared (a container leaves them out, and says so).

(use-modules (gnu))
(use-service-modules networking ssh)
(use-package-modules screen ssh)

(operating-system
  (host-name "komputilo")
  (timezone "Europe/Berlin")
  (locale "en_US.utf8")

  (bootloader (bootloader-configuration
                (bootloader grub-bootloader)
                (targets '("/dev/sdX"))))
  (file-systems (cons (file-system
                        (device (file-system-label "my-root"))
                        (mount-point "/")
                        (type "ext4"))
                      %base-file-systems))

  ;; Root is implicit; alice may use sudo (wheel), sound and video.
  (users (cons (user-account
                 (name "alice")
                 (comment "Bob's sister")
                 (group "users")
                 (supplementary-groups '("wheel" "audio" "video")))
               %base-user-accounts))

  (packages (cons screen %base-packages))

  ;; Debian's sshd on port 2222; the container's interfaces come up with
  ;; dhcp-client.
  (services (append (list (service dhcp-client-service-type)
                          (service openssh-service-type
                                   (openssh-configuration
                                     (openssh openssh-sans-x)
                                     (port-number 2222))))
                    %base-services)))
