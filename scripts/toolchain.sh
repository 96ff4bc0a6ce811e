#!/usr/bin/env bash
# scripts/toolchain.sh -- Debian's packaged Rust in a chroot: the toolchain that builds the
# published binaries (linux/amd64 and linux/arm64, static) and checks `rust-version`, offline
# (it needs only the Debian mirror and crates.io; no rustup, no downloaded toolchain).
#
#   scripts/toolchain.sh setup                  create/refresh the chroot (idempotent, a few seconds when done)
#   scripts/toolchain.sh build PLATFORM...      static release binaries -> target/dist/linux-<arch>/rustfront
#                                               (PLATFORM: linux/amd64, linux/arm64)
#   scripts/toolchain.sh msrv                   build every crate and target of the workspace with the
#                                               chroot's rustc and check it IS the manifests' rust-version
#   scripts/toolchain.sh qemu ARGS...           run an arm64 program under qemu-aarch64 (paths relative to the repo)
#   scripts/toolchain.sh shell|run CMD...       a shell / a command in the chroot (repo at /src, read-only)
#
# The chroot is Debian trixie (debootstrap --variant=minbase) at $BK_ROOT/rust-trixie-root
# (default /var/lib/buildkit-env/rust-trixie-root, beside the BuildKit chroot, never in the repo) with
# rustc + cargo 1.85 (trixie's), libstd-rust-dev:arm64 (the arm64 standard library, multiarch),
# gcc-aarch64-linux-gnu + libc6-dev-arm64-cross (linker, static glibc) and qemu-user-static.
# Cargo's home (crates) and target directory live in the chroot, so rebuilds are incremental and
# a fresh clone (CI) reuses the compiled dependencies. Runs as root; private mount namespaces only.
# Environment: BK_ROOT, BK_MIRROR (default http://deb.debian.org/debian), RUST_SUITE (default trixie).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SUITE=${RUST_SUITE:-trixie}
R=$BK/rust-$SUITE-root
MIRROR=${BK_MIRROR:-http://deb.debian.org/debian}
PKGS="rustc cargo libstd-rust-dev:arm64 gcc libc6-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static ca-certificates file"
CLEAN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
READY=$R/.rustfront-toolchain-ready

die() { say "ERROR: $*"; exit 1; }

# in_chroot [--net] [--rw] CMD... -- CMD in the chroot, in a private mount namespace: /proc, /dev, the repo
# at /src (read-only unless --rw); with --net the host's resolv.conf and CA bundle (apt, crates.io)
in_chroot() {
  local net=0 rw=0
  while :; do case ${1:-} in --net) net=1; shift ;; --rw) rw=1; shift ;; *) break ;; esac; done
  unshare -m --propagation private sh -c '
    set -e; R=$1 REPO=$2 NET=$3 RW=$4 P=$5; shift 5
    mount -t proc proc "$R/proc"
    mount --rbind /dev "$R/dev"
    mkdir -p "$R/src"
    mount --bind "$REPO" "$R/src"
    [ "$RW" = 1 ] || mount -o remount,bind,ro "$R/src"
    if [ "$NET" = 1 ]; then
      mount --bind /etc/resolv.conf "$R/etc/resolv.conf"
      # the host'"'"'s trust store (it may hold a proxy'"'"'s CA) for crates.io
      c=/etc/ssl/certs/ca-certificates.crt
      if [ -s "$c" ] && [ -e "$R$c" ]; then mount --bind "$c" "$R$c"; fi
    fi
    exec chroot "$R" env -i PATH="$P" HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
      CARGO_HOME=/root/.cargo CARGO_TARGET_DIR=/build/target CARGO_TERM_COLOR=never \
      SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-}" "$@"
  ' sh "$R" "$REPO" "$net" "$rw" "$CLEAN_PATH" "$@"
}

setup() {
  [ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot)"
  mkdir -p "$BK/cache/debootstrap-rust-$SUITE" "$BK/logs"
  exec 8>"$BK/.rust-toolchain.lock"
  flock -w 1800 8 || die "another toolchain.sh holds $BK/.rust-toolchain.lock"
  if [ -e "$READY" ]; then
    # a recorded package set that differs from $PKGS means: install the difference
    [ "$(cat "$READY")" = "$PKGS" ] && return 0
  elif [ -d "$R" ] && [ ! -e "$R/.debootstrap-done" ]; then
    grep -qs " $R[/ ]" /proc/mounts && die "something is mounted under $R"
    say "removing incomplete $R"
    rm -rf --one-file-system "$R"
  fi
  local t; t=$(now)
  if [ ! -e "$R/.debootstrap-done" ]; then
    say "debootstrap --variant=minbase $SUITE -> $R (log: $BK/logs/debootstrap-rust.log)"
    debootstrap --variant=minbase --cache-dir="$BK/cache/debootstrap-rust-$SUITE" "$SUITE" "$R" "$MIRROR" \
      >"$BK/logs/debootstrap-rust.log" 2>&1 || die "debootstrap failed, see $BK/logs/debootstrap-rust.log"
    printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"; chmod +x "$R/usr/sbin/policy-rc.d"
    touch "$R/.debootstrap-done"
  fi
  say "apt-get install in $R: $PKGS (log: $BK/logs/apt-rust.log)"
  # shellcheck disable=SC2086
  in_chroot --net sh -c 'dpkg --add-architecture arm64 && apt-get update -q && apt-get install -y -q --no-install-recommends "$@" && apt-get clean' \
    sh $PKGS >"$BK/logs/apt-rust.log" 2>&1 || die "apt-get in $R failed, see $BK/logs/apt-rust.log"
  mkdir -p "$R/build/target" "$R/root/.cargo"
  printf '%s' "$PKGS" > "$READY"
  say "toolchain chroot ready in $(secs_since "$t")s: $(in_chroot rustc -V), $(in_chroot cargo -V)"
}

