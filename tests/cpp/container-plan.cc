// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright (C) 2026 the byre authors
// The container plan: how a spec becomes ordered steps, and the checks made
// in the parent before anything is cloned.
#include <catch2/catch.hpp>

#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>

#include <stdexcept>
#include <system_error>

#include "caps/caps.hh"
#include "container/plan.hh"
#include "mount/rules.hh"

using namespace byre::container;


namespace {
ContainerSpec full_spec() {
  ContainerSpec spec;
  spec.namespaces = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWNET |
                    CLONE_NEWUTS | CLONE_NEWIPC;
  spec.uid_map = {{0, 1000, 1}};
  spec.gid_map = {{0, 1000, 1}};
  spec.root = "/tmp/root";
  spec.argv = {"/bin/true"};
  spec.capabilities = byre::caps::default_set();
  return spec;
}

std::vector<StepKind> kinds(const Plan& plan) {
  std::vector<StepKind> out;
  for (const Step& s : plan.steps()) out.push_back(s.kind);
  return out;
}

std::size_t index_of(const Plan& plan, StepKind kind) { return plan.find(kind); }
}  // namespace

TEST_CASE("mount propagation is made private before anything is mounted", "[plan]") {
  Plan plan(full_spec());
  REQUIRE(plan.steps().front().kind == StepKind::make_private);
  // Then the container's own user namespace, then the root.
  REQUIRE(index_of(plan, StepKind::make_nested) == 1);
  REQUIRE(index_of(plan, StepKind::mount_root) == 2);
}

TEST_CASE("standard file systems come before the caller's mounts, pivot after", "[plan]") {
  ContainerSpec spec = full_spec();
  MountRequest m;
  m.source = "/usr";
  m.target = "/usr";
  m.bind = true;
  m.read_only = true;
  spec.mounts.push_back(m);
  Plan plan(spec);
  std::size_t proc = plan.steps().size(), user = 0;
  for (std::size_t i = 0; i < plan.steps().size(); ++i) {
    const Step& s = plan.steps()[i];
    if (s.kind == StepKind::mount_fs && std::string(s.mount.fs_type) == "proc") proc = i;
    if (s.kind == StepKind::bind_mount && std::string(s.mount.source) == "/usr") user = i;
  }
  REQUIRE(proc < user);
  REQUIRE(user < index_of(plan, StepKind::pivot_root));
  REQUIRE(plan.steps()[user].mount.keep_flags != 0u);  // /usr's locked flags, or relatime at least
  REQUIRE(index_of(plan, StepKind::set_ids) < index_of(plan, StepKind::capabilities));
}

TEST_CASE("no proc without a pid namespace, no sysfs without a net namespace", "[plan]") {
  ContainerSpec spec = full_spec();
  spec.namespaces = CLONE_NEWNS | CLONE_NEWUSER;
  Plan plan(spec);
  for (const Step& s : plan.steps()) {
    if (s.kind != StepKind::mount_fs) continue;
    REQUIRE(std::string(s.mount.fs_type) != "proc");
    REQUIRE(std::string(s.mount.fs_type) != "sysfs");
  }
  REQUIRE(index_of(plan, StepKind::loopback_up) == plan.steps().size());
}

TEST_CASE("a missing bind source is ENOENT in the caller", "[plan]") {
  ContainerSpec spec = full_spec();
  MountRequest m;
  m.source = "/does-not-exist";
  m.target = "/foo";
  m.bind = true;
  spec.mounts.push_back(m);
  try {
    Plan plan(spec);
    FAIL("no error");
  } catch (const std::system_error& e) {
    REQUIRE(e.code().value() == ENOENT);
    REQUIRE(std::string(e.what()).find("\"/does-not-exist\" on \"/foo\"") != std::string::npos);
  }
}

TEST_CASE("mount points must be absolute and free of . and ..", "[plan]") {
  REQUIRE_THROWS_AS(byre::mount::check_mount_point("relative"), std::invalid_argument);
  REQUIRE_THROWS_AS(byre::mount::check_mount_point("/a/../b"), std::invalid_argument);
  REQUIRE_THROWS_AS(byre::mount::check_mount_point("/a/./b"), std::invalid_argument);
  REQUIRE_THROWS_AS(byre::mount::check_mount_point("/.."), std::invalid_argument);
  REQUIRE_NOTHROW(byre::mount::check_mount_point("/a/b..c/d"));
  REQUIRE_NOTHROW(byre::mount::check_mount_point("/"));
}

TEST_CASE("a guest id outside the map is refused", "[plan]") {
  ContainerSpec spec = full_spec();
  spec.uid = 5;
  REQUIRE_THROWS_AS(Plan(spec), std::invalid_argument);
  spec.uid = 0;
  spec.gid = 7;
  REQUIRE_THROWS_AS(Plan(spec), std::invalid_argument);
}

