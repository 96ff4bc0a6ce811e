#!/usr/bin/env bash
# scripts/test.sh -- THE test command (README and CI). Run as root on Debian bookworm (x86_64).
#
#   scripts/test.sh [--fail-fast] [--no-e2e] [--no-cargo] [--no-msrv]
#
#   1. cargo fmt --check
#   2. cargo clippy --all-targets -- -D warnings
#   3. cargo test
#   3'. cargo doc --workspace --no-deps with RUSTDOCFLAGS=-D warnings (the SDK crates' docs and
#       every intra-doc link)
#   3a. rust-version: the workspace (all targets, all features) builds with exactly the rustc that
#       Cargo.toml's rust-version names -- Debian's, in a chroot (scripts/toolchain.sh msrv; root)
#   3b. e2e harness unit tests (python3 -m unittest, no daemon needed)
#   4. e2e/env/setup.sh         provisioning: daemons, registry, base + toolchain images (idempotent)
#   5. scripts/build-image.sh --platforms linux/amd64,linux/arm64: static binaries (toolchain chroot),
#      one index pushed to localhost:5000/org/rustfront, each daemon pulls its member as rustfront:dev
#      and org/rustfront:latest
#   5b. scripts/compare-arches.sh: the index's arm64 binary under qemu = its amd64 binary, whole corpus
#   6. e2e/run.sh               builtin vs rustfront on Docker 26 / BuildKit 0.13 and Docker 20.10 / BuildKit 0.8
#
# Every step runs (unless --fail-fast) and is timed; a summary follows; exit 1 if any step failed.
# Installs what it needs: apt packages via e2e/env/setup.sh, rustfmt/clippy via rustup if missing.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

FAIL_FAST=0 E2E=1 CARGO_STEPS=1 MSRV=1
for a in "$@"; do
  case $a in
    --fail-fast) FAIL_FAST=1 ;;
    --no-e2e) E2E=0 ;;
    --no-cargo) CARGO_STEPS=0 ;;
    --no-msrv) MSRV=0 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown option: $a" >&2; exit 2 ;;
  esac
done

export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
[ -d "$HOME/.cargo/bin" ] && PATH=$HOME/.cargo/bin:$PATH
locked=(); [ "${CI:-}" = true ] && [ -f Cargo.lock ] && locked=(--locked)

T0=$(now) SUMMARY=() FAILED=0
step() { # step NAME CMD... -- run, time, record
  local name=$1; shift
  local t rc
  t=$(now)
  printf '\n===== %s: %s\n' "$name" "$*"
  "$@"; rc=$?
  local s; s=$(secs_since "$t")
  if [ $rc = 0 ]; then SUMMARY+=("ok     ${s}s  $name"); else SUMMARY+=("FAILED ${s}s  $name (exit $rc)"); FAILED=1; fi
  printf '===== %s: %s (%ss)\n' "$name" "$([ $rc = 0 ] && echo ok || echo "FAILED, exit $rc")" "$s"
  if [ $rc != 0 ] && [ $FAIL_FAST = 1 ]; then finish; fi
  return 0
}
finish() {
  printf '\n===== summary (total %ss)\n' "$(secs_since "$T0")"
  printf '  %s\n' "${SUMMARY[@]}"
  exit $FAILED
}
need_component() { # need_component CARGO-SUBCOMMAND RUSTUP-COMPONENT
  cargo "$1" --version >/dev/null 2>&1 && return 0
  command -v rustup >/dev/null 2>&1 && rustup component add "$2"
}
command -v cargo >/dev/null 2>&1 || { echo "cargo not found: install Rust (rustup, >= $(grep -oP 'rust-version = "\K[^"]+' Cargo.toml))" >&2; exit 1; }

if [ $CARGO_STEPS = 1 ]; then
  need_component fmt rustfmt >/dev/null 2>&1
  need_component clippy clippy >/dev/null 2>&1
  step "cargo fmt" cargo fmt --all -- --check
  step "cargo clippy" cargo clippy "${locked[@]}" --all-targets -- -D warnings
  step "cargo test" cargo test "${locked[@]}"
  step "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc "${locked[@]}" --workspace --no-deps
fi
if [ $CARGO_STEPS = 1 ] && [ $MSRV = 1 ]; then
  if [ "$(id -u)" = 0 ]; then
    step "rust-version $(grep -oP '^rust-version = "\K[^"]+' Cargo.toml) (scripts/toolchain.sh msrv)" "$REPO/scripts/toolchain.sh" msrv
  else
    echo "rust-version check skipped: it needs root (a chroot with Debian's rustc)" >&2
    SUMMARY+=("skip          rust-version (not root)")
  fi
fi
PY=$(command -v python3.11 || command -v python3 || true)
if [ -n "$PY" ]; then
  step "e2e harness unit tests" "$PY" -B -m unittest discover -s "$REPO/e2e" -p 'test_*.py'
fi
if [ $E2E = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "the e2e steps need root (daemons, chroots); use --no-e2e" >&2; SUMMARY+=("FAILED e2e: not root"); FAILED=1; finish; }
  step "provisioning (e2e/env/setup.sh)" "$REPO/e2e/env/setup.sh"
  step "frontend image, linux/amd64 + linux/arm64 (scripts/build-image.sh --platforms)" \
    "$REPO/scripts/build-image.sh" --platforms linux/amd64,linux/arm64
  step "arm64 = amd64 under qemu (scripts/compare-arches.sh)" "$REPO/scripts/compare-arches.sh"
  step "e2e (e2e/run.sh: ${E2E_DAEMONS:-trixie bookworm})" "$REPO/e2e/run.sh"
fi
finish
