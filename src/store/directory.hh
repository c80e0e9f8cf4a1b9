// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre store: listing a directory.
#pragma once

#include <dirent.h>

#include <string>
#include <vector>

namespace byre::store {

// The names in DIR, without "." and "..", in no particular order.  When
// MISSING_OK, a DIR that does not exist has none; otherwise it is an error
// (byre::store::system_error naming DIR), as any other failure is.
std::vector<std::string> directory_entries(const std::string& dir,
                                           bool missing_ok = false);

// The names DIR, an open directory stream of PATH, has left to read,
// without "." and "..".  Errors name PATH.
std::vector<std::string> directory_entries(DIR* dir, const std::string& path);

}  // namespace byre::store
