#!/usr/bin/env bash
# scripts/build-image.sh -- build the rustfront frontend image from static binaries built outside Docker.
#
#   scripts/build-image.sh [--daemon trixie|bookworm]... [--tag rustfront:dev] [--no-cargo] [--no-push]
#   scripts/build-image.sh --platforms linux/amd64,linux/arm64 [--repo REGISTRY/NAME] [--daemon D]... [--no-cargo]
#
# Single platform (default; the quick local loop):
# 1. cargo build --release --locked --target x86_64-unknown-linux-gnu with
#    RUSTFLAGS='-C target-feature=+crt-static' and checks (file/ldd) that the binary is static;
# 2. `docker build --target prebuilt` of the top-level Dockerfile with the BUILTIN frontend on every
#    daemon (default: trixie and bookworm), tagged rustfront:dev and org/rustfront:{latest,VERSION,MAJOR.MINOR}
#    locally in each (so `# syntax=org/rustfront` finds it);
# 3. pushes localhost:5000/rustfront:dev (from the first daemon) unless --no-push.
# --platforms (what CI and a release do):
# 1. scripts/toolchain.sh build: one static binary per platform with Debian's rustc in a chroot (offline;
#    arm64 cross-compiled), in target/dist/linux-<arch>/rustfront;
# 2. ONE `docker buildx build --platform ... --target prebuilt` on trixie (Docker 26, containerd store),
#    pushed as one image index to --repo (default localhost:5000/org/rustfront) as :VERSION, :MAJOR.MINOR
#    and :latest; SOURCE_DATE_EPOCH is the commit time, so one commit gives one index digest;
# 3. checks the index: exactly the requested platforms, and each member's os/architecture/variant
#    (manifest and config) -- shown by `docker buildx imagetools inspect`;
# 4. every daemon pulls the index by digest, which gives it the member of its own platform, checks
#    the architecture it picked and tags it org/rustfront:{latest,VERSION,MAJOR.MINOR} and rustfront:dev.
# Needs the environment from e2e/env/setup.sh. Prints timings, image ids, sizes and the index digest.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DAEMONS="" CARGO=1 PUSH=1 PLATFORMS=""
while [ $# -gt 0 ]; do
  case $1 in
    --daemon) DAEMONS="$DAEMONS $2"; shift ;;
    --tag) FRONTEND_TAG=$2; shift ;;
    --no-cargo) CARGO=0 ;;
    --no-push) PUSH=0 ;;
    --platforms) PLATFORMS=$2; shift ;;
    --repo) PUBLISH_REPO=$2; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
DAEMONS=${DAEMONS:-$ALL_DAEMONS}
T0=$(now)
cd "$REPO"
# local names: the one users write (org/rustfront) with its version tags, and the dev tag
minor=${CRATE_VERSION%.*}
LOCAL_TAGS=("$IMAGE_NAME:latest" "$IMAGE_NAME:$CRATE_VERSION" "$IMAGE_NAME:$minor" "$FRONTEND_TAG")

