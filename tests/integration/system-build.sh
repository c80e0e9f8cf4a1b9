# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- `byre system build' as users type it: the command line and the
# errors a configuration file can hold, each with its FILE:LINE:COLUMN.
# (The systems themselves are built by tests/scheme/os-examples.scm.)
#
#   ./pre-inst-env sh tests/integration/system-build.sh

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
scratch system-build
scratch_store

## The command line.

run byre system
check "no action is a usage error" 2 err "no action given"
run byre system biuld x.scm
check "a misspelled action gets the closest one" 2 err "did you mean 'build'?"
run byre system build
check "no file is a usage error" 2 err "no configuration file given"
run byre system build a.scm b.scm
check "two files are a usage error" 2 err "give one configuration file"
run byre system build "$tmp/absent.scm"
check "a missing file is named" 1 err "absent.scm: no such file"

cat >"$tmp/three.scm" <<'SCM'
(+ 1 2)
SCM
run byre system build "$tmp/three.scm"
check "a file that is not an operating system is refused" 1 \
      err "the last expression is 3, not an operating system"

# As with `guix system', options may follow the file.
run byre system build "$tmp/three.scm" --no-such-option
check "an option after the file is parsed" 2 \
      err "unrecognized option '--no-such-option'"

## Mistakes in a configuration file, with their line and column.

cat >"$tmp/typo.scm" <<'SCM'
(use-modules (gnu))
(operating-system
  (host-name "komputilo")
  (timezon "Europe/Berlin")
  (bootloader (bootloader-configuration (bootloader grub-bootloader)))
  (file-systems %base-file-systems))
SCM
run byre system build -n "$tmp/typo.scm"
check "a misspelled field: its place and the closest field" 1 \
      err "typo.scm:4:2: error: operating-system: unknown field 'timezon'" \
      err "did you mean 'timezone'?"

# The services field is thunked: its variables are looked up when the
# system is built, after the file is loaded.
cat >"$tmp/unbound.scm" <<'SCM'
(use-modules (gnu))
(operating-system
  (host-name "komputilo")
  (bootloader (bootloader-configuration (bootloader grub-bootloader)))
  (file-systems %base-file-systems)
  (services (cons (service openssh-service-type) %base-services)))
SCM
run byre system build -n "$tmp/unbound.scm"
check "an unbound variable in a thunked field: its place and the module" 1 \
      err "unbound.scm:6:18: error: openssh-service-type: unbound variable" \
      err "(gnu services ssh)"
check_not "an unbound variable is no backtrace" err "Backtrace"

cat >"$tmp/extension.scm" <<'SCM'
(use-modules (gnu))
(define absent (service-type (name 'absent) (extensions '())))
(define mine
  (service-type (name 'mine)
                (extensions (list (service-extension absent (const 1))))))
(operating-system
  (host-name "komputilo")
  (bootloader (bootloader-configuration (bootloader grub-bootloader)))
  (file-systems %base-file-systems)
  (services (cons (service mine 1) %base-services)))
SCM
run byre system build -n "$tmp/extension.scm"
check "a service extending a missing one: which, and the fix" 1 \
      err "extension.scm:10:18: error: no target of type 'absent' for service 'mine'" \
      err "add a service of type 'absent'"

cat >"$tmp/modify.scm" <<'SCM'
(use-modules (gnu))
(use-service-modules web)
(operating-system
  (host-name "komputilo")
  (bootloader (bootloader-configuration (bootloader grub-bootloader)))
  (file-systems %base-file-systems)
  (services (modify-services %base-services
              (nginx-service-type config => config))))
SCM
run byre system build -n "$tmp/modify.scm"
check "modify-services names a service that is not there" 1 \
      err "modify.scm:7:12: error: modify-services: service 'nginx' not found"

# As Guix's lightweight-desktop.tmpl: its package modules load, and the
# desktop services are refused in one list, at the declaration's place.
cat >"$tmp/desktop.scm" <<'SCM'
(use-modules (gnu) (gnu system nss) (guix))
(use-service-modules desktop)
(use-package-modules bootloaders certs emacs emacs-xyz package-management
                     ratpoison suckless wm xorg)
(operating-system
  (host-name "antelope")
  (label (string-append "GNU Guix " (package-version guix)))
  (bootloader (bootloader-configuration (bootloader grub-efi-bootloader)))
  (file-systems %base-file-systems)
  (packages (append (list ratpoison i3-wm i3status dmenu nss-certs
                          emacs emacs-exwm xterm)
                    %base-packages))
  (services %desktop-services)
  (name-service-switch %mdns-host-lookup-nss))
SCM
run byre system build -n "$tmp/desktop.scm"
check "desktop services: one list of what a container cannot provide" 1 \
      err "desktop.scm:5:0: error: a container on this host cannot provide" \
      err "gdm (" err "elogind (" err "pulseaudio ("
# The packages the host lacks are in the same list, and the hint installs
# them all (none of these is in debian-packages).
for p in xterm:xterm emacs:emacs-gtk emacs-exwm:elpa-exwm; do
    if dpkg-query -W -f '${Status}' "${p#*:}" 2>/dev/null | grep -q "ok installed"; then
        skip "desktop: ${p#*:} is installed here, so it is not reported"
    else
        check "desktop: ${p%%:*} is in the list, its Debian package named" 1 \
              err "${p%%:*} needs the Debian package ${p#*:}, which is not installed" \
              err "install the missing Debian packages with" err " ${p#*:}"
    fi
done
check_not "desktop services: no backtrace" err "Backtrace"

# Guix's own templates, unchanged, where a folder holding Guix's
# gnu/system/examples is given (they are Guix's files, not this
# repository's): bare-bones and docker-image build; lightweight-desktop
# and vm-image evaluate and are refused with one list.
examples=${BYRE_GUIX_EXAMPLES:-}
if [ -z "$examples" ] || [ ! -r "$examples/bare-bones.tmpl" ]; then
    skip "Guix's templates: set BYRE_GUIX_EXAMPLES to a folder holding \
Guix's gnu/system/examples (none here)"
else
    for t in bare-bones docker-image; do
        cp "$examples/$t.tmpl" "$tmp/$t.tmpl"
        run byre system build "$tmp/$t.tmpl"
        check "Guix's $t.tmpl, unchanged, builds" 0 out "-system"
    done
    for t in lightweight-desktop vm-image; do
        if [ -r "$examples/$t.tmpl" ]; then
            cp "$examples/$t.tmpl" "$tmp/$t.tmpl"
            run byre system build "$tmp/$t.tmpl"
            check "Guix's $t.tmpl evaluates and is refused with one list" 1 \
                  err "$t.tmpl:" err "error: a container on this host cannot provide what this system needs:"
            check_not "Guix's $t.tmpl: no backtrace" err "Backtrace"
        fi
    done
fi

summary system-build
