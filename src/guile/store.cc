// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Bindings of src/store: the local store (a handle owning a LocalStore)
// and the pure helpers (store names, hashes, nix-base32).  Loaded by
// (byre store-core) as the extension libguile-byre-store, apart from
// libguile-byre so that containers never load SQLite or libcrypto.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "guile/bindings.hh"
#include "store/base32.hh"
#include "store/error.hh"
#include "store/hash.hh"
#include "store/local-store.hh"
#include "store/nar.hh"
#include "store/sha256.hh"
#include "store/store-path.hh"

namespace byre::guile {

namespace {

using store::LocalStore;

// A handle owns its store until %store-close or until it is collected.
// The mutex keeps two threads from using one handle at once.
struct Handle {
  std::mutex mutex;
  std::unique_ptr<LocalStore> store;
};

scm_t_bits handle_tag;

size_t free_handle(SCM obj) {
  delete reinterpret_cast<Handle*>(SCM_SMOB_DATA(obj));
  SCM_SET_SMOB_DATA(obj, 0);
  return 0;
}

int print_handle(SCM obj, SCM port, scm_print_state*) {
  auto* h = reinterpret_cast<Handle*>(SCM_SMOB_DATA(obj));
  scm_puts("#<store-handle ", port);
  if (h && h->store)
    scm_display(scm_from_utf8_string(h->store->store_dir().c_str()), port);
  else
    scm_puts("(closed)", port);
  scm_puts(">", port);
  return 1;
}

Handle& handle_of(SCM obj, int pos, const char* subr) {
  SCM_ASSERT_TYPE(SCM_SMOB_PREDICATE(handle_tag, obj), obj, pos, subr, "store handle");
  auto* h = reinterpret_cast<Handle*>(SCM_SMOB_DATA(obj));
  if (!h || !h->store) scm_wrong_type_arg_msg(subr, pos, obj, "open store handle");
  return *h;
}

// Argument checks: each raises wrong-type-arg before any C++ object
// exists (a Guile error longjmps past destructors, NOTES.md).
void check_string(SCM s, int pos, const char* subr) {
  SCM_ASSERT_TYPE(scm_is_string(s), s, pos, subr, "string");
}

void check_strings(SCM list, int pos, const char* subr) {
  SCM_ASSERT_TYPE(scm_is_true(scm_list_p(list)), list, pos, subr, "list of strings");
  for (SCM l = list; scm_is_pair(l); l = scm_cdr(l))
    SCM_ASSERT_TYPE(scm_is_string(scm_car(l)), list, pos, subr, "list of strings");
}

void check_bytevector(SCM bv, int pos, const char* subr) {
  SCM_ASSERT_TYPE(scm_is_bytevector(bv), bv, pos, subr, "bytevector");
}

void check_text(SCM text, int pos, const char* subr) {
  SCM_ASSERT_TYPE(scm_is_string(text) || scm_is_bytevector(text), text, pos, subr,
                  "string or bytevector");
}

void check_algorithm(SCM algo, int pos, const char* subr) {
  SCM_ASSERT_TYPE(scm_is_symbol(algo) || scm_is_string(algo), algo, pos, subr,
                  "hash algorithm symbol");
}

// Conversions of checked arguments (they allocate only C++ memory).
std::string str(SCM s) {
  size_t n = 0;
  char* c = scm_to_utf8_stringn(s, &n);
  std::string out(c, n);
  std::free(c);
  return out;
}

std::vector<std::string> strs(SCM list) {
  std::vector<std::string> out;
  for (SCM l = list; scm_is_pair(l); l = scm_cdr(l)) out.push_back(str(scm_car(l)));
  return out;
}

std::vector<unsigned char> bytes(SCM bv) {
  auto* p = reinterpret_cast<const unsigned char*>(SCM_BYTEVECTOR_CONTENTS(bv));
  return std::vector<unsigned char>(p, p + SCM_BYTEVECTOR_LENGTH(bv));
}

std::vector<unsigned char> text_bytes(SCM text) {
  if (scm_is_bytevector(text)) return bytes(text);
  std::string s = str(text);
  return std::vector<unsigned char>(s.begin(), s.end());
}

std::string algorithm(SCM algo) {
  return str(scm_is_symbol(algo) ? scm_symbol_to_string(algo) : algo);
}

SCM bytevector(store::Bytes data) {
  SCM bv = scm_c_make_bytevector(data.size());
  std::memcpy(SCM_BYTEVECTOR_CONTENTS(bv), data.data(), data.size());
  return bv;
}

SCM string(const std::string& s) { return scm_from_utf8_stringn(s.data(), s.size()); }

SCM optional_string(const std::optional<std::string>& s) {
  return s ? string(*s) : SCM_BOOL_F;
}

SCM deleted(const store::Deleted& d) {
  return scm_cons(from_strings(d.paths), scm_from_uint64(d.bytes_freed));
}

std::size_t digest_size(const std::string& algo) {
  if (algo == "sha1") return 20;
  if (algo == "sha512" || algo == "sha3-512") return 64;
  return 32;
}

}  // namespace

// ---------------------------------------------------------------- handles

BYRE_DEFINE(store_open, "%store-open", 2, 0, 0, (SCM store_dir, SCM state_dir),
            "Open the local store whose items are under STORE-DIR (an absolute "
            "name, the prefix of every item's name), with its database, roots "
            "and locks under STATE-DIR, creating both as needed, and return a "
            "store handle.  Temporary items of writers that were killed are "
            "removed.")
#define FUNC_NAME "%store-open"
{
  check_string(store_dir, 1, FUNC_NAME);
  check_string(state_dir, 2, FUNC_NAME);
  Handle* handle = nullptr;
  BYRE_GUARD(FUNC_NAME, {
    auto h = std::make_unique<Handle>();
    h->store = std::make_unique<LocalStore>(str(store_dir), str(state_dir));
    handle = h.release();
  });
  SCM_RETURN_NEWSMOB(handle_tag, handle);
}
#undef FUNC_NAME

BYRE_DEFINE(store_dumped_bytes, "%store-dumped-bytes", 0, 0, 0, (),
            "Return the number of bytes of file contents this process has "
            "read so far to serialise files for the store (adding, hashing), "
            "from any thread; it only grows.  A progress report polls it.")
#define FUNC_NAME "%store-dumped-bytes"
{
  return scm_from_uint64(byre::store::dumped_bytes());
}
#undef FUNC_NAME

BYRE_DEFINE(store_close, "%store-close", 1, 0, 0, (SCM handle),
            "Close HANDLE: its temporary roots are released.  Closing a closed "
            "handle does nothing.")
#define FUNC_NAME "%store-close"
{
  SCM_ASSERT_TYPE(SCM_SMOB_PREDICATE(handle_tag, handle), handle, 1, FUNC_NAME,
                  "store handle");
  auto* h = reinterpret_cast<Handle*>(SCM_SMOB_DATA(handle));
  if (h) {
    BYRE_GUARD(FUNC_NAME, {
      std::lock_guard<std::mutex> lock(h->mutex);
      h->store.reset();
    });
  }
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

BYRE_DEFINE(store_handle_p, "store-handle?", 1, 0, 0, (SCM obj),
            "Return true if OBJ is a store handle (open or closed).")
{
  return scm_from_bool(SCM_SMOB_PREDICATE(handle_tag, obj));
}

// Run BODY with the store of HANDLE (argument 1) locked as `store'.
#define WITH_STORE(BODY)                                        \
  Handle& h_ = handle_of(handle, 1, FUNC_NAME);                 \
  BYRE_GUARD(FUNC_NAME, {                                       \
    std::lock_guard<std::mutex> lock_(h_.mutex);                \
    LocalStore& store = *h_.store;                              \
    BODY                                                        \
  });                                                           \
  scm_remember_upto_here_1(handle)

// ---------------------------------------------------------------- adding

BYRE_DEFINE(store_add_text, "%store-add-text", 4, 0, 0,
            (SCM handle, SCM name, SCM text, SCM references),
            "Add TEXT (a string, stored as UTF-8, or a bytevector) to the store "
            "of HANDLE as a file called NAME that refers to REFERENCES, a list "
            "of valid store items.  Return its store name, the one Guix's "
            "add-text-to-store gives.")
#define FUNC_NAME "%store-add-text"
{
  check_string(name, 2, FUNC_NAME);
  check_text(text, 3, FUNC_NAME);
  check_strings(references, 4, FUNC_NAME);
  std::string path;
  WITH_STORE({
    std::vector<unsigned char> data = text_bytes(text);
    path = store.add_text(str(name), store::Bytes(data), strs(references));
  });
  return string(path);
}
#undef FUNC_NAME

BYRE_DEFINE(store_add_path, "%store-add-path", 5, 0, 0,
            (SCM handle, SCM name, SCM file, SCM recursive, SCM algo),
            "Copy FILE into the store of HANDLE as NAME and return its store "
            "name.  When RECURSIVE? is true, FILE (a regular file, directory or "
            "symbolic link) is archived and the item named after the ALGORITHM "
            "hash (the symbol sha256, sha1 or sha512) of its archive (for "
            "sha256, a \"source\" item as Guix's add-to-store); otherwise FILE "
            "must be a regular file, named after the hash of its contents.  "
            "FILE is read once; the item has no references.")
#define FUNC_NAME "%store-add-path"
{
  check_string(name, 2, FUNC_NAME);
  check_string(file, 3, FUNC_NAME);
  check_algorithm(algo, 5, FUNC_NAME);
  std::string path;
  WITH_STORE({
    path = store.add_path(str(name), str(file), scm_is_true(recursive), algorithm(algo));
  });
  return string(path);
}
#undef FUNC_NAME

BYRE_DEFINE(store_register_output, "%store-register-output", 5, 0, 0,
            (SCM handle, SCM source, SCM output, SCM candidates, SCM deriver),
            "Make SOURCE, a file tree produced outside the store (a build "
            "output), the store item OUTPUT-PATH of HANDLE's store: move it "
            "there (or copy and remove it across file systems), make it "
            "canonical, find its references by scanning it for the hash parts "
            "of CANDIDATES (a list of store items; OUTPUT-PATH itself is always "
            "a candidate), and register it with DERIVER (a store name or #f).  "
            "Return OUTPUT-PATH.  When OUTPUT-PATH is valid already, SOURCE is "
            "left alone.")
#define FUNC_NAME "%store-register-output"
{
  check_string(source, 2, FUNC_NAME);
  check_string(output, 3, FUNC_NAME);
  check_strings(candidates, 4, FUNC_NAME);
  SCM_ASSERT_TYPE(scm_is_false(deriver) || scm_is_string(deriver), deriver, 5, FUNC_NAME,
                  "string or #f");
  std::string path;
  WITH_STORE({
    std::optional<std::string> drv;
    if (scm_is_string(deriver)) drv = str(deriver);
    path = store.register_output(str(source), str(output), strs(candidates), drv);
  });
  return string(path);
}
#undef FUNC_NAME

// ---------------------------------------------------------------- queries

BYRE_DEFINE(store_register_import, "%store-register-import", 5, 0, 0,
            (SCM handle, SCM source, SCM output, SCM references, SCM deriver),
            "Make SOURCE, a file tree read from a bundle of exported items, "
            "the store item OUTPUT of HANDLE's store, as %store-register-output "
            "does, with REFERENCES (a list of valid items, or OUTPUT itself) as "
            "its references and DERIVER (a store name or #f).  Return OUTPUT.")
#define FUNC_NAME "%store-register-import"
{
  check_string(source, 2, FUNC_NAME);
  check_string(output, 3, FUNC_NAME);
  check_strings(references, 4, FUNC_NAME);
  SCM_ASSERT_TYPE(scm_is_false(deriver) || scm_is_string(deriver), deriver, 5, FUNC_NAME,
                  "string or #f");
  std::string path;
  WITH_STORE({
    std::optional<std::string> drv;
    if (scm_is_string(deriver)) drv = str(deriver);
    path = store.register_import(str(source), str(output), strs(references), drv);
  });
  return string(path);
}
#undef FUNC_NAME

BYRE_DEFINE(store_valid_path_p, "%store-valid-path?", 2, 0, 0, (SCM handle, SCM path),
            "Return true if PATH is a valid item of HANDLE's store.")
#define FUNC_NAME "%store-valid-path?"
{
  check_string(path, 2, FUNC_NAME);
  bool valid = false;
  WITH_STORE({ valid = store.is_valid(str(path)); });
  return scm_from_bool(valid);
}
#undef FUNC_NAME

BYRE_DEFINE(store_path_info, "%store-path-info", 2, 0, 0, (SCM handle, SCM path),
            "Return #f if PATH is not a valid item of HANDLE's store, else the "
            "list (DERIVER HASH NAR-SIZE REGISTRATION-TIME REFERENCES): DERIVER "
            "a store name or #f, HASH the SHA-256 of its NAR as a 32-byte "
            "bytevector, REGISTRATION-TIME in seconds since the epoch, "
            "REFERENCES a sorted list of store names.")
#define FUNC_NAME "%store-path-info"
{
  check_string(path, 2, FUNC_NAME);
  std::optional<store::PathInfo> info;
  WITH_STORE({ info = store.path_info(str(path)); });
  if (!info) return SCM_BOOL_F;
  return scm_list_5(optional_string(info->deriver), bytevector(store::Bytes(info->nar_hash)),
                    scm_from_uint64(info->nar_size),
                    scm_from_int64(info->registration_time),
                    from_strings(info->references));
}
#undef FUNC_NAME

BYRE_DEFINE(store_references, "%store-references", 2, 0, 0, (SCM handle, SCM path),
            "Return the sorted list of the store items PATH refers to.")
#define FUNC_NAME "%store-references"
{
  check_string(path, 2, FUNC_NAME);
  std::vector<std::string> out;
  WITH_STORE({ out = store.references(str(path)); });
  return from_strings(out);
}
#undef FUNC_NAME

BYRE_DEFINE(store_referrers, "%store-referrers", 2, 0, 0, (SCM handle, SCM path),
            "Return the sorted list of the valid store items that refer to PATH.")
#define FUNC_NAME "%store-referrers"
{
  check_string(path, 2, FUNC_NAME);
  std::vector<std::string> out;
  WITH_STORE({ out = store.referrers(str(path)); });
  return from_strings(out);
}
#undef FUNC_NAME

BYRE_DEFINE(store_requisites, "%store-requisites", 2, 0, 0, (SCM handle, SCM paths),
            "Return the closure of PATHS, a list of valid store items: PATHS "
            "and everything they refer to, directly or not, each once (PATHS "
            "first, then breadth-first).")
#define FUNC_NAME "%store-requisites"
{
  check_strings(paths, 2, FUNC_NAME);
  std::vector<std::string> out;
  WITH_STORE({ out = store.requisites(strs(paths)); });
  return from_strings(out);
}
#undef FUNC_NAME

BYRE_DEFINE(store_topologically_sorted, "%store-topologically-sorted", 2, 0, 0,
            (SCM handle, SCM paths),
            "Return PATHS and all their references, each once, sorted so that "
            "every item comes after the items it refers to (Guix's "
            "topologically-sorted).")
#define FUNC_NAME "%store-topologically-sorted"
{
  check_strings(paths, 2, FUNC_NAME);
  std::vector<std::string> out;
  WITH_STORE({ out = store.topologically_sorted(strs(paths)); });
  return from_strings(out);
}
#undef FUNC_NAME

BYRE_DEFINE(store_hash_part_to_path, "%store-hash-part->path", 2, 0, 0,
            (SCM handle, SCM hash_part),
            "Return the valid store item whose hash part is HASH-PART, or #f.")
#define FUNC_NAME "%store-hash-part->path"
{
  check_string(hash_part, 2, FUNC_NAME);
  std::optional<std::string> path;
  WITH_STORE({ path = store.hash_part_to_path(str(hash_part)); });
  return optional_string(path);
}
#undef FUNC_NAME

// ---------------------------------------------------------------- roots

BYRE_DEFINE(store_add_temp_root, "%store-add-temp-root", 2, 0, 0, (SCM handle, SCM path),
            "Keep PATH from garbage collection while this process has the "
            "store open (a temporary root).")
#define FUNC_NAME "%store-add-temp-root"
{
  check_string(path, 2, FUNC_NAME);
  WITH_STORE({ store.add_temp_root(str(path)); });
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

BYRE_DEFINE(store_add_indirect_root, "%store-add-indirect-root", 2, 0, 0,
            (SCM handle, SCM file),
            "Make FILE, a symbolic link to a store item, an indirect root: the "
            "item it points to stays alive as long as FILE exists.")
#define FUNC_NAME "%store-add-indirect-root"
{
  check_string(file, 2, FUNC_NAME);
  WITH_STORE({ store.add_indirect_root(str(file)); });
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

BYRE_DEFINE(store_add_permanent_root, "%store-add-permanent-root", 3, 0, 0,
            (SCM handle, SCM path, SCM name),
            "Make the valid store item PATH a permanent root called NAME (a "
            "link STATE-DIR/gcroots/NAME, replaced if it exists).")
#define FUNC_NAME "%store-add-permanent-root"
{
  check_string(path, 2, FUNC_NAME);
  check_string(name, 3, FUNC_NAME);
  WITH_STORE({ store.add_permanent_root(str(path), str(name)); });
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

BYRE_DEFINE(store_remove_permanent_root, "%store-remove-permanent-root", 2, 0, 0,
            (SCM handle, SCM name),
            "Remove the permanent root called NAME; raise system-error (ENOENT) "
            "if there is none.")
#define FUNC_NAME "%store-remove-permanent-root"
{
  check_string(name, 2, FUNC_NAME);
  WITH_STORE({ store.remove_permanent_root(str(name)); });
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

BYRE_DEFINE(store_roots, "%store-roots", 1, 0, 0, (SCM handle),
            "Return the permanent and indirect roots of HANDLE's store as a "
            "list of pairs (ROOT-FILE . STORE-ITEM).")
#define FUNC_NAME "%store-roots"
{
  std::vector<std::pair<std::string, std::string>> roots;
  WITH_STORE({ roots = store.roots(); });
  SCM out = SCM_EOL;
  for (auto it = roots.rbegin(); it != roots.rend(); ++it)
    out = scm_cons(scm_cons(string(it->first), string(it->second)), out);
  return out;
}
#undef FUNC_NAME

// ---------------------------------------------------------------- deletion

BYRE_DEFINE(store_delete_paths, "%store-delete-paths", 2, 0, 0, (SCM handle, SCM paths),
            "Delete PATHS from HANDLE's store and return (DELETED-PATHS . "
            "BYTES-FREED).  Raise wrong-type-arg, deleting nothing, naming an "
            "item that is not valid or still live: referred to by a valid "
            "item not in PATHS, or in the closure of a root or of another "
            "process's temporary root.")
#define FUNC_NAME "%store-delete-paths"
{
  check_strings(paths, 2, FUNC_NAME);
  store::Deleted result;
  WITH_STORE({ result = store.delete_paths(strs(paths)); });
  return deleted(result);
}
#undef FUNC_NAME

BYRE_DEFINE(store_collect_garbage, "%store-collect-garbage", 2, 0, 0,
            (SCM handle, SCM min_bytes),
            "Delete the dead items of HANDLE's store (those no root, no "
            "temporary root of a running process and no indirect root whose "
            "file still exists keeps alive) until at least MIN-BYTES are freed "
            "(#f or 0: all of them, and the leftovers of killed writers).  "
            "Return (DELETED-PATHS . BYTES-FREED).")
#define FUNC_NAME "%store-collect-garbage"
{
  SCM_ASSERT_TYPE(scm_is_false(min_bytes) || scm_is_unsigned_integer(min_bytes, 0, UINT64_MAX),
                  min_bytes, 2, FUNC_NAME, "non-negative integer or #f");
  std::uint64_t min = scm_is_false(min_bytes) ? 0 : scm_to_uint64(min_bytes);
  store::Deleted result;
  WITH_STORE({ result = store.collect_garbage(min); });
  return deleted(result);
}
#undef FUNC_NAME

BYRE_DEFINE(store_optimise, "%store-optimise", 1, 0, 0, (SCM handle),
            "Deduplicate the identical files of HANDLE's store: each becomes "
            "a hard link to one copy, kept in the store's .links directory.  "
            "Return (FILES-LINKED . BYTES-SAVED).")
#define FUNC_NAME "%store-optimise"
{
  store::Optimised result;
  WITH_STORE({ result = store.optimise(); });
  return scm_cons(scm_from_uint64(result.files_linked), scm_from_uint64(result.bytes_saved));
}
#undef FUNC_NAME

BYRE_DEFINE(store_live_paths, "%store-live-paths", 1, 0, 0, (SCM handle),
            "Return the sorted list of the live items of HANDLE's store.")
#define FUNC_NAME "%store-live-paths"
{
  std::vector<std::string> out;
  WITH_STORE({ out = store.live_paths(); });
  return from_strings(out);
}
#undef FUNC_NAME

BYRE_DEFINE(store_dead_paths, "%store-dead-paths", 1, 0, 0, (SCM handle),
            "Return the sorted list of the dead items of HANDLE's store (what "
            "garbage collection would delete).")
#define FUNC_NAME "%store-dead-paths"
{
  std::vector<std::string> out;
  WITH_STORE({ out = store.dead_paths(); });
  return from_strings(out);
}
#undef FUNC_NAME

BYRE_DEFINE(store_verify, "%store-verify", 2, 0, 0, (SCM handle, SCM check_contents),
            "Check HANDLE's store and return a list of problems, each (KIND "
            "PATH . DETAILS): (missing PATH) a registered item that is not on "
            "disk, (unregistered PATH) an entry of the store directory that is "
            "not a valid item, (dangling-reference PATH REFERENCE) a valid item "
            "referring to a missing one and, when CHECK-CONTENTS? is true, "
            "(hash-mismatch PATH EXPECTED-HASH ACTUAL-HASH EXPECTED-SIZE "
            "ACTUAL-SIZE) an item whose NAR differs from the registered one "
            "(hashes as 32-byte bytevectors).")
#define FUNC_NAME "%store-verify"
{
  bool contents = scm_is_true(check_contents);
  std::vector<store::Problem> problems;
  WITH_STORE({ problems = store.verify(contents); });
  SCM out = SCM_EOL;
  for (auto it = problems.rbegin(); it != problems.rend(); ++it) {
    SCM entry;
    switch (it->kind) {
      case store::Problem::Kind::missing:
        entry = scm_list_2(scm_from_utf8_symbol("missing"), string(it->path));
        break;
      case store::Problem::Kind::unregistered:
        entry = scm_list_2(scm_from_utf8_symbol("unregistered"), string(it->path));
        break;
      case store::Problem::Kind::foreign:
        entry = scm_list_2(scm_from_utf8_symbol("foreign"), string(it->path));
        break;
      case store::Problem::Kind::dangling_reference:
        entry = scm_list_3(scm_from_utf8_symbol("dangling-reference"), string(it->path),
                           string(it->reference));
        break;
      case store::Problem::Kind::hash_mismatch:
      default:
        entry = scm_list_n(scm_from_utf8_symbol("hash-mismatch"), string(it->path),
                           bytevector(store::Bytes(*it->expected_hash)),
                           bytevector(store::Bytes(*it->actual_hash)),
                           scm_from_uint64(it->expected_size),
                           scm_from_uint64(it->actual_size), SCM_UNDEFINED);
        break;
    }
    out = scm_cons(entry, out);
  }
  return out;
}
#undef FUNC_NAME

// ---------------------------------------------------------------- pure helpers

BYRE_DEFINE(text_store_path, "%text-store-path", 4, 0, 0,
            (SCM prefix, SCM name, SCM text, SCM references),
            "Return the store name add-text-to-store gives to TEXT (a string, "
            "as UTF-8, or a bytevector) called NAME and referring to REFERENCES "
            "in the store whose prefix is PREFIX, without touching any file.")
#define FUNC_NAME "%text-store-path"
{
  check_string(prefix, 1, FUNC_NAME);
  check_string(name, 2, FUNC_NAME);
  check_text(text, 3, FUNC_NAME);
  check_strings(references, 4, FUNC_NAME);
  std::string path;
  BYRE_GUARD(FUNC_NAME, {
    std::vector<unsigned char> data = text_bytes(text);
    path = store::text_path(
        str(prefix), str(name),
        std::string_view(reinterpret_cast<const char*>(data.data()), data.size()),
        strs(references));
  });
  return string(path);
}
#undef FUNC_NAME

BYRE_DEFINE(fixed_output_path, "%fixed-output-path", 5, 0, 0,
            (SCM prefix, SCM name, SCM algo, SCM hash, SCM recursive),
            "Return the store name under PREFIX of a fixed-output item called "
            "NAME whose ALGORITHM hash (sha256, sha1 or sha512) is HASH, a "
            "bytevector: of its NAR if RECURSIVE? is true, else of its "
            "contents.  Recursive sha256 gives the \"source\" name.")
#define FUNC_NAME "%fixed-output-path"
{
  check_string(prefix, 1, FUNC_NAME);
  check_string(name, 2, FUNC_NAME);
  check_algorithm(algo, 3, FUNC_NAME);
  check_bytevector(hash, 4, FUNC_NAME);
  std::string path;
  BYRE_GUARD(FUNC_NAME, {
    std::string a = algorithm(algo);
    if (!store::is_supported_hash(a))
      throw store::invalid_input(
          "unsupported hash algorithm (known: sha1 sha256 sha512 sha3-256 sha3-512 "
          "blake2s-256)",
          a);
    std::vector<unsigned char> digest = bytes(hash);
    if (digest.size() != digest_size(a))
      throw store::invalid_input("a " + a + " digest must have " +
                                     std::to_string(digest_size(a)) + " bytes",
                                 store::to_base16(digest));
    path = store::fixed_output_path(str(prefix), str(name), a, digest, scm_is_true(recursive));
  });
  return string(path);
}
#undef FUNC_NAME

BYRE_DEFINE(output_path, "%output-path", 4, 0, 0,
            (SCM prefix, SCM output, SCM name, SCM drv_hash),
            "Return the store name under PREFIX of output OUTPUT (\"out\", "
            "\"doc\" …) of the derivation called NAME whose hash is DRV-HASH, a "
            "32-byte bytevector.")
#define FUNC_NAME "%output-path"
{
  check_string(prefix, 1, FUNC_NAME);
  check_string(output, 2, FUNC_NAME);
  check_string(name, 3, FUNC_NAME);
  check_bytevector(drv_hash, 4, FUNC_NAME);
  std::string path;
  BYRE_GUARD(FUNC_NAME, {
    std::vector<unsigned char> h = bytes(drv_hash);
    if (h.size() != 32)
      throw store::invalid_input("a derivation hash must have 32 bytes", store::to_base16(h));
    store::Digest d;
    std::copy(h.begin(), h.end(), d.begin());
    path = store::output_path(str(prefix), str(output), d, str(name));
  });
  return string(path);
}
#undef FUNC_NAME

BYRE_DEFINE(nix_base32_encode, "%nix-base32-encode", 1, 0, 0, (SCM bv),
            "Return BV, a bytevector, in nix-base32 (the encoding of hashes in "
            "store names).")
#define FUNC_NAME "%nix-base32-encode"
{
  check_bytevector(bv, 1, FUNC_NAME);
  std::string out;
  BYRE_GUARD(FUNC_NAME, {
    std::vector<unsigned char> data = bytes(bv);
    out = store::to_nix_base32(data);
  });
  return string(out);
}
#undef FUNC_NAME

BYRE_DEFINE(nix_base32_decode, "%nix-base32-decode", 1, 0, 0, (SCM s),
            "Return the bytevector that STRING, in nix-base32, encodes; raise "
            "wrong-type-arg if it is not a nix-base32 encoding.")
#define FUNC_NAME "%nix-base32-decode"
{
  check_string(s, 1, FUNC_NAME);
  std::vector<unsigned char> out;
  BYRE_GUARD(FUNC_NAME, {
    std::string text = str(s);
    std::size_t size = text.size() * 5 / 8;
    if (store::nix_base32_length(size) != text.size())
      throw store::invalid_input("not a nix-base32 encoding (bad length)", text);
    out = store::from_nix_base32(text, size);
  });
  return bytevector(store::Bytes(out));
}
#undef FUNC_NAME

BYRE_DEFINE(sha256_bv, "%sha256", 1, 0, 0, (SCM bv),
            "Return the SHA-256 of BV (a bytevector, or a string as UTF-8) as a "
            "32-byte bytevector.")
#define FUNC_NAME "%sha256"
{
  check_text(bv, 1, FUNC_NAME);
  store::Digest d{};
  BYRE_GUARD(FUNC_NAME, {
    std::vector<unsigned char> data = text_bytes(bv);
    d = store::sha256(store::Bytes(data));
  });
  return bytevector(store::Bytes(d));
}
#undef FUNC_NAME

BYRE_DEFINE(nar_hash, "%nar-hash", 1, 0, 0, (SCM file),
            "Return (HASH . SIZE): the SHA-256 of the NAR serialisation of "
            "FILE (not followed if it is a symbolic link), as a 32-byte "
            "bytevector, and the NAR's size in bytes.")
#define FUNC_NAME "%nar-hash"
{
  check_string(file, 1, FUNC_NAME);
  store::Digest d{};
  std::uint64_t size = 0;
  BYRE_GUARD(FUNC_NAME, {
    store::Sha256 nar;
    store::dump_path(str(file), nar);
    size = nar.size();
    d = nar.finish();
  });
  return scm_cons(bytevector(store::Bytes(d)), scm_from_uint64(size));
}
#undef FUNC_NAME

BYRE_DEFINE(file_hash, "%file-hash", 3, 0, 0, (SCM file, SCM recursive, SCM algo),
            "Return the ALGORITHM hash (a symbol or string: sha1, sha256, "
            "sha512) of FILE as a bytevector: of its NAR serialisation when "
            "RECURSIVE? is true (FILE not followed), else of its contents "
            "(FILE must be a regular file).")
#define FUNC_NAME "%file-hash"
{
  check_string(file, 1, FUNC_NAME);
  check_algorithm(algo, 3, FUNC_NAME);
  std::vector<unsigned char> digest;
  BYRE_GUARD(FUNC_NAME, {
    digest = store::hash_file(str(file), scm_is_true(recursive), algorithm(algo));
  });
  return bytevector(store::Bytes(digest));
}
#undef FUNC_NAME

BYRE_DEFINE(check_store_item_name, "%check-store-item-name", 1, 0, 0, (SCM name),
            "Raise wrong-type-arg, saying why, unless NAME can be the name of a "
            "store item (not empty, at most 211 bytes, no leading '.', only "
            "letters, digits and +-._?=).")
#define FUNC_NAME "%check-store-item-name"
{
  check_string(name, 1, FUNC_NAME);
  BYRE_GUARD(FUNC_NAME, { store::check_name(str(name)); });
  return SCM_UNSPECIFIED;
}
#undef FUNC_NAME

void init_store() {
  handle_tag = scm_make_smob_type("store-handle", 0);
  scm_set_smob_free(handle_tag, free_handle);
  scm_set_smob_print(handle_tag, print_handle);
#include "guile/store.x"
}

}  // namespace byre::guile

extern "C" void init_byre_store() { byre::guile::init_store(); }
