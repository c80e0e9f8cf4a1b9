// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
#include "process/relay.hh"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>

namespace byre::process {

namespace {

constexpr int kSlots = 64;

// Read by the handler without a lock: each field is atomic; a slot is
// published by its pid (stored last) and retired by clearing it first.
// The eventfd of a slot is made on its first use and kept for the life of
// the process (close-on-exec), so that a handler that read it just before
// the slot was retired never writes into a descriptor reused meanwhile.
struct Slot {
  std::atomic<pid_t> pid{0};
  std::atomic<uint64_t> signals{0};      // bit N: signal N
  std::atomic<int64_t> relayed_at{0};    // CLOCK_MONOTONIC ms; 0: none yet
  std::atomic<int64_t> grace_ms{0};
  std::atomic<int> wake{-1};             // eventfd
};
Slot slots[kSlots];

std::mutex table_mutex;          // add_relay and remove_relay
int users[NSIG];                 // relays using each signal
struct sigaction saved[NSIG];    // dispositions before the first of them

int64_t now_ms() {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);  // async-signal-safe
  return int64_t{t.tv_sec} * 1000 + t.tv_nsec / 1000000;
}

extern "C" void relay_signal(int sig) {
  int saved_errno = errno;
  for (Slot& slot : slots) {
    pid_t pid = slot.pid.load(std::memory_order_acquire);
    if (pid <= 0 || !(slot.signals.load(std::memory_order_relaxed) & (uint64_t{1} << sig)))
      continue;
    kill(pid, sig);
    int64_t none = 0;
    slot.relayed_at.compare_exchange_strong(none, now_ms());
    int fd = slot.wake.load(std::memory_order_relaxed);
    if (fd >= 0) {
      uint64_t one = 1;
      ssize_t ignored = write(fd, &one, sizeof one);
      (void)ignored;
    }
  }
  errno = saved_errno;
}

Slot* slot_of(pid_t pid) {
  for (Slot& slot : slots)
    if (slot.pid.load(std::memory_order_acquire) == pid) return &slot;
  return nullptr;
}

}  // namespace

int add_relay(pid_t pid, const std::vector<int>& signals, int64_t grace_ms) {
  uint64_t mask = 0;
  for (int sig : signals) {
    if (sig <= 0 || sig >= NSIG || sig >= 64 || sig == SIGKILL || sig == SIGSTOP)
      throw std::invalid_argument("not a signal that can be relayed: " + std::to_string(sig));
    mask |= uint64_t{1} << sig;
  }
  if (pid <= 0) throw std::invalid_argument("not a process id: " + std::to_string(pid));
  std::lock_guard<std::mutex> lock(table_mutex);
  int handle = -1;
  for (int i = 0; i < kSlots && handle < 0; ++i)
    if (slots[i].pid.load() == 0) handle = i;
  if (handle < 0) throw std::length_error("more than 64 containers waited on at once");
  Slot& slot = slots[handle];
  if (slot.wake.load() < 0) {
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
    slot.wake.store(fd);
  } else {
    uint64_t drained;
    while (read(slot.wake.load(), &drained, sizeof drained) > 0) {}
  }
  for (int sig = 1; sig < 64 && sig < NSIG; ++sig) {
    if (!(mask & (uint64_t{1} << sig)) || users[sig]++ > 0) continue;
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = relay_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(sig, &action, &saved[sig]) != 0) {
      int error = errno;
      --users[sig];
      for (int s = 1; s < sig; ++s)
        if ((mask & (uint64_t{1} << s)) && --users[s] == 0) sigaction(s, &saved[s], nullptr);
      throw std::system_error(error, std::generic_category(),
                              "sigaction " + std::to_string(sig));
    }
  }
  slot.signals.store(mask, std::memory_order_relaxed);
  slot.relayed_at.store(0);
  slot.grace_ms.store(grace_ms > 0 ? grace_ms : 0);
  slot.pid.store(pid, std::memory_order_release);
  return handle;
}

void remove_relay(int handle) {
  if (handle < 0 || handle >= kSlots) return;
  std::lock_guard<std::mutex> lock(table_mutex);
  Slot& slot = slots[handle];
  if (slot.pid.load() == 0) return;
  uint64_t mask = slot.signals.load();
  slot.pid.store(0, std::memory_order_release);
  slot.signals.store(0);
  for (int sig = 1; sig < 64 && sig < NSIG; ++sig)
    if ((mask & (uint64_t{1} << sig)) && --users[sig] == 0)
      sigaction(sig, &saved[sig], nullptr);
}

int wait_for(pid_t pid) {
  // A descriptor on the process, so that the wait can have a deadline once
  // a signal was relayed to it: a container that does not stop within its
  // grace period is killed.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  struct Close {
    int fd;
    ~Close() { if (fd >= 0) close(fd); }
  } closer{pidfd};
  Slot* slot = slot_of(pid);
  bool killed = false;
  int status = 0;
  for (;;) {
    if (pidfd >= 0) {
      int timeout = -1;
      if (slot != nullptr && !killed && slot->pid.load() == pid) {
        int64_t at = slot->relayed_at.load();
        int64_t grace = slot->grace_ms.load();
        if (at != 0 && grace > 0) {
          int64_t left = at + grace - now_ms();
          if (left <= 0) {
            kill(pid, SIGKILL);
            killed = true;
            continue;
          }
          timeout = static_cast<int>(left);
        }
      }
      struct pollfd fds[2] = {{pidfd, POLLIN, 0}, {-1, POLLIN, 0}};
      if (slot != nullptr) fds[1].fd = slot->wake.load();
      int rc = poll(fds, fds[1].fd >= 0 ? 2 : 1, timeout);
      if (rc < 0 && errno != EINTR)
        throw std::system_error(errno, std::generic_category(), "poll on process " + std::to_string(pid));
      if (rc > 0 && fds[1].fd >= 0 && (fds[1].revents & POLLIN)) {
        uint64_t drained;
        while (read(fds[1].fd, &drained, sizeof drained) > 0) {}
      }
      if (rc <= 0 || !(fds[0].revents & POLLIN)) continue;
    }
    pid_t r = waitpid(pid, &status, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0)
      throw std::system_error(errno, std::generic_category(), "waitpid " + std::to_string(pid));
    return status;
  }
}

}  // namespace byre::process
