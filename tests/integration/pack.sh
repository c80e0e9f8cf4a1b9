# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 the byre authors
# byre --- `byre pack': tarballs, Docker and OCI images, runtime bundles,
# checked with the tools that consume them (tar, skopeo, umoci, podman,
# crun, runc) and against the OCI specifications' JSON schemas.
#
# Uses a store of its own.  A check that needs a tool this machine lacks,
# or that cannot run as this user here, is skipped with the reason.

set -u

. "${abs_top_srcdir:-.}/tests/integration/lib.sh"
undo_test () {
    delete_runtime_containers
    if [ "$(id -u)" != 0 ] && [ -d "$tmp/podman/root" ]; then
        # Rootless podman's files belong to subordinate ids, and its pause
        # process (which holds its user namespace) would outlive the test.
        HOME=$tmp/podman/home XDG_RUNTIME_DIR=$tmp/xdg \
        CONTAINERS_CONF=$tmp/podman/containers.conf \
        CONTAINERS_STORAGE_CONF=$tmp/podman/storage.conf \
            podman unshare rm -rf "$tmp/podman/root" "$tmp/podman/run" >/dev/null 2>&1
        pause=$tmp/xdg/libpod/tmp/pause.pid
        [ -f "$pause" ] && kill "$(cat "$pause")" 2>/dev/null
    fi
}
containers_started=
scratch pack

scratch_store

schemas=/usr/share/gocode/src/github.com/opencontainers
python=/usr/bin/python3

