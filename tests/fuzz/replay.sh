#!/usr/bin/env bash
# Replays every committed fuzzing regression case (tests/fuzz/regressions/)
# through the normal binary, in every output format: each run must exit 0, 1
# or 2 by itself (no signal, no hang), with at most one line on stderr.
# Usage: tests/fuzz/replay.sh SHAPELINT_BINARY
set -uo pipefail
binary=$1
dir="$(cd "$(dirname "$0")" && pwd)/regressions"
formats=(text json)
for f in sarif github; do
  "$binary" check --help 2>/dev/null | grep -q "$f" && formats+=("$f")
done
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cases=0
failed=0
for file in "$dir"/*; do
  [ -f "$file" ] || continue
  [ "$(basename "$file")" = README.md ] && continue
  cases=$((cases + 1))
  for format in "${formats[@]}"; do
    timeout -s KILL 60 "$binary" check --format "$format" --color never "$file" >"$scratch/out" 2>"$scratch/err" </dev/null
    status=$?
    lines=$(wc -l <"$scratch/err")
    if [ "$status" -gt 2 ] || [ "$lines" -gt 1 ]; then
      echo "FAIL $(basename "$file") --format $format: exit $status, $lines stderr lines"
      head -c 2000 "$scratch/err"
      failed=$((failed + 1))
    fi
  done
done
echo "replayed $cases regression cases in ${#formats[@]} formats (${formats[*]})"
echo "$((cases * ${#formats[@]} - failed)) passed, $failed failed"
[ "$cases" -gt 0 ] || { echo "no regression cases in $dir"; exit 1; }
[ "$failed" -eq 0 ]
