## SPDX-License-Identifier: GPL-3.0-or-later
## Copyright (C) 2026 the byre authors
## Scheme modules: (byre …) under scheme/, the (gnu …) and (guix …) façades
## under modules/.  Compiled with guild against the build tree.

BYRE_MODULES =					\
  scheme/byre/utils.scm			\
  scheme/byre/ports.scm			\
  scheme/byre/records.scm			\
  scheme/byre/serialization.scm		\
  scheme/byre/progress.scm			\
  scheme/byre/diagnostics.scm			\
  scheme/byre/store-directory.scm		\
  scheme/byre/file-systems.scm			\
  scheme/byre/core.scm				\
  scheme/byre/store-core.scm			\
  scheme/byre/base32.scm			\
  scheme/byre/container-spec.scm		\
  scheme/byre/container.scm			\
  scheme/byre/host.scm				\
  scheme/byre/item-cache.scm			\
  scheme/byre/packages.scm			\
  scheme/byre/packages/catalog.scm		\
  scheme/byre/profiles.scm			\
  scheme/byre/ui.scm				\
  scheme/byre/monads.scm			\
  scheme/byre/monad-repl.scm			\
  scheme/byre/store.scm				\
  scheme/byre/derivations.scm			\
  scheme/byre/gexp.scm				\
  scheme/byre/modules.scm			\
  scheme/byre/guix-config.scm			\
  scheme/byre/store-builds.scm			\
  scheme/byre/system/registry.scm		\
  scheme/byre/system/container.scm		\
  $(BYRE_OS_MODULES)				\
  scheme/byre/scripts/gc.scm			\
  scheme/byre/scripts/eval.scm			\
  scheme/byre/scripts/shell.scm			\
  scheme/byre/scripts/pack.scm			\
  scheme/byre/oci.scm				\
  scheme/byre/oci-config.scm			\
  scheme/byre/pack.scm				\
  scheme/byre/pack-system.scm			\
  scheme/byre/scripts/system.scm		\
  scheme/byre/user-file.scm			\
  scheme/byre/machine-repl.scm		\
  scheme/byre/init-core.scm			\
  scheme/byre/scripts/init.scm			\
  scheme/byre/scripts/herd.scm

# Operating systems and services, in dependency order.
BYRE_SYSTEM_MODULES =				\
  scheme/byre/system/build-modules.scm		\
  scheme/byre/system/setuid.scm			\
  scheme/byre/system/profile.scm		\
  scheme/byre/system/packages.scm		\
  scheme/byre/system/accounts.scm		\
  scheme/byre/system/nss.scm			\
  scheme/byre/system/locale.scm			\
  scheme/byre/system/keyboard.scm		\
  scheme/byre/system/uuid.scm			\
  scheme/byre/system/base-file-systems.scm	\
  scheme/byre/system/bootloader.scm		\
  scheme/byre/system/linux-initrd.scm		\
  scheme/byre/system/mapped-devices.scm
BYRE_SERVICES_TOP = scheme/byre/services.scm
BYRE_SERVICES_MODULES =				\
  scheme/byre/services/shepherd.scm		\
  scheme/byre/services/base.scm			\
  scheme/byre/services/ssh.scm			\
  scheme/byre/services/networking.scm		\
  scheme/byre/services/web.scm			\
  scheme/byre/services/mcron.scm		\
  scheme/byre/services/desktop.scm
BYRE_SYSTEM_LATE_MODULES =			\
  scheme/byre/system/pam.scm			\
  scheme/byre/system/shadow.scm			\
  scheme/byre/system/modules.scm
BYRE_BUILD_MODULES =				\
  scheme/byre/build/accounts.scm		\
  scheme/byre/build/activation.scm		\
  scheme/byre/build/shepherd-comm.scm		\
  scheme/byre/build/shepherd.scm		\
  scheme/byre/build/shepherd-daemon.scm
BYRE_OS_MODULES =				\
  $(BYRE_BUILD_MODULES)				\
  $(BYRE_SYSTEM_MODULES)			\
  $(BYRE_SERVICES_TOP)				\
  $(BYRE_SYSTEM_LATE_MODULES)			\
  $(BYRE_SERVICES_MODULES)			\
  scheme/byre/system.scm

BYRE_BUILT_MODULES = scheme/byre/config.scm

