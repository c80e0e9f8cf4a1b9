// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: error classes.
#include "store/error.hh"

#include <cerrno>

namespace byre::store {

namespace {
std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}
}  // namespace

system_error::system_error(int errno_value, std::string operation,
                           std::string path)
    : std::system_error(errno_value, std::generic_category(),
                        operation + " " + quoted(path)),
      operation_(std::move(operation)),
      path_(std::move(path)) {}

void throw_errno(std::string_view operation, std::string_view path) {
  throw system_error(errno, std::string(operation), std::string(path));
}

invalid_input::invalid_input(std::string reason, std::string value)
    : std::invalid_argument(reason + ": " + quoted(value)),
      reason_(std::move(reason)),
      value_(std::move(value)) {}

database_error::database_error(std::string operation, std::string file,
                               std::string message, int code)
    : std::runtime_error(operation + " on database " + quoted(file) + ": " +
                         message),
      code_(code) {}

}  // namespace byre::store
