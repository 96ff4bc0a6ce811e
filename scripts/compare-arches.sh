#!/usr/bin/env bash
# scripts/compare-arches.sh -- the arm64 binary, run under qemu, must print exactly what the amd64
# binary prints, on the whole test corpus.
#
#   scripts/compare-arches.sh [--image REF]             the binaries inside a pushed image index
#                                                       (default localhost:5000/org/rustfront:VERSION)
#   scripts/compare-arches.sh AMD64_BINARY ARM64_BINARY  e.g. target/dist/linux-{amd64,arm64}/rustfront
#
# For every Dockerfile of tests/data/real-world/, tests/data/dockerfile2llb/** and examples/*/:
# `debug ast F`, `debug llb F` and `debug llb F --platform linux/arm64` -- stdout, stderr and exit
# status byte for byte. qemu-aarch64 comes from scripts/toolchain.sh's chroot (qemu-user-static; it
# runs the binary directly, no binfmt registration). --image reads the index from the registry
# (plain HTTP: a loopback registry) and unpacks /rustfront from each member's layer.
# Prints one line per difference (with a diff) and a summary; exit 1 on any difference.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMAGE="" AMD64="" ARM64=""
case ${1:-} in
  --image) IMAGE=$2 ;;
  -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
  "") IMAGE=$PUBLISH_REPO:$CRATE_VERSION ;;
  *) AMD64=$1 ARM64=${2:?"usage: $0 AMD64_BINARY ARM64_BINARY"} ;;
esac
cd "$REPO"
"$REPO/scripts/toolchain.sh" setup
QEMU=$BK/rust-${RUST_SUITE:-trixie}-root/usr/bin/qemu-aarch64-static
[ -x "$QEMU" ] || { say "no $QEMU (scripts/toolchain.sh setup)"; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ -n "$IMAGE" ]; then
  AMD64=$WORK/amd64/rustfront ARM64=$WORK/arm64/rustfront
  python3 - "$IMAGE" "$WORK" <<'PY'
import gzip, io, json, sys, tarfile, urllib.request
ref, work = sys.argv[1], sys.argv[2]
host, _, rest = ref.partition("/")
name, _, tag = rest.rpartition("@") if "@" in rest else rest.rpartition(":")
ACCEPT = ", ".join([
    "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"])
def get(path, accept=ACCEPT):
    req = urllib.request.Request(f"http://{host}/v2/{name}/{path}", headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read()
index = json.loads(get(f"manifests/{tag}"))
for m in index.get("manifests", []):
    arch = m["platform"]["architecture"]
    if m["platform"]["os"] != "linux" or arch not in ("amd64", "arm64"):
        continue
    manifest = json.loads(get(f"manifests/{m['digest']}"))
    found = False
    for layer in manifest["layers"]:
        blob = get(f"blobs/{layer['digest']}", "*/*")
        if layer["mediaType"].endswith("gzip"):
            blob = gzip.decompress(blob)
        with tarfile.open(fileobj=io.BytesIO(blob)) as tf:
            for member in tf.getmembers():
                if member.name.lstrip("./") == "rustfront":
                    tf.extract(member, f"{work}/{arch}", set_attrs=False)
                    found = True
    print(f"[compare-arches.sh] {ref}: linux/{arch} = {m['digest'][:19]}, /rustfront {'unpacked' if found else 'MISSING'}", file=sys.stderr)
PY
  chmod +x "$AMD64" "$ARM64" 2>/dev/null || true
fi
for b in "$AMD64" "$ARM64"; do [ -x "$b" ] || { say "missing binary $b"; exit 1; }; done
file -b "$AMD64" | grep -q x86-64 || { say "$AMD64 is not an x86-64 binary"; exit 1; }
file -b "$ARM64" | grep -q aarch64 || { say "$ARM64 is not an aarch64 binary"; exit 1; }

T=$(now)
find tests/data/real-world tests/data/dockerfile2llb -name '*.Dockerfile' | sort > "$WORK/files"
ls examples/*/Dockerfile >> "$WORK/files"
python3 - "$AMD64" "$ARM64" "$QEMU" "$WORK/files" <<'PY'
import difflib, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
amd64, arm64, qemu, listing = sys.argv[1:5]
files = open(listing).read().split()
cmds = [(f, args) for f in files for args in (["debug", "ast", f], ["debug", "llb", f],
                                              ["debug", "llb", f, "--platform", "linux/arm64"])]
def run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout, p.stderr
def compare(item):
    f, args = item
    a, b = run([amd64, *args]), run([qemu, arm64, *args])
    return item, a, b
diffs = ok = 0
with ThreadPoolExecutor(2) as pool:
    for (f, args), a, b in pool.map(compare, cmds):
        ok += a[0] == 0
        if a == b:
            continue
        diffs += 1
        print(f"DIFFERENT: rustfront {' '.join(args)} (exit {a[0]} vs {b[0]})")
        for name, x, y in (("stdout", a[1], b[1]), ("stderr", a[2], b[2])):
            if x != y:
                d = difflib.unified_diff(x.decode(errors="replace").splitlines(), y.decode(errors="replace").splitlines(),
                                         f"amd64 {name}", f"arm64 {name}", lineterm="", n=1)
                print("\n".join(list(d)[:30]))
print(f"{len(files)} Dockerfiles, {len(cmds)} commands ({ok} exit 0 on amd64, the rest are conversion errors):"
      f" {len(cmds) - diffs} identical, {diffs} different")
sys.exit(1 if diffs else 0)
PY
rc=$?
say "amd64 $(sha256sum "$AMD64" | cut -c1-16) $(human_size "$(stat -c %s "$AMD64")"), arm64 $(sha256sum "$ARM64" | cut -c1-16) $(human_size "$(stat -c %s "$ARM64")") under $(basename "$QEMU"); $(secs_since "$T")s"
exit $rc