# ---- --platforms: binaries from scripts/toolchain.sh, one image index, pulled into every daemon
multi_platform() {
  local p arch plats=() bargs=() t meta digest ref tags=() names d want got id size
  IFS=, read -ra plats <<<"$PLATFORMS"
  for p in "${plats[@]}"; do
    case $p in linux/amd64|linux/arm64) ;; *) say "unsupported platform $p (linux/amd64, linux/arm64)"; exit 2 ;; esac
  done
  # 1. binaries
  if [ "$CARGO" = 1 ]; then
    t=$(now)
    "$REPO/scripts/toolchain.sh" build "${plats[@]}" || { say "toolchain build FAILED"; exit 1; }
    say "binaries for ${plats[*]} in $(secs_since "$t")s"
  fi
  export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
  for p in "${plats[@]}"; do
    arch=${p#linux/}
    [ -x "target/dist/linux-$arch/rustfront" ] || { say "missing target/dist/linux-$arch/rustfront (run without --no-cargo)"; exit 1; }
    # the layer holds the file's mtime: pin it, so the same binaries give the same image
    touch -d "@$SOURCE_DATE_EPOCH" "target/dist/linux-$arch/rustfront"
    bargs+=(--build-arg "BINARY_${arch^^}=target/dist/linux-$arch/rustfront")
  done
  # 2. one multi-platform build, pushed as one index (trixie: the containerd image store can hold it)
  daemon_up trixie || { say "daemon trixie is not reachable; run e2e/env/setup.sh"; exit 1; }
  tags=("$PUBLISH_REPO:$CRATE_VERSION" "$PUBLISH_REPO:$minor" "$PUBLISH_REPO:latest")
  names=$(IFS=,; echo "${tags[*]}")
  meta=$(mktemp) log=$(mktemp)
  t=$(now)
  if ! dk_build trixie --progress=plain --network=none --platform "$PLATFORMS" --target prebuilt \
        --provenance=false --sbom=false --build-arg "VERSION=$CRATE_VERSION" "${bargs[@]}" \
        --metadata-file "$meta" --output "type=image,\"name=$names\",push=true" "$REPO" >"$log" 2>&1; then
    tail -30 "$log" >&2; rm -f "$log" "$meta"; say "multi-platform build FAILED"; exit 1
  fi
  digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["containerimage.digest"])' "$meta")
  rm -f "$log" "$meta"
  ref=$PUBLISH_REPO@$digest
  say "pushed ${tags[*]} = $digest (${plats[*]}) in $(secs_since "$t")s"
  # 3. the index: the requested platforms, each with the right os/architecture/variant
  check_index "$ref" "${plats[@]}" || exit 1
  # 4. every daemon pulls the index and must pick its own platform's member
  for d in $DAEMONS; do
    daemon_up "$d" || { say "daemon $d is not reachable; run e2e/env/setup.sh"; exit 1; }
    t=$(now)
    dk "$d" pull -q "$ref" >/dev/null || { say "$d: pull $ref FAILED"; exit 1; }
    for t2 in "${LOCAL_TAGS[@]}"; do dk "$d" tag "$ref" "$t2"; done
    want=$(dk "$d" version -f '{{.Server.Os}}/{{.Server.Arch}}')
    got=$(dk "$d" image inspect -f '{{.Os}}/{{.Architecture}}' "$IMAGE_NAME:latest")
    id=$(dk "$d" image inspect -f '{{.Id}}' "$IMAGE_NAME:latest")
    size=$(dk "$d" image inspect -f '{{.Size}}' "$IMAGE_NAME:latest")
    [ "$want" = "$got" ] || { say "$d ($want) picked the $got member of $ref"; exit 1; }
    say "$d ($want): ${LOCAL_TAGS[*]} = $got member, ${id:0:19} $(human_size "$size") in $(secs_since "$t")s"
  done
  say "index $ref"
  say "pin it:  # syntax=$PUBLISH_REPO:$CRATE_VERSION@$digest"
  say "done in $(secs_since "$T0")s"
  exit 0
}

# check_index REF PLATFORM... -- `imagetools inspect`: the index lists exactly these platforms, and the
# manifest descriptor and the image config of each member agree on os/architecture/variant
check_index() {
  local ref=$1; shift
  local raw configs
  raw=$(dk trixie buildx imagetools inspect --raw "$ref") || { say "imagetools inspect $ref FAILED"; return 1; }
  configs=$(dk trixie buildx imagetools inspect --format '{{json .Image}}' "$ref") || return 1
  dk trixie buildx imagetools inspect "$ref" | sed 's/^/    /' >&2
  python3 - "$raw" "$configs" "$@" <<'PY'
import json, sys
raw, configs, want = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3:]
ok = True
def norm(p):  # linux/arm64/v8 == linux/arm64 (v8 is arm64's only variant); amd64 has none
    os_, arch, var = (p.split("/") + [""])[:3]
    return os_, arch, "" if (arch, var) == ("arm64", "v8") else var
if "manifests" not in raw:
    print(f"not an image index: {raw.get('mediaType')}", file=sys.stderr); sys.exit(1)
seen = []
for m in raw["manifests"]:
    pl = m.get("platform", {})
    p = "/".join(x for x in (pl.get("os", ""), pl.get("architecture", ""), pl.get("variant", "")) if x)
    seen.append(p)
    cfg = configs.get(p) or configs.get(p.rsplit("/", 1)[0]) if isinstance(configs, dict) else None
    cp = "/".join(x for x in (cfg.get("os", ""), cfg.get("architecture", ""), cfg.get("variant", "")) if x) if cfg else "?"
    good = norm(p) == norm(cp)
    ok &= good
    print(f"    {m['digest'][:19]}  manifest {p:<14} config {cp:<14} {'ok' if good else 'MISMATCH'}", file=sys.stderr)