FACADE_MODULES =				\
  modules/guix/utils.scm			\
  modules/guix/build/utils.scm		\
  modules/gnu/build/linux-container.scm	\
  modules/gnu/system/file-systems.scm		\
  modules/guix/monads.scm			\
  modules/guix/monad-repl.scm			\
  modules/guix/store.scm			\
  modules/guix/base32.scm			\
  modules/guix/gexp.scm				\
  modules/guix/derivations.scm			\
  modules/guix/modules.scm			\
  modules/guix/config.scm			\
  modules/guix/serialization.scm		\
  modules/guix/diagnostics.scm			\
  modules/guix.scm				\
  modules/guix/repl.scm				\
  modules/gnu/system/linux-container.scm	\
  modules/gnu/packages.scm			\
  modules/guix/profiles.scm			\
  modules/guix/packages.scm			\
  $(FACADE_PACKAGE_MODULES)		\
  $(FACADE_OS_MODULES)				\
  $(SHEPHERD_FACADES)

# (gnu packages …): one façade per module part of data/packages.scm.
FACADE_PACKAGE_MODULES =			\
  modules/gnu/packages/admin.scm		\
  modules/gnu/packages/base.scm		\
  modules/gnu/packages/bash.scm		\
  modules/gnu/packages/bootloaders.scm		\
  modules/gnu/packages/certs.scm		\
  modules/gnu/packages/compression.scm		\
  modules/gnu/packages/curl.scm		\
  modules/gnu/packages/disk.scm		\
  modules/gnu/packages/emacs.scm		\
  modules/gnu/packages/emacs-xyz.scm		\
  modules/gnu/packages/fonts.scm		\
  modules/gnu/packages/gawk.scm		\
  modules/gnu/packages/guile.scm		\
  modules/gnu/packages/guile-xyz.scm		\
  modules/gnu/packages/less.scm		\
  modules/gnu/packages/linux.scm		\
  modules/gnu/packages/man.scm		\
  modules/gnu/packages/nano.scm		\
  modules/gnu/packages/nvi.scm		\
  modules/gnu/packages/package-management.scm		\
  modules/gnu/packages/perl.scm		\
  modules/gnu/packages/python.scm		\
  modules/gnu/packages/ratpoison.scm		\
  modules/gnu/packages/screen.scm		\
  modules/gnu/packages/ssh.scm		\
  modules/gnu/packages/suckless.scm		\
  modules/gnu/packages/texinfo.scm		\
  modules/gnu/packages/tmux.scm		\
  modules/gnu/packages/version-control.scm		\
  modules/gnu/packages/web.scm		\
  modules/gnu/packages/wget.scm		\
  modules/gnu/packages/wm.scm		\
  modules/gnu/packages/xorg.scm


FACADE_OS_TOP = modules/gnu.scm
FACADE_OS_SYSTEM =				\
  modules/gnu/system.scm
FACADE_GNU_SYSTEM =				\
  modules/gnu/system/accounts.scm		\
  modules/gnu/system/shadow.scm			\
  modules/gnu/system/nss.scm			\
  modules/gnu/system/locale.scm			\
  modules/gnu/system/pam.scm			\
  modules/gnu/system/keyboard.scm		\
  modules/gnu/system/setuid.scm			\
  modules/gnu/system/uuid.scm			\
  modules/gnu/system/mapped-devices.scm		\
  modules/gnu/system/linux-initrd.scm
FACADE_GNU_SERVICES_TOP = modules/gnu/services.scm
FACADE_GNU_SERVICES =				\
  modules/gnu/services/base.scm			\
  modules/gnu/services/shepherd.scm		\
  modules/gnu/services/ssh.scm			\
  modules/gnu/services/networking.scm		\
  modules/gnu/services/web.scm			\
  modules/gnu/services/mcron.scm		\
  modules/gnu/services/admin.scm		\
  modules/gnu/services/desktop.scm		\
  modules/gnu/services/xorg.scm			\
  modules/gnu/services/spice.scm		\
  modules/gnu/services/sound.scm		\
  modules/gnu/services/dbus.scm			\
  modules/gnu/services/avahi.scm
FACADE_GNU_BOOTLOADER_TOP = modules/gnu/bootloader.scm
FACADE_GNU_BOOTLOADER =				\
  modules/gnu/bootloader/grub.scm		\
  modules/gnu/bootloader/extlinux.scm
FACADE_OS_MODULES =				\
  $(FACADE_OS_TOP)				\
  $(FACADE_GNU_SYSTEM) $(FACADE_OS_SYSTEM)	\
  $(FACADE_GNU_SERVICES_TOP) $(FACADE_GNU_SERVICES) \
  $(FACADE_GNU_BOOTLOADER_TOP) $(FACADE_GNU_BOOTLOADER)

