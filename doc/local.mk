## SPDX-License-Identifier: GPL-3.0-or-later
## Copyright (C) 2026 the byre authors
## The manual and the man page.
info_TEXINFOS = doc/byre.texi
doc_byre_TEXINFOS = doc/containers.texi doc/file-systems.texi doc/monads.texi doc/store.texi doc/gexp.texi doc/host.texi doc/packages.texi doc/build-utils.texi doc/differences.texi doc/init.texi doc/os.texi doc/images.texi doc/system-containers.texi
dist_man_MANS += doc/byre.1

# `make distcheck' builds the manual in some other format than Info; TeX is
# not among byre's build requirements, so make it HTML rather than DVI.
AM_DISTCHECK_DVI_TARGET = html
EXTRA_DIST += doc/hacking.md doc/design.md doc/measurements.md doc/style.md
