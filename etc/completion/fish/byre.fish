# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# fish completion for byre: commands, actions and options are read from
# the installed byre's own help texts, so they never drift from it.

function __byre_section_words
    # The names in the "Commands:" or "Actions:" section of `byre ARGV --help'.
    byre $argv --help 2>/dev/null | sed -n -e '/^\(Commands\|Actions\):$/,/^$/s/^  \([a-z][a-z0-9-]*\) *\(.*\)/\1\t\2/p'
end

function __byre_options
    # The long options of `byre ARGV --help', without their arguments.
    byre $argv --help 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
end

function __byre_words
    # The command and action words typed so far.
    set -l tokens (commandline -opc)
    set -e tokens[1]
    # The word being completed is not one typed yet.
    set -l current (commandline -ct)
    if test -n "$current"; and test (count $tokens) -gt 0; and test "$tokens[-1]" = "$current"
        set -e tokens[-1]
    end
    set -l words
    for token in $tokens
        string match -q -- '-*' $token; and continue
        if test (count $words) -eq 0
            set words $token
        else if __byre_section_words $words | string replace -r '\t.*' '' | string match -q -x -- $token
            set -a words $token
        else
            break
        end
    end
    test (count $words) -gt 0; and printf '%s\n' $words
end

function __byre_complete
    set -l words (__byre_words)
    set -l current (commandline -ct)
    if string match -q -- '-*' $current
        __byre_options $words
    else if test (count $words) -eq 0
        __byre_section_words
    else
        __byre_section_words $words
    end
end

function __byre_wants_files
    # After a command that has no (more) actions to choose from: file
    # names (configurations, gexp files, store items).
    set -l words (__byre_words)
    test (count $words) -gt 0; or return 1
    set -l actions (__byre_section_words $words)
    test (count $actions) -eq 0
end

complete -c byre -f -a '(__byre_complete)'
complete -c byre -n '__byre_wants_files' -F
