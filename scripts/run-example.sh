#!/usr/bin/env bash
# scripts/run-example.sh -- the main job: provision if needed, build the frontend image, build an
# example THROUGH rustfront, print the image id/size and timings.
#
#   scripts/run-example.sh [EXAMPLE|all] [--daemon trixie|bookworm] [--frontend IMAGE|builtin]
#                          [--no-provision] [--no-image] [-- EXTRA BUILD ARGS...]
#
#   EXAMPLE: java (default), go, node-nginx, parallel, layer-cache (directories under examples/)
#   Every example starts with `# syntax=org/rustfront`; it is built through that line alone (no
#   build arg), with --network=none, after scripts/build-image.sh has tagged the image
#   org/rustfront:latest in the daemon. --frontend IMAGE overrides the line with
#   --build-arg BUILDKIT_SYNTAX=IMAGE; --frontend builtin builds it with the daemon's builtin
#   frontend (the line blanked in a copy of the Dockerfile). The result is tagged
#   rustfront-example/EXAMPLE:latest. On failure the frontend's stderr (which BuildKit sends to the
#   daemon log, never to the client) is printed too.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EXAMPLE=java DAEMON=trixie FRONTEND=header PROVISION=1 IMAGE=1 EXTRA=()
while [ $# -gt 0 ]; do
  case $1 in
    --daemon) DAEMON=$2; shift ;;
    --frontend) FRONTEND=$2; shift ;;
    --no-provision) PROVISION=0 ;;
    --no-image) IMAGE=0 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "unknown option: $1" >&2; exit 2 ;;
    *) EXAMPLE=$1 ;;
  esac
  shift
done
# examples/cargo-frontend and examples/noop-frontend are frontends built on the SDK crates, not Dockerfiles for rustfront.
if [ "$EXAMPLE" = all ]; then EXAMPLES=$(cd "$REPO/examples" && ls -d */ | tr -d / | grep -vx -e cargo-frontend -e noop-frontend); else EXAMPLES=$EXAMPLE; fi
for e in $EXAMPLES; do [ -f "$REPO/examples/$e/Dockerfile" ] || { say "no such example: $e ($(cd "$REPO/examples" && ls -d */ | tr -d / | tr '\n' ' '))"; exit 2; }; done
T0=$(now)
TIMES=()

if [ $PROVISION = 1 ]; then
  t=$(now); "$REPO/e2e/env/setup.sh" >/dev/null; TIMES+=("provisioning $(secs_since "$t")s")
fi
daemon_up "$DAEMON" || { say "daemon $DAEMON not reachable (run e2e/env/setup.sh)"; exit 1; }
if [ $IMAGE = 1 ] && { [ "$FRONTEND" = header ] || [ "$FRONTEND" = "$FRONTEND_TAG" ]; }; then
  t=$(now); "$REPO/scripts/build-image.sh" --daemon "$DAEMON" --no-push; TIMES+=("frontend image $(secs_since "$t")s")
fi
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

# the local image a frontend reference resolved to (its id), if the daemon has it
id_of_frontend() {
  [ -n "$1" ] || return 0
  local id; id=$(dk "$DAEMON" image inspect -f '{{.Id}}' "${1#docker.io/}" 2>/dev/null) || return 0
  printf ' = local image %s' "${id:0:19}"
}
rc=0
for e in $EXAMPLES; do
  tag=rustfront-example/$e:latest
  log=$(mktemp); mark=$(stat -c %s "$(daemon_log "$DAEMON")" 2>/dev/null || echo 0)
  header=$(head -1 "$REPO/examples/$e/Dockerfile")
  case $FRONTEND in
    header) how=(); say "building examples/$e on $DAEMON through its first line, '$header'" ;;
    builtin) sed '1s/^# *syntax *=.*/#/' "$REPO/examples/$e/Dockerfile" > "$WORK/Dockerfile"
             how=(-f "$WORK/Dockerfile"); say "building examples/$e on $DAEMON with the builtin frontend ('$header' blanked)" ;;
    *) how=(--build-arg "BUILDKIT_SYNTAX=$FRONTEND"); say "building examples/$e on $DAEMON with frontend $FRONTEND (overrides '$header')" ;;
  esac
  t=$(now)
  if dk_build "$DAEMON" --progress=plain --network=none "${how[@]}" -t "$tag" "${EXTRA[@]}" "$REPO/examples/$e" >"$log" 2>&1; then
    s=$(secs_since "$t")
    # the frontend BuildKit ran: the image it resolved first (nothing for the builtin one)
    fe=$(grep -m1 -oE '^#[0-9]+ resolve image config for (docker-image://)?[^ ]+' "$log" | sed -E 's/.* for (docker-image:\/\/)?//' || true)
    if [ "$FRONTEND" = header ] && [[ "$fe" != *"${header#*=}"* ]]; then
      tail -30 "$log" >&2; say "examples/$e: the build did not run ${header#*=} (frontend: ${fe:-builtin})"; rc=1; rm -f "$log"; continue
    fi
    say "frontend: ${fe:-builtin}$(id_of_frontend "$fe")"
    grep -E '^#[0-9]+ (\[|CACHED|DONE [0-9.]+s$)' "$log" | grep -v '\[internal\]' | sed 's/^/    /' | tail -40
    id=$(dk "$DAEMON" image inspect -f '{{.Id}}' "$tag"); size=$(dk "$DAEMON" image inspect -f '{{.Size}}' "$tag")
    say "examples/$e -> $tag  id ${id:0:19}  size $(human_size "$size")  build ${s}s"
    TIMES+=("build $e ${s}s")
  else
    s=$(secs_since "$t")
    tail -30 "$log" >&2
    fe=$(tail -c +"$((mark + 1))" "$(daemon_log "$DAEMON")" 2>/dev/null | grep -vE '^(time="|[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} )' | tail -20 || true)
    [ -z "$fe" ] || { echo "--- frontend stderr (daemon log) ---" >&2; echo "$fe" >&2; }
    say "examples/$e FAILED after ${s}s"
    TIMES+=("build $e FAILED ${s}s"); rc=1
  fi
  rm -f "$log"
done
say "timings: ${TIMES[*]}; total $(secs_since "$T0")s"
exit $rc
