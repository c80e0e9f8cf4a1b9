/* SPDX-License-Identifier: GPL-3.0-or-later
   Copyright (C) 2026 the byre authors

   The physical floor of a container start (issue 7): the kernel work of
   byre's plan for run-program-in-container with every namespace, done
   with the fewest system calls a small C program needs, N times.  Built
   by bench/container-floor.sh with cc; not installed.

     floor [-n RUNS] [-x] [-R] [-b SRC:DST]... [PROGRAM ARG...]

   Each run: clone with a new user, mount and PID namespace; the caller
   writes the id maps; the child makes the nested user namespace owning
   UTS, IPC and network namespaces (as byre does to lock the mounts),
   mounts a tmpfs root with /proc (its sensitive entries bound read-only
   or masked as byre does), /sys, /dev (tmpfs, the host's device nodes
   bound, devpts, the links), the read-only binds given with -b, writes
   /etc/hosts, pivots into the root, brings "lo" up, enters the nested
   namespaces and a locked mount namespace, drops capabilities, installs
   a seccomp filter of byre's length, and execs PROGRAM (default
   /usr/bin/true), or exits with -x (the thunk form's plan).  -R remounts
   the root read-only.  Prints the median and mean wall time of a run,
   from before the clone to after waitpid.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x1
#define MOUNT_ATTR_NOSUID 0x2
#define MOUNT_ATTR_NODEV 0x4
#define MOUNT_ATTR_NOEXEC 0x8
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

struct mount_attr_ {
  unsigned long long attr_set, attr_clr, propagation, userns_fd;
};

#define MAX_BINDS 64
static const char *bind_src[MAX_BINDS], *bind_dst[MAX_BINDS];
static int nbinds, exit_instead, root_read_only;
static uid_t caller_uid; /* the caller's uid: setgroups is denied for an unprivileged map */
static char **program;
static char root[64];
static int sync_pipe[2];
static char *const empty_env[] = {NULL};

static void die(const char *what) {
  /* In the child: report and leave with a status the parent sees.  */
  dprintf(2, "floor: %s: %s\n", what, strerror(errno));
  _exit(111);
}

static void write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, text, strlen(text)) < 0) die(path);
  close(fd);
}

static void setattr(const char *path, unsigned long long set) {
  struct mount_attr_ a = {set, 0, 0, 0};
  if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &a, sizeof a) != 0) die(path);
}

/* PATH beneath the root as a file system path in BUF.  */
static const char *in_root(char *buf, const char *rel) {
  snprintf(buf, 4096, "%s/%s", root, rel);
  return buf;
}

static void bind_ro(const char *src, const char *rel, unsigned long long attrs, int file) {
  char p[4096];
  in_root(p, rel);
  if (file) {
    int fd = open(p, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) die(p);
    close(fd);
  } else if (mkdir(p, 0755) != 0 && errno != EEXIST) {
    die(p);
  }
  if (mount(src ? src : p, p, NULL, MS_BIND | MS_REC, NULL) != 0) die(p);
  setattr(p, attrs);
}

static void mount_at(const char *type, const char *rel, unsigned long flags, const char *data,
                     int make) {
  char p[4096];
  in_root(p, rel);
  if (make && mkdir(p, 0755) != 0) die(p);
  if (mount(type, p, type, flags, data) != 0) die(p);
}

/* The nested namespaces' helper: made with CLONE_FILES, it opens its
   namespaces for the child, waits until the child wrote its maps.  */
static int ns_fds[4], helper_proc;
static int helper_pipe[2], helper_back[2];
static int helper(void *arg) {
  (void)arg;
  helper_proc = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
  ns_fds[0] = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  ns_fds[1] = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
  ns_fds[2] = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
  ns_fds[3] = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  char c = 1;
  if (write(helper_pipe[1], &c, 1) != 1) _exit(1);
  if (read(helper_back[0], &c, 1) != 1) _exit(1);
  _exit(0);
}

static const int kept_caps[] = {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID,
                                CAP_KILL, CAP_SETGID, CAP_SETUID, CAP_SETPCAP,
                                CAP_NET_BIND_SERVICE, CAP_NET_RAW, CAP_SYS_CHROOT,
                                CAP_MKNOD, CAP_AUDIT_WRITE, CAP_SETFCAP, CAP_SYS_ADMIN,
                                CAP_NET_ADMIN};

static int kept(int cap) {
  for (size_t i = 0; i < sizeof kept_caps / sizeof kept_caps[0]; ++i)
    if (kept_caps[i] == cap) return 1;
  return 0;
}

static struct sock_filter filter[63];
static struct sock_fprog fprog;

