// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "process/spawn.hh"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace byre::process {

namespace {

[[noreturn]] void fail(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

// A descriptor closed when it goes out of scope.
struct Descriptor {
  int fd = -1;
  Descriptor() = default;
  explicit Descriptor(int f) : fd(f) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// Keep descriptors the child installs as 0, 1 and 2 out of that range, so
// that one dup2 can never overwrite another's source.
int above_stdio(int fd, const std::string& what) {
  if (fd < 0 || fd > 2) return fd;
  int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  int error = errno;
  ::close(fd);
  if (moved < 0) fail(error, what);
  return moved;
}

// Which step of the child failed, in memory the parent shares.
enum class Step { none, session, limit, directory, input, output, groups, group, user, exec };

struct Child {
  const SpawnRequest* request;
  const char* path;
  char* const* argv;
  char* const* envp;
  int input_fd;
  int output_fd;
  const gid_t* groups;
  size_t group_count;
  // Written by the child, read by the parent once it has exec'd or exited.
  Step failed_step;
  int error;
};

int child_main(void* p) {
  auto* c = static_cast<Child*>(p);
  const SpawnRequest& r = *c->request;
  // Default dispositions first (the signal table is the child's own: no
  // CLONE_SIGHAND), while every signal is still blocked.
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);

  auto die = [c](Step step) {
    c->failed_step = step;
    c->error = errno;
    ::_exit(127);
  };
  if (r.new_session && ::setsid() < 0) die(Step::session);
  for (const ResourceLimit& l : r.resource_limits) {
    struct rlimit limit = {l.soft, l.hard};
    if (::setrlimit(l.resource, &limit) < 0) die(Step::limit);
  }
  if (!r.directory.empty() && ::chdir(r.directory.c_str()) < 0) die(Step::directory);
  if (::dup2(c->input_fd, 0) < 0) die(Step::input);
  if (c->output_fd >= 0 && (::dup2(c->output_fd, 1) < 0 || ::dup2(c->output_fd, 2) < 0))
    die(Step::output);
  // Groups before the group, the group before the user: each needs the
  // privileges the next one drops.
  if (c->groups != nullptr && ::setgroups(c->group_count, c->groups) < 0) die(Step::groups);
  if (r.group && ::setgid(*r.group) < 0) die(Step::group);
  if (r.user && ::setuid(*r.user) < 0) die(Step::user);
  if (r.file_creation_mask) ::umask(*r.file_creation_mask);
  // Nothing of the init's own descriptors reaches the service.
  if (::syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
    for (int fd = 3; fd < 1024; ++fd) ::close(fd);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(c->path, c->argv, c->envp);
  die(Step::exec);
  return 127;
}

std::string describe(Step step, const SpawnRequest& r, const std::string& path) {
  switch (step) {
    case Step::session: return "setsid for \"" + path + "\"";
    case Step::limit: return "setrlimit for \"" + path + "\"";
    case Step::directory: return "chdir to \"" + r.directory + "\" for \"" + path + "\"";
    case Step::input: return "dup2 of \"" + r.input_file + "\" for \"" + path + "\"";
    case Step::output: return "dup2 of the log for \"" + path + "\"";
    case Step::groups: return "setgroups for \"" + path + "\"";
    case Step::group: return "setgid " + std::to_string(*r.group) + " for \"" + path + "\"";
    case Step::user: return "setuid " + std::to_string(*r.user) + " for \"" + path + "\"";
    case Step::exec: return "exec \"" + path + "\"";
    case Step::none: break;
  }
  return "spawn \"" + path + "\"";
}

}  // namespace

int resource_by_name(const std::string& name) {
  static const struct {
    const char* name;
    int resource;
  } table[] = {
      {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},
      {"cpu", RLIMIT_CPU},         {"data", RLIMIT_DATA},
      {"fsize", RLIMIT_FSIZE},     {"locks", RLIMIT_LOCKS},
      {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE},
      {"nice", RLIMIT_NICE},       {"nofile", RLIMIT_NOFILE},
      {"nproc", RLIMIT_NPROC},     {"rss", RLIMIT_RSS},
      {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},
      {"sigpending", RLIMIT_SIGPENDING}, {"stack", RLIMIT_STACK},
  };
  for (const auto& entry : table)
    if (name == entry.name) return entry.resource;
  return -1;
}

std::string find_program(const std::string& program, const std::string& search_path) {
  if (program.empty()) fail(ENOENT, "exec \"\"");
  if (program.find('/') != std::string::npos) return program;
  int error = ENOENT;
  size_t start = 0;
  for (;;) {
    size_t end = search_path.find(':', start);
    std::string dir = search_path.substr(start, end == std::string::npos ? end : end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      error = EACCES;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  fail(error, "exec \"" + program + "\" (searched " + search_path + ")");
}

pid_t spawn(const SpawnRequest& r) {
  // The search path is the one the service will have.
  std::string search_path = "/run/current-system/profile/bin:/bin:/usr/bin";
  for (const std::string& e : r.environment)
    if (e.compare(0, 5, "PATH=") == 0) search_path = e.substr(5);
  std::string path = find_program(r.program, search_path);

  Descriptor input(above_stdio(::open(r.input_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY),
                               "open \"" + r.input_file + "\""));
  if (input.fd < 0) fail(errno, "open \"" + r.input_file + "\"");
  Descriptor output;
  if (!r.output_file.empty()) {
    output.fd = above_stdio(::open(r.output_file.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640),
                            "open \"" + r.output_file + "\"");
    if (output.fd < 0) fail(errno, "open \"" + r.output_file + "\"");
  } else if (r.output_fd >= 0) {
    output.fd = ::fcntl(r.output_fd, F_DUPFD_CLOEXEC, 3);
    if (output.fd < 0) fail(errno, "dup of descriptor " + std::to_string(r.output_fd));
  }

  std::vector<char*> argv, envp;
  for (const std::string& a : r.arguments) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const std::string& e : r.environment) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  Child child{&r,
              path.c_str(),
              argv.data(),
              envp.data(),
              input.fd,
              output.fd,
              r.supplementary_groups ? r.supplementary_groups->data() : nullptr,
              r.supplementary_groups ? r.supplementary_groups->size() : 0,
              Step::none,
              0};

  const size_t stack_size = 64 * 1024;
  void* stack = ::mmap(nullptr, stack_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) fail(errno, "mmap of a stack for \"" + path + "\"");

  // No handler of ours may run in the child on the memory it shares with
  // us: every signal is blocked across the clone, and the child resets
  // them before it unblocks them.  CLONE_VFORK: we resume once it has
  // exec'd or exited, so CHILD's report is complete when we read it.
  sigset_t all, saved;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &saved);
  pid_t pid = ::clone(child_main, static_cast<char*>(stack) + stack_size,
                      CLONE_VM | CLONE_VFORK | SIGCHLD, &child);
  int clone_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  ::munmap(stack, stack_size);
  if (pid < 0) fail(clone_error, "clone for \"" + path + "\"");

  if (child.failed_step != Step::none) {
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    fail(child.error, describe(child.failed_step, r, path));
  }
  return pid;
}

}  // namespace byre::process