byremoduledir = $(guilemoduledir)/byre
byreobjectdir = $(guileobjectdir)/byre
dist_byremodule_DATA = $(filter-out scheme/byre/scripts/% scheme/byre/system/% scheme/byre/packages/% scheme/byre/services/% scheme/byre/build/%,$(BYRE_MODULES))
nodist_byremodule_DATA = $(BYRE_BUILT_MODULES)
byreobject_DATA = $(filter-out scheme/byre/scripts/% scheme/byre/system/% scheme/byre/packages/% scheme/byre/services/% scheme/byre/build/%,$(BYRE_MODULES:%.scm=%.go)) $(BYRE_BUILT_MODULES:%.scm=%.go)

# (byre packages …): the package table's modules.
byrepackagesmoduledir = $(guilemoduledir)/byre/packages
byrepackagesobjectdir = $(guileobjectdir)/byre/packages
dist_byrepackagesmodule_DATA = scheme/byre/packages/catalog.scm
byrepackagesobject_DATA = scheme/byre/packages/catalog.go

# The tables of data/.
dist_pkgdata_DATA = data/packages.scm

# (shepherd …): the façades of GNU Shepherd's modules.
SHEPHERD_FACADES = modules/shepherd/service.scm modules/shepherd/support.scm \
  modules/shepherd/comm.scm
facadeshepherddir = $(facademoduledir)/shepherd
dist_facadeshepherd_DATA = $(SHEPHERD_FACADES)
facadeshepherdobjdir = $(facadeobjectdir)/shepherd
facadeshepherdobj_DATA = $(SHEPHERD_FACADES:%.scm=%.go)

# (byre system …): operating systems and containers of them.
byresystemmoduledir = $(guilemoduledir)/byre/system
byresystemobjectdir = $(guileobjectdir)/byre/system
dist_byresystemmodule_DATA = scheme/byre/system/container.scm \
  scheme/byre/system/registry.scm \
  $(BYRE_SYSTEM_MODULES) $(BYRE_SYSTEM_LATE_MODULES)
byresystemobject_DATA = scheme/byre/system/container.go \
  scheme/byre/system/registry.go \
  $(BYRE_SYSTEM_MODULES:%.scm=%.go) $(BYRE_SYSTEM_LATE_MODULES:%.scm=%.go)

# (byre services …): service types.
byreservicesmoduledir = $(guilemoduledir)/byre/services
byreservicesobjectdir = $(guileobjectdir)/byre/services
dist_byreservicesmodule_DATA = $(BYRE_SERVICES_MODULES)
byreservicesobject_DATA = $(BYRE_SERVICES_MODULES:%.scm=%.go)

# (byre build …): build-side code, imported into builds and systems.
byrebuildmoduledir = $(guilemoduledir)/byre/build
byrebuildobjectdir = $(guileobjectdir)/byre/build
dist_byrebuildmodule_DATA = $(BYRE_BUILD_MODULES)
byrebuildobject_DATA = $(BYRE_BUILD_MODULES:%.scm=%.go)

# (byre scripts …): the commands' modules, in a folder of their own.
byrescriptsmoduledir = $(guilemoduledir)/byre/scripts
byrescriptsobjectdir = $(guileobjectdir)/byre/scripts
dist_byrescriptsmodule_DATA = scheme/byre/scripts/gc.scm scheme/byre/scripts/eval.scm \
  scheme/byre/scripts/pack.scm scheme/byre/scripts/shell.scm \
  scheme/byre/scripts/system.scm scheme/byre/scripts/init.scm \
  scheme/byre/scripts/herd.scm scheme/byre/scripts/image.scm
byrescriptsobject_DATA = scheme/byre/scripts/gc.go scheme/byre/scripts/eval.go \
  scheme/byre/scripts/pack.go scheme/byre/scripts/shell.go \
  scheme/byre/scripts/system.go scheme/byre/scripts/init.go \
  scheme/byre/scripts/herd.go scheme/byre/scripts/image.go

# Façades live under byre's own data directory so they never shadow a real
# Guix on the default load path.
facadegnubuilddir = $(facademoduledir)/gnu/build
facadegnusystemdir = $(facademoduledir)/gnu/system
dist_facadegnubuild_DATA = modules/gnu/build/linux-container.scm
dist_facadegnusystem_DATA = modules/gnu/system/file-systems.scm \
  modules/gnu/system/linux-container.scm $(FACADE_GNU_SYSTEM)
