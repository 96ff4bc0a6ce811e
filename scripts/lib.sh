# scripts/lib.sh -- shared helpers for scripts/*.sh and e2e/run.sh (source it; bash only).
# shellcheck shell=bash
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BK=${BK_ROOT:-/var/lib/buildkit-env}
FRONTEND_TAG=${FRONTEND_TAG:-rustfront:dev}
REGISTRY=${E2E_REGISTRY:-localhost:5000}
# the name users pull and write in `# syntax=org/rustfront` (tags: latest, VERSION, MAJOR.MINOR)
IMAGE_NAME=${IMAGE_NAME:-org/rustfront}
PUBLISH_REPO=${PUBLISH_REPO:-$REGISTRY/$IMAGE_NAME}
CRATE_VERSION=$(grep -m1 -oP '^version = "\K[^"]+' "$REPO/Cargo.toml")
RUST_TARGET=x86_64-unknown-linux-gnu
BIN_REL=target/$RUST_TARGET/release/rustfront
ALL_DAEMONS="trixie bookworm"

# dk DAEMON ARGS...  -- the right docker CLI + environment for a daemon
#   trixie   : Docker 26.1 CLI (+ buildx 0.13 plugin via DOCKER_CONFIG), BuildKit 0.13
#   bookworm : Docker 20.10 CLI, classic `docker build` with DOCKER_BUILDKIT=1, BuildKit 0.8
dk() {
  local d=$1; shift
  case $d in
    trixie) env -u DOCKER_BUILDKIT DOCKER_HOST="unix://$BK/trixie-root/run/docker.sock" DOCKER_CONFIG="$BK/docker-config" \
              "$BK/trixie-root/usr/bin/docker" "$@" ;;
    bookworm) env -u DOCKER_CONFIG DOCKER_HOST=unix:///var/run/docker.sock DOCKER_BUILDKIT=1 /usr/bin/docker "$@" ;;
    *) echo "unknown daemon: $d (expected trixie or bookworm)" >&2; return 2 ;;
  esac
}
# dk_build DAEMON ARGS...  -- `docker buildx build` on trixie, `docker build` on bookworm
dk_build() {
  local d=$1; shift
  case $d in
    trixie) dk trixie buildx build "$@" ;;
    *) dk "$d" build "$@" ;;
  esac
}
daemon_up() { dk "$1" version -f '{{.Server.Version}}' >/dev/null 2>&1; }
daemon_log() {
  case $1 in
    trixie) echo "$BK/logs/trixie-dockerd.log" ;;
    *) (. "$BK/env-bookworm.sh" 2>/dev/null && echo "${BUILDKIT_ENV_DAEMON_LOG:-$BK/logs/bookworm-dockerd.log}") ;;
  esac
}

now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
human_size() { awk -v b="$1" 'BEGIN { split("B KB MB GB", u); i = 1; while (b >= 1000 && i < 4) { b /= 1000; i++ } printf "%.1f%s", b, u[i] }'; }
