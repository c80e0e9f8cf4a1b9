// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "container/plan.hh"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "caps/caps.hh"
#include "mount/options.hh"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace byre::container {

void check_mount_point(const std::string& target) {
  if (target.empty() || target[0] != '/')
    throw std::invalid_argument("mount point \"" + target +
                                "\" is not an absolute file name");
  std::size_t start = 1;
  while (start <= target.size()) {
    std::size_t end = target.find('/', start);
    if (end == std::string::npos) end = target.size();
    std::string component = target.substr(start, end - start);
    if (component == "." || component == "..")
      throw std::invalid_argument("mount point \"" + target +
                                  "\" has a \"" + component + "\" component");
    start = end + 1;
  }
}

namespace {

// TARGET without its leading slashes and repeated or trailing slashes:
// the path relative to the new root.
std::string relative(const std::string& target) {
  std::string out;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == '/' && (out.empty() || out.back() == '/')) continue;
    out += target[i];
  }
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

bool exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

}  // namespace

const char* Plan::keep(std::string s) {
  strings_.push_back(std::move(s));
  return strings_.back().c_str();
}

void Plan::add_mount(const MountRequest& m) {
  check_mount_point(m.target);
  Step step{StepKind::mount};
  step.a = keep(m.source);
  step.b = keep(relative(m.target));
  step.c = m.type.empty() ? nullptr : keep(m.type);
  step.d = m.data.empty() ? nullptr : keep(m.data);
  step.flags = m.flags;
  step.bind = m.bind;
  step.read_only = m.read_only;
  step.may_fail = m.may_fail;
  step.create = m.create_mount_point;
  if (m.bind) {
    // Checked here so that a missing source is an error in the caller,
    // before anything is created.
    struct stat st;
    if (stat(m.source.c_str(), &st) != 0) {
      if (m.may_fail) return;
      throw std::system_error(errno, std::generic_category(),
                              "mount \"" + m.source + "\" on \"" + m.target + "\"");
    }
    step.is_file = !S_ISDIR(st.st_mode);
    if (m.read_only) step.extra = mount::locked_flags(m.source);
  }
  steps_.push_back(step);
}

