// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The binding layer's shared pieces: how primitives are declared and
// registered, and how C++ errors become Guile errors.
//
// A primitive is one function with its Scheme name, arity and docstring
// beside it (BYRE_DEFINE); guile-snarf turns the declarations into the
// registration code of each file's .x, docstrings included.  The body
// validates and converts its SCM arguments first (a Guile error longjmps
// past C++ destructors, NOTES.md), then calls plain C++ inside
// BYRE_GUARD, which turns a C++ exception into a Guile error after every
// C++ object of the block is destroyed.
#pragma once

#include <libguile.h>

#include <string>
#include <vector>

#define BYRE_DEFINE(FNAME, PRIMNAME, REQ, OPT, VAR, ARGLIST, DOCSTRING)    \
  SCM_SNARF_HERE(static const char FNAME##_doc[] = DOCSTRING;             \
                 SCM FNAME ARGLIST)                                        \
  SCM_SNARF_INIT(byre::guile::define_primitive(                            \
      PRIMNAME, REQ, OPT, VAR, reinterpret_cast<scm_t_subr>(FNAME), FNAME##_doc);)

// Run BODY; a C++ exception it throws is raised as a Guile error for SUBR
// once BODY's objects are destroyed, and the captured failure too: the
// throw (a longjmp) passes over no live C++ object.
#define BYRE_GUARD(SUBR, BODY)                                             \
  do {                                                                      \
    SCM byre_error_ = SCM_BOOL_F;                                           \
    {                                                                       \
      byre::guile::Failure byre_failure_;                                   \
      try {                                                                 \
        BODY                                                                \
      } catch (...) {                                                       \
        byre_failure_ = byre::guile::current_failure();                     \
      }                                                                     \
      if (byre_failure_.kind != byre::guile::Failure::none)                \
        byre_error_ = byre::guile::failure_to_scm(SUBR, byre_failure_);     \
    }                                                                       \
    if (scm_is_true(byre_error_)) byre::guile::throw_error(byre_error_);    \
  } while (0)

namespace byre::guile {

void define_primitive(const char* name, int req, int opt, int rest,
                      scm_t_subr fn, const char* doc);

// A C++ exception, captured in plain data.
struct Failure {
  enum Kind { none, system, argument, other } kind = none;
  int error = 0;
  std::string message;
};
Failure current_failure();
// FAILURE as Guile values, (KEY . ARGS), to throw once the C++ objects
// are gone (BYRE_GUARD), with THROW_ERROR.
SCM failure_to_scm(const char* subr, const Failure& failure);
[[noreturn]] void throw_error(SCM error);

// Conversions.
std::string to_string(SCM s, int pos, const char* subr);
std::vector<std::string> to_strings(SCM list, int pos, const char* subr);
SCM from_strings(const std::vector<std::string>& strings);

// The init functions of each binding file.
void init_container();
void init_mount();
void init_process();
void init_host();

}  // namespace byre::guile
