// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "mount/options.hh"

#include <libmount/libmount.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace byre::mount {

namespace {
struct FreeChars {
  void operator()(char* p) const { std::free(p); }
};
using OwnedChars = std::unique_ptr<char, FreeChars>;
}  // namespace

ParsedOptions parse_options(const std::string& options) {
  ParsedOptions parsed;
  if (options.empty()) return parsed;
  unsigned long flags = 0;
  if (mnt_optstr_get_flags(options.c_str(), &flags,
                           mnt_get_builtin_optmap(MNT_LINUX_MAP)) != 0)
    throw std::invalid_argument("invalid mount options: \"" + options + "\"");
  char* fs = nullptr;
  if (mnt_split_optstr(options.c_str(), nullptr, nullptr, &fs, 0, 0) != 0)
    throw std::invalid_argument("invalid mount options: \"" + options + "\"");
  OwnedChars owned(fs);
  // libmount counts "rw" as the absence of MS_RDONLY, which is what we want.
  parsed.flags = flags;
  if (fs != nullptr) parsed.data = fs;
  return parsed;
}

unsigned long locked_flags(const std::string& path) {
  struct statvfs st;
  if (statvfs(path.c_str(), &st) != 0)
    throw std::system_error(errno, std::generic_category(),
                            "statvfs \"" + path + "\"");
  unsigned long flags = 0;
  if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

std::vector<std::string> mount_points() {
  std::unique_ptr<libmnt_table, decltype(&mnt_unref_table)> table(
      mnt_new_table(), &mnt_unref_table);
  if (!table) throw std::bad_alloc();
  if (int rc = mnt_table_parse_file(table.get(), "/proc/self/mountinfo"); rc != 0)
    throw std::system_error(rc < 0 ? -rc : EINVAL, std::generic_category(),
                            "read \"/proc/self/mountinfo\"");
  std::unique_ptr<libmnt_iter, decltype(&mnt_free_iter)> iter(
      mnt_new_iter(MNT_ITER_FORWARD), &mnt_free_iter);
  std::vector<std::string> points;
  libmnt_fs* fs = nullptr;
  while (mnt_table_next_fs(table.get(), iter.get(), &fs) == 0)
    if (const char* target = mnt_fs_get_target(fs)) points.emplace_back(target);
  return points;
}

}  // namespace byre::mount