static void make_filter(void) {
  /* byre's default program is 63 instructions: a list of denied calls
     each answered with EPERM; this one denies 29 rarely used calls.  */
  static const int denied[] = {SYS_kexec_load, SYS_init_module, SYS_finit_module,
                               SYS_delete_module, SYS_iopl, SYS_ioperm, SYS_swapon,
                               SYS_swapoff, SYS_reboot, SYS_acct, SYS_settimeofday,
                               SYS_clock_settime, SYS_adjtimex, SYS_quotactl,
                               SYS_lookup_dcookie, SYS_perf_event_open, SYS_bpf,
                               SYS_userfaultfd, SYS_kexec_file_load, SYS_open_by_handle_at,
                               SYS_name_to_handle_at, SYS_add_key, SYS_request_key,
                               SYS_keyctl, SYS_uselib, SYS_personality, SYS_vhangup,
                               SYS_pivot_root, SYS_syslog};
  int n = 0, count = sizeof denied / sizeof denied[0];
  filter[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0);
  for (int i = 0; i < count; ++i)
    filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, denied[i],
                                               (unsigned char)(count - i), 0);
  filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
  fprog.len = (unsigned short)n;
  fprog.filter = filter;
}

static int child(void *arg) {
  (void)arg;
  char c, p[4096];
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (read(sync_pipe[0], &c, 1) != 1) die("sync");
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) die("private /");

  /* The nested user namespace, its maps written from here.  */
  static char helper_stack[65536] __attribute__((aligned(16)));
  if (pipe2(helper_pipe, O_CLOEXEC) || pipe2(helper_back, O_CLOEXEC)) die("pipe");
  pid_t h = clone(helper, helper_stack + sizeof helper_stack,
                  CLONE_VM | CLONE_FILES | CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC |
                      CLONE_NEWNET | SIGCHLD,
                  NULL);
  if (h < 0) die("nested clone");
  if (read(helper_pipe[0], &c, 1) != 1) die("helper");
  /* The helper's PID here is not the host /proc's: its /proc/self.  */
  for (int m = 0; m < 2; ++m) {
    int fd = openat(helper_proc, m ? "gid_map" : "uid_map", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0 0 1\n", 6) != 6) die("nested map");
    close(fd);
  }
  close(helper_proc);
  if (write(helper_back[1], &c, 1) != 1) die("helper");
  waitpid(h, NULL, __WALL);
  write_file("/proc/sys/kernel/ns_last_pid", "1");
  if (setns(ns_fds[3], CLONE_NEWNET) != 0) die("setns net");

  if (mount("none", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) die("root");
  mount_at("proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 1);
  static const char *protected[] = {"proc/sys", "proc/irq", "proc/bus", "proc/fs"};
  for (int i = 0; i < 4; ++i) {
    in_root(p, protected[i]);
    if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) != 0) die(p);
    setattr(p, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  }
  static const char *masked[] = {"proc/keys", "proc/timer_list", "proc/kallsyms"};
  for (int i = 0; i < 3; ++i)
    if (mount("/dev/null", in_root(p, masked[i]), NULL, MS_BIND, NULL) != 0) die(p);
  mount_at("tmpfs", "proc/acpi", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
           "size=0,mode=0555", 0);
  mount_at("sysfs", "sys", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 1);
  mount_at("tmpfs", "sys/firmware", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
           "size=0,mode=0555", 0);
  mount_at("tmpfs", "dev", MS_NOSUID | MS_STRICTATIME, "mode=0755", 1);
  static const char *devices[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                  "/dev/urandom", "/dev/tty", "/dev/fuse"};
  for (int i = 0; i < 7; ++i) bind_ro(devices[i], devices[i] + 1, MOUNT_ATTR_NOSUID, 1);
  mount_at("devpts", "dev/pts", MS_NOSUID | MS_NOEXEC,
           "newinstance,ptmxmode=0666,mode=0620", 1);
  static const char *links[][2] = {{"pts/ptmx", "dev/ptmx"},     {"/proc/self/fd", "dev/fd"},
                                   {"/proc/self/fd/0", "dev/stdin"},
                                   {"/proc/self/fd/1", "dev/stdout"},
                                   {"/proc/self/fd/2", "dev/stderr"}};
  for (int i = 0; i < 5; ++i)
    if (symlink(links[i][0], in_root(p, links[i][1])) != 0) die(p);
  for (int i = 0; i < nbinds; ++i)
    bind_ro(bind_src[i], bind_dst[i], MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
            0);
  if (mkdir(in_root(p, "etc"), 0755) != 0 && errno != EEXIST) die(p);
  int fd = open(in_root(p, "etc/hosts"), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd >= 0) {
    if (write(fd, "127.0.0.1 localhost\n::1 localhost\n", 34) != 34) die("hosts");
    close(fd);
  }
  if (chdir(root) || syscall(SYS_pivot_root, ".", ".") || umount2(".", MNT_DETACH) || chdir("/"))
    die("pivot_root");
  if (root_read_only && mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
    die("read-only root");

  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0) die("lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) die("lo up");
  close(s);
  if (setns(ns_fds[1], CLONE_NEWUTS) || setns(ns_fds[2], CLONE_NEWIPC) ||
      setns(ns_fds[0], CLONE_NEWUSER) || unshare(CLONE_NEWNS))
    die("nested namespaces");
  for (int i = 0; i < 4; ++i) close(ns_fds[i]);
  setsid();
  if ((caller_uid != 0 ? 0 : setgroups(0, NULL)) || setresgid(0, 0, 0) || setresuid(0, 0, 0)) die("ids");
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL);
  unsigned long long keep = 0;
  for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
    if (kept(cap)) keep |= 1ULL << cap;
    else if (prctl(PR_CAPBSET_DROP, cap) != 0) die("bounding set");
  }
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {{(unsigned)keep, (unsigned)keep, 0},
                                           {(unsigned)(keep >> 32), (unsigned)(keep >> 32), 0}};
  if (syscall(SYS_capset, &hdr, data) != 0) die("capset");
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("no_new_privs");
  syscall(SYS_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */);
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, NULL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) die("seccomp");
  if (exit_instead) _exit(0);
  execve(program[0], program, empty_env);
  die(program[0]);
  return 0;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void map_ids(pid_t pid, uid_t uid, gid_t gid) {
  char path[64], text[64];
  if (uid != 0) {
    snprintf(path, sizeof path, "/proc/%d/setgroups", pid);
    write_file(path, "deny");
  }
  snprintf(path, sizeof path, "/proc/%d/uid_map", pid);
  snprintf(text, sizeof text, "0 %u 1\n", uid);
  write_file(path, text);
  snprintf(path, sizeof path, "/proc/%d/gid_map", pid);
  snprintf(text, sizeof text, "0 %u 1\n", gid);
  write_file(path, text);
}

