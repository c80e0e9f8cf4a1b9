// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "container/plan.hh"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "caps/caps.hh"
#include "mount/options.hh"
#include "mount/rules.hh"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace byre::container {

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

Step step(StepKind kind) {
  Step s;
  s.kind = kind;
  return s;
}

}  // namespace

const char* Plan::keep(std::string s) {
  strings_.push_back(std::move(s));
  return strings_.back().c_str();
}

void Plan::add_mount(const MountRequest& m) {
  mount::check_mount_point(m.target);
  Step s = step(m.bind ? StepKind::bind_mount : StepKind::mount_fs);
  s.may_fail = m.may_fail;
  s.mount.source = keep(m.source);
  s.mount.dest = keep(relative(m.target));
  s.mount.fs_type = m.type.empty() ? nullptr : keep(m.type);
  s.mount.data = m.data.empty() ? nullptr : keep(m.data);
  s.mount.flags = m.flags;
  s.mount.read_only = m.read_only;
  s.mount.create_dest = m.create_mount_point;
  if (m.bind) {
    // Checked here so that a missing source is an error in the caller,
    // before anything is created.
    struct stat st;
    if (stat(m.source.c_str(), &st) != 0) {
      if (m.may_fail) return;
      throw std::system_error(errno, std::generic_category(),
                              "mount \"" + m.source + "\" on \"" + m.target + "\"");
    }
    s.mount.dest_is_file = !S_ISDIR(st.st_mode);
    s.mount.device = S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode);
    if (m.read_only || m.flags != 0) s.mount.keep_flags = mount::locked_flags(m.source);
  }
  add(s);
}