void Plan::add_standard_file_systems() {
  const int ns = spec_.namespaces;
  auto mount_fs = [this](const char* type, const char* target,
                         unsigned long flags, const char* data) {
    Step s{StepKind::mount};
    s.a = type;
    s.b = target;
    s.c = type;
    s.d = data;
    s.flags = flags;
    steps_.push_back(s);
  };
  auto mkdir = [this](const char* target, uint32_t mode) {
    Step s{StepKind::make_directory};
    s.b = target;
    s.mode = mode;
    steps_.push_back(s);
  };
  auto symlink = [this](const char* content, const char* target) {
    Step s{StepKind::make_symlink};
    s.a = content;
    s.b = target;
    steps_.push_back(s);
  };
  auto bind_file = [this](const char* source, const char* target) {
    Step s{StepKind::mount};
    s.a = source;
    s.b = target;
    s.bind = true;
    s.is_file = true;
    steps_.push_back(s);
  };

  // A proc mount requires a new pid namespace, sysfs a new network one.
  if (ns & CLONE_NEWPID)
    mount_fs("proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  if (ns & CLONE_NEWNET)
    mount_fs("sysfs", "sys", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
             nullptr);

  mount_fs("tmpfs", "dev", MS_NOSUID | MS_STRICTATIME, "mode=0755");
  for (const char* device : {"/dev/null", "/dev/zero", "/dev/full",
                             "/dev/random", "/dev/urandom", "/dev/tty",
                             "/dev/fuse"})
    if (exists(device)) bind_file(device, device + 1);

  bool user_pts = false;
  for (const MountRequest& m : spec_.mounts)
    if (relative(m.target) == "dev/pts") user_pts = true;
  if (!user_pts) {
    // No gid= option: gid 5 may not be mapped (NOTES.md).
    mkdir("dev/pts", 0755);
    mount_fs("devpts", "dev/pts", MS_NOSUID | MS_NOEXEC,
             "newinstance,ptmxmode=0666,mode=0620");
  }
  symlink("pts/ptmx", "dev/ptmx");
  if (!spec_.console.empty()) bind_file(keep(spec_.console), "dev/console");
  symlink("/proc/self/fd", "dev/fd");
  symlink("/proc/self/fd/0", "dev/stdin");
  symlink("/proc/self/fd/1", "dev/stdout");
  symlink("/proc/self/fd/2", "dev/stderr");
}

Plan::Plan(const ContainerSpec& spec) : spec_(spec) {
  const int ns = spec_.namespaces;
  const bool new_mounts = (ns & CLONE_NEWNS) && !spec_.root.empty();

  if (spec_.uid != 0 || spec_.gid != 0 || !spec_.uid_map.empty()) {
    auto mapped = [](const std::vector<IdRange>& map, uint32_t id) {
      if (map.empty()) return true;
      for (const IdRange& r : map)
        if (id >= r.inside && id - r.inside < r.count) return true;
      return false;
    };
    if (!mapped(spec_.uid_map, spec_.uid))
      throw std::invalid_argument("guest uid " + std::to_string(spec_.uid) +
                                  " is not in the container's uid map");
    if (!mapped(spec_.gid_map, spec_.gid))
      throw std::invalid_argument("guest gid " + std::to_string(spec_.gid) +
                                  " is not in the container's gid map");
  }

  // Locking needs a nested user namespace whose map the child may write
  // itself: one id, its own.  The uts and ipc namespaces are then made with
  // it, so that they belong to the container's innermost user namespace and
  // its root may, say, set the hostname.  The network namespace cannot
  // wait: sysfs, mounted before pivot_root, must be that of a network
  // namespace the mounting user namespace owns.
  const bool lock = new_mounts && spec_.lock_mounts && (ns & CLONE_NEWUSER) &&
                    spec_.uid_map.size() == 1 && spec_.uid_map[0].count == 1 &&
                    spec_.gid_map.size() == 1 && spec_.gid_map[0].count == 1;
  deferred_ = lock ? ns & (CLONE_NEWUTS | CLONE_NEWIPC) : 0;

  if (ns & CLONE_NEWNS) steps_.push_back(Step{StepKind::make_private});
  if (new_mounts) {
    Step root{StepKind::mount_root};
    root.a = keep(spec_.root);
    steps_.push_back(root);
    Step open{StepKind::open_root};
    open.a = root.a;
    steps_.push_back(open);
    if (spec_.finish == Finish::exec && !spec_.child_is_pid1 &&
        (ns & CLONE_NEWPID) && !spec_.init_program.empty()) {
      Step init{StepKind::open_init};
      init.a = keep(spec_.init_program);
      steps_.push_back(init);
    }
    add_standard_file_systems();
    for (const MountRequest& m : spec_.mounts) add_mount(m);
    for (const auto& [path, target] : spec_.symlinks) {
      check_mount_point(path);
      Step link{StepKind::make_symlink};
      link.a = keep(target);
      link.b = keep(relative(path));
      steps_.push_back(link);
    }
    if ((ns & CLONE_NEWNET) && spec_.loopback_network) {
      Step etc{StepKind::make_directory};
      etc.b = "etc";
      steps_.push_back(etc);
      Step hosts{StepKind::write_file};
      hosts.a = "127.0.0.1 localhost\n::1 localhost\n";
      hosts.b = "etc/hosts";
      hosts.mode = 0644;
      hosts.may_fail = true;  // a read-only /etc mapping wins
      steps_.push_back(hosts);
    }
    Step pivot{StepKind::pivot_root};
    pivot.a = root.a;
    steps_.push_back(pivot);
    if (!spec_.writable_root) steps_.push_back(Step{StepKind::root_read_only});
  }
  // "lo" before the lock: the network namespace is the outer one's.
  if ((ns & CLONE_NEWNET) && spec_.loopback_network)
    steps_.push_back(Step{StepKind::loopback_up});
  if (lock) {
    inner_uid_map_ = std::to_string(spec_.uid_map[0].inside) + " " +
                     std::to_string(spec_.uid_map[0].inside) + " 1\n";
    inner_gid_map_ = std::to_string(spec_.gid_map[0].inside) + " " +
                     std::to_string(spec_.gid_map[0].inside) + " 1\n";
    Step step{StepKind::lock_mounts};
    step.a = inner_uid_map_.c_str();
    step.d = inner_gid_map_.c_str();
    step.flags = static_cast<unsigned long>(CLONE_NEWUSER | CLONE_NEWNS | deferred_);
    steps_.push_back(step);
  }
  if ((ns & CLONE_NEWUTS) && !spec_.hostname.empty()) {
    Step host{StepKind::set_hostname};
    host.a = keep(spec_.hostname);
    steps_.push_back(host);
  }
  steps_.push_back(Step{StepKind::new_session});
  Step ids{StepKind::set_ids};
  // setgroups is refused once "deny" was written for an unprivileged map.
  ids.bind = !(spec_.deny_setgroups && (ns & CLONE_NEWUSER));
  steps_.push_back(ids);

  caps_.keep = caps::mask(spec_.capabilities, spec_.default_capabilities);
  caps_.ambient = caps::mask(spec_.capabilities, false);
  caps_.last_cap = caps::last_capability();
  steps_.push_back(Step{StepKind::capabilities});
  steps_.push_back(Step{StepKind::no_new_privs});
  Step cd{StepKind::change_directory};
  cd.a = keep(spec_.directory.empty() ? std::string("/") : spec_.directory);
  steps_.push_back(cd);
  steps_.push_back(Step{StepKind::close_descriptors});
  Step signals{StepKind::reset_signals};
  signals.bind = spec_.finish == Finish::exec;
  steps_.push_back(signals);

  for (const std::string& arg : spec_.argv)
    argv_.push_back(const_cast<char*>(keep(arg)));
  argv_.push_back(nullptr);
  if (find(StepKind::open_init) < steps_.size()) {
    init_argv_.push_back(const_cast<char*>(keep("byre-init")));
    for (const std::string& arg : spec_.argv)
      init_argv_.push_back(const_cast<char*>(keep(arg)));
    init_argv_.push_back(nullptr);
  }
  for (const std::string& var : spec_.environment)
    envp_.push_back(const_cast<char*>(keep(var)));
  envp_.push_back(nullptr);
}

std::size_t Plan::find(StepKind kind) const {
  for (std::size_t i = 0; i < steps_.size(); ++i)
    if (steps_[i].kind == kind) return i;
  return steps_.size();
}

std::string Plan::describe(int index) const {
  if (index < 0 || static_cast<std::size_t>(index) >= steps_.size())
    return "container set-up";
  const Step& s = steps_[index];
  auto inside = [](const char* rel) { return std::string("/") + (rel ? rel : ""); };
  auto q = [](const std::string& x) { return "\"" + x + "\""; };
  switch (s.kind) {
    case StepKind::make_private: return "make mount propagation of \"/\" private";
    case StepKind::mount_root: return "mount tmpfs on " + q(s.a);
    case StepKind::open_root: return "open " + q(s.a);
    case StepKind::open_init: return "open " + q(s.a);
    case StepKind::mount:
      return std::string(s.bind ? "mount " : "mount ") + q(s.a) + " on " +
             q(inside(s.b)) + (s.read_only ? " read-only" : "");
    case StepKind::make_directory: return "mkdir " + q(inside(s.b));
    case StepKind::make_symlink: return "symlink " + q(inside(s.b));
    case StepKind::write_file: return "write " + q(inside(s.b));
    case StepKind::pivot_root: return "pivot_root " + q(s.a);
    case StepKind::root_read_only: return "remount \"/\" read-only";
    case StepKind::set_hostname: return "sethostname " + q(s.a);
    case StepKind::loopback_up: return "bring up \"lo\"";
    case StepKind::lock_mounts: return "lock the container's mounts";
    case StepKind::new_session: return "setsid";
    case StepKind::set_ids:
      return "switch to uid " + std::to_string(spec_.uid) + " gid " +
             std::to_string(spec_.gid);
    case StepKind::capabilities: return "set capabilities";
    case StepKind::no_new_privs: return "set no_new_privs";
    case StepKind::change_directory: return "chdir " + q(s.a);
    case StepKind::close_descriptors: return "close descriptors";
    case StepKind::reset_signals: return "reset signal dispositions";
  }
  return "container set-up";
}

// ---------------------------------------------------------------------------
// The child's side.  Everything below runs after the clone: system calls on
// memory prepared above, fixed-size buffers on the stack, no allocation.

namespace {

long open_beneath(int dirfd, const char* path, uint64_t flags, uint64_t mode) {
  struct open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = flags | O_CLOEXEC;
  how.mode = mode;
  // Absolute links and ".." that would leave the new root are refused
  // (EXDEV); so are magic links such as /proc/self/root.
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

// "/proc/self/fd/FD" in BUF.
const char* fd_path(char (&buf)[40], int fd) {
  static const char prefix[] = "/proc/self/fd/";
  std::memcpy(buf, prefix, sizeof prefix - 1);
  char digits[16];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + fd % 10);
    fd /= 10;
  } while (fd > 0);
  std::size_t at = sizeof prefix - 1;
  while (n > 0) buf[at++] = digits[--n];
  buf[at] = '\0';
  return buf;
}

// Open REL beneath ROOT as an O_PATH descriptor, creating the missing
// directories on the way and, when CREATE, the last component as a file
// (IS_FILE) or a directory.  Returns the descriptor or -1 with errno set.
int open_mount_point(int root, const char* rel, bool is_file, bool create) {
  char path[4096];
  std::size_t len = std::strlen(rel);
  if (len == 0) return static_cast<int>(open_beneath(root, ".", O_PATH, 0));
  if (len >= sizeof path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(path, rel, len + 1);
  long fd = open_beneath(root, path, O_PATH, 0);
  if (fd >= 0 || errno != ENOENT || !create) return static_cast<int>(fd);

  // Walk the components, creating each missing directory in its verified
  // parent.
  int parent = static_cast<int>(open_beneath(root, ".", O_PATH | O_DIRECTORY, 0));
  if (parent < 0) return -1;
  std::size_t start = 0;
  while (start < len) {
    std::size_t end = start;
    while (end < len && path[end] != '/') ++end;
    bool last = end == len;
    path[end] = '\0';
    const char* name = path + start;
    int next = static_cast<int>(open_beneath(parent, name, O_PATH, 0));
    if (next < 0 && errno == ENOENT) {
      int rc;
      if (last && is_file) {
        rc = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (rc >= 0) rc = close(rc);
      } else {
        rc = mkdirat(parent, name, 0755);
      }
      if (rc != 0 && errno != EEXIST) {
        int saved = errno;
        close(parent);
        errno = saved;
        return -1;
      }
      next = static_cast<int>(open_beneath(parent, name, O_PATH, 0));
    }
    int saved = errno;
    close(parent);
    if (next < 0) {
      errno = saved;
      return -1;
    }
    parent = next;
    if (!last) path[end] = '/';
    start = end + 1;
  }
  return parent;
}

bool write_all(int fd, const char* data) {
  std::size_t left = std::strlen(data);
  while (left > 0) {
    ssize_t n = write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

bool write_proc_file(int dir, const char* path, const char* data) {
  // The map files are opened after unshare: they belong to the namespace
  // the process is in when they are opened.
  int fd = openat(dir, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write_all(fd, data);
  int saved = errno;
  close(fd);
  errno = saved;
  return ok;
}

int do_mount(int root, const Step& s) {
  int fd = open_mount_point(root, s.b, s.bind && s.is_file, s.create);
  if (fd < 0) return -1;
  char target[40];
  fd_path(target, fd);
  int rc;
  if (s.bind) {
    rc = ::mount(s.a, target, nullptr, MS_BIND | MS_REC, nullptr);
    if (rc == 0 && s.read_only) {
      // Re-open: the bind is now on top of the mount point.
      close(fd);
      fd = open_mount_point(root, s.b, s.is_file, false);
      if (fd < 0) return -1;
      fd_path(target, fd);
      // The source's locked flags must be kept, or EPERM (NOTES.md).
      rc = ::mount(nullptr, target, nullptr,
                 MS_BIND | MS_REMOUNT | MS_RDONLY | s.extra, nullptr);
    }
  } else {
    rc = ::mount(s.a, target, s.c, s.flags, s.d);
  }
  int saved = errno;
  close(fd);
  errno = saved;
  return rc;
}

int lock_mounts(const Step& s, int proc_self) {
  // Mounts inherited by a mount namespace owned by a less privileged user
  // namespace are locked: they cannot be unmounted or made writable there.
  if (proc_self < 0) {
    errno = EBADF;
    return -1;
  }
  if (unshare(static_cast<int>(s.flags)) != 0) return -1;
  if (!write_proc_file(proc_self, "setgroups", "deny")) return -1;
  if (!write_proc_file(proc_self, "uid_map", s.a)) return -1;
  if (!write_proc_file(proc_self, "gid_map", s.d)) return -1;
  close(proc_self);
  return 0;
}

int loopback_up() {
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return -1;
  struct ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  std::memcpy(ifr.ifr_name, "lo", 3);
  int rc = ioctl(sock, SIOCGIFFLAGS, &ifr);
  if (rc == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    rc = ioctl(sock, SIOCSIFFLAGS, &ifr);
  }
  int saved = errno;
  close(sock);
  errno = saved;
  return rc;
}

int apply_capabilities(const CapabilityMasks& caps) {
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

}  // namespace

int Plan::run(std::size_t first, StepKind stop, int* error, State* state) const {
  int& root = state->root;
  for (std::size_t i = first; i < steps_.size(); ++i) {
    const Step& s = steps_[i];
    if (s.kind == stop) return -1;
    int rc = 0;
    switch (s.kind) {
      case StepKind::make_private:
        // Before anything is mounted, so that nothing propagates to the
        // host, even as root without a user namespace.
        rc = ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
        break;
      case StepKind::mount_root:
        rc = ::mount("none", s.a, "tmpfs", 0, "mode=0755");
        break;
      case StepKind::open_root:
        root = open(s.a, O_PATH | O_DIRECTORY | O_CLOEXEC);
        rc = root < 0 ? -1 : 0;
        if (rc == 0) {
          state->proc_self = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
          rc = state->proc_self < 0 ? -1 : 0;
        }
        break;
      case StepKind::open_init:
        state->init = open(s.a, O_PATH | O_CLOEXEC);
        rc = state->init < 0 ? -1 : 0;
        break;
      case StepKind::mount:
        rc = do_mount(root, s);
        break;
      case StepKind::make_directory: {
        int fd = open_mount_point(root, s.b, false, true);
        rc = fd < 0 ? -1 : close(fd);
        break;
      }
      case StepKind::make_symlink: {
        // The link's parent is verified beneath the root first.
        const char* slash = std::strrchr(s.b, '/');
        char parent_path[4096];
        const char* name = s.b;
        int parent;
        if (slash) {
          std::size_t n = static_cast<std::size_t>(slash - s.b);
          std::memcpy(parent_path, s.b, n);
          parent_path[n] = '\0';
          parent = open_mount_point(root, parent_path, false, true);
          name = slash + 1;
        } else {
          parent = static_cast<int>(open_beneath(root, ".", O_PATH | O_DIRECTORY, 0));
        }
        if (parent < 0) { rc = -1; break; }
        rc = symlinkat(s.a, parent, name);
        if (rc != 0 && errno == EEXIST) rc = 0;
        int saved = errno;
        close(parent);
        errno = saved;
        break;
      }
      case StepKind::write_file: {
        long fd = open_beneath(root, s.b, O_WRONLY | O_CREAT | O_EXCL, s.mode);
        if (fd < 0) {
          rc = (errno == EEXIST || s.may_fail) ? 0 : -1;
          break;
        }
        rc = write_all(static_cast<int>(fd), s.a) ? 0 : -1;
        int saved = errno;
        close(static_cast<int>(fd));
        errno = saved;
        break;
      }
      case StepKind::pivot_root:
        // pivot_root(".", ".") stacks the old root under the new one; the
        // lazy unmount then drops it without a put_old directory.
        rc = chdir(s.a);
        if (rc == 0) rc = static_cast<int>(syscall(SYS_pivot_root, ".", "."));
        if (rc == 0) rc = umount2(".", MNT_DETACH);
        if (rc == 0) rc = chdir("/");
        if (rc == 0 && root >= 0) {
          close(root);
          root = -1;
        }
        break;
      case StepKind::root_read_only:
        rc = ::mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr);
        break;
      case StepKind::set_hostname:
        rc = sethostname(s.a, std::strlen(s.a));
        break;
      case StepKind::loopback_up:
        rc = loopback_up();
        break;
      case StepKind::lock_mounts:
        rc = lock_mounts(s, state->proc_self);
        break;
      case StepKind::new_session:
        if (root >= 0) {  // the mounts are done
          close(root);
          root = -1;
        }
        // The container cannot inject input into the caller's terminal.
        rc = setsid() < 0 && errno != EPERM ? -1 : 0;
        break;
      case StepKind::set_ids:
        if (s.bind && setgroups(0, nullptr) != 0 && errno != EPERM) { rc = -1; break; }
        rc = setresgid(spec_.gid, spec_.gid, spec_.gid);
        if (rc == 0) rc = setresuid(spec_.uid, spec_.uid, spec_.uid);
        // setresuid clears the parent-death signal (NOTES.md).
        if (rc == 0) rc = prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        break;
      case StepKind::capabilities:
        rc = apply_capabilities(caps_);
        break;
      case StepKind::no_new_privs:
        rc = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        break;
      case StepKind::change_directory:
        rc = chdir(s.a);
        break;
      case StepKind::close_descriptors:
        // Only standard input, output and error reach the container.
        // The thunk form keeps Guile's own descriptors open (its threads'
        // pipes) but close-on-exec, so a program it runs gets none.
        rc = static_cast<int>(syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC));
        break;
      case StepKind::reset_signals: {
        // The exec form resets every disposition; the thunk form only those
        // of the signals a container is sent, since libgc's own signals
        // must keep their handlers in a Guile process.
        struct sigaction dfl;
        std::memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        if (s.bind) {
          for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
        } else {
          for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD})
            sigaction(sig, &dfl, nullptr);
        }
        sigset_t none;
        sigemptyset(&none);
        rc = sigprocmask(SIG_SETMASK, &none, nullptr);
        break;
      }
    }
    if (rc != 0 && !s.may_fail) {
      *error = errno;
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace byre::container
