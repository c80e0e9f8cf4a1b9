# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- `byre gc', end to end, on a temporary store.
#
#   ./pre-inst-env sh tests/integration/gc.sh
#
# Prints one line a check and a summary line that .ci/run adds up; exits
# with status 1 if any check failed.

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
scratch gc
scratch_store

# check_lines NAME COUNT: the last command printed COUNT lines.
check_lines () {
    lines=$(wc -l <"$tmp/out")
    if [ "$lines" -eq "$2" ]; then
        pass "$1"
    else
        fail "$1" "expected $2 lines, got $lines"
    fi
}

# item NAME TEXT [REFERENCE...]: add TEXT as item NAME, print its file name.
item () {
    name=$1
    text=$2
    shift 2
    refs=
    for ref in "$@"; do refs="$refs \"$ref\""; done
    echo "(use-modules (byre store))
          (with-store s
            (display (add-text-to-store s \"$name\" \"$text\" (list $refs))))" \
        | byre repl
}

# root ITEM: make ITEM a permanent root (named after it, as Guix's).
root () {
    echo "(use-modules (byre store))
          (add-permanent-root \"$1\")" | byre repl
}


## Help and command-line errors.

run byre --help
check "byre --help lists gc" 0 out "gc"
run byre gc --help
check "gc --help" 0 out "Usage: byre gc" out "--collect-garbage" \
      out "--requisites" out "--verify" out "--optimize" out "Report bugs to"
run byre gc --version
check "gc --version" 0 out "byre gc"
run byre gc --frobnicate
check "gc: unknown option" 2 err "unrecognized option '--frobnicate'" \
      err "Try 'byre gc --help'"
run byre gc --requisites
check "gc -R without an item" 2 err "no store item specified"
run byre gc --list-dead extra
check "gc --list-dead with an argument" 2 err "extraneous argument 'extra'"
run byre gc -C 10X
check "gc -C with a malformed amount" 2 err "invalid amount of storage '10X'"
run byre gc --collect-garbage=lots
check "gc --collect-garbage= with a malformed amount" 2 \
      err "invalid amount of storage 'lots'"
run byre gc --verify=everything
check "gc --verify= with an unknown option" 2 \
      err "invalid --verify option 'everything'"


## A small store: ROOTED refers to NEEDED; DEAD is held by nothing.

needed=$(item needed "needed text")
rooted=$(item rooted "refers to $needed" "$needed")
dead=$(item dead "nothing holds this")
case "$needed $rooted $dead" in
    "$BYRE_STORE_DIR"/*-needed" $BYRE_STORE_DIR"/*-rooted" $BYRE_STORE_DIR"/*-dead)
        pass "items added in the temporary store" ;;
    *)
        status=-1
        : >"$tmp/out"; : >"$tmp/err"
        fail "items added in the temporary store" \
             "got: $needed $rooted $dead"
        echo "# gc: $passed passed, $failed failed, $skipped skipped"
        exit 1 ;;
esac
root "$rooted"


## Queries.

run byre gc --references "$rooted"
check "gc --references" 0 out "$needed"
check_lines "gc --references: one item a line" 1

run byre gc --referrers "$needed"
check "gc --referrers" 0 out "$rooted"

run byre gc -R "$rooted"
check "gc -R: the closure" 0 out "$rooted" out "$needed"
check_lines "gc -R: exactly the closure" 2

run byre gc --requisites "$rooted" "$needed"
check_lines "gc --requisites of two items: their union" 2

ln -s "$rooted" "$tmp/result"
run byre gc -R "$tmp/result"
check "gc -R through a symbolic link" 0 out "$rooted" out "$needed"

if [ "$(byre gc -R "$rooted" | grep -c -- -needed)" -eq 1 ]; then
    pass "gc -R in a pipe"
else
    fail "gc -R in a pipe"
fi

run byre gc --list-roots
check "gc --list-roots" 0 out "gcroots/$(basename "$rooted")"

run byre gc --list-live
check "gc --list-live" 0 out "$rooted" out "$needed"
check_not "gc --list-live: not the dead item" out "$dead"

run byre gc --list-dead
check "gc --list-dead" 0 out "$dead"
check_not "gc --list-dead: not a live item" out "$rooted"

run byre gc --verify
check "gc --verify: a sound store" 0
run byre gc --verify=contents
check "gc --verify=contents: a sound store" 0

# Two items with the same bytes: --optimize makes them one inode, and the
# store is still sound.
same1=$(item same-one "identical bytes")
same2=$(item same-two "identical bytes")
run byre gc --optimize
check "gc --optimize: one file deduplicated" 0 err "1 file deduplicated"
if [ "$(stat -c %i "$same1")" = "$(stat -c %i "$same2")" ]; then
    pass "gc --optimize: identical items share an inode"
else
    fail "gc --optimize: identical items share an inode" "two inodes"
fi
run byre gc --optimize
check "gc --optimize again: nothing left to do" 0 err "0 files deduplicated"
run byre gc --verify=contents
check "gc --verify=contents after --optimize" 0
run byre gc --optimize extra
check "gc --optimize with an argument" 2 err "extraneous argument 'extra'"


## Bad items.

run byre gc --references /etc/passwd
check "gc: a file outside the store" 1 err "byre: error:" \
      err "/etc/passwd: not in the store"
missing="$BYRE_STORE_DIR/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-missing"
run byre gc --references "$missing"
check "gc: a missing item" 1 err "$missing: not a valid store item"


## Deleting.

run byre gc --delete "$rooted"
check "gc -d of a live item fails" 1 err "byre: error:"
if [ -e "$rooted" ]; then
    pass "gc -d of a live item keeps it"
else
    fail "gc -d of a live item keeps it"
fi

run byre gc -d "$dead"
check "gc -d of a dead item" 0 out "$dead"
if [ ! -e "$dead" ]; then
    pass "gc -d removes the item"
else
    fail "gc -d removes the item"
fi


## Collecting.

dead1=$(item dead-1 "first dead")
dead2=$(item dead-2 "second dead")
run byre gc -C 1
check "gc -C MIN" 0 err "freed"
if [ "$(wc -l <"$tmp/out")" -ge 1 ]; then
    pass "gc -C MIN: prints what it deleted"
else
    fail "gc -C MIN: prints what it deleted"
fi

run byre gc
check "gc: collects the rest" 0 err "freed"
if [ ! -e "$dead1" ] && [ ! -e "$dead2" ] && [ -e "$rooted" ] \
       && [ -e "$needed" ]; then
    pass "gc: the dead are gone, the live are there"
else
    fail "gc: the dead are gone, the live are there"
fi

dead3=$(item dead-3 "third dead")
run byre gc --collect-garbage=1K
check "gc --collect-garbage=1K" 0 out "$dead3"


## A corrupted item.

chmod u+w "$needed"
printf 'tampered\n' >"$needed"
run byre gc --verify=contents
check "gc --verify=contents: a changed item" 1 out "$needed" \
      err "byre: error:"


## Attack: a database row naming a file outside the store (written by hand,
## as someone with access to the database could) is never deleted, even by
## root (issue 7, hole 8).

printf 'precious\n' >"$tmp/precious"
mkdir -p "$tmp/precious-dir/sub" && printf 'x\n' >"$tmp/precious-dir/sub/f"
sqlite3 "$BYRE_STATE_DIR/db/db.sqlite" \
    "insert into ValidPaths (path, hash, registrationTime, narSize)
     values ('$tmp/precious', 'sha256:00', 1, 1),
            ('$tmp/precious-dir', 'sha256:00', 1, 1);" \
    || fail "attack: forging a database row"
run byre gc
if [ -f "$tmp/precious" ] && [ -f "$tmp/precious-dir/sub/f" ]; then
    pass "attack: gc leaves a forged row's outside file alone"
else
    fail "attack: gc leaves a forged row's outside file alone"
fi
run byre gc --verify
check "attack: gc --verify names the forged row" 1 out "foreign $tmp/precious"

## Attack: a symlinked store directory is refused.

mkdir "$tmp/real-store"
ln -s "$tmp/real-store" "$tmp/linked-store"
BYRE_STORE_DIR=$tmp/linked-store BYRE_STATE_DIR=$tmp/other-state run byre gc --list-dead
check "attack: a store directory that is a symbolic link is refused" 1 \
      err "symbolic link"

summary gc