# A small item made by a gexp: a directory with a file.
cat > "$tmp/hello.scm" <<'EOF'
(computed-file "hello"
  #~(begin
      (mkdir #$output)
      (mkdir (string-append #$output "/bin"))
      (mkdir (string-append #$output "/share"))
      (call-with-output-file (string-append #$output "/share/greeting")
        (lambda (port) (display "Hello from the image!\n" port)))))
EOF

# Errors first.
run byre pack
check "pack without anything to pack is a usage error" 2 err "nothing to pack"

run byre pack -f squashfs --file="$tmp/hello.scm"
check "an unknown format is named" 2 err "squashfs: unknown pack format" \
      err "tarball, docker, oci, bundle"

run byre pack -f "$tmp/hello.scm"
check "-f FILE.scm hints at --file" 2 err "--file=$tmp/hello.scm"

run byre pack -S bin=bin --file="$tmp/hello.scm"
check "-S with a relative link" 2 err "is not an absolute file name"

run byre pack -f bundle --file="$tmp/hello.scm"
check "a bundle needs an entry point" 1 err "a bundle needs an entry point"

run byre pack -e '(+ 1 2)'
check "packing what is not file-like" 1 err "neither a file-like object nor a gexp"

run byre pack --help
check "pack --help" 0 out "--entry-point"

# A tarball: the closure and the links, nothing else.
run byre pack -f tarball -S /share=share --file="$tmp/hello.scm"
tarball=$(cat "$tmp/out")
if [ $status = 0 ] && [ -f "$tarball" ] \
   && case "$tarball" in "$BYRE_STORE_DIR"/*-hello-tarball-pack.tar.gz) true;; *) false;; esac; then
    pass "tarball: written into the store, its name printed"
else fail "tarball: written into the store, its name printed"; fi

tar -tzvf "$tarball" > "$tmp/listing" 2>&1
hello=$(byre build "$tmp/hello.scm" 2>/dev/null)
if grep -q " ${hello#/}/share/greeting\$" "$tmp/listing" \
   && grep -q "^lrwxrwxrwx 0/0 .* share -> $hello/share\$" "$tmp/listing" \
   && grep -q "^drwxrwxrwt 0/0 .* tmp/\$" "$tmp/listing" \
   && ! grep -v " 0/0 " "$tmp/listing" | grep -q . \
   && ! grep -v "1970-01-01 00:00 " "$tmp/listing" | grep -q .; then
    pass "tarball: the item, /share and /tmp, owned by 0, dated 1970"
else fail "tarball: the item, /share and /tmp, owned by 0, dated 1970" "$(cat "$tmp/listing")"; fi
if [ "$(grep -c . "$tmp/listing")" -le $(( $(echo "$BYRE_STORE_DIR" | tr -cd / | wc -c) + 6 )) ]; then
    pass "tarball: nothing beyond the closure"
else fail "tarball: nothing beyond the closure" "$(cat "$tmp/listing")"; fi

run byre pack -f tarball -S /share=share --file="$tmp/hello.scm"
if [ $status = 0 ] && [ "$(cat "$tmp/out")" = "$tarball" ]; then
    pass "packing again returns the same item"
else fail "packing again returns the same item"; fi

# Reproducible: delete the result, pack again, compare the bytes.
reproducible () {
    format=$1
    shift
    run byre pack -f "$format" "$@"
    first=$(cat "$tmp/out")
    sum1=$(sha256sum < "$first")
    byre gc -d "$first" >/dev/null 2>&1
    if [ -e "$first" ]; then
        fail "$format: two builds are byte-identical" "could not delete $first"
        return
    fi
    run byre pack -f "$format" "$@"
    second=$(cat "$tmp/out")
    sum2=$(sha256sum < "$second")
    if [ "$first" = "$second" ] && [ "$sum1" = "$sum2" ]; then
        pass "$format: two builds are byte-identical"
    else fail "$format: two builds are byte-identical" "$first $sum1" "$second $sum2"; fi
}

# A program the images run: the host's echo with its C library and loader,
# copied into the store (host packages would bind them instead), reached
# through -S /lib64=lib64 -S /lib=lib as the loader looks for them.
cat > "$tmp/tool.scm" <<EOF
(file-union "tool"
  \`(("bin/echo" ,(local-file "$(readlink -f /usr/bin/echo)" "echo" #:recursive? #t))
    ("lib/libc.so.6" ,(local-file "$(readlink -f /lib/x86_64-linux-gnu/libc.so.6)" "libc.so.6" #:recursive? #t))
    ("lib64/ld-linux-x86-64.so.2"
     ,(local-file "$(readlink -f /lib64/ld-linux-x86-64.so.2)" "ld-linux-x86-64.so.2" #:recursive? #t))))
EOF
tool_links="-S /bin=bin -S /lib=lib -S /lib64=lib64"

reproducible tarball -S /share=share --file="$tmp/hello.scm"
reproducible oci -S /share=share --file="$tmp/hello.scm"
reproducible docker -S /share=share --file="$tmp/hello.scm"

# OCI: the layout is what the image specification says, skopeo and umoci
# read it.
run byre pack -f oci -S /share=share --file="$tmp/hello.scm"
oci=$(cat "$tmp/out")
mkdir "$tmp/layout"
tar -xf "$oci" -C "$tmp/layout"
if [ -f "$tmp/layout/oci-layout" ] && [ -f "$tmp/layout/index.json" ] \
   && [ -d "$tmp/layout/blobs/sha256" ]; then
    pass "oci: oci-layout, index.json and blobs"
else fail "oci: oci-layout, index.json and blobs" "$(ls -R "$tmp/layout")"; fi

bad=
for blob in "$tmp"/layout/blobs/sha256/*; do
    [ "$(sha256sum < "$blob" | cut -d' ' -f1)" = "$(basename "$blob")" ] || bad="$bad $blob"
done
if [ -z "$bad" ]; then pass "oci: every blob is named by its digest"
else fail "oci: every blob is named by its digest" "$bad"; fi

if [ -x "$python" ] && $python -c 'import jsonschema' 2>/dev/null \
   && [ -d "$schemas/image-spec/schema" ]; then
    cat > "$tmp/validate-image.py" <<'EOF'
import json, os, sys, pathlib
import jsonschema
schemas, layout = sys.argv[1], sys.argv[2]
store = {}
for name in os.listdir(schemas):
    if name.endswith('.json'):
        with open(os.path.join(schemas, name)) as f:
            schema = json.load(f)
        store[schema.get('id', name)] = schema
        store[name] = schema
def check(document, schema_name):
    schema = store[schema_name]
    resolver = jsonschema.RefResolver(pathlib.Path(schemas).as_uri() + '/', schema, store=store)
    jsonschema.validate(document, schema, resolver=resolver)
def blob(digest):
    with open(os.path.join(layout, 'blobs', 'sha256', digest.split(':')[1])) as f:
        return json.load(f)
with open(os.path.join(layout, 'index.json')) as f:
    index = json.load(f)
with open(os.path.join(layout, 'oci-layout')) as f:
    check(json.load(f), 'image-layout-schema.json')
check(index, 'image-index-schema.json')
manifest = blob(index['manifests'][0]['digest'])
check(manifest, 'image-manifest-schema.json')
check(blob(manifest['config']['digest']), 'config-schema.json')
print('valid')
EOF
    run $python "$tmp/validate-image.py" "$schemas/image-spec/schema" "$tmp/layout"
    check "oci: index, manifest and config valid against the image-spec schemas" 0 out valid
else
    skip "oci: schema validation (python3-jsonschema or the image-spec schemas missing)"
fi

if have skopeo; then
    run skopeo inspect "oci-archive:$oci"
    check "oci: skopeo inspect oci-archive: reads it" 0 out '"Architecture"' out '"Layers"'
else skip "oci: skopeo inspect (no skopeo)"; fi

if have umoci; then
    # umoci unpacks as root, or rootless with --rootless.
    rootless=
    [ "$(id -u)" = 0 ] || rootless=--rootless
    run umoci unpack $rootless --image "$tmp/layout:hello" "$tmp/unpacked"
    if [ $status = 0 ] && [ -f "$tmp/unpacked/rootfs$hello/share/greeting" ] \
       && [ -L "$tmp/unpacked/rootfs/share" ]; then
        pass "oci: umoci unpack gives the closure and the links"
    else fail "oci: umoci unpack gives the closure and the links"; fi
else skip "oci: umoci unpack (no umoci)"; fi

# Layers: one per store item, identical across images that share it.
cat > "$tmp/two.scm" <<EOF
(computed-file "two"
  #~(begin
      (mkdir #\$output)
      (symlink #\$(load "$tmp/hello.scm") (string-append #\$output "/hello"))))
EOF
run byre pack -f oci --file="$tmp/two.scm"
two=$(cat "$tmp/out")
mkdir "$tmp/layout2"
tar -xf "$two" -C "$tmp/layout2"
shared=$(cd "$tmp/layout/blobs/sha256" && for b in *; do
            [ -f "$tmp/layout2/blobs/sha256/$b" ] && echo "$b"; done | wc -l)
layers=$($python -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["layers"]))' \
           "$tmp/layout2/blobs/sha256/$(jq -r '.manifests[0].digest' "$tmp/layout2/index.json" | cut -d: -f2)" 2>/dev/null)
if [ "$shared" -ge 1 ] && [ "$layers" = 3 ]; then
    pass "oci: a layer per store item, shared by images that share the item"
else fail "oci: a layer per store item, shared by images that share the item" "shared $shared, layers $layers"; fi

run byre pack -f oci --max-layers=2 --file="$tmp/two.scm"
grouped=$(cat "$tmp/out")
mkdir "$tmp/layout3"
tar -xf "$grouped" -C "$tmp/layout3"
layers=$(jq '.layers | length' "$tmp/layout3/blobs/sha256/$(jq -r '.manifests[0].digest' "$tmp/layout3/index.json" | cut -d: -f2)")
if [ "$layers" = 2 ]; then pass "oci: --max-layers groups the items"
else fail "oci: --max-layers groups the items" "layers: $layers"; fi

# Docker: podman load, then podman run.  Podman here needs its cgroup v2
# mount hidden (crun refuses the hybrid layout) and lower default limits:
# done in a private mount namespace and a configuration of the test's own.
run byre pack -f docker $tool_links --entry-point=bin/echo \
    -A "Hello from podman" --file="$tmp/tool.scm"
docker=$(cat "$tmp/out")
if [ $status = 0 ] && tar -tf "$docker" | grep -q '^manifest.json$'; then
    pass "docker: an archive with manifest.json"
else fail "docker: an archive with manifest.json"; fi

podman_works=no
if have podman && have unshare; then
    mkdir -p "$tmp/podman/root" "$tmp/podman/run" "$tmp/podman/home" "$tmp/xdg"
    chmod 700 "$tmp/xdg"
    cat > "$tmp/podman/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
    cat > "$tmp/podman/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$tmp/podman/root"
runroot = "$tmp/podman/run"
EOF
    if [ "$(id -u)" = 0 ]; then
        # crun, with the cgroup v2 mount hidden in a private mount namespace.
        podman_here () {
            CONTAINERS_CONF=$tmp/podman/containers.conf \
            CONTAINERS_STORAGE_CONF=$tmp/podman/storage.conf \
            unshare -m sh -c '
                mount --make-rprivate /
                if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
                exec podman "$@"' podman "$@"
        }
        who=root
    else
        # A user cannot hide that mount, and crun refuses the hybrid
        # layout; runc accepts it.  Podman's files go in the test's folder.
        podman_here () {
            HOME=$tmp/podman/home XDG_RUNTIME_DIR=$tmp/xdg \
            CONTAINERS_CONF=$tmp/podman/containers.conf \
            CONTAINERS_STORAGE_CONF=$tmp/podman/storage.conf \
            podman --runtime=runc "$@"
        }
        who=rootless
    fi
    run podman_here load -i "$docker"
    if [ $status = 0 ] && grep -q "tool:latest" "$tmp/out"; then
        pass "docker: podman load, $who"
        podman_works=yes
    else fail "docker: podman load, $who"; fi
    if [ $podman_works = yes ]; then
        run podman_here run --rm --network=none localhost/tool:latest
        check "docker: podman run runs the entry point with its arguments, $who" 0 \
              out "Hello from podman"
        run podman_here run --rm --network=none localhost/tool:latest one two
        check "docker: podman run's arguments go to the entry point, $who" 0 \
              out "one two"
        podman_here rmi -a -f >/dev/null 2>&1
    fi
else
    skip "docker: podman load and run (no podman or unshare)"
fi

# A bundle: config.json valid against the runtime-spec schema, run by crun
# and runc.
run byre pack -f bundle $tool_links --entry-point=bin/echo \
    -A "Hello from the bundle" --file="$tmp/tool.scm"
bundle=$(cat "$tmp/out")
if [ $status = 0 ] && [ -f "$bundle/config.json" ] && [ -L "$bundle/rootfs/bin" ]; then
    pass "bundle: config.json and rootfs/"
else fail "bundle: config.json and rootfs/"; fi

if [ -x "$python" ] && $python -c 'import jsonschema' 2>/dev/null \
   && [ -d "$schemas/runtime-spec/schema" ]; then
    cat > "$tmp/validate-runtime.py" <<'EOF'
import json, pathlib, sys
import jsonschema
schemas, config = sys.argv[1], sys.argv[2]
with open(pathlib.Path(schemas) / 'config-schema.json') as f:
    schema = json.load(f)
resolver = jsonschema.RefResolver(pathlib.Path(schemas).as_uri() + '/', schema)
with open(config) as f:
    jsonschema.validate(json.load(f), schema, resolver=resolver)
print('valid')
EOF
    run $python "$tmp/validate-runtime.py" "$schemas/runtime-spec/schema" "$bundle/config.json"
    check "bundle: config.json valid against the runtime-spec schema" 0 out valid
else
    skip "bundle: schema validation (python3-jsonschema or the runtime-spec schemas missing)"
fi

mkdir -p "$tmp/xdg" && chmod 700 "$tmp/xdg"
who=root
[ "$(id -u)" = 0 ] || who=rootless
for runtime in crun runc; do
    if ! have $runtime; then skip "bundle: $runtime run (no $runtime)"; continue; fi
    run_runtime $runtime "$bundle" byre-pack-test-$$-$runtime
    if [ $status = 0 ] && grep -q "Hello from the bundle" "$tmp/out"; then
        pass "bundle: $runtime run, $who"
    elif [ "$who" = rootless ] && [ $runtime = crun ] \
         && grep -q "hybrid mode not supported" "$tmp/err"; then
        # Only root can hide the cgroup v2 mount from crun here.
        skip "bundle: crun run, rootless (crun refuses this machine's hybrid cgroup layout: $(head -n 1 "$tmp/err"))"
    else
        fail "bundle: $runtime run, $who"
    fi
done

summary pack