facadegnubuildobjdir = $(facadeobjectdir)/gnu/build
facadegnusystemobjdir = $(facadeobjectdir)/gnu/system
facadegnubuildobj_DATA = modules/gnu/build/linux-container.go
facadegnusystemobj_DATA = modules/gnu/system/file-systems.go \
  modules/gnu/system/linux-container.go $(FACADE_GNU_SYSTEM:%.scm=%.go)
facadegnudir = $(facademoduledir)/gnu
dist_facadegnu_DATA = modules/gnu/packages.scm $(FACADE_OS_SYSTEM) \
  $(FACADE_GNU_SERVICES_TOP) $(FACADE_GNU_BOOTLOADER_TOP)
facadegnuobjdir = $(facadeobjectdir)/gnu
facadegnuobj_DATA = modules/gnu/packages.go $(FACADE_OS_SYSTEM:%.scm=%.go) \
  $(FACADE_GNU_SERVICES_TOP:%.scm=%.go) $(FACADE_GNU_BOOTLOADER_TOP:%.scm=%.go)
facadegnupackagesdir = $(facademoduledir)/gnu/packages
dist_facadegnupackages_DATA = $(FACADE_PACKAGE_MODULES)
facadegnupackagesobjdir = $(facadeobjectdir)/gnu/packages
facadegnupackagesobj_DATA = $(FACADE_PACKAGE_MODULES:%.scm=%.go)
facadegnuservicesdir = $(facademoduledir)/gnu/services
dist_facadegnuservices_DATA = $(FACADE_GNU_SERVICES)
facadegnuservicesobjdir = $(facadeobjectdir)/gnu/services
facadegnuservicesobj_DATA = $(FACADE_GNU_SERVICES:%.scm=%.go)
facadegnubootloaderdir = $(facademoduledir)/gnu/bootloader
dist_facadegnubootloader_DATA = $(FACADE_GNU_BOOTLOADER)
facadegnubootloaderobjdir = $(facadeobjectdir)/gnu/bootloader
facadegnubootloaderobj_DATA = $(FACADE_GNU_BOOTLOADER:%.scm=%.go)
# (gnu), the composite module.
facadetopdir = $(facademoduledir)
dist_facadetop_DATA = $(FACADE_OS_TOP)
facadetopobjdir = $(facadeobjectdir)
facadetopobj_DATA = $(FACADE_OS_TOP:%.scm=%.go)
facadeguixdir = $(facademoduledir)/guix
dist_facadeguix_DATA = modules/guix/monads.scm modules/guix/monad-repl.scm \
  modules/guix/store.scm modules/guix/base32.scm modules/guix/utils.scm \
  modules/guix/gexp.scm modules/guix/derivations.scm modules/guix/modules.scm \
  modules/guix/repl.scm modules/guix/config.scm modules/guix/profiles.scm \
  modules/guix/serialization.scm modules/guix/diagnostics.scm \
  modules/guix/packages.scm
facadeguixobjdir = $(facadeobjectdir)/guix
facadeguixobj_DATA = modules/guix/monads.go modules/guix/monad-repl.go \
  modules/guix/store.go modules/guix/base32.go modules/guix/utils.go \
  modules/guix/gexp.go modules/guix/derivations.go modules/guix/modules.go \
  modules/guix/repl.go modules/guix/config.go modules/guix/profiles.go \
  modules/guix/serialization.go modules/guix/diagnostics.go \
  modules/guix/packages.go
# (guix) itself, at the top of the façades.
facadedir = $(facademoduledir)
facadeobjdir = $(facadeobjectdir)
dist_facade_DATA = modules/guix.scm
facadeobj_DATA = modules/guix.go
# (guix build utils) is imported into builds, hence installed like a façade.
facadeguixbuilddir = $(facademoduledir)/guix/build
dist_facadeguixbuild_DATA = modules/guix/build/utils.scm
facadeguixbuildobjdir = $(facadeobjectdir)/guix/build
facadeguixbuildobj_DATA = modules/guix/build/utils.go

GOBJECTS = $(BYRE_MODULES:%.scm=%.go) $(BYRE_BUILT_MODULES:%.scm=%.go) $(FACADE_MODULES:%.scm=%.go)
CLEANFILES += $(GOBJECTS) $(BYRE_BUILT_MODULES)