void Plan::add_standard_file_systems() {
  const int ns = spec_.namespaces;
  auto mount_fs = [this](const char* type, const char* dest, unsigned long flags,
                         const char* data) {
    Step s = step(StepKind::mount_fs);
    s.mount.source = type;
    s.mount.dest = dest;
    s.mount.fs_type = type;
    s.mount.data = data;
    s.mount.flags = flags;
    add(s);
  };
  auto mkdir = [this](const char* path) {
    Step s = step(StepKind::make_directory);
    s.path = path;
    add(s);
  };
  auto symlink = [this](const char* target, const char* path) {
    Step s = step(StepKind::make_symlink);
    s.path = path;
    s.text = target;
    add(s);
  };
  auto bind_file = [this](const char* source, const char* dest) {
    Step s = step(StepKind::bind_mount);
    s.mount.source = source;
    s.mount.dest = dest;
    s.mount.dest_is_file = true;
    s.mount.device = true;
    add(s);
  };
  // Only the entries this kernel has: the container's /proc and /sys show
  // the same as the caller's.
  auto guard = [this](std::initializer_list<const char*> paths, StepKind kind) {
    for (const char* p : paths) {
      struct stat st;
      if (lstat((std::string("/") + p).c_str(), &st) != 0) continue;
      Step s = step(kind);
      s.path = p;
      s.is_file = !S_ISDIR(st.st_mode);
      add(s);
    }
  };

  // A proc mount requires a new pid namespace, sysfs a new network one.
  if (ns & CLONE_NEWPID) {
    mount_fs("proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    // The host kernel's settings read-only, its secrets hidden, as runc.
    guard({"proc/sys", "proc/sysrq-trigger", "proc/irq", "proc/bus", "proc/fs"},
          StepKind::protect);
    guard({"proc/kcore", "proc/keys", "proc/timer_list", "proc/timer_stats",
           "proc/latency_stats", "proc/sched_debug", "proc/kallsyms", "proc/acpi",
           "proc/asound", "proc/scsi"},
          StepKind::mask);
  }
  if (ns & CLONE_NEWNET) {
    mount_fs("sysfs", "sys", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, nullptr);
    guard({"sys/firmware", "sys/devices/virtual/powercap"}, StepKind::mask);
  }

  mount_fs("tmpfs", "dev", MS_NOSUID | MS_STRICTATIME, "mode=0755");
  for (const char* device : {"/dev/null", "/dev/zero", "/dev/full",
                             "/dev/random", "/dev/urandom", "/dev/tty",
                             "/dev/fuse"})
    if (exists(device)) bind_file(device, device + 1);

  bool user_pts = false;
  for (const MountRequest& m : spec_.mounts)
    if (relative(m.target) == "dev/pts") user_pts = true;
  if (!user_pts) {
    // No gid= option: gid 5 may not be mapped (doc/measurements.md).
    mkdir("dev/pts");
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
  const bool user_ns = (ns & CLONE_NEWUSER) && !spec_.uid_map.empty();


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

  // The container's own namespaces (doc/hacking.md): with a user namespace,
  // the process ends in a nested one that owns its uts, ipc and network
  // namespaces, while its mounts belong to the outer one (or, locked, to a
  // mount namespace whose mounts the kernel locked).  Its root then holds
  // CAP_SYS_ADMIN and CAP_NET_ADMIN over what it owns only.  Without
  // locking (#:lock-mounts? #f) the mounts stay in the one user namespace,
  // whose root must then not hold CAP_SYS_ADMIN: no nesting.
  const bool lock = new_mounts && spec_.lock_mounts && user_ns;
  const int ownable = ns & (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET);
  const bool unlocked_mounts = (ns & CLONE_NEWNS) && !spec_.lock_mounts;
  nested_ = user_ns && (lock || (ownable != 0 && !unlocked_mounts));
  if (nested_) {
    nesting_.namespaces = ownable;
    nesting_.uid_map = keep(namespaces::identity_map_text(spec_.uid_map));
    nesting_.gid_map = keep(namespaces::identity_map_text(spec_.gid_map));
    nesting_.lock_mounts = lock;
    nesting_.reset_last_pid = (ns & CLONE_NEWPID) != 0;
  }

  if (ns & CLONE_NEWNS) add(step(StepKind::make_private));
  if (nested_) add(step(StepKind::make_nested));
  if (new_mounts) {
    const char* root = keep(spec_.root);
    Step mount_root = step(StepKind::mount_root);
    mount_root.path = root;
    add(mount_root);
    Step open_root = step(StepKind::open_root);
    open_root.path = root;
    add(open_root);
    if (spec_.finish == Finish::exec && !spec_.child_is_pid1 &&
        (ns & CLONE_NEWPID) && !spec_.init_program.empty()) {
      Step init = step(StepKind::open_init);
      init.path = keep(spec_.init_program);
      add(init);
    }
    add_standard_file_systems();
    for (const MountRequest& m : spec_.mounts) add_mount(m);
    for (const auto& [path, target] : spec_.symlinks) {
      mount::check_mount_point(path);
      Step link = step(StepKind::make_symlink);
      link.path = keep(relative(path));
      link.text = keep(target);
      add(link);
    }
    if ((ns & CLONE_NEWNET) && spec_.loopback_network) {
      Step etc = step(StepKind::make_directory);
      etc.path = "etc";
      add(etc);
      Step hosts = step(StepKind::write_file);
      hosts.path = "etc/hosts";
      hosts.text = "127.0.0.1 localhost\n::1 localhost\n";
      hosts.mode = 0644;
      hosts.may_fail = true;  // a read-only /etc mapping wins
      add(hosts);
    }
    Step pivot = step(StepKind::pivot_root);
    pivot.path = root;
    add(pivot);
    if (!spec_.writable_root) add(step(StepKind::root_read_only));
  }
  if ((ns & CLONE_NEWNET) && spec_.loopback_network) add(step(StepKind::loopback_up));
  if (nested_) add(step(StepKind::enter_nested));
  if ((ns & CLONE_NEWUTS) && !spec_.hostname.empty()) {
    Step host = step(StepKind::set_hostname);
    host.text = keep(spec_.hostname);
    add(host);
  }
  add(step(StepKind::new_session));
  Step ids = step(StepKind::set_ids);
  // setgroups is refused once "deny" was written for an unprivileged map.
  ids.drop_groups = !((ns & CLONE_NEWUSER) &&
                      spec_.map_writer == MapWriter::caller_deny_setgroups);
  add(ids);
  // The caller's keys out of reach (a keyring of the new ids).
  add(step(StepKind::session_keyring));

  std::vector<int> keep_caps = spec_.capabilities;
  if (nesting_.namespaces & (CLONE_NEWUTS | CLONE_NEWIPC)) keep_caps.push_back(CAP_SYS_ADMIN);
  if (nesting_.namespaces & CLONE_NEWNET) keep_caps.push_back(CAP_NET_ADMIN);
  caps_.keep = caps::mask(keep_caps, false);
  caps_.ambient = caps::mask(spec_.ambient_capabilities, false);
  if ((caps_.ambient & ~caps_.keep) != 0)
    throw std::invalid_argument("ambient capabilities must be among the capabilities kept");
  caps_.last_cap = caps::last_capability();
  add(step(StepKind::capabilities));
  add(step(StepKind::no_new_privs));
  Step cd = step(StepKind::change_directory);
  cd.path = keep(spec_.directory.empty() ? std::string("/") : spec_.directory);
  add(cd);
  if (spec_.stdio[0] >= 0 || spec_.stdio[1] >= 0 || spec_.stdio[2] >= 0)
    add(step(StepKind::standard_streams));
  add(step(StepKind::close_descriptors));
  Step signals = step(StepKind::reset_signals);
  signals.every_signal = spec_.finish == Finish::exec;
  add(signals);
  if (spec_.seccomp) {
    // Last, since it forbids some of the set-up's own calls; compiled once
    // per process, here, so that the child allocates nothing.
    seccomp::Variant variant = (caps_.keep >> CAP_SYS_ADMIN) & 1 &&
                                       !(nesting_.namespaces & (CLONE_NEWUTS | CLONE_NEWIPC))
                                   ? seccomp::Variant::with_sys_admin
                                   : seccomp::Variant::default_;
    if (spec_.seccomp_custom) {
      custom_filter_ = seccomp::compile(spec_.seccomp_rules, variant);
      filter_ = &custom_filter_;
    } else {
      filter_ = &seccomp::default_program(variant);
    }
    add(step(StepKind::seccomp));
  }

  for (const std::string& arg : spec_.argv) argv_.push_back(const_cast<char*>(keep(arg)));
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
    case StepKind::make_nested: return "make the container's own user namespace";
    case StepKind::mount_root: return "mount tmpfs on " + q(s.path);
    case StepKind::open_root: return "open " + q(s.path);
    case StepKind::open_init: return "open " + q(s.path);
    case StepKind::mount_fs:
      return "mount " + std::string(s.mount.fs_type ? s.mount.fs_type : "") + " " +
             q(s.mount.source) + " on " + q(inside(s.mount.dest));
    case StepKind::bind_mount:
      return "mount " + q(s.mount.source) + " on " + q(inside(s.mount.dest)) +
             (s.mount.read_only ? " read-only" : "");
    case StepKind::make_directory: return "mkdir " + q(inside(s.path));
    case StepKind::make_symlink: return "symlink " + q(inside(s.path));
    case StepKind::write_file: return "write " + q(inside(s.path));
    case StepKind::pivot_root: return "pivot_root " + q(s.path);
    case StepKind::root_read_only: return "remount \"/\" read-only";
    case StepKind::loopback_up: return "bring up \"lo\"";
    case StepKind::enter_nested:
      return nesting_.lock_mounts ? "enter the container's own user namespace and lock its mounts"
                                  : "enter the container's own user namespace";
    case StepKind::set_hostname: return "sethostname " + q(s.text);
    case StepKind::new_session: return "setsid";
    case StepKind::set_ids:
      return "switch to uid " + std::to_string(spec_.uid) + " gid " +
             std::to_string(spec_.gid);
    case StepKind::capabilities: return "set capabilities";
    case StepKind::no_new_privs: return "set no_new_privs";
    case StepKind::change_directory: return "chdir " + q(s.path);
    case StepKind::standard_streams: return "set standard input, output and error";
    case StepKind::close_descriptors: return "close descriptors";
    case StepKind::reset_signals: return "reset signal dispositions";
    case StepKind::protect: return "bind \"/" + std::string(s.path) + "\" read-only";
    case StepKind::mask: return "mask \"/" + std::string(s.path) + "\"";
    case StepKind::session_keyring: return "join a new session keyring";
    case StepKind::seccomp: return "install the seccomp filter";
  }
  return "container set-up";
}

// ---------------------------------------------------------------------------
// The child's side.  Everything below runs after the clone: system calls on
// memory prepared above, fixed-size buffers on the stack, no allocation.

namespace {

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

int standard_streams(const int (&fds)[3]) {
  for (int i = 0; i < 3; ++i) {
    if (fds[i] < 0) continue;
    if (fds[i] == i) {
      // dup2 onto itself keeps close-on-exec: clear it.
      int flags = fcntl(i, F_GETFD);
      if (flags < 0 || fcntl(i, F_SETFD, flags & ~FD_CLOEXEC) != 0) return -1;
    } else if (dup2(fds[i], i) < 0) {
      return -1;
    }
  }
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
      case StepKind::make_nested:
        rc = namespaces::make_nested(nesting_, &state->nested);
        break;
      case StepKind::mount_root:
        rc = ::mount("none", s.path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
        break;
      case StepKind::open_root:
        root = open(s.path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        rc = root < 0 ? -1 : 0;
        break;
      case StepKind::open_init:
        state->init = open(s.path, O_PATH | O_CLOEXEC);
        rc = state->init < 0 ? -1 : 0;
        break;
      case StepKind::mount_fs:
        rc = mount::mount_file_system(root, s.mount);
        break;
      case StepKind::bind_mount:
        rc = mount::bind_mount(root, s.mount);
        break;
      case StepKind::make_directory:
        rc = mount::make_directory(root, s.path);
        break;
      case StepKind::make_symlink:
        rc = mount::make_symlink(root, s.path, s.text);
        break;
      case StepKind::write_file:
        rc = mount::write_new_file(root, s.path, s.text, s.mode);
        break;
      case StepKind::pivot_root:
        rc = mount::pivot_root_to(s.path);
        if (rc == 0 && root >= 0) {
          close(root);
          root = -1;
        }
        break;
      case StepKind::root_read_only:
        rc = mount::remount_root_read_only();
        break;
      case StepKind::loopback_up:
        rc = loopback_up();
        break;
      case StepKind::enter_nested:
        rc = namespaces::enter_nested(nesting_, &state->nested);
        break;
      case StepKind::set_hostname:
        rc = sethostname(s.text, std::strlen(s.text));
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
        // Raw system calls: the C library's wrappers would try to change
        // the ids of every thread of the caller too (the exec form's child
        // shares its memory).
        if (s.drop_groups && syscall(SYS_setgroups, 0, nullptr) != 0 && errno != EPERM) {
          rc = -1;
          break;
        }
        rc = static_cast<int>(syscall(SYS_setresgid, spec_.gid, spec_.gid, spec_.gid));
        if (rc == 0) rc = static_cast<int>(syscall(SYS_setresuid, spec_.uid, spec_.uid, spec_.uid));
        // setresuid clears the parent-death signal (doc/measurements.md).
        if (rc == 0) rc = prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        break;
      case StepKind::capabilities:
        rc = caps::apply(caps_);
        break;
      case StepKind::no_new_privs:
        rc = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        break;
      case StepKind::change_directory:
        rc = chdir(s.path);
        break;
      case StepKind::standard_streams:
        rc = standard_streams(spec_.stdio);
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
        if (s.every_signal) {
          for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
        } else {
          for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD})
            sigaction(sig, &dfl, nullptr);
        }
        // byre-init starts with every signal blocked (the mask survives
        // execve) and takes them with sigwaitinfo: one sent before it is
        // ready waits for it, instead of being dropped as PID 1 drops
        // signals it has no handler for.
        sigset_t mask;
        if (state->init >= 0) sigfillset(&mask);
        else sigemptyset(&mask);
        rc = sigprocmask(SIG_SETMASK, &mask, nullptr);
        break;
      }
      case StepKind::protect:
        rc = mount::protect(state->root, s.path, s.is_file);
        break;
      case StepKind::mask:
        rc = mount::mask(state->root, s.path, s.is_file);
        break;
      case StepKind::session_keyring:
        rc = syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, nullptr) < 0 &&
                     errno != ENOSYS ? -1 : 0;
        break;
      case StepKind::seccomp:
        rc = filter_ ? seccomp::install(*filter_) : 0;
        break;
    }
    if (rc != 0 && !s.may_fail) {
      *error = errno;
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace byre::container