# crates for Cargo.lock, into the chroot's CARGO_HOME: offline if everything is there, else from crates.io
fetch() {
  in_chroot sh -c 'cd /src && cargo fetch --locked --offline' >/dev/null 2>&1 && return 0
  say "cargo fetch (crates.io) into $R/root/.cargo"
  in_chroot --net sh -c 'cd /src && cargo fetch --locked' || die "cargo fetch failed"
}

rust_target() {
  case $1 in
    linux/amd64) echo x86_64-unknown-linux-gnu ;;
    linux/arm64|linux/arm64/v8) echo aarch64-unknown-linux-gnu ;;
    *) die "unsupported platform $1 (linux/amd64, linux/arm64)" ;;
  esac
}

build() {
  [ $# -gt 0 ] || die "build: name at least one platform"
  setup; fetch
  local p triple arch out t info
  for p in "$@"; do
    triple=$(rust_target "$p")
    arch=${p#linux/}; arch=${arch%%/*}
    out=$REPO/target/dist/linux-$arch/rustfront
    t=$(now)
    say "cargo build --release --target $triple (static, $(in_chroot rustc -V | cut -d' ' -f1-2) in $R)"
    in_chroot sh -c 'cd /src && exec env \
        CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C target-feature=+crt-static" \
        CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C target-feature=+crt-static" \
        CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
        cargo build --release --locked --offline --target "$1" --bin rustfront' sh "$triple" \
      || die "cargo build for $p failed"
    mkdir -p "$(dirname "$out")"
    cp "$R/build/target/$triple/release/rustfront" "$out.tmp" && mv "$out.tmp" "$out"
    info=$(file -b "$out")
    grep -qE 'statically linked|static-pie linked' <<<"$info" || die "$out is not static: $info"
    case $arch in amd64) grep -q 'x86-64' <<<"$info" ;; arm64) grep -q 'ARM aarch64' <<<"$info" ;; esac \
      || die "$out is not a $p binary: $info"
    say "$p: ${out#"$REPO"/} $(human_size "$(stat -c %s "$out")") sha256 $(sha256sum "$out" | cut -c1-16) in $(secs_since "$t")s"
  done
}

# rust-version must be what the toolchain is: the manifests agree, rustc's major.minor equals it, and
# every crate of the workspace (libs, bins, tests, benches, examples; all features) builds with it
msrv() {
  setup; fetch
  local want have m
  want=$(grep -hoP '^rust-version = "\K[^"]+' "$REPO/Cargo.toml")
  for m in "$REPO"/crates/*/Cargo.toml; do
    grep -q "^rust-version = \"$want\"" "$m" || die "${m#"$REPO"/}: rust-version is not \"$want\" as in Cargo.toml"
  done
  have=$(in_chroot rustc -V | awk '{print $2}')
  [ "$(cut -d. -f1-2 <<<"$have")" = "$(cut -d. -f1-2 <<<"$want")" ] \
    || die "the chroot's rustc is $have, rust-version says $want: pick a Debian suite (RUST_SUITE) whose rustc is $want"
  say "rust-version $want: cargo build --workspace --all-targets --all-features with rustc $have"
  in_chroot sh -c 'cd /src && cargo build --locked --offline --workspace --all-targets --all-features'
}

qemu() {
  setup
  in_chroot sh -c 'cd /src && exec qemu-aarch64-static "$@"' sh "$@"
}

cmd=${1:-}; [ $# -gt 0 ] && shift
case $cmd in
  setup) setup ;;
  build) build "$@" ;;
  msrv) msrv ;;
  qemu) qemu "$@" ;;
  run) setup; in_chroot "$@" ;;
  shell) setup; in_chroot bash ;;
  -h|--help|"") sed -n '2,21p' "$0"; [ -n "$cmd" ] ;;
  *) die "unknown command: $cmd (setup, build, msrv, qemu, run, shell)" ;;
esac
