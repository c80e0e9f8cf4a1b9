;;; SPDX-License-Identifier: GPL-3.0-or-later
;;; Copyright (C) 2026 the byre authors
;;;
;;; Guix's package names and the Debian packages that stand for them.
;;; (byre packages catalog) reads this file; it is data, not code.
;;;
;;; Each entry is
;;;
;;;   (MODULE VARIABLE NAME (DEBIAN-PACKAGE ...) OPTION ...)
;;;
;;; MODULE is the last part of the Guix module that exports VARIABLE:
;;; `ssh' for (gnu packages ssh).  NAME is the Guix package name, which
;;; `specification->package' looks up.  The DEBIAN-PACKAGEs (a name, or
;;; NAME:ARCH) must all be installed for the package to be used; an empty
;;; list means Debian has no equivalent.  OPTIONs are:
;;;
;;;   (relocate (ITEM-FILE HOST-FILE) ...)
;;;       where Guix's package has ITEM-FILE (relative to the package) and
;;;       Debian has HOST-FILE: the store item gets ITEM-FILE leading there.
;;;   (data DIRECTORY ...)
;;;       host directories the programs read and that no Debian package
;;;       lists file by file (made by a maintainer script, or by another
;;;       package the programs need but do not link with): bound whole.
;;;   (search-paths (VARIABLE DIRECTORY ...) ...)
;;;       what a profile holding the package sets, as Guix's
;;;       `native-search-paths': VARIABLE lists the profile's DIRECTORYs.
;;;   (byre)
;;;       for a package with no Debian equivalent that byre itself stands
;;;       for (Guix's guix and shepherd): its version is byre's.
;;;
;;; Sorted by module, then by variable.

(admin inetutils "inetutils" ("inetutils-syslogd")
       (relocate ("libexec/syslogd" "/usr/sbin/syslogd")))
(admin shadow "shadow" ("passwd" "login"))
(admin shepherd "shepherd" () (byre))      ; not in Debian 12: byre has its own init
(admin sudo "sudo" ("sudo"))
(admin net-tools "net-tools" ("net-tools"))

(base coreutils "coreutils" ("coreutils"))
(base diffutils "diffutils" ("diffutils"))
(base findutils "findutils" ("findutils"))
(base glibc "glibc" ("libc-bin" "libc6")
      (data "/usr/lib/x86_64-linux-gnu/gconv"))
(base gnu-make "make" ("make"))
(base grep "grep" ("grep"))
(base hello "hello" ("hello"))
(base patch "patch" ("patch"))
(base sed "sed" ("sed"))
(base tar "tar" ("tar"))
(base which "which" ("debianutils"))

(bash bash "bash" ("bash")
      (search-paths ("BASH_LOADABLES_PATH" "lib/bash")))
(bash bash-completion "bash-completion" ("bash-completion"))
(bash bash-minimal "bash-minimal" ("bash"))

(bootloaders grub "grub" ("grub-pc"))
(bootloaders grub-efi "grub-efi" ("grub-efi-amd64"))

(certs nss-certs "nss-certs" ("ca-certificates")
       (relocate ("etc/ssl/certs" "/etc/ssl/certs"))
       (data "/etc/ssl/certs")
       (search-paths ("SSL_CERT_DIR" "etc/ssl/certs")))

(compression bzip2 "bzip2" ("bzip2"))
(compression gzip "gzip" ("gzip"))
(compression lzip "lzip" ("lzip"))
(compression xz "xz" ("xz-utils"))

(curl curl "curl" ("curl"))

(disk fdisk "fdisk" ("fdisk"))
(disk parted "parted" ("parted"))

(emacs emacs "emacs" ("emacs-gtk" "emacs-common" "emacs-bin-common"))

(emacs-xyz emacs-desktop-environment "emacs-desktop-environment" ()) ; not in Debian 12
(emacs-xyz emacs-exwm "emacs-exwm" ("elpa-exwm"))

(fonts font-bitstream-vera "font-bitstream-vera" ("ttf-bitstream-vera"))

(gawk gawk "gawk" ("gawk"))

(guile guile-3.0 "guile" ("guile-3.0" "guile-3.0-libs")
       (search-paths ("GUILE_LOAD_PATH" "share/guile/site/3.0")
                     ("GUILE_LOAD_COMPILED_PATH" "lib/guile/3.0/site-ccache")))
(guile guile-readline "guile-readline" ("guile-3.0-libs"))

(guile-xyz mcron "mcron" ("mcron" "guile-3.0" "guile-3.0-libs"))

(less less "less" ("less"))

(linux e2fsprogs "e2fsprogs" ("e2fsprogs"))
(linux iproute "iproute2" ("iproute2"))
(linux iputils "iputils" ("iputils-ping"))
(linux kbd "kbd" ("kbd"))
(linux procps "procps" ("procps"))
(linux psmisc "psmisc" ("psmisc"))
(linux util-linux "util-linux" ("util-linux"))

(man man-db "man-db" ("man-db"))

(nano nano "nano" ("nano"))

(nvi nvi "nvi" ("nvi"))

(package-management guix "guix" () (byre)) ; not in Debian 12: byre has its own store

(perl perl "perl" ("perl" "perl-base" "perl-modules-5.36"))

(python python "python" ("python3" "python3.11" "python3-minimal"
                         "python3.11-minimal" "libpython3.11-stdlib"
                         "libpython3.11-minimal"))

(ratpoison ratpoison "ratpoison" ("ratpoison"))

(screen screen "screen" ("screen")
        (data "/usr/share/terminfo" "/usr/lib/terminfo")
        (search-paths ("TERMINFO_DIRS" "share/terminfo")))

(ssh openssh "openssh" ("openssh-client" "openssh-server" "openssh-sftp-server")
     (relocate ("libexec/sftp-server" "/usr/lib/openssh/sftp-server")))
(ssh openssh-sans-x "openssh-sans-x" ("openssh-client" "openssh-server"
                                      "openssh-sftp-server")
     (relocate ("libexec/sftp-server" "/usr/lib/openssh/sftp-server")))

(suckless dmenu "dmenu" ("suckless-tools"))

(texinfo info-reader "info-reader" ("info"))

(tmux tmux "tmux" ("tmux")
      (data "/usr/share/terminfo" "/usr/lib/terminfo"))

(version-control git "git" ("git" "git-man"))

(web nginx "nginx" ("nginx" "nginx-common")
     (relocate ("share/nginx/html" "/usr/share/nginx/html")))

(wget wget "wget" ("wget"))

(wm i3-wm "i3-wm" ("i3-wm"))
(wm i3status "i3status" ("i3status"))

(xorg xf86-video-qxl "xf86-video-qxl" ("xserver-xorg-video-qxl"))
(xorg xorg-server "xorg-server" ("xserver-xorg-core"))
(xorg xrandr "xrandr" ("x11-xserver-utils"))
(xorg xterm "xterm" ("xterm"))
