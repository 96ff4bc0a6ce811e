#!/usr/bin/env bash
# Compare `rustfront debug llb` of two binaries on the corpus (tests/data/real-world/*.Dockerfile,
# examples/*/Dockerfile and the conformance probes): stdout, stderr and exit status must be
# byte-identical. Usage: scripts/compare-debug-llb.sh OLD_BINARY NEW_BINARY [FILE...]
set -u
old=$1 new=$2
shift 2
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
    set -- tests/data/real-world/*.Dockerfile examples/*/Dockerfile tests/data/dockerfile2llb/probes/*.Dockerfile
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
same=0 differ=0
for file in "$@"; do
    "$old" debug llb "$file" >"$tmp/old.out" 2>"$tmp/old.err"; echo $? >>"$tmp/old.out"
    "$new" debug llb "$file" >"$tmp/new.out" 2>"$tmp/new.err"; echo $? >>"$tmp/new.out"
    if cmp -s "$tmp/old.out" "$tmp/new.out" && cmp -s "$tmp/old.err" "$tmp/new.err"; then
        same=$((same + 1))
    else
        differ=$((differ + 1))
        echo "DIFFERS: $file"
    fi
done
echo "identical: $same, different: $differ"
[ "$differ" -eq 0 ]