TEST_CASE("the container's own user namespace owns uts, ipc and net", "[plan]") {
  Plan locked(full_spec());
  REQUIRE(locked.nested());
  REQUIRE(locked.nesting().lock_mounts);
  REQUIRE(locked.find(StepKind::make_nested) < locked.find(StepKind::mount_root));
  REQUIRE(locked.find(StepKind::loopback_up) < locked.find(StepKind::enter_nested));
  REQUIRE(locked.find(StepKind::enter_nested) < locked.find(StepKind::capabilities));
  // uts, ipc and net are made with the nested user namespace, the rest at once.
  REQUIRE((locked.clone_namespaces() & (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)) == 0);
  REQUIRE((locked.clone_namespaces() & (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER)) ==
          (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER));
  REQUIRE(std::string(locked.nesting().uid_map) == "0 0 1\n");
  // Its root holds CAP_SYS_ADMIN and CAP_NET_ADMIN over them.
  REQUIRE((locked.capabilities().keep & (uint64_t{1} << CAP_SYS_ADMIN)) != 0);
  REQUIRE((locked.capabilities().keep & (uint64_t{1} << CAP_NET_ADMIN)) != 0);

  // A subordinate range is nested too: each range mapped to itself.
  ContainerSpec many = full_spec();
  many.uid_map = {{0, 1000, 1}, {1, 100000, 65535}};
  many.gid_map = {{0, 1000, 1}, {1, 100000, 65535}};
  Plan ranges(many);
  REQUIRE(ranges.nested());
  REQUIRE(std::string(ranges.nesting().uid_map) == "0 0 1\n1 1 65535\n");

  // Unlocked mounts belong to the one user namespace: no nesting, and no
  // CAP_SYS_ADMIN unless asked for.
  ContainerSpec spec = full_spec();
  spec.lock_mounts = false;
  Plan unlocked(spec);
  REQUIRE(!unlocked.nested());
  REQUIRE(unlocked.find(StepKind::enter_nested) == unlocked.steps().size());
  REQUIRE(unlocked.clone_namespaces() == spec.namespaces);
  REQUIRE((unlocked.capabilities().keep & (uint64_t{1} << CAP_SYS_ADMIN)) == 0);

  // No user namespace: nothing to own.
  ContainerSpec host = full_spec();
  host.namespaces &= ~CLONE_NEWUSER;
  host.uid_map.clear();
  host.gid_map.clear();
  Plan root(host);
  REQUIRE(!root.nested());
  REQUIRE((root.capabilities().keep & (uint64_t{1} << CAP_SYS_ADMIN)) == 0);
}

TEST_CASE("the file system flags and the mount point rule", "[mount]") {
  REQUIRE(byre::mount::flag_from_name("read-only") == MS_RDONLY);
  REQUIRE(byre::mount::flag_from_name("no-suid") == MS_NOSUID);
  REQUIRE_THROWS_AS(byre::mount::flag_from_name("shared"), std::invalid_argument);
  REQUIRE(byre::mount::mount_point_problem("/a/b") == nullptr);
  REQUIRE(std::string(byre::mount::mount_point_problem("a")) == "not-absolute");
  REQUIRE(std::string(byre::mount::mount_point_problem("/a/./b")) == "dot-component");
  REQUIRE(std::string(byre::mount::mount_point_problem("/a/..")) == "dot-dot-component");
}

TEST_CASE("steps are described with their paths", "[plan]") {
  ContainerSpec spec = full_spec();
  MountRequest m;
  m.source = "/usr";
  m.target = "/opt/usr";
  m.bind = true;
  spec.mounts.push_back(m);
  Plan plan(spec);
  bool found = false;
  for (std::size_t i = 0; i < plan.steps().size(); ++i)
    if (plan.describe(static_cast<int>(i)) == "mount \"/usr\" on \"/opt/usr\"") found = true;
  REQUIRE(found);
  REQUIRE(plan.argv()[0] == std::string("/bin/true"));
  REQUIRE(plan.argv()[1] == nullptr);
}

TEST_CASE("byre-init is opened before pivot_root when the program is not PID 1", "[plan]") {
  ContainerSpec spec = full_spec();
  spec.child_is_pid1 = false;
  spec.init_program = "/usr/libexec/byre/byre-init";
  Plan plan(spec);
  REQUIRE(plan.find(StepKind::open_init) < plan.find(StepKind::pivot_root));
  REQUIRE(plan.init_argv() != nullptr);
  REQUIRE(plan.init_argv()[0] == std::string("byre-init"));
  REQUIRE(plan.init_argv()[1] == std::string("/bin/true"));
  REQUIRE(plan.init_argv()[2] == nullptr);
  // PID 1 by default: no init.
  Plan direct(full_spec());
  REQUIRE(direct.find(StepKind::open_init) == direct.steps().size());
  REQUIRE(direct.init_argv() == nullptr);
}
