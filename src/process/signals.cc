// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "process/signals.hh"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace byre::process {

namespace {

volatile pid_t reader_thread = 0;

// Runs in a thread that does not block the signal: hand it to the reader
// thread, which blocks it, so that its signalfd sees it.
extern "C" void forward_signal(int sig) {
  int saved = errno;
  pid_t tid = reader_thread;
  if (tid > 0) ::syscall(SYS_tgkill, ::getpid(), tid, sig);
  errno = saved;
}

}  // namespace

int open_signal_descriptor(const std::vector<int>& signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : signals)
    if (sigaddset(&set, sig) < 0)
      throw std::system_error(EINVAL, std::generic_category(),
                              "signal " + std::to_string(sig));
  reader_thread = static_cast<pid_t>(::syscall(SYS_gettid));
  if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0)
    throw std::system_error(errno, std::generic_category(), "pthread_sigmask");
  for (int sig : signals) {
    struct sigaction action = {};
    action.sa_handler = forward_signal;
    sigfillset(&action.sa_mask);
    action.sa_flags = SA_RESTART | (sig == SIGCHLD ? SA_NOCLDSTOP : 0);
    if (::sigaction(sig, &action, nullptr) < 0)
      throw std::system_error(errno, std::generic_category(),
                              "sigaction " + std::to_string(sig));
  }
  int fd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "signalfd");
  return fd;
}

std::vector<int> read_signals(int fd) {
  std::vector<int> out;
  struct signalfd_siginfo info[16];
  for (;;) {
    ssize_t n = ::read(fd, info, sizeof info);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      throw std::system_error(errno, std::generic_category(), "read of a signalfd");
    }
    for (size_t i = 0; i < static_cast<size_t>(n) / sizeof info[0]; ++i)
      out.push_back(static_cast<int>(info[i].ssi_signo));
    if (static_cast<size_t>(n) < sizeof info) break;
  }
  return out;
}

void become_subreaper() {
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    throw std::system_error(errno, std::generic_category(), "prctl PR_SET_CHILD_SUBREAPER");
}

}  // namespace byre::process