if sorted(map(norm, seen)) != sorted(map(norm, want)):
    print(f"index platforms {seen} != requested {want}", file=sys.stderr); ok = False
sys.exit(0 if ok else 1)
PY
  [ $? = 0 ] || return 1
  # size of each member: its layers as pushed (gzip) -- what a builder downloads
  local m
  for m in $(python3 -c 'import json,sys; [print(m["digest"]+"="+m["platform"]["os"]+"/"+m["platform"]["architecture"]) for m in json.loads(sys.argv[1])["manifests"]]' "$raw"); do
    dk trixie buildx imagetools inspect --raw "${ref%@*}@${m%%=*}" | python3 -c 'import json, sys
m = json.load(sys.stdin)
print("    %s: %.1f MB compressed" % (sys.argv[1], sum(l["size"] for l in m["layers"]) / 1e6), file=sys.stderr)' "${m#*=}"
  done
}

if [ -n "$PLATFORMS" ]; then multi_platform; fi

# ---- 1. static binary
if [ "$CARGO" = 1 ]; then
  t=$(now)
  locked=(); [ -f Cargo.lock ] && locked=(--locked)
  say "cargo build --release --target $RUST_TARGET (static, crt-static)"
  RUSTFLAGS="-C target-feature=+crt-static" cargo build --release "${locked[@]}" --target "$RUST_TARGET" --bin rustfront
  say "cargo build took $(secs_since "$t")s"
fi
[ -x "$BIN_REL" ] || { say "missing $BIN_REL (run without --no-cargo)"; exit 1; }
info=$(file -b "$BIN_REL")
if ! grep -qE 'statically linked|static-pie linked' <<<"$info" || ldd "$BIN_REL" 2>&1 | grep -q '=>'; then
  say "ERROR: $BIN_REL is not static: $info"; ldd "$BIN_REL" >&2 || true; exit 1
fi
say "binary: $BIN_REL ($(human_size "$(stat -c %s "$BIN_REL")"), ${info%%,*}, $(grep -oE 'static(-pie)? linked|statically linked' <<<"$info"))"

# ---- 2. image on every daemon (builtin frontend, offline: --target prebuilt never touches rust:1-bookworm)
version=$(git describe --always --dirty 2>/dev/null || echo dev)
first=""
for d in $DAEMONS; do
  daemon_up "$d" || { say "daemon $d is not reachable; run e2e/env/setup.sh"; exit 1; }
  t=$(now)
  log=$(mktemp)
  if ! dk_build "$d" --progress=plain --network=none --target prebuilt --build-arg "VERSION=$version" \
        -t "$FRONTEND_TAG" "$REPO" >"$log" 2>&1; then
    tail -30 "$log" >&2; rm -f "$log"; say "image build on $d FAILED"; exit 1
  fi
  rm -f "$log"
  for t2 in "${LOCAL_TAGS[@]}"; do [ "$t2" = "$FRONTEND_TAG" ] || dk "$d" tag "$FRONTEND_TAG" "$t2"; done
  id=$(dk "$d" image inspect -f '{{.Id}}' "$FRONTEND_TAG")
  size=$(dk "$d" image inspect -f '{{.Size}}' "$FRONTEND_TAG")
  say "$d: ${LOCAL_TAGS[*]} ${id:0:19} $(human_size "$size") (version $version) in $(secs_since "$t")s"
  first=${first:-$d}
done

# ---- 3. registry copy (pin it by digest from here, see README)
if [ "$PUSH" = 1 ] && [ -n "$first" ]; then
  t=$(now)
  ref=$REGISTRY/${FRONTEND_TAG}
  dk "$first" tag "$FRONTEND_TAG" "$ref"
  out=$(dk "$first" push "$ref" 2>&1) || { echo "$out" >&2; say "push $ref FAILED"; exit 1; }
  digest=$(grep -oE 'digest: sha256:[0-9a-f]{64}' <<<"$out" | tail -1 | cut -d' ' -f2)
  say "pushed $ref${digest:+@$digest} from $first in $(secs_since "$t")s"
fi
say "done in $(secs_since "$T0")s"
