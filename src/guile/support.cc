// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The binding helpers both extensions share (libguile-byre and
// libguile-byre-store): registration, the error mapping, conversions.
#include "guile/bindings.hh"

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <system_error>

namespace byre::guile {

void define_primitive(const char* name, int req, int opt, int rest,
                      scm_t_subr fn, const char* doc) {
  SCM proc = scm_c_define_gsubr(name, req, opt, rest, fn);
  // guile-snarf's registration keeps no docstring (NOTES.md).
  scm_set_procedure_property_x(proc, scm_from_utf8_symbol("documentation"),
                               scm_from_utf8_string(doc));
  scm_c_export(name, nullptr);
}

Failure current_failure() {
  Failure f;
  try {
    throw;
  } catch (const std::system_error& e) {
    f.kind = Failure::system;
    f.error = e.code().value();
    // std::system_error appends ": strerror"; keep only what we said.
    std::string what = e.what();
    std::string suffix = ": " + e.code().message();
    if (what.size() > suffix.size() &&
        what.compare(what.size() - suffix.size(), suffix.size(), suffix) == 0)
      what.erase(what.size() - suffix.size());
    f.message = what;
  } catch (const std::invalid_argument& e) {
    f.kind = Failure::argument;
    f.message = e.what();
  } catch (const std::bad_alloc&) {
    f.kind = Failure::system;
    f.error = ENOMEM;
    f.message = "out of memory";
  } catch (const std::exception& e) {
    f.kind = Failure::other;
    f.message = e.what();
  } catch (...) {
    f.kind = Failure::other;
    f.message = "unknown C++ exception";
  }
  return f;
}

SCM failure_to_scm(const char* subr, const Failure& failure) {
  SCM who = scm_from_utf8_string(subr);
  SCM message = scm_from_utf8_string(failure.message.c_str());
  switch (failure.kind) {
    case Failure::system: {
      // As Guile's own primitives: (system-error SUBR "~A: ~A" (WHAT
      // STRERROR) (ERRNO)), so that system-error-errno works.
      SCM args = scm_list_2(message, scm_strerror(scm_from_int(failure.error)));
      return scm_cons(scm_from_utf8_symbol("system-error"),
                      scm_list_4(who, scm_from_utf8_string("~A: ~A"), args,
                                 scm_list_1(scm_from_int(failure.error))));
    }
    case Failure::argument:
      return scm_cons(scm_from_utf8_symbol("wrong-type-arg"),
                      scm_list_4(who, scm_from_utf8_string("~A"), scm_list_1(message),
                                 SCM_BOOL_F));
    default:
      return scm_cons(scm_from_utf8_symbol("misc-error"),
                      scm_list_4(who, scm_from_utf8_string("~A"), scm_list_1(message),
                                 SCM_BOOL_F));
  }
}

void throw_error(SCM error) {
  scm_throw(scm_car(error), scm_cdr(error));
  std::abort();  // scm_throw does not return
}

std::string to_string(SCM s, int pos, const char* subr) {
  SCM_ASSERT_TYPE(scm_is_string(s), s, pos, subr, "string");
  char* c = scm_to_utf8_stringn(s, nullptr);
  std::string out(c);
  std::free(c);
  return out;
}

std::vector<std::string> to_strings(SCM list, int pos, const char* subr) {
  SCM_ASSERT_TYPE(scm_is_true(scm_list_p(list)), list, pos, subr, "list of strings");
  for (SCM l = list; scm_is_pair(l); l = scm_cdr(l))
    SCM_ASSERT_TYPE(scm_is_string(scm_car(l)), list, pos, subr, "list of strings");
  std::vector<std::string> out;
  for (SCM l = list; scm_is_pair(l); l = scm_cdr(l)) {
    char* c = scm_to_utf8_stringn(scm_car(l), nullptr);
    out.emplace_back(c);
    std::free(c);
  }
  return out;
}

SCM from_strings(const std::vector<std::string>& strings) {
  SCM out = SCM_EOL;
  for (auto it = strings.rbegin(); it != strings.rend(); ++it)
    out = scm_cons(scm_from_utf8_string(it->c_str()), out);
  return out;
}

}  // namespace byre::guile