do_subst = sed -e 's|@PACKAGE_NAME[@]|$(PACKAGE_NAME)|g'		\
  -e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g'			\
  -e 's|@PACKAGE_BUGREPORT[@]|$(PACKAGE_BUGREPORT)|g'			\
  -e 's|@PACKAGE_URL[@]|$(PACKAGE_URL)|g'			\
  -e 's|@guileextensiondir[@]|$(guileextensiondir)|g'			\
  -e 's|@guilemoduledir[@]|$(guilemoduledir)|g'				\
  -e 's|@guileobjectdir[@]|$(guileobjectdir)|g'				\
  -e 's|@facademoduledir[@]|$(facademoduledir)|g'			\
  -e 's|@facadeobjectdir[@]|$(facadeobjectdir)|g'			\
  -e 's|@storedir[@]|$(storedir)|g'					\
  -e 's|@statedir[@]|$(statedir)|g'					\
  -e 's|@pkglibexecdir[@]|$(pkglibexecdir)|g'				\
  -e 's|@pkgdatadir[@]|$(pkgdatadir)|g'					\
  -e 's|@GUILE[@]|$(GUILE)|g'						\
  -e 's|@GZIP_PROGRAM[@]|$(GZIP_PROGRAM)|g'				\
  -e 's|@BZIP2_PROGRAM[@]|$(BZIP2_PROGRAM)|g'				\
  -e 's|@XZ_PROGRAM[@]|$(XZ_PROGRAM)|g'					\
  -e 's|@ZSTD_PROGRAM[@]|$(ZSTD_PROGRAM)|g'					\
  -e 's|@LZIP_PROGRAM[@]|$(LZIP_PROGRAM)|g'

scheme/byre/config.scm: $(srcdir)/scheme/byre/config.scm.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(do_subst) $< > $@.tmp && mv $@.tmp $@

EXTRA_DIST += scheme/byre/config.scm.in $(FACADE_MODULES)

# Every .go depends on every extension: a module loads its extension when it
# is compiled, and so does every module it imports that is not compiled yet
# (under make -j, (byre packages) can be compiled before (byre store-core),
# whose source then loads libguile-byre-store).  Coarse but safe.
# No -Wunused-toplevel: Guile 3.0.8's SRFI-9 records trip it with their
# inlinable accessors.
GUILD_WARNINGS = -Wunbound-variable -Warity-mismatch -Wformat
$(GOBJECTS): libguile-byre.la libguile-byre-store.la libguile-byre-init.la \
  $(BYRE_BUILT_MODULES)
.scm.go:
	$(AM_V_GEN)$(MKDIR_P) $(@D) && \
	$(top_builddir)/pre-inst-env $(GUILD) compile $(GUILD_WARNINGS) \
	  -L $(abs_top_builddir)/scheme -L $(abs_top_srcdir)/scheme \
	  -L $(abs_top_srcdir)/modules -o $@ $<

# The command.
bin_SCRIPTS += scripts/byre
CLEANFILES += scripts/byre
EXTRA_DIST += scripts/byre.in
scripts/byre: $(srcdir)/scripts/byre.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(do_subst) $< > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# byre's init, for system containers to exec as PID 1.
pkglibexec_SCRIPTS = scripts/byre-shepherd
CLEANFILES += scripts/byre-shepherd
EXTRA_DIST += scripts/byre-shepherd.in
scripts/byre-shepherd: $(srcdir)/scripts/byre-shepherd.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(do_subst) $< > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# Installed .go must be newer than their .scm, or Guile ignores them
# (NOTES.md): touch them after everything is installed.
install-data-hook:
	for dir in '$(DESTDIR)$(guileobjectdir)/byre' '$(DESTDIR)$(facadeobjectdir)'; do \
	  if test -d "$$dir"; then find "$$dir" -name '*.go' -exec touch {} +; fi; \
	done

# (byre store) and what imports it load the store extension when compiled.
scheme/byre/store.go scheme/byre/scripts/gc.go modules/guix/store.go \
  modules/guix/base32.go scheme/byre/base32.go scheme/byre/derivations.go scheme/byre/gexp.go \
  scheme/byre/system/container.go scheme/byre/scripts/eval.go \
  scheme/byre/oci.go scheme/byre/pack.go scheme/byre/scripts/pack.go \
  scheme/byre/pack-system.go scheme/byre/scripts/image.go \
  modules/guix/gexp.go modules/guix/derivations.go \
  modules/gnu/system/linux-container.go scheme/byre/guix-config.go \
  modules/guix/config.go modules/guix.go scheme/byre/store-builds.go: scheme/byre/store-core.go
