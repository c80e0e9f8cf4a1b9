# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- `byre system image': the bare-bones example as a Docker and an
# OCI image, read by skopeo and umoci, byte-identical when built twice,
# and its Kubernetes Pod manifest.  As root and as an unprivileged user.
#
#   ./pre-inst-env sh tests/integration/image.sh
#
# Uses a store of its own.

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
undo_test () {
    # What podman made: the pod, containers and images of the test's own
    # storage, then that storage (no mount of it may stay).
    if [ -f "$tmp/podman/storage.conf" ]; then
        [ -f "$tmp/pod-play.json" ] && podman_here kube down "$tmp/pod-play.json" >/dev/null 2>&1
        podman_here rm -f -a >/dev/null 2>&1
        podman_here pod rm -f -a >/dev/null 2>&1
        podman_here rmi -f -a >/dev/null 2>&1
        grep -o " $tmp/podman/[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r |
            while read -r point; do umount "$point" 2>/dev/null; done
    fi
}
podman_here () {
    CONTAINERS_CONF=$tmp/podman/containers.conf \
    CONTAINERS_STORAGE_CONF=$tmp/podman/storage.conf \
        podman "$@"
}
scratch image
chmod 755 "$tmp"
scratch_store
top=${abs_top_srcdir:-.}
config=$top/examples/bare-bones.scm

# Errors first.
run byre system image
check "no configuration file is a usage error" 2 err "no configuration file given"

run byre system image -t iso9660 "$config"
check "an unknown image type is named" 2 err "iso9660: unknown image type" \
      err "-t docker or -t oci"

run byre system image -C lz4 "$config"
check "an unknown compression is named" 2 err "lz4: unknown compression" \
      err "gzip or none"

run byre system image -p 2222 "$config"
check "--port without --kube" 2 err "--port is for --kube"

run byre system image --kube="$tmp/pod.json" -p 70000 "$config"
check "a port beyond 65535 is refused" 2 err "--port=70000: not a TCP port"

run byre system image --kube="$tmp/pod.json" -p 80:x "$config"
check "a host port that is not a number is refused" 2 \
      err "--port=80:x: not a TCP port" err "HOST-PORT:PORT"

run byre system image --share=/srv "$config"
check "--share without --kube" 2 err "--share and --expose are for --kube"

run byre system image --kube="$tmp/pod.json" --expose=srv "$config"
check "a relative volume is refused" 2 \
      err "--expose=srv: file names must be absolute"

run byre system image --help
check "system image --help" 0 out "--kube=FILE" out "--image-type=TYPE"

# The Docker image and its Pod.
run byre system image -t docker --kube="$tmp/pod.json" -p 2222 "$config"
if [ $status != 0 ] && [ "$(id -u)" != 0 ] \
   && grep -q "host files only root may read" "$tmp/err"; then
    # The image holds copies of the host files of the system's packages;
    # a file only root may read (sudo's /etc/sudoers.d/README, 0440)
    # cannot be copied by another user: byre names it, with its Debian
    # package, before it writes a layer.
    check "as $(id -un), host files only root may read are named with \
their package" 1 err "/etc/sudoers.d/README (sudo)" err "build it as root"
    if grep -q "Cannot open\|tar:" "$tmp/err"; then
        fail "the unreadable files are found before tar runs"
    else pass "the unreadable files are found before tar runs"; fi
    skip "system images, podman run and kube play as $(id -un): the image cannot be built by this user, its closure holds host files \
only root may read: $(grep -o 'read: .*' "$tmp/err" | head -n 1)"
    summary image
    exit $?
