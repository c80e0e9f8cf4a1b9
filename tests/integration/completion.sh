# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- shell completion: each script loaded by its shell, asked what
# it completes.  The completions come from the byre on PATH (pre-inst-env's).
# A shell that is not installed is skipped (debian-packages installs all
# three).

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
scratch completion

completion=${abs_top_srcdir:-.}/etc/completion
touch "$tmp/config.scm" "$tmp/other.txt"

# expect NAME WANTED: WANTED (a fixed string) is a line of $tmp/out.
expect () {
    if grep -qxF -- "$2" "$tmp/out"; then pass "$1"; else
        status=0; : > "$tmp/err"; fail "$1" "expected a completion: $2"; fi
}
expect_not () {
    if grep -qxF -- "$2" "$tmp/out"; then
        status=0; : > "$tmp/err"; fail "$1" "unexpected completion: $2"
    else pass "$1"; fi
}

if command -v bash >/dev/null 2>&1; then
    cat > "$tmp/bash-complete" <<'BASH'
. "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
_byre
printf '%s\n' "${COMPREPLY[@]}"
BASH
    b () { bash "$tmp/bash-complete" "$completion/bash/byre" "$@" > "$tmp/out" 2>"$tmp/err"; }
    b byre bu;                 expect "bash: a command" build
    b byre "";                 expect "bash: every command" gc
    b byre gc --list-r;        expect "bash: a long option" --list-roots
    b byre container "";       expect "bash: an action of a command" exec
    b byre build --ro;         expect "bash: an option's = kept" --root=
    b byre build "$tmp/con";   expect "bash: files after a command" "$tmp/config.scm"
    b byre b;                  expect_not "bash: only words that match" gc
    b byre --ver;              expect "bash: byre's own options" --version
else
    skip "bash completion (no bash)"
fi

if command -v fish >/dev/null 2>&1; then
    f () { fish -c "source '$completion/fish/byre.fish'; complete -C '$*'" \
             | cut -f1 > "$tmp/out" 2>"$tmp/err"; }
    f byre bu;                 expect "fish: a command" build
    f byre container e;        expect "fish: an action" exec
    f byre container e;        expect_not "fish: no files where an action is due" "$tmp/"
    f byre gc --list-r;        expect "fish: a long option" --list-roots
    f byre build "$tmp/con";   expect "fish: files after a command" "$tmp/config.scm"
else
    skip "fish completion (no fish)"
fi

if command -v zsh >/dev/null 2>&1; then
    # zsh completes only in its line editor; load the function the way
    # compinit does and call its helpers, which hold the logic.
    z () { zsh -f -c "fpath=('$completion/zsh' \$fpath); autoload -U _byre;
                      functions -T _byre >/dev/null; $*" > "$tmp/out" 2>"$tmp/err"; }
    z 'source '"$completion/zsh/_byre"' 2>/dev/null; _byre_section_words | cut -d: -f1'
    expect "zsh: the script loads and lists the commands" build
    z 'source '"$completion/zsh/_byre"' 2>/dev/null; _byre_section_words container | cut -d: -f1'
    expect "zsh: the actions of a command" exec
    z 'source '"$completion/zsh/_byre"' 2>/dev/null; _byre_options gc'
    expect "zsh: the options of a command" --list-roots
    if zsh -n "$completion/zsh/_byre"; then pass "zsh: the script parses"
    else fail "zsh: the script parses"; fi
else
    skip "zsh completion (no zsh)"
fi

summary completion
