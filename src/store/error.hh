// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: the errors the store's C++ core throws.
//
// Every failing system call becomes a `system_error` that carries the errno,
// the operation and the path it was applied to, so that the Guile binding
// can raise `system-error` with a message such as
//   open "/tmp/x/a.txt": No such file or directory
// Invalid user input (a bad store name, a malformed hash, a reference that
// is not a valid store item) is an `invalid_input`, whose message names the
// offending value.  Database failures are `database_error`.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace byre::store {

class system_error : public std::system_error {
public:
  // OPERATION is the name of the call that failed (e.g. "open"), PATH the
  // file it was applied to; ERRNO_VALUE the errno it set.
  system_error(int errno_value, std::string operation, std::string path);

  const std::string& operation() const noexcept { return operation_; }
  const std::string& path() const noexcept { return path_; }
  int errno_value() const noexcept { return code().value(); }

private:
  std::string operation_;
  std::string path_;
};

// Throw a system_error for OPERATION on PATH from the current errno.
[[noreturn]] void throw_errno(std::string_view operation, std::string_view path);

class invalid_input : public std::invalid_argument {
public:
  // VALUE is the offending input, REASON says what is wrong with it.
  invalid_input(std::string reason, std::string value);

  const std::string& value() const noexcept { return value_; }
  const std::string& reason() const noexcept { return reason_; }

private:
  std::string reason_;
  std::string value_;
};

class database_error : public std::runtime_error {
public:
  // OPERATION says what was attempted, FILE is the database, MESSAGE is
  // SQLite's explanation, CODE SQLite's (extended) result code.
  database_error(std::string operation, std::string file, std::string message,
                 int code);

  int sqlite_code() const noexcept { return code_; }

private:
  int code_;
};

}  // namespace byre::store
