#!/usr/bin/env bash
# e2e/env/toolchains.sh -- toolchain base images for the rustfront examples, made OFFLINE-ready from
# Debian bookworm packages (no Docker Hub): one cached debootstrap minbase tarball, then per image a
# copy of it + `chroot apt-get install`, packed as a tarball and `docker import`ed into each daemon.
#
#   rustfront-e2e/jre:17      openjdk-17-jre-headless
#   rustfront-e2e/jdk:17      openjdk-17-jdk-headless   (built on top of the jre rootfs)
#   rustfront-e2e/golang:1.19 golang-go
#   rustfront-e2e/node:18     nodejs                    (no npm: it pulls ~300 node-* packages)
#   rustfront-e2e/nginx:1.22  nginx-light
#
# Usage: toolchains.sh [--only jre,jdk,...] [--rebuild] [--no-import] [--daemons "trixie bookworm"]
#   Normally called by setup.sh (which holds $BK/.setup.lock and has made the minbase tarball).
#
# Caching (all under $BK = /var/lib/buildkit-env):
#   images/toolchains/<name>.tar (+ .recipe)   rootfs tarball; rebuilt only when the recipe changes
#   cache/apt-bookworm, cache/apt-lists-bookworm  .deb archive + apt lists, shared by all images
#   in each daemon the image carries LABEL org.rustfront.e2e.recipe=<hash>; re-import only on change
# A re-run with everything cached takes a few seconds.
set -euo pipefail

BK=${BK_ROOT:-/var/lib/buildkit-env}
MINBASE=$BK/images/debian-bookworm-rootfs.tar
OUT=$BK/images/toolchains
ARCHIVES=$BK/cache/apt-bookworm
LISTS=$BK/cache/apt-lists-bookworm
LOGS=$BK/logs
RECIPE_VERSION=3
CLEAN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL_KEY=org.rustfront.e2e.recipe
ALL="jre jdk golang node nginx"

ONLY=$ALL REBUILD=0 IMPORT=1 DAEMONS="trixie bookworm"
while [ $# -gt 0 ]; do
  case $1 in
    --only) ONLY=${2//,/ }; shift ;;
    --rebuild) REBUILD=1 ;;
    --no-import) IMPORT=0 ;;
    --daemons) DAEMONS=$2; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

T0=$(date +%s)
log() { printf '[toolchains +%ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
[ -s "$MINBASE" ] || die "missing $MINBASE (run e2e/env/setup.sh, which makes it)"
mkdir -p "$OUT" "$ARCHIVES/partial" "$LISTS/partial" "$LOGS"

# ---------------------------------------------------------------- recipes
# recipe NAME -> sets REF PARENT PKGS CHANGES[] POST
recipe() {
  PARENT=minbase POST="" CHANGES=()
  local java_home=/usr/lib/jvm/java-17-openjdk-amd64
  case $1 in
    jre)
      REF=rustfront-e2e/jre:17 PKGS=openjdk-17-jre-headless
      CHANGES=("ENV JAVA_HOME=$java_home" "ENV PATH=$java_home/bin:$CLEAN_PATH" 'CMD ["java","-version"]') ;;
    jdk)
      REF=rustfront-e2e/jdk:17 PARENT=jre PKGS=openjdk-17-jdk-headless
      CHANGES=("ENV JAVA_HOME=$java_home" "ENV PATH=$java_home/bin:$CLEAN_PATH" 'CMD ["jshell"]') ;;
    golang)
      REF=rustfront-e2e/golang:1.19 PKGS=golang-go
      CHANGES=('ENV GOPATH=/go' "ENV PATH=/go/bin:/usr/lib/go/bin:$CLEAN_PATH" 'WORKDIR /go' 'CMD ["go","version"]')
      POST='mkdir -p /go/src /go/bin && chmod -R 1777 /go' ;;
    node)
      REF=rustfront-e2e/node:18 PKGS=nodejs
      CHANGES=("ENV PATH=$CLEAN_PATH" 'CMD ["node"]') ;;
    nginx)
      REF=rustfront-e2e/nginx:1.22 PKGS=nginx-light
      CHANGES=("ENV PATH=$CLEAN_PATH" 'EXPOSE 80' 'CMD ["nginx","-g","daemon off;"]')
      POST='ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log' ;;
    *) die "unknown toolchain $1" ;;
  esac
}

recipe_hash() { # recipe_hash NAME -> sha256 over everything that determines the image
  local name=$1 parent_hash=""
  recipe "$name"
  if [ "$PARENT" = minbase ]; then parent_hash=$(stat -c '%s %Y' "$MINBASE")
  else parent_hash=$(recipe_hash "$PARENT"); recipe "$name"; fi
  { echo "v$RECIPE_VERSION $name $REF $PARENT $parent_hash"; echo "$PKGS"; printf '%s\n' "${CHANGES[@]}"; echo "$POST"
    declare -f chroot_script; } | sha256sum | cut -c1-16
}

