#!/usr/bin/env bash
# scripts/build-image.sh -- build the rustfront frontend image from a static binary built on the host.
#
#   scripts/build-image.sh [--daemon trixie|bookworm]... [--tag rustfront:dev] [--no-cargo] [--no-push]
#
# 1. cargo build --release --locked --target x86_64-unknown-linux-gnu with
#    RUSTFLAGS='-C target-feature=+crt-static' and checks (file/ldd) that the binary is static;
# 2. `docker build --target prebuilt` of the top-level Dockerfile with the BUILTIN frontend on every
#    daemon (default: trixie and bookworm), tagged rustfront:dev locally in each;
# 3. pushes localhost:5000/rustfront:dev (from the first daemon) unless --no-push.
# Needs the environment from e2e/env/setup.sh. Prints timings, image id and size.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DAEMONS="" CARGO=1 PUSH=1
while [ $# -gt 0 ]; do
  case $1 in
    --daemon) DAEMONS="$DAEMONS $2"; shift ;;
    --tag) FRONTEND_TAG=$2; shift ;;
    --no-cargo) CARGO=0 ;;
    --no-push) PUSH=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
DAEMONS=${DAEMONS:-$ALL_DAEMONS}
T0=$(now)
cd "$REPO"

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
  id=$(dk "$d" image inspect -f '{{.Id}}' "$FRONTEND_TAG")
  size=$(dk "$d" image inspect -f '{{.Size}}' "$FRONTEND_TAG")
  say "$d: $FRONTEND_TAG ${id:0:19} $(human_size "$size") (version $version) in $(secs_since "$t")s"
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
