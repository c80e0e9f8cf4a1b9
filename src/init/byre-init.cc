// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// byre-init: PID 1 of a container whose program is not (the exec form's
// #:child-is-pid1? #f).  It starts PROGRAM with ARGS as its only child,
// reaps every process orphaned in the container, relays the signals it is
// sent to that child, and exits with the child's status (128 + the signal
// that killed it).
//
// It is linked statically and exec'd from a descriptor opened before the
// container's root replaced the host's, so it needs nothing inside the
// container.  Plain C library calls only: it is small and starts fast.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char* argv[]) {
  if (argc < 2) {
    fprintf(stderr, "usage: byre-init PROGRAM [ARGUMENT...]\n");
    return 127;
  }
  // Signals are taken synchronously: blocked here, waited for below.
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &all, nullptr);

  pid_t child = fork();
  if (child < 0) {
    perror("byre-init: fork");
    return 127;
  }
  if (child == 0) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execvp(argv[1], argv + 1);
    int error = errno;
    fprintf(stderr, "byre-init: exec \"%s\": %s\n", argv[1], strerror(error));
    _exit(error == ENOENT ? 127 : 126);
  }

  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&all, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      kill(child, sig);
      continue;
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
      if (pid == child)
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
}
