// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "cgroup/limits.hh"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <system_error>

namespace byre::cgroup {

namespace {

struct Mount {
  std::string point;
  bool v2 = false;
  std::vector<std::string> controllers;  // v1: those bound to it
};

std::vector<std::string> split(const std::string& s, char c) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, c)) out.push_back(item);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  for (const std::string& s : v)
    if (s == x) return true;
  return false;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : write(fd, text.data(), text.size());
  int error = errno;
  if (fd >= 0) close(fd);
  if (n != static_cast<ssize_t>(text.size()))
    throw std::system_error(error, std::generic_category(),
                            "write \"" + text + "\" to \"" + path + "\"");
}

std::vector<Mount> cgroup_mounts() {
  std::vector<Mount> out;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::vector<std::string> left = split(line.substr(0, dash), ' ');
    std::vector<std::string> right = split(line.substr(dash + 3), ' ');
    if (left.size() < 5 || right.size() < 3) continue;
    Mount m;
    m.point = left[4];
    if (right[0] == "cgroup2") {
      m.v2 = true;
    } else if (right[0] == "cgroup") {
      for (const std::string& option : split(right[2], ','))
        if (option != "rw" && option != "ro") m.controllers.push_back(option);
    } else {
      continue;
    }
    out.push_back(m);
  }
  return out;
}

// This process's cgroup in each hierarchy: "" for v2, else the
// controller's name.
std::map<std::string, std::string> own_cgroups() {
  std::map<std::string, std::string> out;
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    std::size_t a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string controllers = line.substr(a + 1, b - a - 1);
    std::string path = line.substr(b + 1);
    if (controllers.empty()) out[""] = path;
    for (const std::string& c : split(controllers, ',')) out[c] = path;
  }
  return out;
}

std::string join(const std::string& mount, const std::string& path) {
  return path == "/" ? mount : mount + path;
}

[[noreturn]] void cannot(int error, const std::string& dir) {
  throw std::system_error(
      error, std::generic_category(),
      "make the cgroup \"" + dir + "\" for the container's limits (limits need a cgroup "
      "the caller may manage: run as root, or in a delegated cgroup, e.g. under "
      "`systemd-run --user --scope -p Delegate=yes`)");
}

// Directories handed over, by the pid of the container's first process.
std::mutex registry_mutex;
std::multimap<pid_t, std::string> registry;
std::atomic<unsigned> counter{0};
pid_t registry_owner = 0;

extern "C" void remove_all_at_exit() {
  if (registry_owner != getpid()) return;  // a container's own exit
  std::lock_guard<std::mutex> lock(registry_mutex);
  for (auto& [pid, dir] : registry) rmdir(dir.c_str());
  registry.clear();
}

}  // namespace

Group::Group(const Limits& limits) {
  remove_reaped();
  std::vector<Mount> mounts = cgroup_mounts();
  std::map<std::string, std::string> own = own_cgroups();
  const std::string name = "byre-" + std::to_string(getpid()) + "-" +
                           std::to_string(counter.fetch_add(1));
  const Mount* v2 = nullptr;
  for (const Mount& m : mounts)
    if (m.v2) v2 = &m;
  std::string v2_parent = v2 && own.count("") ? join(v2->point, own[""]) : "";
  std::vector<std::string> v2_controllers =
      v2_parent.empty() ? std::vector<std::string>()
                        : split(read_text(v2_parent + "/cgroup.controllers"), ' ');
  for (std::string& c : v2_controllers)
    while (!c.empty() && (c.back() == '\n')) c.pop_back();

  // Each controller's directory, made on first use.
  std::map<std::string, std::string> dir_of;
  auto directory = [&](const std::string& controller) -> std::string {
    auto it = dir_of.find(controller);
    if (it != dir_of.end()) return it->second;
    std::string dir;
    if (contains(v2_controllers, controller)) {
      dir = v2_parent + "/" + name;
      std::string enabled = read_text(v2_parent + "/cgroup.subtree_control");
      if (!contains(split(enabled.substr(0, enabled.find('\n')), ' '), controller)) {
        try {
          write_text(v2_parent + "/cgroup.subtree_control", "+" + controller);
        } catch (const std::system_error& e) {
          cannot(e.code().value(), dir);
        }
      }
    } else {
      for (const Mount& m : mounts)
        if (!m.v2 && contains(m.controllers, controller) && own.count(controller))
          dir = join(m.point, own[controller]) + "/" + name;
      if (dir.empty())
        throw std::system_error(ENOTSUP, std::generic_category(),
                                "this system has no cgroup controller \"" + controller +
                                    "\" for the container's limits");
    }
    if (!contains(directories_, dir)) {
      if (mkdir(dir.c_str(), 0755) != 0) cannot(errno, dir);
      directories_.push_back(dir);
    }
    dir_of[controller] = dir;
    return dir;
  };
  auto v1 = [&](const std::string& controller) {
    return !contains(v2_controllers, controller);
  };

  try {
    if (limits.pids > 0)
      write_text(directory("pids") + "/pids.max", std::to_string(limits.pids));
    if (limits.memory > 0) {
      std::string dir = directory("memory");
      if (v1("memory")) {
        write_text(dir + "/memory.limit_in_bytes", std::to_string(limits.memory));
      } else {
        write_text(dir + "/memory.max", std::to_string(limits.memory));
        // No swap beyond the limit, where swap is accounted.
        if (access((dir + "/memory.swap.max").c_str(), F_OK) == 0)
          write_text(dir + "/memory.swap.max", "0");
      }
    }
    if (limits.cpu_quota_us > 0) {
      std::string dir = directory("cpu");
      if (v1("cpu")) {
        write_text(dir + "/cpu.cfs_period_us", std::to_string(limits.cpu_period_us));
        write_text(dir + "/cpu.cfs_quota_us", std::to_string(limits.cpu_quota_us));
      } else {
        write_text(dir + "/cpu.max", std::to_string(limits.cpu_quota_us) + " " +
                                         std::to_string(limits.cpu_period_us));
      }
    }
  } catch (...) {
    for (const std::string& dir : directories_) rmdir(dir.c_str());
    throw;
  }
}

Group::~Group() {
  if (!released_)
    for (const std::string& dir : directories_) rmdir(dir.c_str());
}

void Group::add(pid_t pid) {
  for (const std::string& dir : directories_)
    write_text(dir + "/cgroup.procs", std::to_string(pid));
}

void Group::release_to(pid_t pid) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  if (registry_owner != getpid()) {
    if (registry_owner == 0) std::atexit(remove_all_at_exit);
    registry.clear();  // a copy inherited from the parent process
    registry_owner = getpid();
  }
  for (const std::string& dir : directories_) registry.emplace(pid, dir);
  released_ = true;
}

void reaped(pid_t pid) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  if (registry_owner != getpid()) return;
  auto range = registry.equal_range(pid);
  for (auto it = range.first; it != range.second;) {
    // Still busy: the container's last processes are being killed; a
    // later sweep, or the exit, removes it.
    if (rmdir(it->second.c_str()) == 0 || errno == ENOENT) it = registry.erase(it);
    else ++it;
  }
}

void remove_reaped() {
  std::lock_guard<std::mutex> lock(registry_mutex);
  if (registry_owner != getpid()) return;
  for (auto it = registry.begin(); it != registry.end();) {
    if (kill(it->first, 0) != 0 && errno == ESRCH &&
        (rmdir(it->second.c_str()) == 0 || errno == ENOENT))
      it = registry.erase(it);
    else
      ++it;
  }
}

}  // namespace byre::cgroup