# the script run inside the chroot (as sh -e); $1 = packages, $2 = post-install command
chroot_script() {
  cat <<'EOF'
set -e
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
# keep docs/man/locales out of the image (like Debian's slim images)
cat > /etc/dpkg/dpkg.cfg.d/rustfront-e2e-slim <<'X'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
X
mkdir -p /usr/share/man/man1   # openjdk's update-alternatives wants it
export DEBIAN_FRONTEND=noninteractive
if [ ! -e /var/lib/apt/lists/.rustfront-e2e-updated ]; then apt-get update -q && touch /var/lib/apt/lists/.rustfront-e2e-updated; fi
apt-get install -y -q --no-install-recommends $1 || { apt-get update -q && apt-get install -y -q --no-install-recommends $1; }
[ -z "$2" ] || sh -ec "$2"
rm -f /usr/sbin/policy-rc.d
rm -rf /usr/share/man/* /var/log/apt/* /var/log/dpkg.log /var/log/alternatives.log /var/cache/debconf/*-old \
  /var/cache/apt/*.bin /var/lib/dpkg/*-old /tmp/* /root/.cache
EOF
}

build_rootfs() { # build_rootfs NAME HASH
  local name=$1 hash=$2 parent_tar w
  recipe "$name"
  if [ "$PARENT" = minbase ]; then parent_tar=$MINBASE; else parent_tar=$OUT/$PARENT.tar; fi
  w=$OUT/work-$name
  rm -rf --one-file-system "$w"; mkdir -p "$w"
  tar --numeric-owner -xpf "$parent_tar" -C "$w"
  log "$name: apt-get install $PKGS (log: $LOGS/toolchain-$name.log)"
  # private mount namespace: every mount disappears with the process
  unshare -m --propagation private sh -ec '
    R=$1; mount -t proc proc "$R/proc"; mount --rbind /dev "$R/dev"
    mount --bind /etc/resolv.conf "$R/etc/resolv.conf"
    mount --bind "$2" "$R/var/cache/apt/archives"; mount --bind "$3" "$R/var/lib/apt/lists"
    exec chroot "$R" env -i PATH="$4" HOME=/root LANG=C.UTF-8 sh -ec "$5" sh "$6" "$7"
  ' sh "$w" "$ARCHIVES" "$LISTS" "$CLEAN_PATH" "$(chroot_script)" "$PKGS" "$POST" >"$LOGS/toolchain-$name.log" 2>&1 \
    || die "$name: chroot apt-get failed, see $LOGS/toolchain-$name.log"
  chroot "$w" dpkg-query -W $PKGS >> "$LOGS/toolchain-$name.log" 2>&1 || true
  tar --numeric-owner --sort=name -C "$w" -cf "$OUT/$name.tar.tmp" .
  mv "$OUT/$name.tar.tmp" "$OUT/$name.tar"
  echo "$hash" > "$OUT/$name.recipe"
  rm -rf --one-file-system "$w"
  log "$name: rootfs $(du -h "$OUT/$name.tar" | cut -f1)"
}

cli_for() { # cli_for DAEMON -> sets CLI and exports DOCKER_HOST
  case $1 in
    trixie) CLI=$BK/trixie-root/usr/bin/docker; export DOCKER_HOST=unix://$BK/trixie-root/run/docker.sock ;;
    trixie-netns) CLI=$BK/trixie-root/usr/bin/docker; export DOCKER_HOST=unix://$BK/trixie-root/run/docker-netns.sock ;;
    bookworm) CLI=/usr/bin/docker; export DOCKER_HOST=unix:///var/run/docker.sock ;;
    *) die "unknown daemon $1" ;;
  esac
  export DOCKER_CONFIG=$BK/docker-config
}

import_image() { # import_image NAME HASH DAEMON
  local name=$1 hash=$2 daemon=$3 have args=()
  recipe "$name"
  cli_for "$daemon"
  have=$("$CLI" image inspect -f "{{index .Config.Labels \"$LABEL_KEY\"}}" "$REF" 2>/dev/null || true)
  [ "$REBUILD" = 0 ] && [ "$have" = "$hash" ] && return 0
  for c in "${CHANGES[@]}"; do args+=(-c "$c"); done
  args+=(-c "LABEL $LABEL_KEY=$hash")
  "$CLI" import "${args[@]}" "$OUT/$name.tar" "$REF" >/dev/null || die "docker import $REF into $daemon failed"
  log "$name: imported $REF into $daemon ($("$CLI" image inspect -f '{{.Size}}' "$REF" | awk '{printf "%.0fMB", $1/1e6}'))"
}

# ---------------------------------------------------------------- main
want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }
# a wanted jdk needs the jre rootfs (its parent) even when jre itself is not wanted
BUILD_LIST=""
for name in $ALL; do   # $ALL is in dependency order (jre before jdk)
  if want "$name" || { [ "$name" = jre ] && want jdk; }; then BUILD_LIST="$BUILD_LIST $name"; fi
done
declare -A HASH
for name in $BUILD_LIST; do HASH[$name]=$(recipe_hash "$name"); done
ready() { [ -s "$OUT/$1.tar" ] && [ "$(cat "$OUT/$1.recipe" 2>/dev/null)" = "${HASH[$1]}" ]; }

# one import worker per daemon runs concurrently with the rootfs builds: each image is imported
# as soon as its tarball is ready (containerd's import is CPU-bound on gzip, apt is network-bound)
WPIDS=""
trap '[ -z "$WPIDS" ] || kill $WPIDS 2>/dev/null || true' EXIT
import_worker() { # import_worker DAEMON
  local name
  for name in $BUILD_LIST; do
    want "$name" || continue
    until ready "$name"; do sleep 0.5; done
    import_image "$name" "${HASH[$name]}" "$1"
  done
}
if [ "$IMPORT" = 1 ]; then
  [ "$REBUILD" = 1 ] && for name in $BUILD_LIST; do rm -f "$OUT/$name.recipe"; done
  for d in $DAEMONS; do import_worker "$d" & WPIDS="$WPIDS $!"; done
fi
for name in $BUILD_LIST; do
  if [ "$REBUILD" = 1 ] || ! ready "$name"; then
    t=$(date +%s); build_rootfs "$name" "${HASH[$name]}"; log "$name: built in $(( $(date +%s) - t ))s"
  fi
done
rc=0
for p in $WPIDS; do wait "$p" || rc=1; done
WPIDS=""
[ "$rc" = 0 ] || die "docker import failed"
log "toolchain images ready ($(( $(date +%s) - T0 ))s)"