fi
docker=$(tail -n 1 "$tmp/out")
case "$docker" in
    "$BYRE_STORE_DIR"/*-komputilo-docker-pack.tar)
        pass "docker: the image is in the store, named after the host" ;;
    *) fail "docker: the image is in the store, named after the host" \
            "image: $docker" ;;
esac
if [ -f "$docker" ] && tar -tf "$docker" | grep -q '^manifest.json$'; then
    pass "docker: an archive with manifest.json"
else fail "docker: an archive with manifest.json"; fi

run python3 -c '
import json, sys
pod = json.load(open(sys.argv[1]))
c = pod["spec"]["containers"][0]
assert pod["kind"] == "Pod", pod
assert pod["metadata"]["name"] == "komputilo", pod
assert c["image"] == "localhost/komputilo:latest", c
assert c["ports"] == [{"containerPort": 2222, "protocol": "TCP"}], c
print("pod ok")' "$tmp/pod.json"
check "the Pod names the image and its port" 0 out "pod ok"

# The image under podman: loaded, run with sshd's port published on the
# host's loopback, and as the Pod that --kube writes.  sshd's banner,
# read from the host, says it boots.  Podman gets a storage and
# configuration of the test's own; runc, since crun refuses this host's
# hybrid cgroup layout (pack.sh hides the v2 mount for crun with unshare
# -m, which would hide podman's network namespaces from its next command).
free_port () {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# banner PORT: print the first line sshd sends on the host's PORT, trying
# for up to 120 s while the system boots.
banner () {
    python3 -c '
import socket, sys, time
deadline = time.monotonic() + 120
while True:
    try:
        with socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5) as s:
            s.settimeout(10)
            line = s.makefile("rb").readline()
            if line:
                print(line.decode(errors="replace").strip())
                sys.exit(0)
    except OSError:
        pass
    if time.monotonic() > deadline:
        print("no banner on port " + sys.argv[1])
        sys.exit(1)
    time.sleep(1)' "$1"
}
if ! have podman || ! have runc || ! have python3; then
    skip "podman: load, run and kube play (podman, runc or python3 missing)"
else
    mkdir -p "$tmp/podman/root" "$tmp/podman/run" "$tmp/vol"
    echo "from the node" > "$tmp/vol/greeting"
    cat > "$tmp/podman/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF
    cat > "$tmp/podman/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$tmp/podman/root"
runroot = "$tmp/podman/run"
EOF
    run podman_here load -i "$docker"
    check "podman load reads the image" 0 out "localhost/komputilo:latest"

    port=$(free_port)
    run podman_here run -d --name "byre-image-test-$$" \
        -p "127.0.0.1:$port:2222" localhost/komputilo:latest
    check "podman run starts the image" 0
    run banner "$port"
    if [ $status = 0 ] && grep -q "^SSH-2.0-" "$tmp/out"; then
        pass "podman run: the system boots, sshd answers on a published port"
    else
        fail "podman run: the system boots, sshd answers on a published port" \
             "$(cat "$tmp/out")" "$(podman_here logs "byre-image-test-$$" 2>&1 | tail -n 20)"
    fi
    run podman_here exec "byre-image-test-$$" \
        /run/current-system/profile/bin/herd status networking
    check "podman run: networking is the runtime's (the dummy service)" 0 \
          out "It is running." out "Provides (loopback networking)."
    podman_here rm -f "byre-image-test-$$" >/dev/null 2>&1

    port=$(free_port)
    run byre system image -t docker --kube="$tmp/pod-play.json" \
        -p "$port:2222" --expose="$tmp/vol=/srv/vol" "$config"
    check "a Pod with a host port and a volume, the same image" 0 out "$docker"
    run python3 -c '
import json, sys
pod = json.load(open(sys.argv[1]))
c = pod["spec"]["containers"][0]
assert c["ports"] == [{"containerPort": 2222, "hostPort": int(sys.argv[2]),
                       "protocol": "TCP"}], c
assert c["volumeMounts"] == [{"name": "volume-0-srv-vol",
                              "mountPath": "/srv/vol", "readOnly": True}], c
assert pod["spec"]["volumes"] == [{"name": "volume-0-srv-vol",
                                   "hostPath": {"path": sys.argv[3]}}], pod
print("pod ok")' "$tmp/pod-play.json" "$port" "$tmp/vol"
    check "the Pod publishes the port and mounts the volume" 0 out "pod ok"
    run podman_here kube play "$tmp/pod-play.json"
    check "podman kube play starts the Pod" 0
    run banner "$port"
    if [ $status = 0 ] && grep -q "^SSH-2.0-" "$tmp/out"; then
        pass "podman kube play: sshd answers on the Pod's host port"
    else
        fail "podman kube play: sshd answers on the Pod's host port" \
             "$(cat "$tmp/out")" "$(podman_here logs komputilo-komputilo 2>&1 | tail -n 20)"
    fi
    run podman_here exec komputilo-komputilo cat /srv/vol/greeting
    check "podman kube play: the node's directory is mounted" 0 out "from the node"
    run podman_here kube down "$tmp/pod-play.json"
    check "podman kube down stops the Pod" 0
    rm -f "$tmp/pod-play.json"
fi

# The OCI image.
# Uncompressed, which is quicker to make, and the same layout.
run byre system image -t oci -C none "$config"
oci=$(tail -n 1 "$tmp/out")
case "$oci" in
    "$BYRE_STORE_DIR"/*-komputilo-oci-pack.tar)
        pass "oci: the image is in the store" ;;
    *) fail "oci: the image is in the store" "image: $oci" ;;
esac

# The system the image holds, as its configuration's label names it.
mkdir "$tmp/layout"
tar -xf "$oci" -C "$tmp/layout"
system=$(python3 -c '
import json, os, sys
blobs = os.path.join(sys.argv[1], "blobs", "sha256")
def blob(digest):
    return json.load(open(os.path.join(blobs, digest.split(":")[1])))
index = json.load(open(os.path.join(sys.argv[1], "index.json")))
manifest = blob(index["manifests"][0]["digest"])
print(blob(manifest["config"]["digest"])["config"]["Labels"]["dev.byre.system"])' \
    "$tmp/layout" 2>/dev/null)
case "$system" in
    "$BYRE_STORE_DIR"/*-system)
        if [ -f "$system/boot" ]; then
            pass "oci: the image's label names the system it holds"
        else fail "oci: the image's label names the system it holds" "$system"; fi ;;
    *) fail "oci: the image's label names the system it holds" "label: $system" ;;
esac

if have skopeo; then
    run skopeo inspect "oci-archive:$oci"
    check "oci: skopeo inspect reads it, with the system's label" 0 \
          out '"Layers"' out "\"dev.byre.system\": \"$system\""
else skip "oci: skopeo inspect (no skopeo)"; fi

if have umoci; then
    rootless=
    [ "$(id -u)" = 0 ] || rootless=--rootless
    run umoci unpack $rootless --image "$tmp/layout:komputilo" "$tmp/unpacked"
    if [ $status = 0 ] && [ -f "$tmp/unpacked/rootfs$system/boot" ] \
       && [ -e "$tmp/unpacked/rootfs/usr/sbin/sshd" ]; then
        pass "oci: umoci unpack gives the system and the host's sshd"
    else fail "oci: umoci unpack gives the system and the host's sshd"; fi
    run python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
print(" ".join(c["process"]["args"]))' "$tmp/unpacked/config.json"
    check "oci: the entry point loads the system's boot" 0 out "$system/boot"
    chmod -R u+w "$tmp/unpacked" 2>/dev/null
    rm -rf "$tmp/unpacked"
else skip "oci: umoci unpack (no umoci)"; fi
rm -rf "$tmp/layout"

# Two builds are byte-identical (the gzip-compressed Docker image).
sum1=$(sha256sum < "$docker")
byre gc -d "$docker" >/dev/null 2>&1
if [ -e "$docker" ]; then
    fail "two builds are byte-identical" "could not delete $docker"
else
    run byre system image -t docker "$config"
    again=$(tail -n 1 "$tmp/out")
    sum2=$(sha256sum < "$again" 2>/dev/null)
    if [ $status = 0 ] && [ -f "$again" ] && [ "$again" = "$docker" ] \
       && [ "$sum1" = "$sum2" ]; then
        pass "two builds are byte-identical"
    else fail "two builds are byte-identical" "$docker $sum1" "$again $sum2"; fi
fi

summary image
