## The manual and the man page.
info_TEXINFOS = doc/byre.texi
doc_byre_TEXINFOS = doc/file-systems.texi
dist_man_MANS += doc/byre.1
