// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: store path names.
#include "store/store-path.hh"

#include <algorithm>

#include "store/base32.hh"
#include "store/error.hh"

namespace byre::store {

namespace {

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' ||
         c == '_' || c == '?' || c == '=';
}

// The reason NAME is not a valid store name, or nullptr.
const char* name_problem(std::string_view name) noexcept {
  if (name.empty()) return "invalid store item name (empty)";
  if (name.size() > max_name_length)
    return "invalid store item name (longer than 211 bytes)";
  if (name.front() == '.')
    return "invalid store item name (starts with '.')";
  if (name.find('/') != std::string_view::npos)
    return "invalid store item name (contains '/')";
  if (!std::all_of(name.begin(), name.end(), is_name_char))
    return "invalid store item name (only letters, digits and +-._?= are "
           "allowed)";
  return nullptr;
}

bool is_hash_part(std::string_view s) noexcept {
  return s.size() == hash_part_length &&
         std::all_of(s.begin(), s.end(), is_nix_base32_char);
}

// The first 20 bytes of a digest with the rest folded in by XOR, as Nix's
// compressHash.
std::array<unsigned char, 20> fold(const Digest& d) noexcept {
  std::array<unsigned char, 20> out{};
  for (std::size_t i = 0; i < d.size(); ++i) out[i % out.size()] ^= d[i];
  return out;
}

}  // namespace

void check_name(std::string_view name) {
  if (const char* problem = name_problem(name))
    throw invalid_input(problem, std::string(name));
}

void check_prefix(std::string_view prefix) {
  if (prefix.empty() || prefix.front() != '/' ||
      (prefix.size() > 1 && prefix.back() == '/'))
    throw invalid_input(
        "invalid store prefix (must be absolute, without a trailing '/')",
        std::string(prefix));
}

std::string make_store_path(std::string_view type, const Digest& inner,
                            std::string_view prefix, std::string_view name) {
  check_prefix(prefix);
  check_name(name);
  std::string s;
  s.reserve(type.size() + 80 + prefix.size() + name.size());
  s.append(type).append(":sha256:").append(to_base16(inner));
  s.append(":").append(prefix).append(":").append(name);
  auto folded = fold(sha256(s));
  std::string path(prefix);
  path += '/';
  path += to_nix_base32(folded);
  path += '-';
  path += name;
  return path;
}

std::string text_path(std::string_view prefix, std::string_view name,
                      std::string_view text,
                      std::vector<std::string> references) {
  check_prefix(prefix);
  std::sort(references.begin(), references.end());
  references.erase(std::unique(references.begin(), references.end()),
                   references.end());
  std::string type = "text";
  for (const std::string& ref : references) {
    split_store_path(prefix, ref);  // throws for a malformed reference
    type += ':';
    type += ref;
  }
  return make_store_path(type, sha256(text), prefix, name);
}

std::string source_path(std::string_view prefix, std::string_view name,
                        const Digest& nar_hash) {
  return make_store_path("source", nar_hash, prefix, name);
}

std::string fixed_output_path(std::string_view prefix, std::string_view name,
                              std::string_view algo, Bytes hash, bool recursive,
                              std::string_view output) {
  if (recursive && algo == "sha256") {
    if (hash.size() != 32)
      throw invalid_input("a SHA-256 digest must have 32 bytes",
                          to_base16(hash));
    Digest d;
    std::copy(hash.begin(), hash.end(), d.begin());
    return source_path(prefix, name, d);
  }
  std::string tag = "fixed:";
  tag.append(output).append(":");
  if (recursive) tag += "r:";
  tag.append(algo).append(":").append(to_base16(hash)).append(":");
  return make_store_path(std::string("output:").append(output), sha256(tag),
                         prefix, name);
}

std::string output_path(std::string_view prefix, std::string_view output,
                        const Digest& drv_hash, std::string_view name) {
  std::string full(name);
  if (output != "out") full.append("-").append(output);
  return make_store_path(std::string("output:").append(output), drv_hash,
                         prefix, full);
}

std::optional<StorePathParts> parse_store_path(std::string_view prefix,
                                               std::string_view path) noexcept {
  if (path.size() <= prefix.size() + 1 + hash_part_length + 1 ||
      path.substr(0, prefix.size()) != prefix || path[prefix.size()] != '/')
    return std::nullopt;
  std::string_view base = path.substr(prefix.size() + 1);
  std::string_view hash = base.substr(0, hash_part_length);
  if (!is_hash_part(hash) || base[hash_part_length] != '-') return std::nullopt;
  std::string_view name = base.substr(hash_part_length + 1);
  if (name_problem(name)) return std::nullopt;
  return StorePathParts{hash, name};
}

StorePathParts split_store_path(std::string_view prefix, std::string_view path) {
  if (auto parts = parse_store_path(prefix, path)) return *parts;
  throw invalid_input("not a store item name under " + std::string(prefix),
                      std::string(path));
}

bool is_in_store(std::string_view prefix, std::string_view path) noexcept {
  return path.substr(0, prefix.size()) == prefix &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

std::optional<std::string_view> store_item_of(std::string_view prefix,
                                              std::string_view path) noexcept {
  if (!is_in_store(prefix, path) || path.size() == prefix.size())
    return std::nullopt;
  std::size_t end = path.find('/', prefix.size() + 1);
  std::string_view item = path.substr(0, end);
  if (!parse_store_path(prefix, item)) return std::nullopt;
  return item;
}

}  // namespace byre::store
