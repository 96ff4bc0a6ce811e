#!/usr/bin/env bash
# e2e/run.sh -- end-to-end suite: builtin Dockerfile frontend vs the frontend under test, on real
# BuildKit (Docker 26 / BuildKit 0.13 "trixie" and Docker 20.10 / BuildKit 0.8 "bookworm").
#
#   e2e/run.sh [--frontend IMAGE|builtin] [--frontend-a IMAGE|builtin] [--daemon trixie|bookworm]...
#              [--only TEXT]... [--keep] [-v]
#
# Environment (alternatives to the options):
#   FRONTEND=builtin|rustfront   builtin = compare builtin vs builtin (validates cases + harness);
#                                rustfront (default) = side B uses FRONTEND_IMAGE
#   FRONTEND_IMAGE=rustfront:dev the frontend image (local tag or localhost:5000/...), passed as
#                                --build-arg BUILDKIT_SYNTAX=<image>
#   FRONTEND_A_IMAGE=builtin     side A, the oracle: builtin (default) or a frontend image, e.g. a local
#                                build of docker/dockerfile 1.20 (then no frontend-version normalisation)
#   E2E_DAEMONS="trixie bookworm"
#   E2E_PARALLEL_MAX=5.5         wall-time limit (s) for the two parallel `sleep 3` stages
#
# Every case is built with --network=none and --no-cache on both sides; the images are compared by
# config, history and their full file tree (e2e/harness.py). Cases may expect a side to fail (with a
# given text); the builtin frontend's known frontend-version differences are listed in NORMALISATIONS
# (harness.py). One PASS/FAIL line per check, then exactly `N passed, M failed`; the exit status is
# non-zero on any failure.
# Needs: e2e/env/setup.sh (daemons, base + toolchain images) and, unless FRONTEND=builtin,
# scripts/build-image.sh (the frontend image).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

args=()
case ${FRONTEND:-rustfront} in
  builtin) args+=(--frontend builtin) ;;
  rustfront) args+=(--frontend "${FRONTEND_IMAGE:-$FRONTEND_TAG}") ;;
  *) args+=(--frontend "$FRONTEND") ;;   # any other image reference
esac
if [ -n "${E2E_DAEMONS:-}" ]; then for d in $E2E_DAEMONS; do args+=(--daemon "$d"); done; fi

missing=""
for d in ${E2E_DAEMONS:-$ALL_DAEMONS}; do daemon_up "$d" || missing="$missing $d"; done
if [ -n "$missing" ]; then
  echo "daemon(s) not reachable:$missing -- run e2e/env/setup.sh first" >&2
fi
PY=$(command -v python3.11 || command -v python3)
exec "$PY" -B "$REPO/e2e/harness.py" "${args[@]}" "$@"
