// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "caps/caps.hh"

#include <cap-ng.h>
#include <linux/capability.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace byre::caps {

const std::vector<int>& default_set() {
  static const std::vector<int> set = {
      CAP_CHOWN,        CAP_DAC_OVERRIDE, CAP_FOWNER,     CAP_FSETID,
      CAP_KILL,         CAP_SETGID,       CAP_SETUID,     CAP_SETPCAP,
      CAP_NET_BIND_SERVICE, CAP_NET_RAW,  CAP_SYS_CHROOT, CAP_MKNOD,
      CAP_AUDIT_WRITE,  CAP_SETFCAP,
  };
  return set;
}

int from_name(const std::string& name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower.rfind("cap_", 0) == 0) lower.erase(0, 4);
  std::replace(lower.begin(), lower.end(), '-', '_');
  int number = capng_name_to_capability(lower.c_str());
  if (number < 0)
    throw std::invalid_argument("unknown capability: " + name);
  return number;
}

std::string to_name(int number) {
  const char* name = capng_capability_to_name(static_cast<unsigned>(number));
  if (name == nullptr)
    throw std::invalid_argument("unknown capability number: " +
                                std::to_string(number));
  return name;
}

int last_capability() {
  // libcap-ng reads /proc/sys/kernel/cap_last_cap once.
  static const int last = [] {
    int n = CAP_LAST_CAP;
    while (n < 63 && capng_capability_to_name(static_cast<unsigned>(n + 1)) &&
           std::string(capng_capability_to_name(static_cast<unsigned>(n + 1))) != "unknown")
      ++n;
    return n;
  }();
  return last;
}

uint64_t mask(const std::vector<int>& numbers, bool with_defaults) {
  uint64_t m = 0;
  auto add = [&m](int n) {
    if (n < 0 || n > 63)
      throw std::invalid_argument("capability out of range: " + std::to_string(n));
    m |= uint64_t{1} << n;
  };
  if (with_defaults)
    for (int n : default_set()) add(n);
  for (int n : numbers) add(n);
  return m;
}

}  // namespace byre::caps
