// byre store: listing a directory.
#pragma once

#include <string>
#include <vector>

namespace byre::store {

// The names in DIR, without "." and "..", in no particular order.  When
// MISSING_OK, a DIR that does not exist has none; otherwise it is an error
// (byre::store::system_error naming DIR), as any other failure is.
std::vector<std::string> directory_entries(const std::string& dir,
                                           bool missing_ok = false);

}  // namespace byre::store
