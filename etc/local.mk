## SPDX-License-Identifier: GPL-3.0-or-later
## Copyright (C) 2026 the byre authors
## Shell completion, installed where each shell looks for it under the
## prefix (bash-completion, zsh's site-functions, fish's vendor directory).

bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = etc/completion/bash/byre

zshcompletiondir = $(datadir)/zsh/site-functions
dist_zshcompletion_DATA = etc/completion/zsh/_byre

fishcompletiondir = $(datadir)/fish/vendor_completions.d
dist_fishcompletion_DATA = etc/completion/fish/byre.fish
