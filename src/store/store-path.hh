// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: store path names.
//
// A store item is named PREFIX/HASH-NAME, where HASH is 32 nix-base32
// characters: the first 160 bits of a SHA-256, folded (XOR) from 256 bits,
// of the string
//   TYPE ":sha256:" HEX(INNER) ":" PREFIX ":" NAME
// TYPE and INNER depend on how the item was made (the same algorithm as Guix
// and Nix, so the same inputs give the same names under the same prefix):
//   text (add-text-to-store)   TYPE "text" followed by ":REF" for each
//                              reference, sorted; INNER sha256 of the text
//   source (add-to-store,      TYPE "source"; INNER the sha256 of the NAR
//     recursive, sha256)
//   fixed output, otherwise    TYPE "output:OUT"; INNER the sha256 of
//                              "fixed:OUT:" ["r:"] ALGO ":" HEX(HASH) ":"
//   derivation output          TYPE "output:OUT"; INNER the derivation's hash;
//                              NAME gets "-OUT" unless OUT is "out"
//
// Functions here only compute and take apart names; they touch no file.
// Every one that takes a name checks it first and throws invalid_input,
// naming it, when it is not a valid store name (see check_name).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sha256.hh"
#include "store/sink.hh"

namespace byre::store {

// Length of the hash part of a store name.
inline constexpr std::size_t hash_part_length = 32;
// The longest NAME allowed (as Nix: hash part, dash and name must fit in a
// 255-byte file name with room to spare).
inline constexpr std::size_t max_name_length = 211;

// Throw invalid_input unless NAME can be the NAME of a store item: not
// empty, at most max_name_length bytes, not starting with '.', and made only
// of ASCII letters, digits and "+-._?=" (so no '/').
void check_name(std::string_view name);

// Throw invalid_input unless PREFIX is an absolute directory name without a
// trailing '/' (e.g. "/gnu/store").
void check_prefix(std::string_view prefix);

// PREFIX/HASH-NAME for an item of TYPE whose inner hash is INNER (the
// general rule above).
std::string make_store_path(std::string_view type, const Digest& inner,
                            std::string_view prefix, std::string_view name);

// The name add-text-to-store gives to TEXT under NAME, which refers to
// REFERENCES (store paths under PREFIX, in any order).
std::string text_path(std::string_view prefix, std::string_view name,
                      std::string_view text,
                      std::vector<std::string> references = {});

// The name add-to-store gives (recursive, sha256) to a file whose NAR has
// the SHA-256 NAR_HASH.
std::string source_path(std::string_view prefix, std::string_view name,
                        const Digest& nar_hash);

// The name of a fixed-output item: HASH is the digest, computed with ALGO
// ("sha256", "sha1", "sha512", …), of the file's NAR if RECURSIVE, else of
// the file's bytes; OUTPUT is the output's id.
std::string fixed_output_path(std::string_view prefix, std::string_view name,
                              std::string_view algo, Bytes hash, bool recursive,
                              std::string_view output = "out");

// The name of output OUTPUT of a derivation whose hash is DRV_HASH and whose
// name is NAME.
std::string output_path(std::string_view prefix, std::string_view output,
                        const Digest& drv_hash, std::string_view name);

// The parts of a store path.
struct StorePathParts {
  std::string_view hash_part;  // 32 nix-base32 characters
  std::string_view name;
};

// PATH's hash part and name if PATH is exactly PREFIX/HASH-NAME with a
// well-formed hash part and a valid name (a "direct store path"), else
// nothing.  Views point into PATH.
std::optional<StorePathParts> parse_store_path(std::string_view prefix,
                                               std::string_view path) noexcept;

// Like parse_store_path, but throws invalid_input naming PATH.
StorePathParts split_store_path(std::string_view prefix, std::string_view path);

// True when PATH is PREFIX itself or below it (Guix's store-path?).
bool is_in_store(std::string_view prefix, std::string_view path) noexcept;

// The store item PATH belongs to: PREFIX/HASH-NAME for any PATH below it
// (e.g. ".../bin/guile" -> the item); nothing when PATH is not in an item.
std::optional<std::string_view> store_item_of(std::string_view prefix,
                                              std::string_view path) noexcept;

}  // namespace byre::store
