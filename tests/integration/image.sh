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
    skip "system images as $(id -un): the system's closure holds host files \
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
