// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// Runs in a container's child: system calls only.
#include "caps/apply.hh"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace byre::caps {

int apply(const Masks& caps) {
  // Bounding set first: dropping needs CAP_SETPCAP, which we still have.
  for (int cap = 0; cap <= caps.last_cap; ++cap)
    if (!(caps.keep & (uint64_t{1} << cap)))
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return -1;
  struct __user_cap_header_struct header;
  struct __user_cap_data_struct data[2];
  std::memset(&header, 0, sizeof header);
  std::memset(data, 0, sizeof data);
  header.version = _LINUX_CAPABILITY_VERSION_3;
  for (int i = 0; i < 2; ++i) {
    uint32_t keep = static_cast<uint32_t>(caps.keep >> (32 * i));
    uint32_t ambient = static_cast<uint32_t>(caps.ambient >> (32 * i));
    data[i].permitted = keep;
    data[i].effective = keep;
    data[i].inheritable = ambient;
  }
  if (syscall(SYS_capset, &header, data) != 0) return -1;
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    return -1;
  for (int cap = 0; cap <= caps.last_cap; ++cap)
    if (caps.ambient & (uint64_t{1} << cap))
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) return -1;
  return 0;
}

}  // namespace byre::caps