int main(int argc, char **argv) {
  int runs = 300, opt;
  static char *default_program[] = {"/usr/bin/true", NULL};
  while ((opt = getopt(argc, argv, "+n:xRb:")) != -1) {
    switch (opt) {
      case 'n': runs = atoi(optarg); break;
      case 'x': exit_instead = 1; break;
      case 'R': root_read_only = 1; break;
      case 'b': {
        char *colon = strchr(optarg, ':');
        if (!colon || nbinds == MAX_BINDS) {
          fprintf(stderr, "floor: -b SRC:DST (DST relative to the root), at most %d\n",
                  MAX_BINDS);
          return 2;
        }
        *colon = '\0';
        bind_src[nbinds] = optarg;
        bind_dst[nbinds++] = colon + 1;
        break;
      }
      default:
        fprintf(stderr, "usage: floor [-n RUNS] [-x] [-R] [-b SRC:DST]... [PROGRAM ARG...]\n");
        return 2;
    }
  }
  program = optind < argc ? argv + optind : default_program;
  if (runs < 1) runs = 1;
  make_filter();
  strcpy(root, "/tmp/floor-root.XXXXXX");
  if (!mkdtemp(root)) {
    perror("mkdtemp");
    return 1;
  }
  uid_t uid = getuid();
  caller_uid = uid;
  gid_t gid = getgid();
  size_t stack_size = 256 * 1024;
  char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  double *times = calloc((size_t)runs + 2, sizeof *times);
  int failed = 0;
  for (int i = -2; i < runs; ++i) { /* two warm-up runs */
    double t0 = now_ms();
    if (pipe2(sync_pipe, O_CLOEXEC) != 0) return 1;
    pid_t pid = clone(child, stack + stack_size,
                      CLONE_VM | CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | SIGCHLD, NULL);
    if (pid < 0) {
      perror("clone");
      return 1;
    }
    map_ids(pid, uid, gid);
    if (write(sync_pipe[1], "g", 1) != 1) return 1;
    int status;
    waitpid(pid, &status, 0);
    close(sync_pipe[0]);
    close(sync_pipe[1]);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      failed = 1;
      break;
    }
    if (i >= 0) times[i] = now_ms() - t0;
  }
  rmdir(root);
  if (failed) {
    fprintf(stderr, "floor: a run failed\n");
    return 1;
  }
  double sum = 0;
  for (int i = 0; i < runs; ++i) sum += times[i];
  qsort(times, (size_t)runs, sizeof *times, compare);
  printf("median %.3f ms  mean %.3f ms  (%d runs, %d binds, %s)\n", times[runs / 2], sum / runs,
         runs, nbinds, exit_instead ? "exit" : program[0]);
  return 0;
}
