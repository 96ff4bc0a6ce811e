#!/usr/bin/env bash
# scripts/run-example.sh -- the main job: provision if needed, build the frontend image, build an
# example THROUGH rustfront, print the image id/size and timings.
#
#   scripts/run-example.sh [EXAMPLE|all] [--daemon trixie|bookworm] [--frontend IMAGE|builtin]
#                          [--no-provision] [--no-image] [-- EXTRA BUILD ARGS...]
#
#   EXAMPLE: java (default), go, node-nginx, parallel, layer-cache (directories under examples/)
#   The example is built with --network=none and --build-arg BUILDKIT_SYNTAX=rustfront:dev; the
#   result is tagged rustfront-example/EXAMPLE:latest. On failure the frontend's stderr (which
#   BuildKit sends to the daemon log, never to the client) is printed too.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EXAMPLE=java DAEMON=trixie FRONTEND=$FRONTEND_TAG PROVISION=1 IMAGE=1 EXTRA=()
while [ $# -gt 0 ]; do
  case $1 in
    --daemon) DAEMON=$2; shift ;;
    --frontend) FRONTEND=$2; shift ;;
    --no-provision) PROVISION=0 ;;
    --no-image) IMAGE=0 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "unknown option: $1" >&2; exit 2 ;;
    *) EXAMPLE=$1 ;;
  esac
  shift
done
if [ "$EXAMPLE" = all ]; then EXAMPLES=$(cd "$REPO/examples" && ls -d */ | tr -d /); else EXAMPLES=$EXAMPLE; fi
for e in $EXAMPLES; do [ -f "$REPO/examples/$e/Dockerfile" ] || { say "no such example: $e ($(cd "$REPO/examples" && ls -d */ | tr -d / | tr '\n' ' '))"; exit 2; }; done
T0=$(now)
TIMES=()

if [ $PROVISION = 1 ]; then
  t=$(now); "$REPO/e2e/env/setup.sh" >/dev/null; TIMES+=("provisioning $(secs_since "$t")s")
fi
daemon_up "$DAEMON" || { say "daemon $DAEMON not reachable (run e2e/env/setup.sh)"; exit 1; }
if [ $IMAGE = 1 ] && [ "$FRONTEND" = "$FRONTEND_TAG" ]; then
  t=$(now); "$REPO/scripts/build-image.sh" --daemon "$DAEMON" --no-push; TIMES+=("frontend image $(secs_since "$t")s")
fi
syntax=(); [ "$FRONTEND" = builtin ] || syntax=(--build-arg "BUILDKIT_SYNTAX=$FRONTEND")

rc=0
for e in $EXAMPLES; do
  tag=rustfront-example/$e:latest
  log=$(mktemp); mark=$(stat -c %s "$(daemon_log "$DAEMON")" 2>/dev/null || echo 0)
  say "building examples/$e on $DAEMON with frontend $FRONTEND"
  t=$(now)
  if dk_build "$DAEMON" --progress=plain --network=none "${syntax[@]}" -t "$tag" "${EXTRA[@]}" "$REPO/examples/$e" >"$log" 2>&1; then
    s=$(secs_since "$t")
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
